"""Queries that users send, run in worker processes that are stopped at the time limit.

pyoxigraph cannot interrupt a query once it runs, so a query typed into the SPARQL endpoint runs
in a worker process: each worker opens the same store read-only (an on-disk build by its path; an
in-memory store from a copy it reloads whenever the store changes), runs the query, serializes
the result with pyoxigraph's own writers and sends the bytes back. A worker that passes
``CITYKG_QUERY_TIMEOUT`` is killed and replaced, the request ends with ``QueryTimeoutError``, and
every other request goes on. A remote store needs no worker: its HTTP client stops waiting at the
limit.

Why the hop is cheap (issue 7: ``/sparql`` within 0.7x of a bare FastAPI + pyoxigraph app): the
profile of the first version showed the server process, not the query, as the bottleneck: every
request went from the event loop to a thread of the pool, which blocked on the worker's pipe,
and the two handoffs (thread wake-ups, GIL transfers) cost more than the lookup itself. Now the
endpoint awaits the worker on the event loop (``await QueryWorkers.run``): no thread per request,
the socket is read with the loop's own selector, and the time limit is an ``asyncio.timeout``.
Messages are a 12-byte length prefix, a small pickled header, and the result's bytes as they
are, never unpickled into Python objects. Running user queries in the server process instead
would be faster still, but a runaway query would then hold a core until it ended: the limit
could not be kept.

Workers are started from one long-lived thread: Linux ends a worker when the *thread* that
started it ends (``PR_SET_PDEATHSIG``), and the threads of a pool come and go.

Named queries, Graph Store reads and maps run here too (``QueryJob``, ``CallJob``), under the
same limit; partner search and entity pages still run in the server process.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import ctypes
import importlib
import os
import pickle
import signal
import socket
import struct
import subprocess
import time
import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import pyoxigraph as ox
from anyio import to_thread

from citykg.errors import (
    BusyError,
    CityKGError,
    ClientGoneError,
    NotAcceptableError,
    QueryTimeoutError,
    ResultTooLargeError,
    StoreError,
)
from citykg.results import serialize_result
from citykg.sparql_text import star_variable_order
from citykg.store import EmbeddedStore, GraphStore, MemoryStore, RemoteStore

#: Seconds a new worker may take to start (Python, pyoxigraph and rdflib imports).
STARTUP_SECONDS = 60.0
#: A message: the length of its pickled header, the length of its body (raw bytes).
PREFIX = struct.Struct("!IQ")
Disconnected = Callable[[], Awaitable[bool]]
#: A worker left larger than this by a call (a large map) is replaced, so that the memory goes
#: back to the system (eight 8000x8000 maps took the server from 0.37 to 2.6 GB, issue 23).
RECYCLE_BYTES = 512 * 1024 * 1024
#: How often a waiting request checks whether its client is still there.
CLIENT_POLL_SECONDS = 0.5
#: Starts every worker process, so that the workers live as long as the server (see above).
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citykg-worker-spawner")


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
    #: Values of variables, bound by the store (named queries, graph reads); never spliced text.
    bindings: tuple[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal], ...] = ()
    #: A larger serialized result is refused (set by ``QueryWorkers`` from its limit).
    max_bytes: int | None = None


@dataclass(frozen=True)
class CallJob:
    """A function of the project run in a worker, under the same time limit as a query: named as
    ``module:name`` (so that this module imports no layer above it) and called as
    ``function(store, **kwargs)``; what it returns must pickle. The network map runs so (eight
    8000x8000 maps took 118-138 s each and the server from 0.37 to 2.6 GB, issue 23); a worker
    it leaves above ``RECYCLE_BYTES`` is replaced after."""

    function: str
    kwargs: tuple[tuple[str, object], ...] = ()

    def run(self, store: GraphStore) -> object:
        module, name = self.function.split(":")
        return getattr(importlib.import_module(module), name)(store, **dict(self.kwargs))


@dataclass(frozen=True)
class Answer:
    form: str  # "solutions", "boolean" or "graph"
    fmt: str
    body: bytes


def answer(store: GraphStore, job: QueryJob) -> Answer:
    """Run the query of ``job`` and serialize its result, in whichever process holds the store."""
    result = store.query(
        job.sparql,
        bindings=dict(job.bindings) or None,
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
    body = serialize_result(result, fmt, variables=variables)
    if job.max_bytes is not None and len(body) > job.max_bytes:
        raise ResultTooLargeError(
            f"the result is {len(body)} bytes, above the {job.max_bytes} a request may return "
            "(CITYKG_MAX_RESULT_BYTES); ask for less (a LIMIT, a narrower pattern), or take the "
            "whole graph with `citykg export`"
        )
    return Answer(form, fmt, body)


def _frame(header: object, body: bytes = b"") -> bytes:
    head = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
    return PREFIX.pack(len(head), len(body)) + head + body


async def _read(sock: socket.socket, size: int) -> memoryview:
    loop = asyncio.get_running_loop()
    buffer = memoryview(bytearray(size))
    got = 0
    while got < size:
        count = await loop.sock_recv_into(sock, buffer[got:])
        if not count:
            raise EOFError("the query worker closed its connection")
        got += count
    return buffer


async def _receive(sock: socket.socket) -> tuple[object, bytes]:
    """One message from a worker: its header, unpickled, and its body, as bytes."""
    head_size, body_size = PREFIX.unpack(await _read(sock, PREFIX.size))
    data = await _read(sock, head_size + body_size)
    return pickle.loads(data[:head_size]), bytes(data[head_size:])


def _spawn(child: socket.socket) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "citykg.workers", str(child.fileno())],
        pass_fds=[child.fileno()],
        stdin=subprocess.DEVNULL,
    )


class _Worker:
    def __init__(self, process: subprocess.Popen, sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.generation: int | None = None
        self.killed = False

    @classmethod
    async def start(cls) -> "_Worker":
        parent, child = socket.socketpair()
        try:
            process = await asyncio.wrap_future(_SPAWNER.submit(_spawn, child))
        finally:
            child.close()
        parent.setblocking(False)
        worker = cls(process, parent)
        try:
            async with asyncio.timeout(STARTUP_SECONDS):
                await _receive(parent)  # ("ready", pid)
        except TimeoutError:
            worker.kill()
            raise StoreError(f"a query worker did not start within {STARTUP_SECONDS:g} s") from None
        except (EOFError, OSError) as error:
            worker.kill()
            raise StoreError(f"a query worker failed to start: {error}") from error
        except BaseException:
            worker.kill()
            raise
        return worker

    @property
    def alive(self) -> bool:
        return not self.killed and self.process.poll() is None

    def resident_bytes(self) -> int:
        """The worker's resident memory (0 if it cannot be read)."""
        try:
            status = open(f"/proc/{self.process.pid}/status", encoding="ascii").read()
        except OSError:
            return 0
        return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)

    def kill(self) -> None:
        """Kill the worker without waiting for it to end: kill() runs on the event loop, and a
        worker that drew a large map takes a moment to give its memory back; a thread reaps it."""
        if not self.killed:
            self.killed = True
            if self.process.poll() is None:
                self.process.kill()
            threading.Thread(target=self.process.wait, name="citykg-worker-reaper", daemon=True).start()
        self.sock.close()


