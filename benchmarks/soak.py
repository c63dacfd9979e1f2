"""Soak: normal traffic on 30 connections while 2 more send the hostile requests of issue 23.

Starts ``citykg serve`` on a free 127.0.0.1 port over a built store (one is built from the
sources if there is none), then for ``--seconds`` (600 by default) runs, all at once:

* 30 connections of normal requests (``/sparql`` lookups, a named query, ``/partners``,
  ``/search``), each answered before the next is sent;
* 2 connections of hostile ones: 1 MB of ``a.a.a...`` with LOAD, 5,000 nested brackets, ``FROM``
  and 40 ``#``, a chain query abandoned after 2 s, the whole graph, an 8000x8000 map, a 60 KB
  URL, a 2 MB header;
* ``GET /health`` every 0.25 s.

Prints the answers by kind and status, ``/health`` stalls (over 1 s), 5xx on normal requests,
and the server's memory (RSS with its query workers) after a warm-up, at its peak and at the end.
Exits 1 on a stall or a normal 5xx. Loopback only; not run in CI.

    .venv/bin/python benchmarks/soak.py --seconds 600
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import LOOKUPS, PARTNERS, SEARCH, ensure_store, rss_kib  # noqa: E402
from tests.helpers import free_port, wait_until_up  # noqa: E402

NORMAL = ["/sparql?query=" + quote(q) for q in LOOKUPS] + ["/queries/class_counts"] + PARTNERS + SEARCH
CHAIN = ("/queries/shortest_chain?from=https://w3id.org/citykg/doc/004_3898277bb4aeef29"
         "&to=https://w3id.org/citykg/doc/003_6bd5139cbfa8aace")
SPARQL_QUERY = {"content-type": "application/sparql-query"}


def hostile() -> list[tuple[str, dict]]:
    """(name, arguments of ``client.request``) for each hostile request."""
    return [
        ("quadratic-load", dict(method="POST", url="/sparql", headers=SPARQL_QUERY,
                                content="SELECT * {} " + "a." * 490_000 + " LOAD")),
        ("nested", dict(method="POST", url="/sparql", headers=SPARQL_QUERY,
                        content="SELECT * " + "{" * 5000 + "}" * 5000)),
        ("from-hashes", dict(method="POST", url="/sparql", headers=SPARQL_QUERY,
                             content="SELECT * FROM" + "#" * 40 + " {}")),
        ("abandoned-chain", dict(method="GET", url=CHAIN, timeout=2)),
        ("whole-graph", dict(method="GET", url="/store?default")),
        ("huge-map", dict(method="GET", url="/map?format=png&width=8000&height=8000&around=country/ro&radius=3")),
        ("long-url", dict(method="GET", url="/sparql?query=" + quote("SELECT * {} #" + "a" * 60_000))),
        ("huge-header", dict(method="GET", url="/sparql?query=ASK%7B%7D",
                             headers={"accept": "text/csv," * 200_000 + "text/csv"})),
    ]


async def run(base: str, seconds: float, connections: int) -> dict:
    deadline = time.monotonic() + seconds
    counts: collections.Counter = collections.Counter()
    normal_5xx: list[str] = []
    health: list[float] = []

    async def normal(index: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60, headers={"accept": "application/json"}) as client:
            for url in itertools.islice(itertools.cycle(NORMAL), index, None):
                if time.monotonic() > deadline:
                    return
                try:
                    status = (await client.get(url)).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                counts["normal", status] += 1
                if not isinstance(status, int) or status >= 500:
                    normal_5xx.append(f"{url[:60]}: {status}")

    async def attacker(index: int) -> None:
        requests = hostile()
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            for name, arguments in itertools.islice(itertools.cycle(requests), index, None):
                if time.monotonic() > deadline:
                    return
                arguments = dict(arguments)
                timeout = arguments.pop("timeout", 120)
                try:
                    status = (await client.request(**arguments, timeout=timeout)).status_code
                except httpx.TimeoutException:
                    status = "abandoned" if timeout < 120 else "timeout"
                except httpx.HTTPError as error:
                    status = type(error).__name__
                counts[name, status] += 1

    async def prober() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    await client.get("/health")
                except httpx.HTTPError:
                    pass
                health.append(time.monotonic() - started)
                await asyncio.sleep(0.25)

    await asyncio.gather(*(normal(i) for i in range(connections - 2)), attacker(0), attacker(4), prober())
    return {"counts": counts, "normal_5xx": normal_5xx, "health": health}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--store", type=Path, default=None, help="a built store (default: CITYKG_STORE)")
    args = parser.parse_args()
    if args.seconds > 3600 or not 3 <= args.connections <= 256:
        parser.error("bounded: at most 3600 s, 3 to 256 connections")
    store, tmp = ensure_store(args.store)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "citykg.cli", "serve", "--port", str(port)],
        cwd=ROOT, env={**os.environ, "CITYKG_STORE": str(store)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    samples: list[int] = []
    try:
        wait_until_up(base + "/health", server, seconds=60)
        for url in NORMAL:  # warm-up: every normal request answers once
            httpx.get(base + url, headers={"accept": "application/json"}, timeout=120).raise_for_status()
        rss_start = rss_kib(server.pid)

        async def sampled() -> dict:
            async def sample() -> None:
                while True:
                    samples.append(rss_kib(server.pid))
                    await asyncio.sleep(5)
            sampler = asyncio.create_task(sample())
            try:
                return await run(base, args.seconds, args.connections)
            finally:
                sampler.cancel()

        print(f"soak: {args.connections} connections (2 hostile) for {args.seconds} s on {base}", flush=True)
        result = asyncio.run(sampled())
        time.sleep(2)
        rss_end = rss_kib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if tmp:
            tmp.cleanup()
    print(f"{'requests':<18} {'status':>10} {'count':>8}")
    for (kind, status), count in sorted(result["counts"].items(), key=lambda item: (item[0][0], str(item[0][1]))):
        print(f"{kind:<18} {status!s:>10} {count:>8}")
    health = sorted(result["health"])
    stalls = [t for t in health if t > 1.0]
    print(f"/health: {len(health)} probes, p50 {health[len(health) // 2] * 1000:.0f} ms, "
          f"max {health[-1] * 1000:.0f} ms, {len(stalls)} over 1 s")
    print(f"normal requests answered 5xx or not at all: {len(result['normal_5xx'])}")
    for line in result["normal_5xx"][:10]:
        print("  " + line)
    print(f"server RSS (with query workers): {rss_start / 1024:.1f} MiB after warm-up, peak "
          f"{max(samples + [rss_end]) / 1024:.1f} MiB, {rss_end / 1024:.1f} MiB at the end "
          f"({(rss_end - rss_start) / 1024:+.1f} MiB)")
    return 1 if stalls or result["normal_5xx"] else 0


if __name__ == "__main__":
    sys.exit(main())
