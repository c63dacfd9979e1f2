"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store?graph=IRI`` (or ``?default``).

Reading a graph (``GET``, ``HEAD``) is open to all; writing (``PUT`` replaces, ``POST`` adds,
``DELETE`` drops) needs the update token and a store that takes updates. Reads and writes go
through the store module as a query with the graph bound as a value, and as a SPARQL Update built
from terms pyoxigraph parsed and writes back.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from citykg.config import Settings
from citykg.errors import NotAcceptableError, NotFoundError, QueryError, UnsupportedMediaTypeError
from citykg.store import GraphStore
from citykg.workers import QueryJob, QueryWorkers
from graph_api.media_types import GRAPH_CONTENT_TYPES, GRAPH_MEDIA_TYPES, negotiate
from graph_api.update_token import require_update_token


def _target(request: Request) -> ox.NamedNode | None:
    """The graph a request names: a NamedNode, or None for the default graph."""
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and not graphs:
        return None
    if len(graphs) != 1 or "default" in params:
        raise QueryError("name one graph: ?graph=IRI, or ?default for the default graph")
    try:
        return ox.NamedNode(graphs[0])
    except ValueError as error:
        raise QueryError(f"graph {graphs[0]!r} is not an absolute IRI: {error}") from error


def _parse(body: bytes, rdf_format: ox.RdfFormat, base: str) -> list[ox.Quad]:
    """The triples of a graph sent in ``rdf_format``; QueryError when it is not valid, or names
    a graph of its own (JSON-LD's ``@graph`` with an ``@id``)."""
    try:
        quads = list(ox.parse(body, format=rdf_format, base_iri=base))
    except (SyntaxError, ValueError) as error:
        raise QueryError(f"the body is not valid {rdf_format.name}: {error}") from error
    named = next((q.graph_name for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)), None)
    if named is not None:
        raise QueryError(
            f"the body names a graph of its own ({named}); send the graph's triples only, and "
            "name the graph with ?graph=IRI"
        )
    return quads


def router(store: GraphStore, settings: Settings, workers: QueryWorkers) -> APIRouter:
    api = APIRouter(tags=["Graph Store Protocol"])

    def exists(graph: ox.NamedNode) -> bool:
        return store.ask("ASK WHERE { GRAPH ?g { } }", bindings={"g": graph})

    async def read(request: Request, with_body: bool) -> Response:
        """The graph, read in the query workers: with the time limit and the result size limit
        of ``/sparql`` (the default graph at 1.5 M quads was 199 MB built in the server, issue 23)."""
        graph = _target(request)
        fmt = negotiate(request.headers.get("accept"), GRAPH_MEDIA_TYPES)
        if fmt is None:
            raise NotAcceptableError(f"a graph is sent as one of {', '.join(GRAPH_MEDIA_TYPES)}")
        if graph is None:
            job = QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", None, fmt)
        else:
            if not await run_in_threadpool(exists, graph):
                raise NotFoundError(f"the store has no graph {graph.value}")
            job = QueryJob("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", None, fmt,
                           bindings=(("g", graph),))
        body = (await workers.run(job, request.is_disconnected)).body
        return Response(
            body if with_body else b"",
            media_type=GRAPH_CONTENT_TYPES[fmt],
            headers={"Vary": "Accept", "Content-Length": str(len(body))},
        )

    async def write(request: Request, replace: bool) -> Response:
        require_update_token(request, settings, "Writing a graph")
        graph = _target(request)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        # JSON-LD can carry named graphs, but a graph sent here is its default graph (checked
        # after parsing); the other dataset syntaxes (TriG, N-Quads) are refused.
        if rdf_format is None or (rdf_format.supports_datasets and rdf_format != ox.RdfFormat.JSON_LD):
            raise UnsupportedMediaTypeError(
                f"a graph is sent as one of {', '.join(sorted(set(GRAPH_MEDIA_TYPES) - {'application/json', 'text/plain'}))}"
            )
        body = await request.body()
        base = graph.value if graph is not None else str(request.url.replace(query=""))
        # Parsed in a thread: a 966 KB nested RDF/XML body held the event loop for 5 s (issue 23).
        triples = await run_in_threadpool(_parse, body, rdf_format, base)
        existed = graph is None or await run_in_threadpool(exists, graph)
        data = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        scope = "DEFAULT" if graph is None else f"GRAPH {graph}"
        operations = [f"DROP SILENT {scope}"] if replace else []
        operations.append(
            f"INSERT DATA {{ {data} }}" if graph is None else f"INSERT DATA {{ GRAPH {graph} {{ {data} }} }}"
        )
        await run_in_threadpool(store.update, " ;\n".join(operations))
        return Response(status_code=204 if existed else 201)

    @api.get("/store")
    async def get_graph(request: Request) -> Response:
        """A graph of the store, in the RDF syntax the ``Accept`` header prefers."""
        return await read(request, with_body=True)

    @api.head("/store")
    async def head_graph(request: Request) -> Response:
        return await read(request, with_body=False)

    @api.put("/store", status_code=204)
    async def put_graph(request: Request) -> Response:
        """Replace a graph by the body (needs the update token)."""
        return await write(request, replace=True)

    @api.post("/store", status_code=204)
    async def post_graph(request: Request) -> Response:
        """Add the body's triples to a graph (needs the update token)."""
        return await write(request, replace=False)

    @api.delete("/store", status_code=204)
    def delete_graph(request: Request) -> Response:
        """Drop a graph (needs the update token)."""
        require_update_token(request, settings, "Deleting a graph")
        graph = _target(request)
        if graph is None:
            store.update("DROP SILENT DEFAULT")
        elif not exists(graph):
            raise NotFoundError(f"the store has no graph {graph.value}")
        else:
            store.update(f"DROP GRAPH {graph}")
        return Response(status_code=204)

    return api