class QueryWorkers:
    """Up to ``size`` worker processes running user queries with a time limit of ``timeout`` s.

    Usable from any event loop (the server has one; a test client may start one per request):
    the pool is guarded by a thread lock, and a request waiting for a worker waits on a future of
    its own loop.
    """

    def __init__(self, store: GraphStore, *, timeout: float, size: int = 2, max_result_bytes: int | None = None) -> None:
        self.store = store
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.size = max(1, size)
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._starting = 0
        self._calls = 0  # calls (CallJob) running
        self._waiting: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = collections.deque()
        self._lock = threading.Lock()
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

    async def run(self, job: QueryJob, disconnected: Disconnected | None = None) -> Answer:
        """The answer to ``job`` (see ``_in_worker`` for the limit and the client leaving)."""
        job = replace(job, max_bytes=self.max_result_bytes)
        if self._remote is not None:
            return await to_thread.run_sync(answer, self._remote, job)
        (_, form, fmt), body = await self._in_worker(job, disconnected)
        return Answer(form, fmt, body)

    async def call(self, job: CallJob, disconnected: Disconnected | None = None) -> object:
        """What ``job``'s function returns, run in a worker (see ``_in_worker``).

        Calls (maps: seconds each, gigabytes at 8000x8000) may hold all workers but one at once,
        and wait for their turn beyond that (BusyError once the time limit has passed): two
        clients drawing maps starved every query for the whole time limit (the soak's 503s on
        normal requests)."""
        if self._remote is not None:  # its HTTP client stops each query at the limit
            return await to_thread.run_sync(job.run, self._remote)
        # A map waits its turn (a page that embeds one and a click on "map" come together), up to
        # the time limit; only then is it refused.
        deadline = time.monotonic() + self.timeout
        while True:
            with self._lock:
                if self._calls < max(1, self.size - 1):
                    self._calls += 1
                    break
            if time.monotonic() > deadline:
                raise BusyError(f"{self._calls} map(s) are being drawn, as many as the query workers "
                                "allow at once; try again shortly")
            if disconnected is not None and await disconnected():
                raise ClientGoneError("the client closed the connection while its map waited its turn")
            await asyncio.sleep(CLIENT_POLL_SECONDS)
        try:
            (_, value), _ = await self._in_worker(job, disconnected)
        finally:
            with self._lock:
                self._calls -= 1
        return value

    async def _in_worker(self, job: QueryJob | CallJob, disconnected: Disconnected | None) -> tuple[tuple, bytes]:
        """The worker's answer to ``job``, or ``QueryTimeoutError`` once the limit has passed, or
        ``ClientGoneError`` as soon as ``disconnected()`` says the client has left (its worker is
        stopped: an abandoned request no longer keeps a core busy, issue 23)."""
        worker = await self._acquire()
        exchange = asyncio.ensure_future(self._exchange(worker, job))
        try:
            async with asyncio.timeout(self.timeout):
                while not (await asyncio.wait({exchange}, timeout=CLIENT_POLL_SECONDS))[0]:
                    if disconnected is not None and await disconnected():
                        raise ClientGoneError("the client closed the connection; its work was stopped")
                header, body = exchange.result()
            if isinstance(job, CallJob) and worker.resident_bytes() > RECYCLE_BYTES:
                worker.kill()  # a large map: its memory goes back to the system with the process
        except TimeoutError:
            worker.kill()
            raise QueryTimeoutError(
                f"the request ran longer than the {self.timeout:g} s limit (CITYKG_QUERY_TIMEOUT) "
                "and was stopped; make it more specific (fewer unbound patterns, a LIMIT, a smaller "
                "map), or run it on a copy of the graph (`citykg export`)"
            ) from None
        except (EOFError, OSError) as error:
            worker.kill()
            raise StoreError(f"the query worker stopped while running the query: {error}") from error
        except BaseException:  # cancelled or abandoned mid-exchange: the worker's next message would be stale
            worker.kill()
            raise
        finally:
            exchange.cancel()
            self._release(worker)
        if header[0] == "error":
            raise header[1]
        return header, body

    async def _exchange(self, worker: _Worker, job: QueryJob | CallJob) -> tuple[object, bytes]:
        await asyncio.get_running_loop().sock_sendall(worker.sock, _frame((self._recipe(worker), job)))
        return await _receive(worker.sock)

    def _recipe(self, worker: _Worker) -> tuple:
        """How the worker opens the store: by path, or from a copy when the memory store changed."""
        if isinstance(self.store, EmbeddedStore):
            return ("embedded", str(self.store.root))
        generation = self.store.generation
        if worker.generation == generation:
            return ("memory", generation, None)
        worker.generation = generation
        return ("memory", generation, self.store.store.dump(format=ox.RdfFormat.N_QUADS))

    async def _acquire(self) -> _Worker:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            waiter = None
            with self._lock:
                if self._closed:
                    raise StoreError("the query workers are shut down")
                if self._idle:
                    worker = self._idle.pop()
                    if worker.alive:
                        return worker
                    self._workers.discard(worker)  # ended with the thread or process that made it
                    worker.kill()
                    continue
                if len(self._workers) + self._starting < self.size:
                    self._starting += 1
                else:
                    waiter = loop.create_future()
                    self._waiting.append((loop, waiter))
            if waiter is None:
                return await self._start()
            try:
                async with asyncio.timeout_at(deadline):
                    worker = await waiter
            except TimeoutError:
                if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                    self._release(waiter.result())  # handed over just as the wait ran out
                raise BusyError(
                    f"all {self.size} query workers are busy with other queries; try again shortly"
                ) from None
            finally:
                with self._lock:
                    if (loop, waiter) in self._waiting:
                        self._waiting.remove((loop, waiter))
            if worker is not None:
                return worker
            # None: a place in the pool came free (a worker died or failed to start), or closing

    async def _start(self) -> _Worker:
        worker = None
        try:
            worker = await _Worker.start()
        finally:
            with self._lock:
                self._starting -= 1
                if worker is not None:
                    self._workers.add(worker)
            if worker is None:
                self._hand_over(None)
        return worker

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the longest-waiting request (first come, first served), else idle."""
        with self._lock:
            alive = worker.alive and not self._closed
            if not alive:
                self._workers.discard(worker)
                if worker.alive:
                    worker.kill()
            elif not self._waiting:
                self._idle.append(worker)
                return
        self._hand_over(worker if alive else None)

    def _hand_over(self, worker: _Worker | None) -> None:
        with self._lock:
            while self._waiting:
                loop, waiter = self._waiting.popleft()
                if not loop.is_closed():
                    loop.call_soon_threadsafe(self._deliver, waiter, worker)
                    return
        if worker is not None:
            self._release(worker)

    def _deliver(self, waiter: asyncio.Future, worker: _Worker | None) -> None:
        """On the waiter's loop: give it ``worker``, or put the worker back if it stopped waiting."""
        if not waiter.done():
            waiter.set_result(worker)
        elif worker is not None:
            self._release(worker)

    def open(self) -> None:
        """Take work again after ``close`` (an app's lifespan may start more than once: a test
        client per request, as schemathesis uses)."""
        with self._lock:
            self._closed = False

    def close(self) -> None:
        """Stop every worker (the app does so at shutdown; tests when they are done)."""
        with self._lock:
            self._closed = True
            self._idle.clear()
            waiting = list(self._waiting)
            self._waiting.clear()
        for loop, waiter in waiting:
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._deliver, waiter, None)
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


