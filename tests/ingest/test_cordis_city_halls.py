"""Issue 19, point 2: CORDIS municipalities are city halls. A public body (activityType PUB) with
a municipality's word in its name is typed CityHall, and the type is cited by its row with the
rule as the evidence's method; other public bodies stay PublicAuthority."""

from __future__ import annotations

from ingest.cordis import CITY_HALL_RULE, import_cordis
from tests.ingest.test_cordis_import import ORG_HEADER, PREFIX, ask, load, org_row

KG = "https://w3id.org/citykg/"


def test_municipalities_are_typed_city_halls_with_the_rule_and_its_line(tmp_path):
    folder = tmp_path / "cordis"
    folder.mkdir()
    rows = [
        org_row("101", "900001", "MUNICIPIUL IASI"),
        org_row("101", "900002", "COMUNE DI TORINO", country="IT", city="TORINO"),
        org_row("101", "900003", "MINISTERUL DEZVOLTARII", city="BUCURESTI"),
        org_row("101", "900004", "Stadt Wien", country="AT", city="WIEN"),
    ]
    (folder / "organization.csv").write_text("\n".join([ORG_HEADER, *rows]) + "\n", encoding="utf-8")
    report = import_cordis(folder, tmp_path / "imports")
    assert report.bad == []
    store = load(report.output)
    for org in ("900001", "900002", "900004"):
        assert ask(store, f"<{KG}org/cordis-{org}> a ckg:CityHall"), org
    assert not ask(store, f"<{KG}org/cordis-900003> a ckg:CityHall")
    assert ask(store, f"<{KG}org/cordis-900003> a ckg:PublicAuthority")
    cited = list(store.query(
        PREFIX + f"SELECT ?method ?line WHERE {{ ?e rdf:subject <{KG}org/cordis-900001> ; rdf:predicate rdf:type ; "
        "rdf:object ckg:CityHall ; ckg:method ?method ; ckg:lineStart ?line }", use_default_graph_as_union=True))
    assert [(r["method"].value, r["line"].value) for r in cited] == [(CITY_HALL_RULE, "2")]


def test_partner_search_finds_a_cordis_municipality_as_a_city_hall_co_partner(tmp_path, sources_dir):
    """"Romanian organisations with a municipality as co-partner" needed a regex over names."""
    from citykg.build import build
    from citykg.config import Settings
    from citykg.partner_search import partner_search
    from citykg.store import EmbeddedStore

    folder = tmp_path / "cordis"
    folder.mkdir()
    rows = [org_row("102", "900011", "MUNICIPIUL SUCEAVA", city="SUCEAVA"),
            org_row("102", "900012", "UNIVERSITATEA DIN EXEMPLU", city="SUCEAVA")]
    rows[1] = rows[1].replace('"PUB"', '"HES"')
    (folder / "organization.csv").write_text("\n".join([ORG_HEADER, *rows]) + "\n", encoding="utf-8")
    import_cordis(folder, tmp_path / "imports")
    settings = Settings(store=tmp_path / "store", sources=sources_dir, inbox=tmp_path / "inbox", imports=tmp_path / "imports")
    build(settings)
    results = partner_search(EmbeddedStore(settings.store), country="RO", copartner_type="CityHall", type="University")
    found = next(r for r in results if r.entity.id == "org/cordis-900012")
    assert any("(CityHall)" in reason.text and "MUNICIPIUL SUCEAVA" in reason.text for reason in found.reasons)
