"""The named queries of ``queries/`` over HTTP: ``GET /queries`` lists them with their headers,
``GET /queries/{name}?param=value`` runs one (the same ``run_named_query`` as ``citykg query``).

Parameters are bound as values. An entity parameter takes an id, an IRI or a name (resolved by
``citykg.entity_search.EntityResolver``: an ambiguous or unknown name is a 422 listing
candidates); what each resolved to is in the ``CityKG-Resolved`` header, as JSON. Named queries are the project's own, so they run in-process
without the worker time limit; the answer is negotiated as on ``/sparql`` (or ``?format=``).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from citykg.entity_search import EntityResolver
from citykg.errors import NotAcceptableError, QueryError
from citykg.queries import get_query, load_queries, run_named_query
from citykg.results import serialize_result
from citykg.sparql_text import star_variable_order
from citykg.store import GraphStore
from graph_api.media_types import (
    FORMAT_ALIASES,
    GRAPH_CONTENT_TYPES,
    GRAPH_MEDIA_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_MEDIA_TYPES,
    negotiate,
)

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
