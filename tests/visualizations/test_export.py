"""GEXF and GraphML for Gephi and Cytoscape: types, labels and sources as plain attributes."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from citykg.errors import QueryError
from citykg.namespaces import BASE
from visualizations.export import export_graph
from visualizations.network import CKG, build_network

P, O = BASE + "project/p", BASE + "org/o"


def graph() -> nx.MultiDiGraph:
    return build_network(
        [
            {"node": P, "type": CKG + "Project", "label": "Proiect P", "labelLang": "ro"},
            {"node": O, "type": CKG + "University", "label": "Universitatea O", "labelLang": "ro"},
            {"node": O, "type": CKG + "University", "acronym": "UO"},
            {"node": P, "type": CKG + "Project", "relation": CKG + "coordinator", "target": O},
            {"node": P, "type": CKG + "Project", "relation": CKG + "relatedTo", "target": O},
            {"node": O, "type": CKG + "University", "mention": BASE + "mention/1", "document": BASE + "doc/000", "lineStart": "3", "lineEnd": "4"},
        ],
        focus=[P],
    )


@pytest.mark.parametrize("fmt, read", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_round_trip_keeps_types_labels_and_parallel_ties(fmt, read):
    back = read(io.BytesIO(export_graph(graph(), fmt)))
    assert back.is_multigraph() and back.is_directed()
    org = back.nodes[O]
    assert (org["kind"], org["type"], org["label"], org["name"]) == ("organisation", "University", "UO", "Universitatea O")
    assert org["sources"] == "000:3-4" and back.nodes[P]["focus"] in (True, "true")
    relations = sorted(data["relation"] for _, _, data in back.edges(data=True))
    assert relations == ["coordinator", "relatedTo"]


def test_gexf_carries_the_map_colours():
    back = nx.read_gexf(io.BytesIO(export_graph(graph(), "gexf")))
    assert back.nodes[O]["viz"]["color"] == {"r": 0, "g": 114, "b": 178, "a": 1.0}


def test_unknown_export_format():
    with pytest.raises(QueryError, match="one of gexf, graphml"):
        export_graph(graph(), "dot")
