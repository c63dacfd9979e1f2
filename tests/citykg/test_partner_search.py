"""Partner search on the real build of the five documents. Every expected set below was read in
the documents (``cat -n ../shared/sources/*.txt``); the lines are given with each test."""

from __future__ import annotations

import json

import pytest

from citykg.errors import InvalidParameterError
from citykg.namespaces import statement_key
from citykg.partner_search import (
    PARTICIPANT_TYPES,
    PartnerNetwork,
    PartnerResult,
    bind_rows,
    partner_network,
    partner_search,
    statement_sources,
)

BLUEPRINT = "project/blueprint-net-zero-neighborhoods"
NZR = "project/netzerocities-pnrr"
# 001:10: the Blueprint consortium, led by Primăria Municipiului Cluj-Napoca
BLUEPRINT_PARTNERS = {
    "org/oar-transilvania", "org/transilvania-it-cluster", "org/trec", "org/ubb", "org/utcn",
    "org/urbannect", "org/zona-metropolitana-cluj",
}
# 000:9: NetZeRoCities, coordinated by UPB, with UTCN, UTCB, USV, ICI, Robert Bosch, Orange România
NZR_PARTICIPANTS = {
    "org/upb", "org/utcn", "org/utcb", "org/usv", "org/ici", "org/robert-bosch", "org/orange-romania",
}


def ids(results: list[PartnerResult]) -> set[str]:
    return {r.entity.id for r in results}


def by_tier(results: list[PartnerResult]) -> dict[int, set[str]]:
    tiers: dict[int, set[str]] = {}
    for r in results:
        tiers.setdefault(r.closeness.tier, set()).add(r.entity.id)
    return tiers


def cited(reason) -> set[str]:
    """``doc-stem:line`` for every source of every step of a reason."""
    return {f"{s.document.removeprefix('doc/')[:3]}:{n}" for step in reason.steps for s in step.sources
            for n in range(s.line_start, s.line_end + 1)}


def test_organisations_that_worked_with_the_cluj_napoca_city_hall(built_store):
    """Blueprint (001:5-10), a Cities Mission pilot (001:8) led by the city hall: its seven partners
    share a project with it; the NetZeRoCities partners (000:9) share a partner with it, UTCN."""
    results = partner_search(built_store.reviewed(), near="Primăria Municipiului Cluj-Napoca", type="Organisation")
    tiers = by_tier(results)
    assert tiers[1] == BLUEPRINT_PARTNERS
    assert tiers[2] == NZR_PARTICIPANTS - {"org/utcn"}
    for result in results:
        if result.closeness.tier == 1:
            shared = [r for r in result.reasons if r.kind == "shared-project"]
            assert shared and all("Blueprint" in r.text for r in shared)
            assert "001:10" in cited(shared[0])
    via_utcn = next(r for r in results if r.entity.id == "org/upb").reasons
    assert any(r.kind == "shared-partner" and "with UTCN" in r.text for r in via_utcn)


def test_romanian_universities_and_their_projects(built_store):
    """000:9 (NetZeRoCities: UPB coordinator; UTCN, UTCB, USV partners) and 001:10 (Blueprint: UBB,
    UTCN); UTCN's allocation is 500.000 euro (000:11)."""
    results = partner_search(built_store.reviewed(), type="University", country="RO")
    projects = {r.entity.id: {(p.project.id, p.role) for p in r.projects if p.matched} for r in results}
    assert projects == {
        "org/upb": {(NZR, "coordinator")},
        "org/utcn": {(NZR, "partner"), (BLUEPRINT, "partner")},
        "org/utcb": {(NZR, "partner")},
        "org/usv": {(NZR, "partner")},
        "org/ubb": {(BLUEPRINT, "partner")},
    }
    assert results[0].entity.id == "org/utcn"  # the most projects first
    utcn = {p.project.id: p for p in results[0].projects}
    assert (utcn[NZR].allocation.value, utcn[NZR].allocation.currency) == ("500000", "EUR")
    assert float(utcn[NZR].allocation.value) == 500_000
    assert all(r.country.id == "country/ro" and r.type == "University" for r in results)


