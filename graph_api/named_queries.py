"""The named queries of ``queries/`` over HTTP: ``GET /queries`` lists them with their headers,
``GET /queries/{name}?param=value`` runs one (the same named queries as ``citykg query``);
``?format=html`` (or a browser's ``Accept``) answers a form for its parameters and a table whose
entities link to their pages here.

Parameters are bound as values. An entity parameter takes an id, an IRI or a name (resolved by
``citykg.entity_search.EntityResolver``: an ambiguous or unknown name is a 422 listing
candidates); what each resolved to is in the ``CityKG-Resolved`` header, as JSON. A named query
answers from the reviewed layer unless ``include=proposed``; the ``Citykg-Proposed-Left-Out``
header says how many proposed facts about the entities asked for (or in all, for a query about no
entity) the answer left out. Named queries run in the query workers as ``/sparql`` queries do,
with the same time limit and result size limit, and stop when the client leaves (a
``shortest_chain`` between two far documents ran 18 minutes, issue 23); the answer is negotiated
as on ``/sparql`` (or ``?format=``).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from citykg.entity_search import ENTITY_ID, EntityResolver
from citykg.errors import NotAcceptableError, QueryError
from citykg.layers import include_proposed, named_query_left_out, reviewed_dataset
from citykg.namespaces import BASE
from citykg.queries import NamedQuery, get_query, load_queries
from citykg.sparql_text import query_form
from citykg.store import GraphStore
from citykg.workers import Answer, QueryJob, QueryWorkers
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


def router(store: GraphStore, workers: QueryWorkers) -> APIRouter:
    api = APIRouter(tags=["Named queries"])

    @api.get("/queries")
    def list_queries() -> list[dict]:
        """Every named query: name, title (ro, en), description, parameters with type and default."""
        return [named.header() for named in load_queries().values()]

    async def run(named: NamedQuery, params: dict[str, str], with_proposed: bool, resolver: EntityResolver,
                  result_fmt: str | None, graph_fmt: str | None, request: Request) -> tuple[Answer, dict]:
        bindings = named.bindings(params, resolver.iri)
        dataset = None if with_proposed else reviewed_dataset(store)
        job = QueryJob(sparql=named.text, result_format=result_fmt, graph_format=graph_fmt,
                       bindings=tuple(bindings.items()), default_graph=dataset, named_graphs=dataset)
        answer = await workers.run(job, request.is_disconnected)
        left_out = 0 if with_proposed else named_query_left_out(store, named, bindings)
        headers = {"Vary": "Accept", "Citykg-Layer": "all" if with_proposed else "reviewed",
                   "Citykg-Proposed-Left-Out": str(left_out)}
        if resolver.resolved:  # what each entity parameter named; the result formats have no place for it
            headers[RESOLVED_HEADER] = json.dumps(resolver.resolved)
        return answer, headers

    @api.get("/queries/{name}", responses={400: {"description": "An unknown or malformed parameter"}, 404: {"description": "No such named query"},
                                           422: {"description": "An entity parameter that names nothing in the graph, or more than one entity (the candidates are listed)"}})
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
        with_proposed = include_proposed(request.query_params.get("include"))
        fmt = request.query_params.get("format")
        resolver = EntityResolver(store)
        if fmt == "html" or (fmt is None and wants_html(request) and query_form(named.text) == "SELECT"):
            if query_form(named.text) != "SELECT":
                raise NotAcceptableError(f"query {named.name!r} answers a graph or a boolean, not a table: "
                                         "ask for format=jsonld, ttl or json")
            answer, headers = await run(named, params, with_proposed, resolver, "json", None, request)
            return _page(named, params, resolver, json.loads(answer.body), headers)
        if fmt is not None and fmt.lower() not in FORMAT_ALIASES:
            raise QueryError(f"unknown format {fmt!r}; one of {', '.join(FORMAT_ALIASES)}")
        graph = query_form(named.text) in ("CONSTRUCT", "DESCRIBE")
        if fmt is not None:
            result_fmt, graph_fmt = FORMAT_ALIASES[fmt.lower()]
        else:
            accept = request.headers.get("accept")
            result_fmt, graph_fmt = negotiate(accept, RESULT_MEDIA_TYPES), negotiate(accept, GRAPH_MEDIA_TYPES)
        if (graph_fmt if graph else result_fmt) is None:
            raise NotAcceptableError(f"query {name!r} cannot answer in {fmt or request.headers.get('accept')!r}")
        answer, headers = await run(named, params, with_proposed, resolver, result_fmt, graph_fmt, request)
        types = GRAPH_CONTENT_TYPES if answer.form == "graph" else RESULT_CONTENT_TYPES
        return Response(answer.body, media_type=types[answer.fmt], headers=headers)

    return api


def _cell(term: dict | None) -> dict[str, str | None]:
    """A result cell (SPARQL JSON): an entity of the graph links to its page here, anything else
    is text."""
    if term is None:
        return {"text": "", "href": None}
    text = term["value"]
    local = text.removeprefix(BASE) if term["type"] == "uri" and text.startswith(BASE) else None
    return {"text": text, "href": f"/entities/{local}" if local and ENTITY_ID.fullmatch(local) else None}


def _page(named: NamedQuery, params: dict[str, str], resolver: EntityResolver, results: dict,
          headers: dict) -> HTMLResponse:
    """The query's parameters as a form and its answer as a table, for a browser."""
    variables = results["head"]["vars"]
    rows = [[_cell(row.get(v)) for v in variables] for row in results["results"]["bindings"]]
    links = {fmt: f"/queries/{named.name}?" + urlencode({**params, "format": fmt}) for fmt in ("csv", "json")}
    body = templates.get_template("named_query.html").render(
        named=named, given=params, resolved=resolver.resolved, variables=variables, rows=rows,
        csv_url=links["csv"], json_url=links["json"])
    return HTMLResponse(body, headers=headers)
