"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: a router handed a store (as rdflib-endpoint).

It parses a request, hands the query to the query workers (which run it with a time limit and
serialize it with ``citykg.results``) or the update to ``store.update``, and renders the answer.
Queries are awaited on the event loop, without a thread of the pool each: the work is in the
workers, and the thread handoffs cost more than a lookup (see ``citykg.workers``).

* Queries: ``GET ?query=``, ``POST`` form-encoded (``query=``), ``POST application/sparql-query``;
  the dataset from ``default-graph-uri`` / ``named-graph-uri`` (else the union of the named
  graphs as default graph); results in the media type the ``Accept`` header prefers.
* Updates: ``POST`` form-encoded (``update=``) or ``application/sparql-update``, with
  ``using-graph-uri`` / ``using-named-graph-uri``; only with ``Authorization: Bearer
  CITYKG_UPDATE_TOKEN``, and only on a store that takes updates.
* ``GET /sparql`` without a query: the service description.
* Refused: ``SERVICE`` and ``LOAD`` (the server fetches nothing on a user's behalf).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict

from citykg import __version__
from citykg.config import Settings
from citykg.errors import (
    ForbiddenError,
    MethodNotAllowedError,
    NotAcceptableError,
    QueryError,
    UnsupportedMediaTypeError,
)
from citykg.results import serialize_result
from citykg.sparql_text import (
    MAX_NESTING,
    has_dataset_clause,
    names_its_dataset,
    nested_too_deep,
    query_form,
    reaches_out,
    with_using,
)
from citykg.store import GraphStore
from citykg.workers import QueryJob, QueryWorkers
from graph_api.update_token import require_update_token
from graph_api.media_types import (
    FORMAT_ALIASES,
    GRAPH_CONTENT_TYPES,
    GRAPH_MEDIA_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_MEDIA_TYPES,
    negotiate,
)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

ERROR_RESPONSES = {
    400: {"description": "Malformed SPARQL, an empty query, two queries, a bad parameter, "
                         "brackets nested too deep"},
    403: {"description": "An update without the token; SERVICE or LOAD"},
    406: {"description": "None of the accepted media types fits the answer"},
    413: {"description": "The request body is larger than CITYKG_MAX_BODY_BYTES"},
    415: {"description": "A POST body that is not form-encoded SPARQL, or not UTF-8"},
    422: {"description": "The query ran longer than CITYKG_QUERY_TIMEOUT and was stopped, or its "
                         "result is larger than CITYKG_MAX_RESULT_BYTES"},
    501: {"description": "An update on a store that is only ever rebuilt whole"},
    503: {"description": "Every query worker is busy"},
}


#: Longer texts are read in a thread, not on the event loop: reading is linear, but 1 MB of
#: SPARQL still takes about a second, which every other request would wait for (issue 23).
INLINE_CHARS = 10_000


def _screen(text: str, fetching_advice: str) -> str | None:
    """The form of a query or update (see ``query_form``), once it is known not to reach out to
    other places nor to nest deeper than the parser can take."""
    keyword = reaches_out(text)
    if keyword:
        raise ForbiddenError(
            f"{keyword} is refused: this server does not fetch data from other places on a "
            f"user's behalf; {fetching_advice}"
        )
    if nested_too_deep(text):
        raise QueryError(
            f"the text nests brackets ({{, ( or [) deeper than {MAX_NESTING} levels; "
            "write it flatter (a group or an expression per level is rarely needed)"
        )
    return query_form(text)


async def _screened(text: str, fetching_advice: str) -> str | None:
    if len(text) <= INLINE_CHARS:
        return _screen(text, fetching_advice)
    return await run_in_threadpool(_screen, text, fetching_advice)


def _one(params: MultiDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise QueryError(f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def _iris(params: MultiDict, name: str) -> list[str]:
    iris = params.getlist(name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise QueryError(f"{name} {iri!r} is not an absolute IRI: {error}") from error
    return iris


def _content_type(request: Request) -> tuple[str, str | None]:
    """The media type of the body and its charset parameter, lower-cased."""
    header = request.headers.get("content-type", "")
    media, *params = (p.strip() for p in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _decode(body: bytes, charset: str | None, what: str) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaTypeError(
            f"the {what} is declared as {charset}; this endpoint reads UTF-8 only (charset=utf-8)"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"the {what} is not valid UTF-8: {error}") from error


def _endpoint(request: Request) -> str:
    """This endpoint's URL: the base IRI of queries and updates sent to it."""
    return str(request.url.replace(query="", fragment=""))


def router(store: GraphStore, settings: Settings, workers: QueryWorkers | None = None) -> APIRouter:
    """The ``/sparql`` routes over ``store``; user queries run in ``workers`` (made if not given)."""
    workers = workers or QueryWorkers(store, timeout=settings.query_timeout, size=settings.query_workers,
                                      max_result_bytes=settings.max_result_bytes)
    api = APIRouter(tags=["SPARQL"])

    async def run_query(request: Request, text: str, params: MultiDict) -> Response:
        if not text.strip():
            raise QueryError("the query is empty")
        form = await _screened(text, "query that service yourself")
        if form == "UPDATE":
            raise QueryError(
                "this is a SPARQL Update, not a query: POST it as update=... or with "
                f"Content-Type {SPARQL_UPDATE}"
            )
        result_fmt, graph_fmt = _formats(request, params)
        wanted = graph_fmt if form in ("CONSTRUCT", "DESCRIBE") else result_fmt
        if form is not None and wanted is None:
            offers = GRAPH_MEDIA_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_MEDIA_TYPES
            raise NotAcceptableError(
                f"a {form} query cannot answer in {request.headers.get('accept')!r}; "
                f"it answers in {', '.join(offers)}"
            )
        default_graphs = _iris(params, "default-graph-uri")
        named_graphs = _iris(params, "named-graph-uri")
        layer = params.get("layer")
        if layer not in (None, "reviewed", "all"):
            raise QueryError(f"unknown layer {layer!r}: 'reviewed' (no proposed facts) or 'all' (the default)")
        if layer == "reviewed" and not (default_graphs or named_graphs or names_its_dataset(text)):
            # the reviewed layer as a dataset: every graph but those under graph/proposed/
            default_graphs = named_graphs = store.reviewed().named_graphs()
        protocol_dataset = bool(default_graphs or named_graphs)
        job = QueryJob(
            sparql=text,
            result_format=result_fmt,
            graph_format=graph_fmt,
            default_graph=tuple(default_graphs) if protocol_dataset else None,
            named_graphs=tuple(named_graphs) if protocol_dataset else None,
            base_iri=_endpoint(request),
        )
        answer = await workers.run(job, request.is_disconnected)
        types = GRAPH_CONTENT_TYPES if answer.form == "graph" else RESULT_CONTENT_TYPES
        return Response(answer.body, media_type=types[answer.fmt], headers={"Vary": "Accept"})

    def _formats(request: Request, params: MultiDict) -> tuple[str | None, str | None]:
        """The result and graph formats: from ``format=`` (which some clients send twice, as a
        name and as a media type) or else from the ``Accept`` header."""
        chosen = set()
        for fmt in params.getlist("format"):
            key = fmt.strip().lower()
            if key in FORMAT_ALIASES:
                chosen.add(FORMAT_ALIASES[key])
            elif key in RESULT_MEDIA_TYPES or key in GRAPH_MEDIA_TYPES:
                chosen.add((RESULT_MEDIA_TYPES.get(key), GRAPH_MEDIA_TYPES.get(key)))
            else:
                raise QueryError(f"unknown format {fmt!r}; one of {', '.join(FORMAT_ALIASES)}")
        if len(chosen) > 1:
            raise QueryError(f"the format parameters disagree: {params.getlist('format')}")
        if chosen:
            return chosen.pop()
        accept = request.headers.get("accept")
        return negotiate(accept, RESULT_MEDIA_TYPES), negotiate(accept, GRAPH_MEDIA_TYPES)

    def run_update(request: Request, text: str, params: MultiDict) -> Response:
        require_update_token(request, settings, "SPARQL Update")
        if not text.strip():
            raise QueryError("the update is empty")
        _screen(text, "load the data yourself and send it with INSERT DATA")
        using = _iris(params, "using-graph-uri")
        using_named = _iris(params, "using-named-graph-uri")
        if (using or using_named) and has_dataset_clause(text):
            raise QueryError(
                "the update names its dataset with USING or WITH and the request with "
                "using-graph-uri / using-named-graph-uri: give it in one place only"
            )
        store.update(with_using(text, using, using_named), base_iri=_endpoint(request))
        return Response(status_code=204)

    def service_description(request: Request) -> Response:
        fmt = negotiate(request.headers.get("accept"), GRAPH_MEDIA_TYPES)
        if fmt is None:
            raise NotAcceptableError(f"the service description is RDF: {', '.join(GRAPH_MEDIA_TYPES)}")
        body = serialize_result(_description(_endpoint(request)), fmt)
        return Response(body, media_type=GRAPH_CONTENT_TYPES[fmt], headers={"Vary": "Accept"})

    def _description(endpoint: str) -> list[ox.Triple]:
        service = ox.NamedNode(endpoint + "#service")
        dataset = ox.BlankNode("dataset")
        default = ox.BlankNode("default")

        def sd(term: str) -> ox.NamedNode:
            return ox.NamedNode(SD + term)

        triples = [
            ox.Triple(service, RDF_TYPE, sd("Service")),
            ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
            ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
            ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
            ox.Triple(service, sd("defaultDataset"), dataset),
            ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
            ox.Triple(dataset, sd("defaultGraph"), default),
            ox.Triple(default, RDF_TYPE, sd("Graph")),
            ox.Triple(
                service,
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                ox.Literal(
                    f"citykg {__version__}: the Cities-Mission knowledge graph seen from Romania. "
                    "The default graph is the union of the named graphs. Queries stop after "
                    f"{settings.query_timeout:g} s; SERVICE and LOAD are refused.",
                    language="en",
                ),
            ),
        ]
        if settings.update_token:
            triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
        for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                     "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"):
            triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)))
        graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        for row in graphs:
            named = ox.BlankNode()
            triples += [
                ox.Triple(dataset, sd("namedGraph"), named),
                ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                ox.Triple(named, sd("name"), row["g"]),
            ]
        return triples

    @api.get("/sparql", responses=ERROR_RESPONSES)
    async def sparql_get(request: Request) -> Response:
        """A query by ``?query=``; the service description when there is no parameter."""
        params = request.query_params
        if "update" in params:
            raise QueryError(f"SPARQL Update must be sent by POST (update=... or {SPARQL_UPDATE})")
        query = _one(params, "query")
        if query is None:
            if params:
                raise QueryError("no query: give it as ?query=...")
            return await run_in_threadpool(service_description, request)
        return await run_query(request, query, params)

    @api.post("/sparql", responses=ERROR_RESPONSES)
    async def sparql_post(request: Request) -> Response:
        """A query or an update, form-encoded or as the body (see the module's description)."""
        media, charset = _content_type(request)
        if media not in (FORM, SPARQL_QUERY, SPARQL_UPDATE):
            problem = f"a body of type {media}" if media else "a body without Content-Type"
            raise UnsupportedMediaTypeError(
                f"{problem}: send {SPARQL_QUERY}, {SPARQL_UPDATE} or {FORM} (query=... or update=...)"
            )
        body = await request.body()
        params = MultiDict(request.query_params.multi_items())
        if media == FORM:
            text = _decode(body, charset, "form")
            params = MultiDict(params.multi_items() + parse_qsl(text, keep_blank_values=True))
            query, update = _one(params, "query"), _one(params, "update")
            if query is not None and update is not None:
                raise QueryError("the request has both a query and an update; send one")
            if query is None and update is None:
                raise QueryError("the form has neither query=... nor update=...")
        else:
            what = "query" if media == SPARQL_QUERY else "update"
            for name in ("query", "update"):
                if name in params:
                    raise QueryError(
                        f"the request has a {what} in its body and '{name}' in its URL; send one"
                    )
            text = _decode(body, charset, what)
            query, update = (text, None) if media == SPARQL_QUERY else (None, text)
        if update is not None:
            return await run_in_threadpool(run_update, request, update, params)
        return await run_query(request, query, params)

    @api.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
    def sparql_other(request: Request) -> Response:
        raise MethodNotAllowedError(
            f"{request.method} is not a SPARQL Protocol method: send queries by GET or POST, "
            "updates by POST"
        )

    return api