def test_foreign_cities_that_partnered_with_a_romanian_city_in_a_transfer_network(built_store):
    """003:94-104: CO4CITIES, Torino lead partner with Gdańsk, Cluj-Napoca and Budapesta;
    003:230-236: AS TRANSFER, Bilbao lead partner with Bielsko-Biała, Tartu and Timișoara; both are
    URBACT / UIA transfer networks (003:1-27)."""
    romanian = partner_search(built_store.reviewed(), type="City", country="România", programme="URBACT")
    assert ids(romanian) == {"city/cluj-napoca", "city/timisoara"}
    foreign: dict[str, set[str]] = {}
    for city in sorted(ids(romanian)):
        near = partner_search(built_store.reviewed(), near=city, type="City", programme="URBACT")
        for result in near:
            if result.closeness.tier == 1 and result.country.id != "country/ro":
                shared = next(r for r in result.reasons if r.kind == "shared-project")
                foreign.setdefault(city, set()).add(result.entity.id)
                assert any(s.document.startswith("doc/003") for step in shared.steps for s in step.sources)
    assert foreign == {
        "city/cluj-napoca": {"city/torino", "city/gdansk", "city/budapesta"},
        "city/timisoara": {"city/bilbao", "city/bielsko-biala", "city/tartu"},
    }
    # the same through the transfer mechanism itself, a sub-programme of URBACT and UIA
    mechanism = partner_search(built_store.reviewed(), type="City", programme="programme/uia-transfer-mechanism")
    assert ids(mechanism) == {"city/cluj-napoca", "city/timisoara", *foreign["city/cluj-napoca"],
                              *foreign["city/timisoara"]}


def test_a_reason_is_a_path_with_document_lines_at_each_step(built_store):
    """000:9: "coordonat de către Universitatea Politehnică București (UPB) și în parteneriat cu
    Universitatea Tehnică din Cluj-Napoca (UTCN)"."""
    results = partner_search(built_store.reviewed(), near="UPB")
    utcn = next(r for r in results if r.entity.id == "org/utcn")
    assert utcn.closeness.tier == 1
    reason = next(r for r in utcn.reasons if r.kind == "shared-project")
    assert reason.text == "UTCN, partner in NetZeRoCities, coordinated by UPB"
    assert [(s.subject.id, s.relation, s.object.id) for s in reason.steps] == [
        ("org/utcn", "partner", NZR), ("org/upb", "coordinator", NZR),
    ]
    assert all(step.sources for step in reason.steps)
    assert "000:9" in cited(reason)
    assert "org/upb" not in ids(results)


