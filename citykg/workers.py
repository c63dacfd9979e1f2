"""Queries that users send, run in worker processes that are stopped at the time limit.

pyoxigraph cannot interrupt a query once it runs, so a query typed into the SPARQL endpoint runs
in a worker process: each worker opens the same store read-only (an on-disk build by its path; an
in-memory store from a copy it reloads whenever the store changes), runs the query, serializes
the result and sends the bytes back. A worker that passes ``CITYKG_QUERY_TIMEOUT`` is killed and
replaced, the request ends with ``QueryTimeoutError``, and every other request goes on. A remote
store needs no worker: its HTTP client stops waiting at the limit.

The named queries and the project's own calls are trusted and run in-process (``store.query``).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from citykg.errors import BusyError, CityKGError, NotAcceptableError, QueryTimeoutError, StoreError
from citykg.results import serialize_result
from citykg.sparql_text import star_variable_order
from citykg.store import EmbeddedStore, GraphStore, MemoryStore, RemoteStore

#: Seconds a new worker may take to start (Python, pyoxigraph and rdflib imports).
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class QueryJob:
    """One query as the endpoint received it, with the formats negotiated for each result form
    (None: the client accepts none for that form)."""

    sparql: str
    result_format: str | None
    graph_format: str | None
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class Answer:
    form: str  # "solutions", "boolean" or "graph"
    fmt: str
    body: bytes


def answer(store: GraphStore, job: QueryJob) -> Answer:
    """Run the query of ``job`` and serialize its result, in whichever process holds the store."""
    result = store.query(
        job.sparql,
        default_graph=list(job.default_graph) if job.default_graph is not None else None,
        named_graphs=list(job.named_graphs) if job.named_graphs is not None else None,
        base_iri=job.base_iri,
    )
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        form = "solutions" if isinstance(result, ox.QuerySolutions) else "boolean"
        fmt = job.result_format
    else:
        form, fmt = "graph", job.graph_format
    if fmt is None:
        kind = "results" if form != "graph" else "an RDF graph"
        raise NotAcceptableError(f"the query answers with {kind}, in none of the media types accepted")
    variables = None
    if isinstance(result, ox.QuerySolutions):
        variables = star_variable_order(job.sparql, [v.value for v in result.variables])
    return Answer(form, fmt, serialize_result(result, fmt, variables=variables))


class _Worker:
    def __init__(self) -> None:
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "citykg.workers", str(child.fileno())],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.generation: int | None = None
        if not self.conn.poll(STARTUP_SECONDS):
            self.kill()
            raise StoreError(f"a query worker did not start within {STARTUP_SECONDS:g} s")
        try:
            self.conn.recv()  # ("ready", pid)
        except (EOFError, OSError) as error:
            self.kill()
            raise StoreError(f"a query worker failed to start: {error}") from error

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()


class QueryWorkers:
    """Up to ``size`` worker processes running user queries with a time limit of ``timeout`` s."""

    def __init__(self, store: GraphStore, *, timeout: float, size: int = 2) -> None:
        self.store = store
        self.timeout = timeout
        self.size = max(1, size)
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._starting = 0
        self._lock = threading.Condition()
        self._closed = False
        self._remote = None
        if isinstance(store, RemoteStore):
            self._remote = RemoteStore(
                store.query_url, update_url=store.update_url, gsp_url=store.gsp_url, timeout=timeout
            )
        elif not isinstance(store, (EmbeddedStore, MemoryStore)):
            raise TypeError(f"no query workers for {type(store).__name__}")
        finalizer = weakref.finalize(self, QueryWorkers._kill_all, self._workers)
        atexit.register(finalizer)

    def run(self, job: QueryJob) -> Answer:
        """The answer to ``job``, or ``QueryTimeoutError`` once the limit has passed."""
        if self._remote is not None:
            return answer(self._remote, job)
        worker = self._acquire()
        try:
            worker.conn.send((self._recipe(worker), job))
            if not worker.conn.poll(self.timeout):
                worker.kill()
                raise QueryTimeoutError(
                    f"the query ran longer than the {self.timeout:g} s limit (CITYKG_QUERY_TIMEOUT) "
                    "and was stopped; make it more specific (fewer unbound patterns, a LIMIT), "
                    "or run it on a copy of the graph (`citykg export`)"
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as error:
            worker.kill()
            raise StoreError(f"the query worker stopped while running the query: {error}") from error
        finally:
            self._release(worker)
        if status == "error":
            raise payload
        return payload

    def _recipe(self, worker: _Worker) -> tuple:
        """How the worker opens the store: by path, or from a copy when the memory store changed."""
        if isinstance(self.store, EmbeddedStore):
            return ("embedded", str(self.store.root))
        generation = self.store.generation
        if worker.generation == generation:
            return ("memory", generation, None)
        worker.generation = generation
        return ("memory", generation, self.store.store.dump(format=ox.RdfFormat.N_QUADS))

    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        with self._lock:
            while True:
                if self._closed:
                    raise StoreError("the query workers are shut down")
                if self._idle:
                    return self._idle.pop()
                if len(self._workers) + self._starting < self.size:
                    self._starting += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BusyError(
                        f"all {self.size} query workers are busy with other queries; try again shortly"
                    )
                self._lock.wait(remaining)
        try:
            worker = _Worker()
        finally:
            with self._lock:
                self._starting -= 1
        with self._lock:
            self._workers.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            if worker.alive and not self._closed:
                self._idle.append(worker)
            else:
                self._workers.discard(worker)
                if worker.alive:
                    worker.kill()
            self._lock.notify()

    def close(self) -> None:
        """Stop every worker (the app does so at shutdown; tests when they are done)."""
        with self._lock:
            self._closed = True
            self._idle.clear()
            self._lock.notify_all()
        QueryWorkers._kill_all(self._workers)

    @staticmethod
    def _kill_all(workers: set[_Worker]) -> None:
        for worker in list(workers):
            worker.kill()
        workers.clear()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the server process ends (even mid-query)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _open(recipe: tuple, current: GraphStore | None) -> GraphStore:
    if recipe[0] == "embedded":
        if isinstance(current, EmbeddedStore) and str(current.root) == recipe[1]:
            return current
        return EmbeddedStore(recipe[1])
    _, generation, data = recipe
    if data is None and isinstance(current, MemoryStore) and current.generation == generation:
        return current
    if data is None:
        raise StoreError("the query worker has no copy of the in-memory store")
    store = MemoryStore()
    if data:
        store.store.load(data, format=ox.RdfFormat.N_QUADS)
    store.generation = generation
    return store


def worker_main(fd: int) -> None:
    """A worker: receive (recipe, job), send ("ok", Answer) or ("error", CityKGError), repeat."""
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the server ended before we asked to end with it
        return
    conn = Connection(fd)
    conn.send(("ready", os.getpid()))
    store: GraphStore | None = None
    while True:
        try:
            recipe, job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            store = _open(recipe, store)
            reply = ("ok", answer(store, job))
        except CityKGError as error:
            reply = ("error", error)
        except Exception as error:  # noqa: BLE001 - a worker must answer, whatever happened
            reply = ("error", StoreError(f"the query failed in its worker: {error}"))
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


if __name__ == "__main__":
    # Run the imported module's copy, so that what is pickled names ``citykg.workers``.
    from citykg.workers import worker_main as main

    main(int(sys.argv[1]))
