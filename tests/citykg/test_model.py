"""The data model over the real build: every relation named, shortcuts materialised, dates and
programmes an analyst can compute with."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from citykg.materialise import materialise
from citykg.namespaces import BASE, CKG, sparql_prologue
from citykg.queries import run_named_query


def pairs(store, pattern: str, columns: tuple[str, ...] = ("s", "o")) -> set[tuple[str, ...]]:
    """The rows of ``pattern`` (its ``columns``), with the project's IRIs shortened."""
    query = f"SELECT DISTINCT {' '.join('?' + c for c in columns)} WHERE {{ {pattern} }}"
    return {
        tuple(str(row[c].value).removeprefix(BASE) if row.get(c) is not None else None for c in columns)
        for row in store.select(sparql_prologue() + query)
    }


@pytest.mark.parametrize("subject,prop,obj", [
    ("org/eit-climate-kic", "designatedBy", "org/european-commission"),
    ("programme/urbact-iv", "nationalContactPoint", "org/mdlpa"),
    ("org/urbanizehub", "drafts", "initiative/climate-city-contract"),
    ("org/primaria-sector-2", "commitsTo", "initiative/climate-city-contract"),
    ("initiative/climate-city-contract", "endorsedBy", "org/european-commission"),
    ("project/netzerocities-h2020", "supports", "initiative/cities-mission"),
    ("initiative/mirror-mission-cities-hub-romania", "supports", "initiative/cities-mission"),
    ("programme/dut", "hostedBy", "org/uefiscdi"),
    ("org/mcid", "cofunds", "programme/dut"),
    ("project/blueprint-net-zero-neighborhoods", "presentedAt", "event/dezbatere-cluj-napoca-2030"),
    ("org/utcn", "advises", "org/primaria-cluj-napoca"),
    ("org/centrul-national-competente", "establishedBy", "project/netzerocities-pnrr"),
    ("call/eui-ia-call-1", "alignedWith", "initiative/new-european-bauhaus"),
])
def test_each_stated_relation_has_its_own_property(built_store, subject, prop, obj):
    """Designated by, national contact point, drafts, runs the platform, hosts: each is asked
    for by its property, not found among the ``relatedTo`` ties."""
    assert (subject, obj) in pairs(built_store, f"?s ckg:{prop} ?o")


def test_related_to_is_left_only_where_the_document_says_no_more(built_store):
    """The release names the pilot call after NetZeroCities and thanks the project's grant, but
    never says how the two are tied; the loader refuses every other pair of classes."""
    assert pairs(built_store, "?s ckg:relatedTo ?o") == {("call/nzc-pilot-cities", "project/netzerocities-h2020")}


def test_every_declared_property_is_used(built_store, capsys):
    """The declared properties with their triple counts (printed with ``-s``): a property with
    none, like ``hasParticipant`` before the build materialised it, answers every query with
    nothing, silently."""
    rows = [
        (row["property"].value.split("#")[1], int(row["stated"].value), int(row["inferred"].value))
        for row in run_named_query(built_store, "property_usage")
    ]
    with capsys.disabled():
        print("\nproperty                 stated inferred")
        for name, stated, inferred in rows:
            print(f"{name:24} {stated:6} {inferred:8}")
    unused = [name for name, stated, inferred in rows if stated + inferred == 0]
    assert len(rows) > 80 and not unused, f"declared but never used: {unused}"


@pytest.mark.parametrize("pattern,expected", [
    ("?s ckg:hasParticipant ?o . FILTER(?s = kg:project\\/netzerocities-pnrr)", ("project/netzerocities-pnrr", "org/utcn")),
    ("?s ckg:memberOf ?o", ("org/utcn", "project/netzerocities-pnrr")),  # a participation
    ("?s ckg:memberOf ?o", ("org/utcn", "initiative/eut-plus")),  # stated as membership
    ("?s ckg:cooperatesWith ?o", ("city/cluj-napoca", "org/utcn")),  # stated the other way
])
def test_inverses_and_shortcuts_answer_the_obvious_query(built_store, pattern, expected):
    assert expected in pairs(built_store, pattern)