def test_near_a_city_takes_its_city_hall_along(built_store):
    """Cluj-Napoca takes part in CO4CITIES itself (003:100); its city hall (which governs it,
    000:23, 002:6) leads Blueprint (001:10)."""
    results = partner_search(built_store.reviewed(), near="Cluj-Napoca")
    assert by_tier(results)[1] == {"city/torino", "city/gdansk", "city/budapesta"} | BLUEPRINT_PARTNERS
    ubb = next(r for r in results if r.entity.id == "org/ubb")
    reason = next(r for r in ubb.reasons if r.kind == "shared-project")
    assert reason.text.endswith("which governs Cluj-Napoca")
    assert reason.steps[-1].relation == "governs" and reason.steps[-1].sources


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"project": "CO4CITIES"}, {"city/torino", "city/gdansk", "city/cluj-napoca", "city/budapesta"}),
        ({"call": "call/nzc-pilot-cities"}, BLUEPRINT_PARTNERS | {"org/primaria-cluj-napoca"}),
        ({"programme": "PNRR"}, NZR_PARTICIPANTS),
        ({"programme": "Horizon 2020"}, BLUEPRINT_PARTNERS | {"org/primaria-cluj-napoca"}),
        ({"role": "lead-partner"}, {"org/primaria-cluj-napoca", "city/torino", "city/bilbao"}),
        ({"city": "Cluj-Napoca"}, BLUEPRINT_PARTNERS - {"org/urbannect"} | {"org/primaria-cluj-napoca", "city/cluj-napoca"}),
        ({"text": "Politehnica Bucuresti"}, {"org/upb"}),
        ({"text": "Timişoara"}, {"city/timisoara"}),
        ({"type": "CityHall"}, {"org/primaria-cluj-napoca", "org/primaria-sector-2"}),
        # 003:228-229 AS TRANSFER until 1 December 2022; 000:9 NetZeRoCities signed 29 December
        # 2022; 003:101-102 CO4CITIES ended 19 September 2022; 001:12 Blueprint signed in 2023
        ({"active_from": "2022-10-01", "active_to": "2022-12-31"},
         NZR_PARTICIPANTS | {"city/bilbao", "city/bielsko-biala", "city/tartu", "city/timisoara"}),
        ({"active_from": "2022-10", "active_to": "2022"},
         NZR_PARTICIPANTS | {"city/bilbao", "city/bielsko-biala", "city/tartu", "city/timisoara"}),
    ],
)
def test_filters(built_store, filters, expected):
    assert ids(partner_search(built_store.reviewed(), **filters)) == expected


def test_the_coordinator_role(built_store):
    assert "org/upb" in ids(partner_search(built_store.reviewed(), role="coordinator"))
    assert "org/utcn" not in ids(partner_search(built_store.reviewed(), role="coordinator"))


def test_every_participation_reason_cites_its_lines(built_store):
    for result in partner_search(built_store.reviewed(), limit=500):
        participation = [r for r in result.reasons if r.kind == "participation"]
        assert participation, result.entity.id
        for reason in participation:
            assert reason.steps[0].sources, (result.entity.id, reason.text)


def test_the_period_reason_gives_the_dates_with_their_lines(built_store):
    results = partner_search(built_store.reviewed(), project="AS TRANSFER", active_from="2022-01-01")
    reason = next(r for r in results[0].reasons if r.kind == "participation")
    assert "started 2021-06-14" in reason.text and "ended 2022-12-01" in reason.text
    assert "003:228" in cited(reason)


def test_limit(built_store):
    assert len(partner_search(built_store.reviewed(), limit=3)) == 3


