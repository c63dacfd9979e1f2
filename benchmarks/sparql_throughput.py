"""``/sparql`` throughput (issue 7): citykg against the bare minimum and against the usual pick.

    .venv/bin/python benchmarks/sparql_throughput.py --store /work/bench/full/store
    .venv/bin/python benchmarks/sparql_throughput.py --scale 0.05 --workdir /work/bench/sparql

Three servers over the same data, each under uvicorn as it is run in production:

* ``citykg serve``: the real app (user queries in worker processes, stopped at
  ``CITYKG_QUERY_TIMEOUT``);
* a minimal FastAPI app calling pyoxigraph in-process on the same build, read-only: the ceiling;
* rdflib-endpoint over the same quads loaded into an rdflib ``Dataset``: what users would
  otherwise pick. rdflib needs about 1 kB of memory and 0.1 ms of loading a quad, so it is
  measured only up to ``--rdflib-max-quads`` and otherwise skipped, saying why.

Two queries, each sent by 16 concurrent connections for ``--seconds``: a lookup (the projects of
one organisation, rotating over 200 organisations) and a partner query (the organisations of a
country ranked by their participations in projects of one programme, rotating over the Central
and East European countries and the legal-basis programmes the imported CORDIS data has).

Load comes from ``wrk`` (one thread, a Lua script), not from Python: a Python load generator on
the same two cores takes as much CPU as the servers and caps them all alike. Each run prints the
server, query, req/s (2xx answers only), p50, p95, non-2xx and socket errors (timeouts of ``wrk --timeout``); the
rounds alternate the servers, so that other work on the machine hits each of them alike, and the
summary gives the median round and the ratio citykg / minimal (target: at least 0.7).
``--scale S`` first generates synthetic CORDIS data, imports and builds it (as
``benchmarks/cordis_scale.py`` does).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from cordis_scale import IMPORT_CODE, child, machine  # noqa: E402

PY = sys.executable
CKG = "https://w3id.org/citykg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CONNECTIONS = 16
#: Countries of the partner query, from Romania's neighbourhood, as far as the data has them.
COUNTRIES = ("ro", "bg", "hu", "hr", "si", "cz", "sk", "ee", "pl")

MINIMAL_APP = textwrap.dedent('''
    import os
    import pyoxigraph as ox
    from fastapi import FastAPI, Response
    store = ox.Store.read_only(os.environ["BENCH_STORE"])
    app = FastAPI()

    @app.get("/sparql")
    def sparql(query: str):
        result = store.query(query, use_default_graph_as_union=True)
        return Response(result.serialize(format=ox.QueryResultsFormat.JSON),
                        media_type="application/sparql-results+json")
''')

RDFLIB_APP = textwrap.dedent('''
    import os
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint
    dataset = Dataset(default_union=True)
    dataset.parse(os.environ["BENCH_NQUADS"], format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", title="rdflib-endpoint benchmark")
''')

#: wrk: the request paths from a file (one per line), each connection on its own rotation;
#: one JSON line of figures at the end (latencies in microseconds).
WRK_SCRIPT = textwrap.dedent('''
    local paths = {}
    local counter = 0
    function init(args)
      for line in io.lines(args[1]) do paths[#paths + 1] = line end
      counter = math.random(#paths)
    end
    function request()
      counter = counter + 1
      return wrk.format("GET", paths[(counter % #paths) + 1],
                        {["Accept"] = "application/sparql-results+json"})
    end
    function done(summary, latency, requests)
      local e = summary.errors
      io.write(string.format('{"requests":%d,"seconds":%.3f,"p50":%d,"p95":%d,"non2xx":%d,' ..
        '"socket_errors":%d,"timeouts":%d}\\n', summary.requests, summary.duration / 1e6,
        latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write,
        e.timeout))
    end
''')


@dataclass(frozen=True)
class Run:
    server: str
    query: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    non2xx: int
    socket_errors: int
    timeouts: int

    @property
    def rps(self) -> float:
        """Answers per second, counting only the 2xx ones (a 503 is no answer)."""
        return (self.requests - self.non2xx) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.server:<16} {self.query:<8} {self.rps:>9,.1f} req/s  p50 {self.p50_ms:>8.1f} ms  "
                f"p95 {self.p95_ms:>8.1f} ms  non-2xx {self.non2xx:>5}  socket errors {self.socket_errors}  "
                f"timeouts {self.timeouts}  ({self.requests} requests in {self.seconds:.1f} s)")


def current_build(store: Path) -> Path:
    return (store / os.readlink(store / "current")).resolve()


def prepare(scale: float, work: Path) -> Path:
    """Synthetic CORDIS at ``scale``, imported and built into ``work/store`` (reused if built)."""
    from citykg.build import build
    from citykg.config import Settings
    from ingest.synthetic_cordis import generate

    settings = Settings(store=work / "store", sources=Settings().sources, inbox=work / "inbox",
                        imports=work / "imports")
    if (settings.store / "current").exists():
        print(f"store: reusing the build in {settings.store}")
        return settings.store
    src = work / "cordis"
    if not (src / "organization.csv").exists():
        counts = generate(src, round(80_000 * scale), round(72_000 * scale), round(400_000 * scale), seed=7)
        print(f"generated synthetic CORDIS at scale {scale:g}: {counts}")
    result, _ = child(IMPORT_CODE.format(sources=str(settings.sources), src=str(src), dst=str(settings.imports)))
    print(f"import: {result['quads']:,} quads in {result['seconds']:.1f} s")
    started = time.perf_counter()
    build(settings)
    print(f"build: {time.perf_counter() - started:.1f} s")
    return settings.store


def queries(build: Path) -> dict[str, list[str]]:
    """The lookup and partner queries, made from what the build holds."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build))

    def column(sparql: str) -> list[str]:
        return [row[0].value for row in store.query(sparql, use_default_graph_as_union=True)]

    orgs = column(f"SELECT DISTINCT ?o WHERE {{ ?p <{CKG}participant> ?o }} LIMIT 200")
    countries = set(column(f"SELECT DISTINCT ?c WHERE {{ ?o a <{CKG}Organisation> ; <{CKG}country> ?c }}"))
    programmes = column(f"SELECT DISTINCT ?g WHERE {{ ?project <{CKG}fundedBy> ?g . ?g <{SKOS}notation> ?n "
                        f'FILTER(REGEX(?n, "^[A-Z]+\\\\.[0-9]+\\\\.[0-9]+$")) }} ORDER BY ?g')
    chosen = [c for code in COUNTRIES if (c := f"https://w3id.org/citykg/country/{code}") in countries]
    lookup = [f"SELECT ?project WHERE {{ ?p <{CKG}participant> <{o}> ; <{CKG}inProject> ?project }} LIMIT 50"
              for o in orgs]
    partner = [
        f"PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}> "
        f"SELECT ?org ?name (COUNT(?participation) AS ?participations) WHERE {{ "
        f"?org ckg:country <{country}> . ?participation ckg:participant ?org ; ckg:inProject ?project . "
        f"?project ckg:fundedBy <{programme}> . ?org skos:prefLabel ?name }} "
        f"GROUP BY ?org ?name ORDER BY DESC(?participations) ?name LIMIT 20"
        for programme in programmes for country in chosen
    ]
    if not lookup or not partner:
        raise SystemExit(f"{build} has no CORDIS participations (or no country / programme to rank by)")
    return {"lookup": lookup, "partner": partner}