def test_materialised_triples_are_in_their_own_graph(built_store):
    """A derived triple is never in a document's graph, where it would pass for a stated fact."""
    stated = pairs(built_store, "GRAPH ?g { ?s ckg:hasParticipant ?o } FILTER(?g != <https://w3id.org/citykg/graph/inferred>)")
    inferred = pairs(built_store, "GRAPH <https://w3id.org/citykg/graph/inferred> { ?s ckg:hasParticipant ?o }")
    assert not stated and len(inferred) >= 30


def test_a_city_halls_city_and_country_follow_from_what_it_governs():
    """A city hall stated only to govern a district gets the district's city and country."""
    hall, district, city, country = (URIRef(BASE + x) for x in ("org/h", "district/d", "city/c", "country/ro"))
    g = Graph()
    g.add((hall, CKG.governs, district))
    g.add((district, RDF.type, CKG.CityDistrict))
    g.add((district, CKG.city, city))
    g.add((city, CKG.country, country))
    inferred = materialise([g])
    assert (hall, CKG.city, city) in inferred and (hall, CKG.country, country) in inferred
    assert (district, CKG.country, country) in inferred


def test_a_duration_is_one_subtraction(built_store):
    """CO4CITIES ran 1 June 2021 - 19 September 2022 (003:101-102): 475 days, without casts."""
    rows = built_store.select(sparql_prologue() + """
        SELECT ?days WHERE {
          kg:project\\/co4cities ckg:startPeriod/ckg:periodStart ?start ; ckg:endPeriod/ckg:periodEnd ?end .
          BIND(?end - ?start AS ?days)
        }""")
    assert [r["days"].value for r in rows] == ["P475D"]


def test_dates_of_mixed_precision_keep_the_value_as_written_and_compare(built_store):
    """The second DUT call opens "toamna 2023" (004:403), stated as the year 2023: its period is
    the whole year, so it sorts after a call that opens in January 2023 only by its end."""
    rows = pairs(built_store, """
        ?call ckg:openingDate ?written ; ckg:openingPeriod ?p .
        ?p ckg:periodStart ?first ; ckg:periodEnd ?last ; ckg:precision ?precision .
        FILTER(?call = kg:call\\/dut-call-2023)""", ("written", "first", "last", "precision"))
    assert rows == {("2023", "2023-01-01", "2023-12-31", "year")}


def test_one_programme_per_programme_named_in_romanian_and_english(built_store):
    rows = pairs(built_store, """
        ?p a ckg:Programme .
        OPTIONAL { ?p skos:prefLabel ?ro FILTER(LANG(?ro) = "ro") }
        OPTIONAL { ?p skos:prefLabel ?en FILTER(LANG(?en) = "en") }""", ("p", "ro", "en"))
    assert len(rows) >= 10 and all(ro and en for _, ro, en in rows), rows
    by_name: dict[str, set[str]] = {}
    for programme, ro, en in rows:
        for name in (ro, en):
            by_name.setdefault(name.casefold(), set()).add(programme)
    assert not {n: p for n, p in by_name.items() if len(p) > 1}
    assert ("programme/horizon-2020", "Orizont 2020", "Horizon 2020") in rows


def test_stated_counts_are_data_and_differ_from_counting_entities(built_store):
    """Document 002 says 13 Romanian cities applied and 3 were selected (002:8-16); the graph
    names 10 Romanian candidates and 3 selected, so counting candidates gives 10, not 13."""
    counts = {
        (row["counted"].value, row["area"].value.removeprefix(BASE) if row["area"] else None): int(row["value"].value)
        for row in run_named_query(built_store, "stated_counts", {})
        if row["subject"].value == BASE + "initiative/cities-mission"
    }
    assert counts[("applications", "country/ro")] == 13
    assert counts[("applications", None)] == 377
    assert counts[("selected", "country/ro")] == 3
    candidates = pairs(built_store, "?m ckg:candidateCity ?o . ?o ckg:country kg:country\\/ro", ("o",))
    assert len(candidates) != counts[("applications", "country/ro")]


def test_every_stated_count_cites_its_lines(built_store):
    uncited = pairs(built_store, """?s ckg:count ?o FILTER NOT EXISTS {
        ?e rdf:subject ?s ; rdf:predicate ckg:count ; rdf:object ?o ; ckg:lineStart ?l }""")
    assert not uncited and len(pairs(built_store, "?s ckg:count ?o")) >= 10
