"""Pictures for slides: the map as PNG or SVG at projector resolution, with the map's legend.

matplotlib without pyplot (a Figure of its own, safe in a server thread), the seeded layout of
``layout.py`` and the colours and shapes of ``style.py``. The same graph gives the same bytes:
the layout is seeded, nodes and edges are drawn in sorted order, and the SVG carries no date and
a fixed id salt.
"""

from __future__ import annotations

import io
from datetime import date as Date
from pathlib import Path
from typing import Any

import networkx as nx
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from citykg.errors import QueryError
from visualizations import style
from visualizations.layout import DEFAULT_SEED, layout

FORMATS = ("png", "svg")
#: matplotlib settings of every picture: text as text in SVG, the same ids for the same map.
RC = {"svg.fonttype": "none", "svg.hashsalt": "citykg", "font.family": "DejaVu Sans"}
DPI = 100
#: Above this many nodes only the best-connected ones (and the focus) get a label.
LABEL_ALL_UP_TO = 150
MAX_LABELS = 150


def _marker_area(size: float) -> float:
    """vis-network size (pixels, radius-like) -> matplotlib marker area (points squared)."""
    diameter_points = size * 1.1 * 72 / DPI
    return diameter_points**2


def render_picture(graph: nx.MultiDiGraph, *, fmt: str = "png", **drawing: Any) -> bytes:
    """The map as PNG or SVG bytes, ``width`` x ``height`` pixels (1920x1080 by default); the
    ``drawing`` options are :func:`draw_figure`'s."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown picture format {fmt!r}; one of {', '.join(FORMATS)}")
    with rc_context(RC):
        figure = draw_figure(graph, **drawing)
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": "citykg"}
        figure.savefig(buffer, format=fmt, dpi=DPI, facecolor="white", metadata=metadata)
    return buffer.getvalue()


def draw_figure(
    graph: nx.MultiDiGraph,
    *,
    width: int = 1920,
    height: int = 1080,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str | None = None,
    date: Date | None = None,
    size_by: str = "degree",
    seed: int = DEFAULT_SEED,
) -> Figure:
    """The map drawn on a matplotlib figure (call within ``rc_context(RC)``); node labels carry
    the gid ``label``, so that their boxes can be measured."""
    lang = style.check_lang(lang or graph.graph.get("lang", "ro"))
    date = date or Date.today()
    sizes = style.node_sizes(graph, size_by)
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    header = 0.115
    axes = figure.add_axes((0.01, 0.04, 0.80, 0.96 - header - 0.01))
    axes.set_axis_off()
    _draw_header(figure, graph, title, subtitle, lang, date, header)
    if graph.number_of_nodes():
        positions = layout(graph, seed=seed, aspect=(0.80 * width) / ((0.95 - header) * height))
        _draw_edges(axes, graph, positions)
        _draw_nodes(axes, graph, positions, sizes)
        axes.margins(0.06)
        axes.autoscale_view()
        _draw_labels(axes, graph, positions, sizes)
        _draw_legend(figure, graph, lang, size_by)
    if graph.graph.get("message"):
        axes.text(
            0.5, 0.5, graph.graph["message"], transform=axes.transAxes, ha="center", va="center",
            fontsize=24, color="#404040", wrap=True,
        )
    return figure


def write_picture(graph: nx.MultiDiGraph, path: Path, **options) -> Path:
    """Write the picture in the format the options name (``fmt``) or the file's suffix."""
    path = Path(path)
    options.setdefault("fmt", path.suffix.lstrip(".").lower() or "png")
    path.write_bytes(render_picture(graph, **options))
    return path


def _draw_header(figure, graph, title, subtitle, lang, date, header) -> None:
    top = 1 - 0.02
    figure.text(0.015, top, title or style.text(lang, "title"), fontsize=26, fontweight="bold", va="top", color="#1a1a1a")
    line = subtitle if subtitle is not None else style.subtitle(graph, lang)
    if line:
        figure.text(0.015, top - 0.052, line, fontsize=15, va="top", color="#333333")
    generated = style.text(
        lang, "generated", date=date.isoformat(), nodes=graph.number_of_nodes(), edges=graph.number_of_edges()
    )
    figure.text(0.015, 0.012, generated, fontsize=12, va="bottom", color="#595959")


