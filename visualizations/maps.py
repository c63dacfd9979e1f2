"""One map in the format asked for: what the ``citykg map`` command and ``GET /map`` both call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date

from citykg.errors import QueryError
from citykg.store import GraphStore
from visualizations import export, html, picture, style
from visualizations.network import load_network

FORMATS = ("html", "png", "svg", "gexf", "graphml")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "png": "image/png",
    "svg": "image/svg+xml",
    "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml",
}
#: Above this many entities a drawn map is unreadable (and slow to lay out): it is drawn grouped
#: by kind and country. Exports for Gephi and Cytoscape have no such limit.
DRAW_LIMIT = 2000


@dataclass(frozen=True)
class MapFile:
    content: bytes
    media_type: str
    suffix: str
    nodes: int
    edges: int
    message: str | None


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise QueryError(f"unknown map format {fmt!r}; one of {', '.join(FORMATS)}")
    return fmt


def make_map(
    store: GraphStore,
    *,
    fmt: str = "html",
    project: str | None = None,
    programme: str | None = None,
    city: str | None = None,
    country: str | None = None,
    types: list[str] | None = None,
    around: str | None = None,
    radius: int = 2,
    lang: str = "ro",
    title: str | None = None,
    size_by: str = "degree",
    width: int = 1920,
    height: int = 1080,
    date: Date | None = None,
    include_proposed: bool = False,
) -> MapFile:
    """Load the network with the filters, then draw or export it (from the reviewed layer
    unless ``include_proposed``)."""
    store = store.layer(include_proposed)
    check_format(fmt)
    style.check_lang(lang)
    if size_by not in style.SIZE_BY:
        raise QueryError(f"unknown size {size_by!r}; one of {', '.join(style.SIZE_BY)}")
    if fmt in ("png", "svg") and not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise QueryError(f"a picture must be between 320x240 and 8000x8000 pixels, not {width}x{height}")
    graph = load_network(
        store, project=project, programme=programme, city=city, country=country, types=types,
        around=around, radius=radius, lang=lang,
        max_nodes=DRAW_LIMIT if fmt in ("html", "png", "svg") else None,
    )
    if fmt == "html":
        content = html.render_html(graph, title=title, lang=lang, date=date, size_by=size_by).encode("utf-8")
    elif fmt in picture.FORMATS:
        content = picture.render_picture(
            graph, fmt=fmt, title=title, lang=lang, date=date, size_by=size_by, width=width, height=height
        )
    else:
        content = export.export_graph(graph, fmt)
    return MapFile(
        content, MEDIA_TYPES[fmt], fmt, graph.number_of_nodes(), graph.number_of_edges(), graph.graph.get("message")
    )
