"""SHACL validation of the graphs a build produces (pySHACL, RDFS inference over the ontology)."""

from __future__ import annotations

from collections.abc import Iterable

from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from citykg.errors import ValidationError


def validate_graphs(data: Iterable[Graph], ontology: Graph, shapes: Graph) -> str:
    """Check the union of ``data`` against the shapes; raise ValidationError with the report.

    Returns the (short) report of a conforming graph.
    """
    union = Graph()
    for graph in data:
        for triple in graph:
            union.add(triple)
    conforms, results, report = shacl_validate(
        union,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
    )
    if not conforms:
        focus = set(results.objects(None, SH.focusNode))
        failures = [
            (results.value(r, SH.focusNode), results.value(r, SH.resultPath), results.value(r, SH.value),
             str(results.value(r, SH.resultMessage) or "does not conform"))
            for r in results.subjects(SH.focusNode, None)
        ]
        raise ValidationError("the graph does not conform to ontology/shapes.ttl", report, focus, failures)
    return report
