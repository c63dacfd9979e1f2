"""Load test: /sparql, /partners and /search under 32 concurrent connections on loopback.

Starts the real server (uvicorn, as ``citykg serve``) on a free 127.0.0.1 port over a built
store, runs one ``wrk`` (Debian package ``wrk``) per endpoint at the same time, the connections
shared between them, for ``--seconds`` (60 by default), and prints requests/s, p50/p90/p99
latency and the count of non-2xx answers per endpoint, and the server's memory (RSS of the server
and its query workers) after a warm-up and at the end. Bounded in time, loopback only; not run
in CI.

    .venv/bin/python benchmarks/load.py                      # over $CITYKG_STORE (var/store)
    .venv/bin/python benchmarks/load.py --seconds 20 --store /tmp/store

Exits 1 if any answer was not 2xx or a socket error happened.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from citykg.config import get_settings  # noqa: E402
from tests.helpers import free_port, wait_until_up  # noqa: E402

LOOKUPS = [
    "SELECT ?label WHERE { <https://w3id.org/citykg/org/utcn> <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    "SELECT ?p ?o WHERE { <https://w3id.org/citykg/city/cluj-napoca> ?p ?o } LIMIT 50",
    "ASK { <https://w3id.org/citykg/project/netzerocities-pnrr> ?p ?o }",
]
PARTNERS = ["/partners?format=json&text=universitatea", "/partners?format=json&city=cluj-napoca",
            "/partners?format=json&role=coordinator", "/partners?format=json&text=cluster&limit=5"]
SEARCH = ["/search?q=cluj", "/search?q=univ", "/search?q=timisoara", "/search?q=net%20zero", "/search?q=upb"]


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its children (the query workers), in KiB, from /proc."""
    total, seen, todo = 0, set(), [pid]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def ensure_store(store: Path | None) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    store = store or get_settings().store
    if (store / "current").exists():
        return store, None
    tmp = tempfile.TemporaryDirectory(prefix="citykg-load-")
    print(f"no graph built in {store}: building one in {tmp.name}", flush=True)
    env = {**os.environ, "CITYKG_STORE": f"{tmp.name}/store", "CITYKG_INBOX": f"{tmp.name}/inbox",
           "CITYKG_IMPORTS": f"{tmp.name}/imports"}
    subprocess.run([sys.executable, "-m", "citykg.cli", "build"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return Path(tmp.name) / "store", tmp


def wrk_run(base: str, name: str, paths: list[str], connections: int, seconds: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(HERE / "load.lua"),
         base, "--", name, *paths],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--store", type=Path, default=None, help="a built store (default: CITYKG_STORE)")
    args = parser.parse_args()
    if args.seconds > 600 or args.connections > 256:
        parser.error("bounded: at most 600 s and 256 connections")
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (Debian)", file=sys.stderr)
        return 2
    store, tmp = ensure_store(args.store)
    port = free_port()
    env = {**os.environ, "CITYKG_STORE": str(store)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "graph_api.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/health", server, seconds=60)
        routes = set(httpx.get(base + "/openapi.json", timeout=30).json()["paths"])
        plan = {"sparql": ["/sparql?query=" + quote(q) for q in LOOKUPS]}
        for name, path, urls in (("partners", "/partners", PARTNERS), ("search", "/search", SEARCH)):
            if path in routes:
                plan[name] = urls
            else:
                print(f"note: {path} is not a route of this server; skipped")
        for urls in plan.values():  # every request answers before load starts
            for url in urls:
                response = httpx.get(base + url, headers={"accept": "application/json"}, timeout=60)
                assert response.status_code == 200, (url, response.status_code, response.text[:300])
        share = [args.connections // len(plan) + (i < args.connections % len(plan)) for i in range(len(plan))]
        warm = [wrk_run(base, name, urls, c, 5) for (name, urls), c in zip(plan.items(), share)]
        for process in warm:
            process.communicate()
        rss_before = rss_kib(server.pid)
        peak = [rss_before]
        stop = threading.Event()

        def sample():
            while not stop.wait(1):
                peak.append(rss_kib(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        print(f"load: {args.connections} connections ({', '.join(f'{n} {c}' for n, c in zip(plan, share))}) "
              f"for {args.seconds} s on {base}", flush=True)
        runs = [wrk_run(base, name, urls, c, args.seconds) for (name, urls), c in zip(plan.items(), share)]
        results, failed = [], False
        for name, process in zip(plan, runs):
            output, _ = process.communicate(timeout=args.seconds + 120)
            lines = [line for line in output.splitlines() if line.startswith("{")]
            if process.returncode != 0 or not lines:
                print(output)
                failed = True
                continue
            results.append({**json.loads(lines[-1]), "name": name})
        stop.set()
        sampler.join()
        time.sleep(1)
        rss_after = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if tmp:
            tmp.cleanup()
    print(f"{'endpoint':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>8} {'sock err':>8}")
    total = 0
    for r in results:
        errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        failed |= bool(r["non2xx"] or errors)
        total += r["requests"]
        print(f"{r['name']:<10} {r['requests']:>9} {r['requests'] / r['seconds']:>8.1f} {r['p50'] / 1000:>8.1f} "
              f"{r['p90'] / 1000:>8.1f} {r['p99'] / 1000:>8.1f} {r['max'] / 1000:>8.1f} {r['non2xx']:>8} {errors:>8}")
    print(f"{'all':<10} {total:>9} {total / args.seconds:>8.1f}")
    print(f"server RSS (with query workers): {rss_before / 1024:.1f} MiB after warm-up, peak "
          f"{max(peak) / 1024:.1f} MiB, {rss_after / 1024:.1f} MiB at the end "
          f"({(rss_after - rss_before) / 1024:+.1f} MiB)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