@pytest.mark.parametrize(
    "filters",
    # (no role=coordinator: the reviewed layer names one coordinator, a ranking of one proves nothing)
    [{}, {"country": "country/ro"}, {"type": "University"}, {"role": "lead-partner"},
     {"role": "partner"}, {"programme": "programme/pnrr"}, {"active_from": "2022", "active_to": "2023"}],
)
def test_a_short_page_is_the_top_of_the_whole_ranking(built_store, filters):
    # A search stops reading participants once nobody left can outrank its last result; where
    # it stops must give exactly the top of the ranking it gives when it reads everyone.
    everyone = [r.entity.id for r in partner_search(built_store.reviewed(), **filters, limit=500)]
    assert len(everyone) >= 2
    for limit in sorted({1, 2, 3, len(everyone) // 2, len(everyone) - 1} - {0}):
        assert [r.entity.id for r in partner_search(built_store.reviewed(), **filters, limit=limit)] == everyone[:limit]


@pytest.mark.parametrize(
    ("filters", "parameter"),
    [
        ({"country": "Atlantis"}, "country"),
        ({"country": "org/utcn"}, "country"),
        ({"city": "city/nowhere"}, "city"),
        ({"programme": "Erasmus Mundus Xyz"}, "programme"),
        ({"project": "netzerocities"}, "project"),  # names two projects
        ({"call": "UPB"}, "call"),
        ({"near": "project/co4cities"}, "near"),
        ({"type": "Spaceship"}, "type"),
        ({"role": "boss"}, "role"),
        ({"active_from": "yesterday"}, "active_from"),
        ({"active_to": "2022-13-01"}, "active_to"),
        ({"active_from": "2023", "active_to": "2022"}, "active_to"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"text": "x" * 10_000}, "text"),
    ],
)
def test_bad_filters_name_the_parameter(built_store, filters, parameter):
    with pytest.raises(InvalidParameterError) as raised:
        partner_search(built_store.reviewed(), **filters)
    assert raised.value.parameter == parameter
    assert repr(parameter) in str(raised.value)


def test_empty_filters_are_no_filters(built_store):
    assert ids(partner_search(built_store.reviewed(), text="", country="  ", limit=500)) == ids(partner_search(built_store.reviewed(), limit=500))


def test_text_with_markup_is_a_name_not_code(built_store):
    assert partner_search(built_store.reviewed(), text="<script>alert('x')</script>") == []


def test_results_serialise_to_json(built_store):
    data = [r.to_dict() for r in partner_search(built_store.reviewed(), near="UTCN")]
    text = json.dumps(data, ensure_ascii=False)
    step = data[0]["reasons"][0]["steps"][0]
    assert step["sources"][0]["cite"].startswith("00") and "knowledge_base" in step
    assert "Blueprint" in text


def test_the_network_is_kept_per_build(built_store):
    assert partner_network(built_store) is partner_network(built_store)


@pytest.mark.parametrize(
    ("dates", "start", "end", "active"),
    [
        # signed in 2022 (a year), ended in March 2023 (a month): each date covers all its days
        ({"signedDate": "2022", "endDate": "2023-03"}, "2023-03-31", None, True),
        ({"signedDate": "2022", "endDate": "2023-03"}, "2023-04-01", None, False),
        ({"signedDate": "2022", "endDate": "2023-03"}, None, "2022-01-01", True),
        ({"signedDate": "2022", "endDate": "2023-03"}, None, "2021-12-31", False),
        # a start on a day, and an end not known: running ever since
        ({"startDate": "2024-02-15"}, "2030-01-01", "2030-12-31", True),
        ({"startDate": "2024-02-15"}, "2024-01-01", "2024-02-14", False),
        # a later start (signed first, started after) is the one that counts
        ({"signedDate": "2023-11-20", "startDate": "2024-01-01", "endDate": "2026-12-31"}, "2023-12-01", "2023-12-31", False),
        ({}, "2020-01-01", "2030-01-01", False),  # no dates: not known to be active
    ],
)
def test_a_project_is_active_at_the_precision_of_its_dates(dates, start, end, active):
    from datetime import date

    import pyoxigraph as ox

    project = "https://w3id.org/citykg/project/p"
    rows = [("https://w3id.org/citykg/org/o", "partner", ox.NamedNode(project))]
    rows += [(project, relation, ox.Literal(value)) for relation, value in dates.items()]
    network = PartnerNetwork(rows)
    found = network.active_among([project], start and date.fromisoformat(start), end and date.fromisoformat(end))
    assert found == ([project] if active else [])


def test_participant_types_are_the_ontologys(built_store):
    """Each type the filter takes is ckg:City or a subclass of ckg:Organisation."""
    rows = built_store.select(
        "PREFIX ckg: <https://w3id.org/citykg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?c WHERE { ?c rdfs:subClassOf* ckg:Organisation }"
    )
    organisation_types = {r["c"].value.rsplit("#", 1)[-1] for r in rows}
    assert set(PARTICIPANT_TYPES) - {"City"} <= organisation_types


def test_bind_rows_binds_terms_not_text():
    """A value full of SPARQL syntax is one literal: the query keeps its structure."""
    import pyoxigraph as ox

    hostile = ox.Literal('x" } } ; DROP ALL ; SELECT * WHERE { "')
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), hostile))
    text = bind_rows("SELECT ?s WHERE { ?s ?p ?o }", ["o"], [(hostile,), (ox.NamedNode("http://e/x"),)])
    assert [row["s"].value for row in store.query(text)] == ["http://e/s"]


