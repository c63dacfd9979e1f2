"""Inverses, shortcuts and comparable dates, added at build time in a graph of their own.

The rules are the SPARQL CONSTRUCT queries of ``queries/inferred/``, run over the stated graphs
until nothing new follows, so that the obvious query works (``?project ckg:hasParticipant ?x``,
a city hall's city, an organisation's country, membership stated either way). Each date value
also gets the period it denotes (``citykg.periods``). All of it goes to ``graph/inferred``,
never into a document's graph, so a derived triple is not mistaken for a stated fact: it has no
Evidence, and the facts it follows from do.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from citykg.namespaces import CKG, graph_iri, period_iri
from citykg.periods import period_of
from citykg.queries import QUERIES_DIR

RULES_DIR = QUERIES_DIR / "inferred"
INFERRED = graph_iri("inferred")
DATE_PERIODS = {
    CKG.startDate: CKG.startPeriod,
    CKG.endDate: CKG.endPeriod,
    CKG.signedDate: CKG.signedPeriod,
    CKG.openingDate: CKG.openingPeriod,
    CKG.deadline: CKG.deadlinePeriod,
    CKG.foundingDate: CKG.foundingPeriod,
}


def rules() -> list[str]:
    """The CONSTRUCT queries of ``queries/inferred/``."""
    return [path.read_text(encoding="utf-8") for path in sorted(RULES_DIR.glob("*.rq"))]


def date_periods(stated: Graph) -> Graph:
    """Each date value's period: ``?x ckg:startPeriod [ ckg:periodStart ?d ; ckg:periodEnd ?e ;
    ckg:precision "year" ]`` beside ``?x ckg:startDate "2021"^^xsd:gYear``."""
    g = Graph()
    for prop, link in DATE_PERIODS.items():
        for subject, value in stated.subject_objects(prop):
            if not isinstance(value, Literal) or value.datatype is None:
                continue
            period = period_of(str(value), str(value.datatype).removeprefix(str(XSD)))
            if period is None:
                continue
            node = period_iri(str(value))
            g.add((subject, link, node))
            g.add((node, RDF.type, CKG.Period))
            g.add((node, CKG.periodStart, Literal(period.start.isoformat(), datatype=XSD.date)))
            g.add((node, CKG.periodEnd, Literal(period.end.isoformat(), datatype=XSD.date)))
            g.add((node, CKG.precision, Literal(period.precision)))
    return g


def materialise(graphs: Iterable[Graph]) -> Graph:
    """``graph/inferred``: what the rules and the date periods add to the stated graphs."""
    stated = Graph()
    for graph in graphs:
        stated += graph
    store = ox.Store()
    store.load(stated.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    added: list[ox.Quad] = []
    queries = rules()
    while True:
        new = {
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
            for query in queries for t in store.query(query)
        }
        new = {q for q in new if q not in store}
        if not new:
            break
        store.extend(new)
        added.extend(new)
    inferred = Graph(identifier=INFERRED)
    if added:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in added]
        inferred.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    for triple in date_periods(stated):
        if triple not in stated:
            inferred.add(triple)
    return inferred
