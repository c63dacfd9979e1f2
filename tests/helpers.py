"""Helpers for tests that start real servers on loopback ports."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A real `oxigraph serve` (PyPI package `oxigraph`) on a free loopback port; yields its base URL."""
    binary = Path(sys.executable).parent / "oxigraph"
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/query?query=ASK%7B%7D", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def citykg_server(env: dict[str, str]) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, configured by ``CITYKG_*`` ``env``;
    yields its base URL."""
    import os

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "graph_api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/health", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def virtuoso_server(directory: Path) -> Iterator[dict[str, str]]:
    """A real Virtuoso (`virtuoso-t`, set up by scripts/virtuoso.py) on free loopback ports, its
    database in ``directory``; yields the URLs a ``RemoteStore`` needs (``query_url``,
    ``update_url``, ``gsp_url``) and stops the server after."""
    from scripts.virtuoso import server

    with server(directory, free_port(), free_port(), buffers_mib=64) as base:
        yield {"query_url": base + "/sparql", "update_url": base + "/sparql", "gsp_url": base + "/sparql-graph-crud"}
