"""Issue 19, point 7: entity pages for the public. No curator's note, aliases that are names,
property labels in the page's language, programmes by name (also CORDIS's programme parts)."""

from __future__ import annotations

import doctest


from citykg import entity_page

BROWSER = {"Accept": "text/html"}


def test_the_curators_note_is_not_on_the_public_page(client):
    page = client.get("/entities/org/utcn", headers=BROWSER).text
    assert "README example shows another QID" not in page and "notă / note" not in page


def test_junk_aliases_are_not_shown_as_other_names(client):
    page = client.get("/entities/org/utcn", headers=BROWSER).text
    others = page.split("alte nume / other names</dt><dd>")[1].split("</dd>")[0]
    assert "Universității" not in others  # a common word alone
    assert "Cluj- Napoca" not in others  # the name again, with a stray space
    assert "UNIVERSITATEA TEHNICĂ DIN CLUJ-NAPOCA" not in others  # the name again, in capitals
    assert "Universitatea Tehnică din Cluj" in others  # a shorter name is a name
    city = client.get("/entities/city/cluj-napoca", headers=BROWSER).text
    assert "Cluj- Napoca" not in city.split("alte nume / other names</dt><dd>")[1].split("</dd>")[0]


def test_the_search_still_finds_by_a_hidden_alias(client):
    hits = client.get("/search", params={"q": "Cluj- Napoca", "type": "City"}).json()["results"]
    assert hits[0]["id"] == "city/cluj-napoca"


def test_property_labels_in_romanian_with_english_beside(client):
    page = client.get("/entities/initiative/cities-mission", headers=BROWSER).text
    facts = page.split("Fapte / Facts")[1]
    assert ">sprijină <small" in facts and "/ supports" in facts
    assert ">supports<" not in facts and ">selectedCity<" not in facts


def test_aliases_doctest():
    assert doctest.testmod(entity_page).failed == 0


def test_cordis_programme_parts_by_name_not_id(cordis_client):
    """CORDIS projects showed their programme parts as ids (programme/cordis-horizon-3-2)."""
    rows = cordis_client.app.state.store.select(
        "SELECT ?p ?g WHERE { ?p <https://w3id.org/citykg/ontology#fundedBy> ?g "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/citykg/programme/cordis-horizon')) } ORDER BY ?p LIMIT 1")
    project = rows[0]["p"].value.removeprefix("https://w3id.org/citykg/")
    part = rows[0]["g"].value.removeprefix("https://w3id.org/citykg/")
    page = cordis_client.get(f"/entities/{project}", headers=BROWSER).text
    link = page.split(f'href="/entities/{part}">')[1].split("</a>")[0]
    assert link != part and link, "a name (the CORDIS title of the part, else its code), not the id"
    data = cordis_client.get("/partners", params={"project": project}).json()
    programmes = {g["id"]: g["name"] for r in data["results"] for p in r["projects"] for g in p["programmes"]}
    assert programmes and all(name != gid for gid, name in programmes.items())
