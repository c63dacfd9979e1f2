"""Issue 19, point 3: citations one can check. Every citation links to the passage view of its
document (title, kind, language, date, the cited lines marked); CORDIS projects link to their
CORDIS page, ROR records to ROR; identity facts are cited too. Over the real build."""

from __future__ import annotations

import pytest

from citykg.document_passage import document_passage
from citykg.errors import InvalidParameterError, NotFoundError
from citykg.partner_search import partner_search

BROWSER = {"Accept": "text/html"}
KEY = "000_2d257a1268e77571"


def test_the_passage_marks_the_cited_lines_of_the_file_as_the_build_read_it(built_store, built_settings, sources_dir):
    passage = document_passage(built_store, built_settings, KEY, "9-10")
    assert passage.title and passage.kind == "press-release" and passage.problem is None
    text = (sources_dir / f"{KEY}.txt").read_text(encoding="utf-8").splitlines()
    assert [(l.number, l.text) for l in passage.lines if l.cited] == [(9, text[8]), (10, text[9])]
    assert passage.lines[0].number == 4 and passage.lines[-1].number == 15  # five lines around them


def test_bad_lines_and_unknown_documents_are_refused(built_store, built_settings):
    with pytest.raises(InvalidParameterError, match="lines"):
        document_passage(built_store, built_settings, KEY, "ten")
    with pytest.raises(InvalidParameterError, match="has 31 lines"):
        document_passage(built_store, built_settings, KEY, "99")
    with pytest.raises(NotFoundError):
        document_passage(built_store, built_settings, "999_nothing", None)


def test_a_file_changed_since_the_build_is_said_to_be(built_store, built_settings, sources_dir, tmp_path):
    """The lines shown must be the lines cited: a different file with the same name is flagged."""
    from dataclasses import replace

    moved = tmp_path / "sources"
    moved.mkdir()
    (moved / f"{KEY}.txt").write_text("A line I wrote.\n" * 40, encoding="utf-8")
    passage = document_passage(built_store, replace(built_settings, sources=moved), KEY, "9")
    assert "changed since the graph was built" in passage.problem


def test_every_citation_on_the_partner_page_opens_its_passage(client):
    page = client.get("/partners", params={"near": "UTCN"}, headers=BROWSER)
    assert f'href="/documents/{KEY}?lines=' in page.text or 'href="/documents/001_4743cbcc972cd821?lines=' in page.text
    assert "<cite>" in page.text  # the document's title beside its lines
    data = client.get("/partners", params={"near": "UTCN"}).json()
    source = next(s for r in data["results"] for reason in r["reasons"] for step in reason["steps"] for s in step["sources"])
    assert source["title"] and source["passage"].startswith("/documents/")
    shown = client.get(source["passage"].split("#")[0], headers=BROWSER)
    assert shown.status_code == 200 and '<li id="L' in shown.text and 'class="cited"' in shown.text


def test_the_passage_as_json(client):
    data = client.get(f"/documents/{KEY}", params={"lines": "9"}).json()
    assert data["cited"] == [9, 9] and [l["number"] for l in data["lines"] if l["cited"]] == [9]


def test_entity_page_cites_identity_facts_and_links_each_citation(client):
    """Identity facts had no source: now each says its lines, or that the knowledge base states it."""
    page = client.get("/entities/project/capacities", headers=BROWSER).text
    identity = page.split('<dl class="identity">')[1].split("</dl>")[0]
    cordis = identity.split("CORDIS</dt>")[1].split("</dd>")[0]
    assert 'href="/documents/004_3898277bb4aeef29?lines=' in cordis, "the grant agreement number is cited"
    utcn = client.get("/entities/org/utcn", headers=BROWSER).text
    city = utcn.split("oraș / city</dt>")[1].split("</dd>")[0]
    assert 'class="kb">knowledge base' in city
    facts = page.split("Fapte / Facts")[1]
    assert 'class="cite" href="/documents/' in facts


def test_a_horizon_project_of_the_documents_links_to_cordis_too(client):
    page = client.get("/entities/project/capacities", headers=BROWSER).text
    assert 'href="https://cordis.europa.eu/project/id/101056927"' in page


def test_partner_export_citations_carry_the_title(built_store):
    from citykg.partner_table import partner_rows

    rows = partner_rows(partner_search(built_store, project="CO4CITIES"))
    assert any("003_6bd5139cbfa8aace.txt:" in r["citations"] and "URBACT" in r["citations"] for r in rows)


def test_a_cordis_project_links_to_its_cordis_page(cordis_client):
    """CORDIS projects had no link to their CORDIS page."""
    rows = cordis_client.app.state.store.select(
        "SELECT ?p ?n WHERE { ?p <https://w3id.org/citykg/ontology#grantAgreement> ?n "
        "FILTER(STRSTARTS(STR(?p), 'https://w3id.org/citykg/project/cordis-')) } ORDER BY ?p LIMIT 1")
    project, number = rows[0]["p"].value.removeprefix("https://w3id.org/citykg/"), rows[0]["n"].value
    page = cordis_client.get(f"/entities/{project}", headers=BROWSER).text
    assert f'href="https://cordis.europa.eu/project/id/{number}"' in page
    citation = page.split("CORDIS</dt>")[1].split("</dd>")[0]
    assert 'href="/documents/' in citation, "the grant agreement number is cited by its CSV line"
    passage = cordis_client.get(citation.split('href="')[2].split('"')[0].replace("&amp;", "&"), headers=BROWSER)
    assert passage.status_code == 200 and "CORDIS" in passage.text