def wrk(base: str, paths: Path, script: Path, seconds: float, server: str, query: str) -> Run:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script), base,
         "--", str(paths)],
        capture_output=True, text=True, timeout=seconds + 120,
    ).stdout
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    r = json.loads(lines[-1])
    return Run(server, query, r["requests"], r["seconds"], r["p50"] / 1000, r["p95"] / 1000, r["non2xx"],
               r["socket_errors"], r["timeouts"])


@contextlib.contextmanager
def uvicorn_app(work: Path, name: str, source: str, env: dict[str, str], startup: float) -> Iterator[str]:
    """A one-file FastAPI app under uvicorn on a free loopback port; yields its base URL."""
    from tests.helpers import free_port, wait_until_up

    (work / f"{name}.py").write_text(source, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [PY, "-m", "uvicorn", f"{name}:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=work, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/sparql?query=ASK%7B%7D", process, seconds=startup)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # rdflib-endpoint still blocked in a query
            process.kill()
            process.wait()


def rdflib_data(build: Path, work: Path, max_quads: int) -> tuple[Path | None, str]:
    """The build as one N-Quads file for rdflib, or None and why it is skipped."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build))
    quads = len(store)
    if quads > max_quads:
        return None, (f"skipped: the store has {quads:,} quads, above --rdflib-max-quads {max_quads:,} "
                      f"(rdflib would need ~{quads / 1e6:.0f} GB and ~{quads / 10_000 / 60:.0f} min to load them)")
    path = work / "rdflib.nq"
    store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
    return path, f"measured over all {quads:,} quads of the store, loaded into an rdflib Dataset"


def settled(base: str) -> None:
    """Wait until the citykg server has read its partner-search indexes: it reads them in a
    thread of its own as it starts (a minute of CPU at CORDIS size, in the process that also
    answers ``/sparql``), and a long-running server is what is measured."""
    import httpx

    started = time.perf_counter()
    while httpx.get(base + "/health", timeout=30).json().get("indexes") != "ready":
        if time.perf_counter() - started > 1800:
            raise SystemExit("citykg did not finish reading its indexes in 30 minutes")
        time.sleep(1)
    print(f"citykg: partner-search indexes ready {time.perf_counter() - started:.0f} s after start-up", flush=True)


def summary(runs: list[Run]) -> None:
    """The median round of each server and query, and the ratios citykg / minimal."""
    print("\nsummary (median round by req/s):")
    medians: dict[tuple[str, str], Run] = {}
    for key in dict.fromkeys((r.server, r.query) for r in runs):
        group = sorted((r for r in runs if (r.server, r.query) == key), key=lambda r: r.rps)
        medians[key] = group[(len(group) - 1) // 2]
        print("  " + medians[key].line())
    for query in dict.fromkeys(r.query for r in runs):
        ours, ceiling = medians.get(("citykg", query)), medians.get(("minimal", query))
        if ours and ceiling and ceiling.rps:
            ratio = ours.rps / ceiling.rps
            verdict = "met" if ratio >= 0.7 else "MISSED"
            print(f"  {query}: citykg / minimal = {ratio:.2f}x (target 0.7x: {verdict}); p50 {ours.p50_ms:.1f} vs "
                  f"{ceiling.p50_ms:.1f} ms, p95 {ours.p95_ms:.1f} vs {ceiling.p95_ms:.1f} ms")
        rdflib = medians.get(("rdflib-endpoint", query))
        if ours and rdflib:
            vs = f"{ours.rps / rdflib.rps:.1f}x" if rdflib.rps else "rdflib-endpoint completed none"
            print(f"  {query}: citykg / rdflib-endpoint = {vs}")


def sparql_step(store: Path, work: Path, *, seconds: float = 15, rounds: int = 3, warmup: float = 3,
                rdflib_max_quads: int = 1_500_000) -> list[Run]:
    """Measure the three servers over ``store`` (a citykg store directory) and print every run."""
    from tests.helpers import citykg_server

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian)")
    build = current_build(store)
    plan = queries(build)
    script = work / "sparql_throughput.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    files = {}
    for name, texts in plan.items():
        files[name] = work / f"paths-{name}.txt"
        files[name].write_text("".join(f"/sparql?query={quote(q)}\n" for q in texts), encoding="utf-8")
        print(f"{name}: {len(texts)} queries, e.g. {texts[0]}")
    nquads, rdflib_note = rdflib_data(build, work, rdflib_max_quads)
    print(f"rdflib-endpoint: {rdflib_note}")
    print(f"load: wrk, 1 thread, {CONNECTIONS} connections, {seconds:g} s a run after {warmup:g} s of warm-up, "
          f"{rounds} rounds alternating the servers", flush=True)
    runs: list[Run] = []

    def measure(server: str, base: str, query: str, warm: bool = True) -> None:
        if warm and warmup > 0:
            wrk(base, files[query], script, warmup, server, query)
        run = wrk(base, files[query], script, seconds, server, query)
        runs.append(run)
        print(run.line(), flush=True)

    with contextlib.ExitStack() as servers:
        bases = {}
        if nquads is not None:
            started = time.perf_counter()  # first: its loading would disturb the others' runs
            bases["rdflib-endpoint"] = servers.enter_context(
                uvicorn_app(work, "rdflib_app", RDFLIB_APP, {"BENCH_NQUADS": str(nquads)}, startup=7200))
            print(f"rdflib-endpoint loaded and up in {time.perf_counter() - started:.0f} s", flush=True)
        bases["citykg"] = servers.enter_context(citykg_server({"CITYKG_STORE": str(store)}))
        settled(bases["citykg"])
        bases["minimal"] = servers.enter_context(
            uvicorn_app(work, "minimal_app", MINIMAL_APP, {"BENCH_STORE": str(build)}, startup=120))
        for query in plan:
            for _ in range(rounds):
                for server, base in bases.items():
                    if server == "rdflib-endpoint" and query == "partner":
                        continue  # once, last: it blocks rdflib-endpoint's event loop for long
                    measure(server, base, query)
        if "rdflib-endpoint" in bases:
            measure("rdflib-endpoint", bases["rdflib-endpoint"], "partner", warm=False)
    summary(runs)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", type=Path, help="a citykg store directory (with a `current` link)")
    source.add_argument("--scale", type=float, help="generate synthetic CORDIS at this scale and build it")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch space (and the build, with --scale)")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server and query, alternating servers")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before each measured run")
    parser.add_argument("--rdflib-max-quads", type=int, default=1_500_000,
                        help="largest store served by rdflib-endpoint (bigger ones: skipped)")
    args = parser.parse_args()
    if args.seconds > 600 or args.rounds > 20:
        parser.error("bounded: at most 600 s a run and 20 rounds")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="citykg-sparql-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"workdir: {work}")
    store = args.store if args.store is not None else prepare(args.scale, work)
    if not (store / "current").exists():
        raise SystemExit(f"{store} has no `current` build: run `citykg build` (or use --scale)")
    print(f"store: {store} (build {current_build(store).name})", flush=True)
    sparql_step(store, work, seconds=args.seconds, rounds=args.rounds, warmup=args.warmup,
                rdflib_max_quads=args.rdflib_max_quads)


if __name__ == "__main__":
    main()