def _read_message(sock: socket.socket) -> object:
    prefix = sock.recv(PREFIX.size, socket.MSG_WAITALL)
    if len(prefix) < PREFIX.size:
        raise EOFError("the server closed the connection")
    head_size, body_size = PREFIX.unpack(prefix)
    data = sock.recv(head_size + body_size, socket.MSG_WAITALL)
    if len(data) < head_size + body_size:
        raise EOFError("the server closed the connection")
    return pickle.loads(data[:head_size])


def worker_main(fd: int) -> None:
    """A worker: receive (recipe, job), send ("ok", form, format) + the body (a query), ("ok",
    value) (a call), or ("error", CityKGError), repeat."""
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the server ended before we asked to end with it
        return
    sock = socket.socket(fileno=fd)
    sock.sendall(_frame(("ready", os.getpid())))
    store: GraphStore | None = None
    while True:
        try:
            recipe, job = _read_message(sock)
        except (EOFError, OSError):
            return
        body = b""
        try:
            store = _open(recipe, store)
            if isinstance(job, CallJob):
                header: tuple = ("ok", job.run(store))
            else:
                result = answer(store, job)
                header = ("ok", result.form, result.fmt)
                body = result.body
        except CityKGError as error:
            header = ("error", error)
        except Exception as error:  # noqa: BLE001 - a worker must answer, whatever happened
            header = ("error", StoreError(f"the query failed in its worker: {error}"))
        try:
            sock.sendall(_frame(header, body))
        except OSError:
            return


if __name__ == "__main__":
    # Run the imported module's copy, so that what is pickled names ``citykg.workers``.
    from citykg.workers import worker_main as main

    main(int(sys.argv[1]))
