"""The named queries of ``queries/`` over HTTP: ``GET /queries`` lists them with their headers,
``GET /queries/{name}?param=value`` runs one (the same ``run_named_query`` as ``citykg query``).

Parameters are bound as values. A named query answers from the reviewed layer unless
``include=proposed``; the ``Citykg-Proposed-Left-Out`` header says how many proposed facts about
the entities asked for (or in all, for a query about no entity) the answer left out. Named queries run in the query workers as ``/sparql`` queries do,
with the same time limit and result size limit, and stop when the client leaves (a
``shortest_chain`` between two far documents ran 18 minutes, issue 23); the answer is negotiated
as on ``/sparql`` (or ``?format=``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from citykg.errors import NotAcceptableError, QueryError
from citykg.layers import include_proposed, named_query_left_out, reviewed_dataset
from citykg.queries import get_query, load_queries
from citykg.sparql_text import query_form
from citykg.store import GraphStore
from citykg.workers import QueryJob, QueryWorkers
from graph_api.media_types import (
    FORMAT_ALIASES,
    GRAPH_CONTENT_TYPES,
    GRAPH_MEDIA_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_MEDIA_TYPES,
    negotiate,
)


def router(store: GraphStore, workers: QueryWorkers) -> APIRouter:
    api = APIRouter(tags=["Named queries"])

    @api.get("/queries")
    def list_queries() -> list[dict]:
        """Every named query: name, title (ro, en), description, parameters with type and default."""
        return [named.header() for named in load_queries().values()]

    @api.get("/queries/{name}", responses={400: {"description": "An unknown or malformed parameter"}, 404: {"description": "No such named query"}})
    async def run_query(name: str, request: Request) -> Response:
        """Run a named query; each URL parameter but ``format`` and ``include`` is one of its
        parameters. From reviewed facts unless ``include=proposed``."""
        named = get_query(name)
        params: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in ("format", "include"):
                continue
            if key in params:
                raise QueryError(f"parameter {key!r} is given twice")
            params[key] = value
        fmt = request.query_params.get("format")
        if fmt is not None and fmt.lower() not in FORMAT_ALIASES:
            raise QueryError(f"unknown format {fmt!r}; one of {', '.join(FORMAT_ALIASES)}")
        with_proposed = include_proposed(request.query_params.get("include"))
        bindings = named.bindings(params)
        graph = query_form(named.text) in ("CONSTRUCT", "DESCRIBE")
        if fmt is not None:
            result_fmt, graph_fmt = FORMAT_ALIASES[fmt.lower()]
        else:
            accept = request.headers.get("accept")
            result_fmt, graph_fmt = negotiate(accept, RESULT_MEDIA_TYPES), negotiate(accept, GRAPH_MEDIA_TYPES)
        if (graph_fmt if graph else result_fmt) is None:
            raise NotAcceptableError(f"query {name!r} cannot answer in {fmt or request.headers.get('accept')!r}")
        dataset = None if with_proposed else reviewed_dataset(store)
        job = QueryJob(sparql=named.text, result_format=result_fmt, graph_format=graph_fmt,
                       bindings=tuple(bindings.items()), default_graph=dataset, named_graphs=dataset)
        answer = await workers.run(job, request.is_disconnected)
        left_out = 0 if with_proposed else named_query_left_out(store, named, bindings)
        types = GRAPH_CONTENT_TYPES if answer.form == "graph" else RESULT_CONTENT_TYPES
        layer = {"Citykg-Layer": "all" if with_proposed else "reviewed", "Citykg-Proposed-Left-Out": str(left_out)}
        return Response(answer.body, media_type=types[answer.fmt], headers={"Vary": "Accept", **layer})

    return api
