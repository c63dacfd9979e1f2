"""The named queries of ``queries/`` over HTTP: ``GET /queries`` lists them with their headers,
``GET /queries/{name}?param=value`` runs one (the same ``run_named_query`` as ``citykg query``).

Parameters are bound as values. Named queries run in the query workers as ``/sparql`` queries do,
with the same time limit and result size limit, and stop when the client leaves (a
``shortest_chain`` between two far documents ran 18 minutes, issue 23); the answer is negotiated
as on ``/sparql`` (or ``?format=``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from citykg.errors import NotAcceptableError, QueryError
from citykg.queries import get_query, load_queries
from citykg.sparql_text import query_form
from citykg.workers import QueryJob, QueryWorkers
from graph_api.media_types import (
    FORMAT_ALIASES,
    GRAPH_CONTENT_TYPES,
    GRAPH_MEDIA_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_MEDIA_TYPES,
    negotiate,
)


def router(workers: QueryWorkers) -> APIRouter:
    api = APIRouter(tags=["Named queries"])

    @api.get("/queries")
    def list_queries() -> list[dict]:
        """Every named query: name, title (ro, en), description, parameters with type and default."""
        return [named.header() for named in load_queries().values()]

    @api.get("/queries/{name}", responses={400: {"description": "An unknown or malformed parameter"}, 404: {"description": "No such named query"}})
    async def run_query(name: str, request: Request) -> Response:
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
        bindings = named.bindings(params)
        graph = query_form(named.text) in ("CONSTRUCT", "DESCRIBE")
        if fmt is not None:
            result_fmt, graph_fmt = FORMAT_ALIASES[fmt.lower()]
        else:
            accept = request.headers.get("accept")
            result_fmt, graph_fmt = negotiate(accept, RESULT_MEDIA_TYPES), negotiate(accept, GRAPH_MEDIA_TYPES)
        if (graph_fmt if graph else result_fmt) is None:
            raise NotAcceptableError(f"query {name!r} cannot answer in {fmt or request.headers.get('accept')!r}")
        job = QueryJob(sparql=named.text, result_format=result_fmt, graph_format=graph_fmt,
                       bindings=tuple(bindings.items()))
        answer = await workers.run(job, request.is_disconnected)
        types = GRAPH_CONTENT_TYPES if answer.form == "graph" else RESULT_CONTENT_TYPES
        return Response(answer.body, media_type=types[answer.fmt], headers={"Vary": "Accept"})

    return api
