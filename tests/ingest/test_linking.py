"""Imported records tied to the reviewed entities: the linker, and the graph built with the
real CORDIS and ROR samples imported (embedded store and a real `oxigraph serve`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citykg.build import KNOWLEDGE_DIR, build
from citykg.config import PROJECT_ROOT, Settings
from citykg.store import EmbeddedStore, open_store
from ingest.cordis import import_cordis
from ingest.linking import Linker, norm
from ingest.ror import import_ror
from tests.helpers import oxigraph_server

DATA = PROJECT_ROOT.parent / "shared" / "data"
KG = "https://w3id.org/citykg/"
PREFIX = ("PREFIX ckg: <https://w3id.org/citykg/ontology#> PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
          "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX schema: <https://schema.org/>\n")


@pytest.fixture(scope="module")
def linker(sources_dir: Path) -> Linker:
    return Linker.from_knowledge_base(KNOWLEDGE_DIR, sources_dir)


def h2020_folder(tmp: Path) -> Path:
    """The H2020 samples (REFLOW is in them), by symbolic link: the data stay where they are."""
    folder = tmp / "cordis"
    folder.mkdir()
    for name in ("h2020_organization_subset.csv", "h2020_topics.csv", "h2020_project_sample.csv"):
        (folder / name).symlink_to(DATA / "cordis" / name)
    return folder


def test_linking_norm():
    assert norm("Universitatea „Babeș-Bolyai”") == "universitatea babes bolyai"


def test_link_city_hall_by_fuzzy_name_and_city(linker):
    link = linker.organisation("MUNICIPIUL CLUJ-NAPOCA", ["MUNICIPALITYOF CLUJ-NAPOCA UAT CLUJ-NAPOCA"], "CLUJ NAPOCA", "RO")
    assert link.target == f"<{KG}org/primaria-cluj-napoca>"
    assert link.method == "link.fuzzy-name-city" and link.score >= 0.9
    assert "city hall" in link.matched and "same city" in link.matched
    # the same name in another city is not the same organisation
    assert linker.organisation("MUNICIPIUL CLUJ-NAPOCA", [], "BRASOV", "RO") is None


def test_link_by_exact_name_identifier_and_grant(linker):
    link = linker.organisation("UNIVERSITATEA BABES-BOLYAI", [], None, "RO")
    assert (link.target, link.method) == (f"<{KG}org/ubb>", "link.exact-name")
    assert linker.organisation("UNIVERSITATEA BABES-BOLYAI", [], None, "DE") is None  # countries disagree
    assert linker.ror("https://ror.org/03r8nwp71", "x").target == f"<{KG}org/utcn>"
    assert linker.project("101036519") == f"<{KG}project/netzerocities-h2020>"
    link = linker.organisation("UNIVERSITATEA TEHNICA CLUJ-NAPOCA", [], "CLUJ NAPOCA", "RO")
    assert (link.target, link.method) == (f"<{KG}org/utcn>", "link.fuzzy-name-city")
    assert linker.organisation("UNIVERSITATEA DE MEDICINA SI FARMACIE IULIU HATIEGANU", [], "CLUJ NAPOCA", "RO") is None


def test_ror_records_of_reviewed_universities_are_linked(linker, tmp_path):
    report = import_ror(DATA / "ror" / "ror_RO_records.jsonl", tmp_path, linker)
    assert report.links["link.ror-id"] >= 4
    text = (tmp_path / "links-ror.nq").read_text()
    for entity, ror in (("utcn", "03r8nwp71"), ("upb", "0558j5q12"), ("usv", "035pkj773"), ("ubb", "02rmd1t30")):
        assert f"<{KG}org/{entity}> <http://www.w3.org/2002/07/owl#sameAs> <{KG}org/ror-{ror}>" in text
    assert f"<{KG}org/ror-03r8nwp71> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" not in (tmp_path / "ror.nq").read_text()


def check_built_graph(store, file: str = "h2020_organization_subset.csv", line: int = 2685) -> None:
    # the municipality of the documents takes part in REFLOW, with CORDIS's EC contribution
    assert store.ask(PREFIX + f"""ASK {{
        ?p ckg:participant <{KG}org/primaria-cluj-napoca> ; ckg:inProject <{KG}project/cordis-820937> ;
           ckg:allocation/schema:value 336250.0 .
        <{KG}project/cordis-820937> ckg:acronym "REFLOW" . }}""")
    # and the link says why
    assert store.ask(PREFIX + f"""ASK {{
        <{KG}org/primaria-cluj-napoca> owl:sameAs <{KG}org/cordis-966466485> .
        ?e rdf:subject <{KG}org/primaria-cluj-napoca> ; rdf:object <{KG}org/cordis-966466485> ;
           ckg:method "link.fuzzy-name-city" ; ckg:confidence ?c ; ckg:lineStart {line} ;
           ckg:sourceDocument/ckg:fileName "{file}" . }}""")
    # UTCN is tied to its ROR record, by identifier; no second UTCN entity
    assert store.ask(PREFIX + f"""ASK {{
        <{KG}org/utcn> ckg:ror <https://ror.org/03r8nwp71> ; owl:sameAs <{KG}org/ror-03r8nwp71> .
        ?e rdf:subject <{KG}org/utcn> ; rdf:object <{KG}org/ror-03r8nwp71> ; ckg:method "link.ror-id" . }}""")
    assert not store.ask(PREFIX + f"ASK {{ <{KG}org/ror-03r8nwp71> a ?t }}")


@pytest.fixture(scope="module")
def imported_settings(tmp_path_factory, sources_dir: Path, linker: Linker) -> Settings:
    root = tmp_path_factory.mktemp("imported")
    settings = Settings(store=root / "store", sources=sources_dir, inbox=root / "inbox", imports=root / "imports")
    import_cordis(h2020_folder(root), settings.imports, linker)
    import_ror(DATA / "ror" / "ror_RO_records.jsonl", settings.imports, linker)
    build(settings)
    return settings


def test_build_with_the_samples_imported(imported_settings):
    check_built_graph(EmbeddedStore(imported_settings.store))


def test_partner_search_sees_imported_participations(imported_settings):
    partner_search = pytest.importorskip("citykg.partner_search").partner_search
    store = EmbeddedStore(imported_settings.store)
    results = partner_search(store, project=f"{KG}project/cordis-820937", limit=100)
    entities = {r.entity.id if hasattr(r.entity, "id") else str(r.entity) for r in results}
    assert any("primaria-cluj-napoca" in e for e in entities), entities
    assert len(results) > 20
    # every participation step cites the CORDIS row it came from: the municipality's is line 2685
    steps = [step for r in results for reason in r.reasons if reason.kind == "participation" for step in reason.steps]
    assert len(steps) == len(results) and all(step.sources for step in steps)
    cluj = next(r for r in results if r.entity.id == "org/primaria-cluj-napoca")
    cited = [str(s) for reason in cluj.reasons for step in reason.steps for s in step.sources]
    assert cited == ["h2020_organization_subset.csv:2685"], cited
    # and so does the municipality's page
    page = pytest.importorskip("citykg.entity_page").entity_page(store, "org/primaria-cluj-napoca")
    reflow = [i for i in page.projects if i.other.id == "project/cordis-820937"]
    assert [str(s) for i in reflow for s in i.sources] == ["h2020_organization_subset.csv:2685"], reflow
    # a CORDIS project's page shows its dates, amounts and funding, each with the lines of its row
    facts = {(f.property, str(s)) for f in pytest.importorskip("citykg.entity_page").entity_page(
        store, "project/cordis-741487").facts for s in f.sources}
    for prop in ("startDate", "endDate", "budget", "funding", "fundedBy", "fundedUnderCall"):
        assert (prop, "h2020_project_sample.csv:2") in facts, (prop, facts)
    assert ("fundedUnderCall", "h2020_topics.csv:12567") in facts


def test_remote_backend_with_a_small_import(tmp_path, sources_dir: Path, linker: Linker):
    """The same import, published to a real `oxigraph serve` by the Graph Store Protocol."""
    with oxigraph_server(tmp_path / "oxigraph") as base:
        settings = Settings(store=tmp_path / "store", sources=sources_dir, inbox=tmp_path / "inbox",
                            imports=tmp_path / "imports", sparql_url=base + "/query", gsp_url=base + "/store")
        folder = tmp_path / "cordis"
        folder.mkdir()
        (folder / "topics.csv").write_text("projectID,topic,title\n820937,CE-SC5-03-2018,Demonstrating systemic urban development\n", encoding="utf-8")
        rows = (DATA / "cordis" / "h2020_organization_subset.csv").read_text(encoding="utf-8").splitlines()
        (folder / "organization.csv").write_text("\n".join([rows[0]] + [r for r in rows if r.startswith('"820937"')]), encoding="utf-8")
        import_cordis(folder, settings.imports, linker)
        import_ror(DATA / "ror" / "ror_RO_records.jsonl", settings.imports, linker)
        build(settings)
        line = 1 + [r for r in rows if r.startswith('"820937"')].index(next(r for r in rows if '"966466485"' in r)) + 1
        check_built_graph(open_store(settings), "organization.csv", line)
