"""The facts of one entity with their sources, on the real build (as HTML will show them), and
its graph (as JSON-LD and Turtle serve it)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from citykg.entity_page import entity_graph, entity_page, serialize_graph
from citykg.errors import NotFoundError

KG = "https://w3id.org/citykg/"
CKG = KG + "ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def lines(sources) -> set[str]:
    return {f"{s.document.removeprefix('doc/')[:3]}:{s.line_start}" for s in sources}


@pytest.fixture(scope="module")
def utcn(built_store):
    return entity_page(built_store, "org/utcn")


def test_names_in_ro_and_en_and_identifiers_as_links(utcn):
    assert utcn.names == {"en": "Technical University of Cluj-Napoca", "ro": "Universitatea Tehnică din Cluj-Napoca"}
    assert utcn.acronym == "UTCN" and utcn.type == "University"
    assert "Universitatea Tehnică din Cluj" in utcn.other_names
    links = {i.scheme: i.url for i in utcn.identifiers}
    assert links["Wikidata"] == "http://www.wikidata.org/entity/Q729296"  # DECISIONS.md 3
    assert links["ROR"] == "https://ror.org/03r8nwp71"
    assert (utcn.city.id, utcn.country.id) == ("city/cluj-napoca", "country/ro")


def test_projects_with_role_allocation_and_lines(utcn):
    """000:9-11 (NetZeRoCities, 500.000 euro) and 001:5-10 (Blueprint)."""
    projects = {p.other.id: p for p in utcn.projects}
    assert set(projects) == {"project/netzerocities-pnrr", "project/blueprint-net-zero-neighborhoods"}
    nzr = projects["project/netzerocities-pnrr"]
    assert nzr.role == "partner"
    assert (nzr.allocation.value, nzr.allocation.currency, nzr.allocation.text) == ("500000", "EUR", "500.000 euro")
    assert {"000:7", "000:9", "000:11"} <= lines(nzr.sources)
    assert {"001:5", "001:10"} <= lines(projects["project/blueprint-net-zero-neighborhoods"].sources)


def test_every_fact_has_its_sources(utcn):
    """000:19 (UTCN in EUT+), 000:23 (with Primăria Cluj-Napoca)."""
    facts = {(f.subject.id, f.property, f.object.id if f.object else f.value): f for f in utcn.facts}
    assert ("org/utcn", "memberOf", "initiative/eut-plus") in facts
    assert lines(facts[("org/utcn", "memberOf", "initiative/eut-plus")].sources) == {"000:19"}
    assert ("org/utcn", "advises", "org/primaria-cluj-napoca") in facts
    assert all(f.sources for f in utcn.facts)
    assert not any(f.property in ("participant", "partner") for f in utcn.facts)  # in Projects instead


def test_partners(utcn):
    """Everyone UTCN shares a project with: 000:9 and 001:10."""
    assert {p.partner.id for p in utcn.partners} == {
        "org/upb", "org/utcb", "org/usv", "org/ici", "org/robert-bosch", "org/orange-romania",
        "org/primaria-cluj-napoca", "org/oar-transilvania", "org/transilvania-it-cluster", "org/trec",
        "org/ubb", "org/urbannect", "org/zona-metropolitana-cluj",
    }


def test_mentions(utcn):
    assert {"000:7", "000:9", "001:10"} <= lines(utcn.mentions)


def test_a_project_page_lists_its_participants(built_store):
    """003:94-104: CO4CITIES, Torino lead partner, Gdańsk, Cluj-Napoca, Budapesta partners."""
    page = entity_page(built_store, "project/co4cities")
    assert {(p.other.id, p.role) for p in page.participants} == {
        ("city/torino", "lead-partner"), ("city/gdansk", "partner"),
        ("city/cluj-napoca", "partner"), ("city/budapesta", "partner"),
    }
    assert page.participants[0].other.id == "city/torino"
    facts = {(f.property, f.object.id if f.object else f.value) for f in page.facts}
    assert {("fundedBy", "programme/urbact"), ("basedOn", "project/co-city"), ("startDate", "2021-06-01")} <= facts


def test_amounts_are_shown_as_amounts(built_store):
    page = entity_page(built_store, "project/netzerocities-pnrr")
    budget = next(f for f in page.facts if f.property == "budget")
    assert budget.value == "6 000 000 EUR" and lines(budget.sources) == {"000:11"}


def test_the_graph_has_the_facts_and_their_evidence(built_store):
    triples = entity_graph(built_store, "org/utcn")
    graph = {(t.subject.value, t.predicate.value, t.object.value) for t in triples}
    assert (KG + "org/utcn", SKOS + "prefLabel", "Universitatea Tehnică din Cluj-Napoca") in graph
    assert (KG + "project/netzerocities-pnrr", CKG + "partner", KG + "org/utcn") in graph
    evidence = {t.subject for t in triples if t.predicate.value.endswith("#object") and t.object.value == KG + "org/utcn"}
    assert evidence and all(
        any(t.subject == e and t.predicate.value == CKG + "lineStart" for t in triples) for e in evidence
    )


@pytest.mark.parametrize(("fmt", "rdf_format"), [("jsonld", ox.RdfFormat.JSON_LD), ("ttl", ox.RdfFormat.TURTLE)])
def test_json_ld_and_turtle_hold_the_same_graph(built_store, fmt, rdf_format):
    triples = entity_graph(built_store, "org/utcn")
    body = serialize_graph(triples, fmt)
    if fmt == "jsonld":
        json.loads(body)
    parsed = {quad.triple for quad in ox.parse(body, format=rdf_format)}
    assert parsed == set(triples)


@pytest.mark.parametrize("entity_id", ["org/nobody", "country/atlantis", "../etc/passwd", "org/", "ORG/UTCN"])
def test_an_unknown_id_is_not_found(built_store, entity_id):
    with pytest.raises(NotFoundError) as raised:
        entity_graph(built_store, entity_id)
    assert repr(entity_id) in str(raised.value)
