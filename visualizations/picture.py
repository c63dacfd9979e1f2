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
DPI = 100
#: Above this many nodes only the best-connected ones (and the focus) get a label.
LABEL_ALL_UP_TO = 150
MAX_LABELS = 150


def _marker_area(size: float) -> float:
    """vis-network size (pixels, radius-like) -> matplotlib marker area (points squared)."""
    diameter_points = size * 1.1 * 72 / DPI
    return diameter_points**2


def render_picture(
    graph: nx.MultiDiGraph,
    *,
    fmt: str = "png",
    width: int = 1920,
    height: int = 1080,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str | None = None,
    date: Date | None = None,
    size_by: str = "degree",
    seed: int = DEFAULT_SEED,
) -> bytes:
    """The map as PNG or SVG bytes, ``width`` x ``height`` pixels (1920x1080 by default)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown picture format {fmt!r}; one of {', '.join(FORMATS)}")
    lang = style.check_lang(lang or graph.graph.get("lang", "ro"))
    date = date or Date.today()
    sizes = style.node_sizes(graph, size_by)
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "citykg", "font.family": "DejaVu Sans"}):
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
            _draw_labels(axes, graph, positions, sizes)
            axes.margins(0.06)
            _draw_legend(figure, graph, lang, size_by)
        if graph.graph.get("message"):
            axes.text(
                0.5, 0.5, graph.graph["message"], transform=axes.transAxes, ha="center", va="center",
                fontsize=24, color="#404040",
            )
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": "citykg"}
        figure.savefig(buffer, format=fmt, dpi=DPI, facecolor="white", metadata=metadata)
    return buffer.getvalue()


def write_picture(graph: nx.MultiDiGraph, path: Path, **options) -> Path:
    """Write the picture in the format the options name (``fmt``) or the file's suffix."""
    path = Path(path)
    options.setdefault("fmt", path.suffix.lstrip(".").lower() or "png")
    path.write_bytes(render_picture(graph, **options))
    return path


def _draw_header(figure, graph, title, subtitle, lang, date, header) -> None:
    top = 1 - 0.02
    figure.text(0.015, top, title or style.text(lang, "title"), fontsize=26, fontweight="bold", va="top", color="#1a1a1a")
    line = subtitle if subtitle is not None else style.filters_line(style.named_filters(graph), lang)
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


def _draw_labels(axes, graph, positions, sizes) -> None:
    n = graph.number_of_nodes()
    fontsize = 11 if n <= 60 else 9 if n <= 200 else 7
    for node in _labelled(graph):
        data = graph.nodes[node]
        x, y = positions[node]
        axes.annotate(
            data.get("label", str(node)),
            (x, y),
            xytext=(0, -(sizes[node] * 0.55 + 3)),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=fontsize + (1 if data.get("focus") else 0),
            fontweight="bold" if data.get("focus") else "normal",
            color="#1a1a1a",
            zorder=4,
        )


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
    legend = figure.legend(
        handles=handles, loc="upper right", bbox_to_anchor=(0.995, 0.87), title=style.text(lang, "legend"),
        fontsize=14, title_fontsize=15, frameon=True, framealpha=1.0, edgecolor="#cccccc",
        borderpad=0.8, labelspacing=0.9,
    )
    legend.get_title().set_fontweight("bold")
    figure.text(0.995, 0.012, style.text(lang, "size_" + size_by), fontsize=12, ha="right", va="bottom", color="#595959")
