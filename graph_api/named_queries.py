"""The named queries of ``queries/`` over HTTP: ``GET /queries`` lists them with their headers,
``GET /queries/{name}?param=value`` runs one (the same ``run_named_query`` as ``citykg query``);
``?format=html`` (or a browser's ``Accept``) answers a form for its parameters and a table whose
entities link to their pages here.

Parameters are bound as values. An entity parameter takes an id, an IRI or a name (resolved by
``citykg.entity_search.EntityResolver``: an ambiguous or unknown name is a 422 listing
candidates); what each resolved to is in the ``CityKG-Resolved`` header, as JSON. Named queries are the project's own, so they run in-process
without the worker time limit; the answer is negotiated as on ``/sparql`` (or ``?format=``).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from citykg.entity_search import ENTITY_ID, EntityResolver
from citykg.errors import NotAcceptableError, QueryError
from citykg.namespaces import BASE
from citykg.queries import NamedQuery, get_query, load_queries, run_named_query
from citykg.results import serialize_result
from citykg.sparql_text import query_form, star_variable_order
from citykg.store import GraphStore
from graph_api.errors import wants_html
from graph_api.media_types import (
    FORMAT_ALIASES,
    GRAPH_CONTENT_TYPES,
    GRAPH_MEDIA_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_MEDIA_TYPES,
    negotiate,
)
from graph_api.pages import templates

RESOLVED_HEADER = "CityKG-Resolved"


def router(store: GraphStore) -> APIRouter:
    api = APIRouter(tags=["Named queries"])

    @api.get("/queries")
    def list_queries() -> list[dict]:
        """Every named query: name, title (ro, en), description, parameters with type and default."""
        return [named.header() for named in load_queries().values()]

    @api.get("/queries/{name}", responses={400: {"description": "An unknown or malformed parameter"}, 404: {"description": "No such named query"},
                                           422: {"description": "An entity parameter that names nothing in the graph, or more than one entity (the candidates are listed)"}})
    def run_query(name: str, request: Request) -> Response:
        """Run a named query; each URL parameter but ``format`` is one of its parameters."""
        named = get_query(name)
        params: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key == "format":
                continue
            if key in params:
                raise QueryError(f"parameter {key!r} is given twice")
            params[key] = value
        fmt = request.query_params.get("format")
        if fmt == "html" or (fmt is None and wants_html(request) and query_form(named.text) == "SELECT"):
            return _page(store, named, params)
        if fmt is not None and fmt.lower() not in FORMAT_ALIASES:
            raise QueryError(f"unknown format {fmt!r}; one of {', '.join(FORMAT_ALIASES)}")
        resolver = EntityResolver(store)
        result = run_named_query(store, named.name, params, resolver.iri)
        graph = not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean))
        if fmt is not None:
            chosen = FORMAT_ALIASES[fmt.lower()][1 if graph else 0]
        else:
            chosen = negotiate(request.headers.get("accept"), GRAPH_MEDIA_TYPES if graph else RESULT_MEDIA_TYPES)
        if chosen is None:
            raise NotAcceptableError(f"query {name!r} cannot answer in {fmt or request.headers.get('accept')!r}")
        variables = None
        if isinstance(result, ox.QuerySolutions):
            variables = star_variable_order(named.text, [v.value for v in result.variables])
        body = serialize_result(result, chosen, variables=variables)
        types = GRAPH_CONTENT_TYPES if graph else RESULT_CONTENT_TYPES
        headers = {"Vary": "Accept"}
        if resolver.resolved:  # what each entity parameter named; the result formats have no place for it
            headers[RESOLVED_HEADER] = json.dumps(resolver.resolved)
        return Response(body, media_type=types[chosen], headers=headers)

    return api


def _cell(term) -> dict[str, str | None]:
    """A result cell: an entity of the graph links to its page here, anything else is text."""
    if term is None:
        return {"text": "", "href": None}
    text = term.value
    local = text.removeprefix(BASE) if isinstance(term, ox.NamedNode) and text.startswith(BASE) else None
    return {"text": text, "href": f"/entities/{local}" if local and ENTITY_ID.fullmatch(local) else None}


def _page(store: GraphStore, named: NamedQuery, params: dict[str, str]) -> HTMLResponse:
    """The query's parameters as a form and its answer as a table, for a browser."""
    resolver = EntityResolver(store)
    result = run_named_query(store, named.name, params, resolver.iri)
    if not isinstance(result, ox.QuerySolutions):
        raise NotAcceptableError(f"query {named.name!r} answers a graph or a boolean, not a table: "
                                 "ask for format=jsonld, ttl or json")
    variables = star_variable_order(named.text, [v.value for v in result.variables])
    rows = [[_cell(row[v]) for v in variables] for row in result]
    links = {fmt: f"/queries/{named.name}?" + urlencode({**params, "format": fmt}) for fmt in ("csv", "json")}
    body = templates.get_template("named_query.html").render(
        named=named, given=params, resolved=resolver.resolved, variables=variables, rows=rows,
        csv_url=links["csv"], json_url=links["json"])
    return HTMLResponse(body, headers={"Vary": "Accept"})
