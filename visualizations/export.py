"""The map for other tools: GEXF (Gephi) and GraphML (Cytoscape, yEd, Gephi).

networkx's writers take scalar attributes only, so lists (sources, facts) become "; "-joined
text and the map's IRIs, kinds, types and labels become plain attributes. GEXF also carries the
map's colours, sizes and seeded positions (``viz``), so Gephi opens it looking like the slide.
"""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from citykg.errors import QueryError
from visualizations import style
from visualizations.layout import layout

FORMATS = ("gexf", "graphml")
NODE_TEXT = ("iri", "kind", "type", "type_label", "name", "name_ro", "name_en", "acronym")


def _facts_text(facts) -> str:
    parts = []
    for fact in facts or []:
        sources = f" [{', '.join(fact['sources'])}]" if fact.get("sources") else ""
        parts.append(f"{fact['label']}: {fact['value']}{sources}")
    return "; ".join(parts)


def _rgb(colour: str) -> dict[str, int | float]:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def flat_graph(graph: nx.MultiDiGraph, *, viz: bool = False) -> nx.MultiDiGraph:
    """A copy with only scalar attributes (and ``viz`` for GEXF when asked)."""
    flat = nx.MultiDiGraph(name=graph.graph.get("name") or "citykg map")
    sizes = style.node_sizes(graph, "degree") if viz else {}
    positions = layout(graph) if viz else {}
    for node, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        attributes = {key: str(data[key]) for key in NODE_TEXT if data.get(key)}
        attributes["label"] = " ".join(str(data.get("label") or node).split())
        attributes["focus"] = bool(data.get("focus"))
        if data.get("budget_eur") is not None:
            attributes["budget_eur"] = float(data["budget_eur"])
        if data.get("facts"):
            attributes["facts"] = _facts_text(data["facts"])
        if data.get("sources"):
            attributes["sources"] = "; ".join(data["sources"])
        if viz:
            x, y = positions[node]
            attributes["viz"] = {
                "color": _rgb(style.kind_style(data.get("kind", "")).colour),
                "size": round(sizes[node], 2),
                "position": {"x": round(x * 500, 2), "y": round(-y * 500, 2), "z": 0.0},
            }
        flat.add_node(node, **attributes)
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), e[2])):
        flat.add_edge(
            u, v, key=key,
            relation=str(data.get("relation", key)),
            family=str(data.get("family", "other")),
            label=str(data.get("label", key)),
            role=bool(data.get("role")),
            sources="; ".join(data.get("sources") or []),
        )
    return flat


def export_graph(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """GEXF or GraphML bytes of the map."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(flat_graph(graph, viz=True), buffer)
    else:
        nx.write_graphml(flat_graph(graph), buffer)
    return buffer.getvalue()


def write_export(graph: nx.MultiDiGraph, path: Path, fmt: str | None = None) -> Path:
    path = Path(path)
    path.write_bytes(export_graph(graph, fmt or path.suffix.lstrip(".").lower()))
    return path
