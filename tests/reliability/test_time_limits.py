"""Work a request starts is bounded (issue 23, items 2 and 3): named queries, whole-graph reads
and maps run in the query workers under CITYKG_QUERY_TIMEOUT and CITYKG_MAX_RESULT_BYTES, stop
when their client leaves, and SIGTERM stops the server within seconds. Real servers on loopback."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import psutil
import pytest

from citykg.config import PROJECT_ROOT, Settings
from citykg.store import EmbeddedStore
from tests.helpers import citykg_server, free_port, wait_until_up

#: Between two documents, the chain query explores every pair of their neighbours: it ran 18
#: minutes on the probe's server (and minutes on the five source documents).
SLOW_CHAIN = {"from": "https://w3id.org/citykg/doc/004_3898277bb4aeef29",
              "to": "https://w3id.org/citykg/doc/003_6bd5139cbfa8aace"}


def env_of(settings: Settings, **extra: str) -> dict[str, str]:
    return {"CITYKG_STORE": str(settings.store), "CITYKG_SOURCES": str(settings.sources),
            "CITYKG_INBOX": str(settings.inbox), "CITYKG_IMPORTS": str(settings.imports), **extra}


@pytest.fixture(scope="module")
def limited(built_settings: Settings, built_store: EmbeddedStore):
    with citykg_server(env_of(built_settings, CITYKG_QUERY_TIMEOUT="3", CITYKG_MAX_RESULT_BYTES="20000")) as base:
        yield base


def test_a_named_query_stops_at_the_time_limit(limited):
    response = httpx.get(limited + "/queries/shortest_chain", params=SLOW_CHAIN, timeout=60)
    assert response.status_code == 422, response.text[:300]
    assert "CITYKG_QUERY_TIMEOUT" in response.json()["error"]
    assert httpx.get(limited + "/queries/class_counts", timeout=30).status_code == 200


@pytest.mark.parametrize("url", ["/store?default", "/queries/all_quads"])
def test_whole_graph_reads_over_the_result_limit_are_422(limited, url):
    """``GET /store?default`` (199 MB) and ``/queries/all_quads`` (398 MB) at 1.5 M quads were
    built whole in the server process, which peaked at 1.57 GB."""
    response = httpx.get(limited + url, timeout=60)
    assert response.status_code == 422, response.text[:300]
    assert "CITYKG_MAX_RESULT_BYTES" in response.json()["error"] and "citykg export" in response.json()["error"]


def test_a_large_map_stops_at_the_time_limit(limited):
    """Eight 8000x8000 maps took 118-138 s each and the server from 0.37 to 2.6 GB."""
    response = httpx.get(limited + "/map", params={"format": "png", "width": 8000, "height": 8000,
                                                   "around": "country/ro", "radius": 3}, timeout=120)
    assert response.status_code == 422 and "CITYKG_QUERY_TIMEOUT" in response.json()["error"], response.text[:300]


def busy_seconds(pid: int, seconds: float) -> float:
    """CPU seconds the process ``pid`` and its children used over the next ``seconds``."""
    def total() -> float:
        processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        used = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                used += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return used
    before = total()
    time.sleep(seconds)
    return total() - before


def serve(settings: Settings, **extra: str) -> tuple[subprocess.Popen, str]:
    """``citykg serve`` as a user starts it, on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "citykg.cli", "serve", "--port", str(port)], cwd=PROJECT_ROOT,
        env={**os.environ, **env_of(settings, **extra)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/health", process)
    return process, base


def test_abandoned_named_queries_stop_their_work(built_settings: Settings, built_store: EmbeddedStore):
    """Requests abandoned after 2 s kept a core busy each (41 of them exhausted the thread pool)."""
    process, base = serve(built_settings, CITYKG_QUERY_TIMEOUT="300")
    try:
        for _ in range(2):
            with pytest.raises(httpx.TimeoutException):
                httpx.get(base + "/queries/shortest_chain", params=SLOW_CHAIN, timeout=1.5)
        time.sleep(1.5)  # the server checks every 0.5 s whether the client is still there
        assert busy_seconds(process.pid, 2.0) < 0.5
        assert httpx.get(base + "/health", timeout=5).status_code == 200
    finally:
        process.kill()
        process.wait()


def test_sigterm_stops_the_server_within_seconds(built_settings: Settings, built_store: EmbeddedStore):
    """With a long named query running, SIGTERM waited forever."""
    process, base = serve(built_settings, CITYKG_QUERY_TIMEOUT="300")
    client = threading.Thread(target=lambda: httpx.get(base + "/queries/shortest_chain", params=SLOW_CHAIN,
                                                       timeout=60), daemon=True)
    try:
        client.start()
        time.sleep(2)
        children = psutil.Process(process.pid).children(recursive=True)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert time.monotonic() - started < 15
        time.sleep(0.5)
        assert not [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_citykg_serve_stops_reading_an_oversized_head(built_settings: Settings, built_store: EmbeddedStore):
    """20 MB of headers were read and kept whole by the server (httptools has no limit)."""
    process, base = serve(built_settings)
    try:
        with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=30) as connection:
            sent = 0
            try:
                connection.sendall(b"GET /health HTTP/1.1\r\nHost: citykg\r\nX-Filler: ")
                while sent < 20_000_000:
                    connection.sendall(b"a" * 65536)
                    sent += 65536
            except (BrokenPipeError, ConnectionResetError):
                pass
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 400") and b"request line and headers" in answer, answer[:200]
        assert sent < 10_000_000, sent  # closed long before 20 MB (what passed is in kernel buffers)
        assert httpx.get(base + "/health", timeout=5).status_code == 200
    finally:
        process.kill()
        process.wait()


def test_maps_leave_a_worker_for_queries(built_settings: Settings, built_store: EmbeddedStore):
    """Two clients drawing 8000x8000 maps held both query workers for the whole time limit: every
    other query waited, then got a 503 (the soak's 5xx on normal requests). Now the second map
    waits for the first, and the query is answered meanwhile."""
    huge = {"format": "png", "width": 8000, "height": 8000, "around": "country/ro", "radius": 3}

    async def scenario(base: str) -> tuple[list[int], int]:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            maps = [asyncio.create_task(client.get("/map", params=huge)) for _ in range(2)]
            await asyncio.sleep(1.0)
            ask = await client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            return [(await m).status_code for m in maps], ask.status_code

    with citykg_server(env_of(built_settings, CITYKG_QUERY_TIMEOUT="30")) as base:
        # A thread of its own: the session's Playwright keeps an event loop running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            map_statuses, ask_status = pool.submit(asyncio.run, scenario(base)).result()
    assert ask_status == 200
    assert set(map_statuses) <= {200, 422, 503}, map_statuses  # drawn, stopped at the limit, or refused after waiting
