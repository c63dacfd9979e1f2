"""Entity pages: ``GET /entities/{kind}/{slug}`` (``/entities/org/utcn``).

By content negotiation (or ``?format=``): HTML for people (names in ro and en, identifiers as
links, every fact with its document and lines, projects and partners, a map of the
neighbourhood), JSON-LD and Turtle for programs (the CONSTRUCT ``entity_graph``). An unknown id is
a 404, as a page that names it when HTML was asked for.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.routing import Match

from citykg.entity_page import entity_graph, entity_page, serialize_graph
from citykg.errors import NotAcceptableError, NotFoundError
from citykg.layers import include_proposed, left_out_note, proposed_left_out
from citykg.store import GraphStore
from graph_api.media_types import GRAPH_CONTENT_TYPES, negotiate
from graph_api.pages import templates

OFFERS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
}
FORMATS = {"html": "html", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
           "ttl": "ttl", "turtle": "ttl", "nt": "nt"}


def serves(app, path: str) -> bool:
    """Whether the app answers GET ``path`` (asked the way Starlette routes a request, so routes of
    included routers count too)."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": "", "query_string": b"", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


def router(store: GraphStore) -> APIRouter:
    api = APIRouter(tags=["Entities"])

    @api.get(
        "/entities/{kind}/{slug}",
        responses={
            200: {"content": {"text/html": {}, "application/ld+json": {}, "text/turtle": {}},
                  "description": "The entity: an HTML page, JSON-LD or Turtle"},
            404: {"description": "No entity with this id"},
            406: {"description": "None of HTML, JSON-LD, Turtle, N-Triples is acceptable"},
        },
    )
    def entity(
        kind: str,
        slug: str,
        request: Request,
        format: Annotated[str | None, Query(description="html, jsonld or ttl (instead of Accept)")] = None,
        include: Annotated[str | None, Query(description="`proposed`: include facts nobody has reviewed yet (marked as proposed)")] = None,
    ) -> Response:
        """One entity with every fact about it and the lines of the documents that state it, from
        reviewed facts unless ``include=proposed`` (the ``Citykg-Proposed-Left-Out`` header and the
        page say how many proposed facts about it were left out)."""
        entity_id = f"{kind}/{slug}"
        with_proposed = include_proposed(include)
        layer = store.layer(with_proposed)
        left_out = 0 if with_proposed else proposed_left_out(store, [entity_id])
        headers = {"Vary": "Accept", "Citykg-Layer": "all" if with_proposed else "reviewed",
                   "Citykg-Proposed-Left-Out": str(left_out)}
        if format is not None:
            fmt = FORMATS.get(format.lower())
            if fmt is None:
                raise NotAcceptableError(f"unknown format {format!r}; one of html, jsonld, ttl")
        else:
            fmt = negotiate(request.headers.get("accept"), OFFERS)
        if fmt is None:
            raise NotAcceptableError(f"/entities/{entity_id} answers in HTML, JSON-LD, Turtle or N-Triples")
        try:
            if fmt != "html":
                triples = entity_graph(layer, entity_id)
                return Response(serialize_graph(triples, fmt), media_type=GRAPH_CONTENT_TYPES[fmt], headers=headers)
            page = entity_page(layer, entity_id)
        except NotFoundError as error:
            if fmt != "html":
                raise
            if not with_proposed and left_out:
                error = NotFoundError(f"{error}; {left_out} proposed facts nobody has reviewed yet name it: "
                                      f"/entities/{entity_id}?include=proposed shows them")
            body = templates.get_template("entity_not_found.html").render(
                message=str(error), entity_id=entity_id, guess=slug.replace("-", " ")
            )
            return HTMLResponse(body, status_code=404, headers=headers)
        map_available = serves(request.app, "/map")
        body = templates.get_template("entity.html").render(
            page=page, map_available=map_available, with_proposed=with_proposed,
            left_out_note=None if with_proposed else left_out_note(left_out))
        return HTMLResponse(body, headers=headers)

    return api
