"""The FastAPI application: it assembles routers, middleware and error handlers, nothing else."""

from __future__ import annotations

import sys
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from citykg import __version__
from citykg.config import Settings, get_settings
from citykg.errors import CityKGError
from citykg.partner_search import warm_indexes
from citykg.store import GraphStore, RemoteStore, open_store
from citykg.workers import QueryWorkers
from graph_api import errors, graph_store, named_queries, query_page, sparql
from graph_api import partners, review
from graph_api import documents, entities
from graph_api import map as network_map
from graph_api.body_limit import BodyLimit
from graph_api.request_limits import RequestLimits


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The app over ``store`` (by default the one the settings name)."""
    settings = settings or get_settings()
    store = store or open_store(settings)
    workers = QueryWorkers(store, timeout=settings.query_timeout, size=settings.query_workers,
                           max_result_bytes=settings.max_result_bytes)

    warm = threading.Event()
    unread: list[str] = []  # why the start-up read failed (a store with no build yet, say)

    def read_ahead() -> None:
        try:
            warm_indexes(store)
        except CityKGError as error:  # a store with no build yet: said by /health, and each search says it too
            unread.append(str(error))
            print(f"citykg: indexes not read ahead: {error}", file=sys.stderr)
        finally:
            warm.set()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The first partner search of a build reads its indexes (about a minute at CORDIS size):
        # start on them now, so that the first user does not wait for it.
        threading.Thread(target=read_ahead, name="citykg-warm", daemon=True).start()
        yield
        workers.close()

    app = FastAPI(
        title="citykg",
        version=__version__,
        description="The Cities-Mission knowledge graph, seen from Romania.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.query_workers = workers

    errors.install(app)

    @app.get("/health", responses={503: {"description": "The store cannot be read"}})
    async def health() -> JSONResponse:
        """Liveness, whether the store can be read (one quad is read: ``status`` is ``failed``,
        with ``store_error`` saying why, and the answer 503, when it cannot), which graph is being
        served, and whether the partner-search indexes read at start-up are ready (``indexes``:
        ``reading``, ``ready``, or ``failed`` with ``indexes_error`` saying why).

        Async, with the local read on the event loop (a fraction of a millisecond), so that it
        answers even when every thread of the pool is busy."""
        health = {"status": "ok", "version": __version__, "store": store.describe(),
                  "indexes": "reading" if not warm.is_set() else "failed" if unread else "ready"}
        try:
            if isinstance(store, RemoteStore):
                await run_in_threadpool(store.check)
            else:
                store.check()
        except CityKGError as error:
            health.update(status="failed", store_error=str(error))
        if unread:
            health["indexes_error"] = unread[0]
        return JSONResponse(health, status_code=503 if health["status"] == "failed" else 200)

    app.include_router(sparql.router(store, settings, workers))
    app.include_router(graph_store.router(store, settings, workers))
    app.include_router(named_queries.router(store, workers))
    app.include_router(query_page.router())
    app.include_router(partners.router(store))
    app.include_router(entities.router(store))
    app.include_router(documents.router(store, settings))
    app.include_router(network_map.router(store, workers))
    app.include_router(review.router(store, settings))
    app.mount("/static", query_page.static_files(), name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLimits)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type"],
        max_age=600,
    )
    return app