def test_statement_sources_cites_each_statement_asked_for(tmp_path):
    """Sources are looked up by statement key: each statement asked for gets its own lines; the same
    subject's other statements (another property, or the same property with another object) are
    left out, and a statement nobody states gets none."""
    import pyoxigraph as ox

    from citykg.store import MemoryStore

    ckg, rdf = "https://w3id.org/citykg/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    project, doc = "https://w3id.org/citykg/project/p1", "https://w3id.org/citykg/doc/notes"
    start = ox.Literal("2024-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    programme, call = ox.NamedNode("https://w3id.org/citykg/programme/x"), ox.NamedNode("https://w3id.org/citykg/call/y")
    graph = ox.NamedNode("https://w3id.org/citykg/graph/doc/notes")
    quads = [ox.Quad(ox.NamedNode(doc), ox.NamedNode(rdf + "type"), ox.NamedNode(ckg + "Document"), graph),
             ox.Quad(ox.NamedNode(doc), ox.NamedNode(ckg + "fileName"), ox.Literal("notes.txt"), graph)]
    for n, (prop, value, line) in enumerate([("startDate", start, 3), ("fundedBy", programme, 5), ("fundedUnderCall", call, 7),
                                                    ("fundedBy", ox.NamedNode("https://w3id.org/citykg/programme/z"), 9)]):
        evidence = ox.NamedNode(f"https://w3id.org/citykg/evidence/{n}")
        quads += [ox.Quad(evidence, ox.NamedNode(p), o, graph) for p, o in [
            (rdf + "subject", ox.NamedNode(project)), (rdf + "predicate", ox.NamedNode(ckg + prop)), (rdf + "object", value),
            (ckg + "statementKey", ox.Literal(statement_key(project, ckg + prop))),
            (ckg + "sourceDocument", ox.NamedNode(doc)), (ckg + "lineStart", ox.Literal(str(line), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer"))), (ckg + "lineEnd", ox.Literal(str(line), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")))]]
    path = tmp_path / "evidence.nq"
    path.write_text("".join(f"{q} .\n" for q in quads), encoding="utf-8")
    store = MemoryStore()
    store.publish([path])
    asked = {(project, ckg + "startDate", start), (project, ckg + "fundedBy", programme),
             (project, ckg + "fundedBy", ox.NamedNode("https://w3id.org/citykg/programme/other"))}
    cited = statement_sources(store, asked)
    assert {key: [(s.file, s.line_start) for s in sources] for key, sources in cited.items()} == {
        (project, ckg + "startDate", start): [("notes.txt", 3)],
        (project, ckg + "fundedBy", programme): [("notes.txt", 5)],
    }


def test_the_command_line_face(built_settings, build_report, monkeypatch):
    """``citykg partners`` calls the same function: JSON out, and exit code 2 naming a bad filter."""
    from typer.testing import CliRunner

    from citykg import cli, config

    monkeypatch.setenv("CITYKG_STORE", str(built_settings.store))
    config.get_settings.cache_clear()
    try:
        runner = CliRunner()
        found = runner.invoke(cli.app, ["partners", "--near", "UPB", "--format", "json"])
        table = runner.invoke(cli.app, ["partners", "Politehnica Bucuresti"])
        refused = runner.invoke(cli.app, ["partners", "--country", "Atlantis"])
    finally:
        config.get_settings.cache_clear()
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert "org/utcn" in {r["entity"]["id"] for r in data}
    assert table.exit_code == 0 and "Universitatea" in table.stdout
    assert refused.exit_code == 2 and "parameter 'country'" in refused.output