def _draw_edges(axes, graph, positions) -> None:
    by_family: dict[str, list] = {}
    for u, v, key in sorted(graph.edges(keys=True)):
        family = graph.edges[u, v, key].get("family", "other")
        by_family.setdefault(family, []).append((positions[u], positions[v]))
    for family in style.EDGE_STYLES:
        segments = by_family.get(family)
        if not segments:
            continue
        edge = style.edge_style(family)
        axes.add_collection(
            LineCollection(
                segments, colors=edge.colour, linewidths=edge.width * 0.8,
                linestyles="--" if edge.dashes else "-", alpha=0.75, zorder=1,
            )
        )
    if graph.number_of_edges() <= 80:
        for u, v, key, data in sorted(graph.edges(keys=True, data=True)):
            if data.get("role"):
                (x1, y1), (x2, y2) = positions[u], positions[v]
                axes.text(
                    (x1 + x2) / 2, (y1 + y2) / 2, data.get("label", key), fontsize=8, color="#404040",
                    ha="center", va="center", zorder=2,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
                )


def _draw_nodes(axes, graph, positions, sizes) -> None:
    for kind in style.KIND_STYLES:
        members = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == kind)
        if not members:
            continue
        kind_style = style.kind_style(kind)
        axes.scatter(
            [positions[n][0] for n in members],
            [positions[n][1] for n in members],
            s=[_marker_area(sizes[n]) for n in members],
            c=kind_style.colour,
            marker=kind_style.marker,
            edgecolors=kind_style.border,
            linewidths=[2.6 if graph.nodes[n].get("focus") else 0.9 for n in members],
            zorder=3,
        )


def _labelled(graph) -> list[str]:
    if graph.number_of_nodes() <= LABEL_ALL_UP_TO:
        return sorted(graph)
    ranked = sorted(graph, key=lambda n: (-graph.degree(n), str(n)))
    chosen = set(ranked[:MAX_LABELS]) | {n for n, d in graph.nodes(data=True) if d.get("focus")}
    return sorted(chosen)


#: Where a label may go around its node, in the order tried: below, above, right, left.
_PLACES = (((0, -1), "center", "top"), ((0, 1), "center", "bottom"), ((1, 0), "left", "center"), ((-1, 0), "right", "center"))


def _draw_labels(axes, graph, positions, sizes) -> None:
    """Labels that never overlap one another: the focus and the best-connected are placed first,
    each below its node or, when that spot is taken, above, right or left of it; a label that
    fits nowhere is left out (the node keeps its tooltip on the HTML map)."""
    n = graph.number_of_nodes()
    fontsize = 11 if n <= 60 else 9 if n <= 200 else 7
    renderer = axes.figure.canvas.get_renderer()
    frame = axes.get_window_extent(renderer)
    placed = []
    order = sorted(_labelled(graph), key=lambda node: (not graph.nodes[node].get("focus"), -graph.degree(node), str(node)))
    for node in order:
        data = graph.nodes[node]
        gap = sizes[node] * 0.55 + 3
        for (dx, dy), ha, va in _PLACES:
            label = axes.annotate(
                data.get("label", str(node)), positions[node], xytext=(dx * gap, dy * gap),
                textcoords="offset points", ha=ha, va=va,
                fontsize=fontsize + (1 if data.get("focus") else 0),
                fontweight="bold" if data.get("focus") else "normal", color="#1a1a1a", zorder=4, gid="label",
            )
            box = label.get_window_extent(renderer).expanded(1.04, 1.08)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            label.remove()


def _draw_legend(figure, graph, lang, size_by) -> None:
    counts = {}
    for _, data in graph.nodes(data=True):
        counts[data.get("kind")] = counts.get(data.get("kind"), 0) + 1
    handles = [
        Line2D(
            [], [], linestyle="none", marker=style.kind_style(kind).marker, markersize=13,
            markerfacecolor=style.kind_style(kind).colour, markeredgecolor=style.kind_style(kind).border,
            label=f"{style.kind_style(kind).label[lang]} ({counts[kind]})",
        )
        for kind in style.kinds_in(graph)
    ]
    ties = {}
    for *_, data in graph.edges(data=True):
        ties[data.get("family", "other")] = ties.get(data.get("family", "other"), 0) + 1
    handles += [
        Line2D([], [], color=style.edge_style(family).colour, linewidth=style.edge_style(family).width * 1.2,
               linestyle="--" if style.edge_style(family).dashes else "-",
               label=f"{style.EDGE_LABELS[family][lang]} ({ties[family]})")
        for family in style.families_in(graph)
    ]
    legend = figure.legend(
        handles=handles, loc="upper right", bbox_to_anchor=(0.995, 0.87), title=style.text(lang, "legend"),
        fontsize=14, title_fontsize=15, frameon=True, framealpha=1.0, edgecolor="#cccccc",
        borderpad=0.8, labelspacing=0.9,
    )
    legend.get_title().set_fontweight("bold")
    figure.text(0.995, 0.012, style.text(lang, "size_" + size_by), fontsize=12, ha="right", va="bottom", color="#595959")
