"""The remote backend at CORDIS scale: loading and querying `oxigraph serve` and Virtuoso.

    .venv/bin/python benchmarks/remote_scale.py [NQUADS] [--scale S] [--workdir DIR] [--runs 20]
                                                [--slow-runs 5] [--buffers-mib 4096]
                                                [--servers oxigraph,virtuoso] [--load-only] [--skip-publish]
                                                [--embedded STORE]

NQUADS is a CORDIS import (default: /work/bench/full/imports-full/cordis.nq, 11.4 M quads); with
``--scale S`` a synthetic one is generated and imported instead (``ingest/synthetic_cordis.py``,
80,000 projects at scale 1.0). The partner searches name entities of the knowledge base, which an
import alone lacks: to measure them too, give the N-Quads of a whole build (from an EmbeddedStore:
``pyoxigraph.Store.read_only(BUILD).dump(FILE, pyoxigraph.RdfFormat.N_QUADS)``) and that store as
``--embedded``. Everything runs on this machine, described first. For each server, started on
loopback in WORKDIR:

1. the file through the server's own bulk loader into a database of its own: ``oxigraph load``
   then ``oxigraph optimize`` (the compaction ``EmbeddedStore.publish`` also does) before
   ``oxigraph serve``; Virtuoso's ``ld_dir`` + ``rdf_loader_run``;
2. unless ``--skip-publish``, the file through ``RemoteStore.publish`` into a fresh server (split
   into graphs on disk, one streamed Graph Store PUT each), in a child process: quads/s, and that
   process's peak RSS, beside the file's size, to show that the client's memory does not follow
   the file. At full size that is one PUT of 1.7 GB (the import is one graph), which Virtuoso
   had not finished after 12 min: hence the option;
3. on the published server, or on the bulk-loaded one with ``--skip-publish``: named queries
   (``queries/``) with parameters picked from the data, p50/p95 over ``--runs`` runs each
   (``--slow-runs`` for a query whose first run takes a second or more: at CORDIS size the
   partner network is a million rows), their answer counts beside those of the embedded store
   (pyoxigraph bulk load of the same file, or ``--embedded``); then the ten partner searches of
   ``benchmarks/partner_search.py`` through ``RemoteStore``, after the one-off read of their
   indexes over HTTP.

Every server's quad count is checked against the embedded store's (the distinct quads of the
file: the CORDIS import repeats some lines). Servers and the embedded store share the machine's
2 cores and the disk with whatever else runs; the load average is printed after each server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.cordis_scale import machine, percentile  # noqa: E402

DEFAULT_NQUADS = Path("/work/bench/full/imports-full/cordis.nq")
CKG = "https://w3id.org/citykg/ontology#"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# A query whose first run takes this long is timed over --slow-runs runs instead of --runs.
SLOW_MS = 1000

PUBLISH_CODE = """
import json, resource, sys, time
from pathlib import Path
from citykg.store import RemoteStore
store = RemoteStore({query!r}, gsp_url={gsp!r}, timeout=600)
t = time.perf_counter()
store.publish([Path({nquads!r})])
print(json.dumps({{"seconds": time.perf_counter() - t,
                   "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def count_quads(path: Path) -> int:
    """Lines that hold a quad (N-Quads is one statement a line)."""
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip() and not line.lstrip().startswith(b"#"))


def synthetic_import(scale: float, workdir: Path) -> Path:
    """Generate CORDIS CSV files at ``scale`` and import them as the project does."""
    from citykg.config import get_settings
    from ingest.cordis import import_cordis
    from ingest.linking import Linker
    from ingest.synthetic_cordis import generate

    src, dst = workdir / f"cordis-{scale}", workdir / f"imports-{scale}"
    if not (dst / "cordis.nq").exists():
        src.mkdir(parents=True, exist_ok=True)
        generate(src, round(80_000 * scale), round(72_000 * scale), round(400_000 * scale), seed=7)
        import_cordis(src, dst, Linker.from_knowledge_base(get_settings().knowledge, Path(get_settings().sources)))
    return dst / "cordis.nq"


def publish_in_child(urls: dict[str, str], nquads: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of ``RemoteStore.publish`` in a fresh interpreter."""
    code = PUBLISH_CODE.format(query=urls["query_url"], gsp=urls["gsp_url"], nquads=str(nquads))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["seconds"], result["rss_kib"] / 1024


@contextlib.contextmanager
def oxigraph(directory: Path) -> Iterator[dict[str, str]]:
    from tests.helpers import oxigraph_server

    with oxigraph_server(directory) as base:
        yield {"query_url": base + "/query", "gsp_url": base + "/store"}


@contextlib.contextmanager
def virtuoso(directory: Path, buffers_mib: int, load_dir: Path) -> Iterator[tuple[dict[str, str], int]]:
    from scripts.virtuoso import server
    from tests.helpers import free_port

    isql_port = free_port()
    with server(directory, free_port(), isql_port, buffers_mib=buffers_mib, load_dirs=(load_dir,)) as base:
        yield {"query_url": base + "/sparql", "gsp_url": base + "/sparql-graph-crud"}, isql_port


def pick_parameters(store) -> list[tuple[str, str, dict[str, str]]]:
    """Named queries (label, name, parameters) that have answers in CORDIS data, whose labels are
    English (the queries that keep only Romanian labels answer nothing there): the facts of the
    project with the most participations and of the Romanian organisation with the most, the
    partner network, the programmes' budgets, and a count over the whole graph."""
    project = store.select(
        f"SELECT ?project (COUNT(*) AS ?n) WHERE {{ ?project <{CKG}hasParticipation> ?p }} "
        "GROUP BY ?project ORDER BY DESC(?n) ?project LIMIT 1"
    )
    organisation = store.select(
        f"SELECT ?org (COUNT(*) AS ?n) WHERE {{ ?org <{CKG}country> <https://w3id.org/citykg/country/ro> . "
        f"?p <{CKG}participant> ?org }} GROUP BY ?org ORDER BY DESC(?n) ?org LIMIT 1"
    )
    queries = [("entity_facts(project)", "entity_facts", {"entity": row["project"].value}) for row in project]
    queries += [("entity_facts(organisation)", "entity_facts", {"entity": row["org"].value}) for row in organisation]
    return queries + [
        ("partner_network", "partner_network", {}),
        ("programme_budgets", "programme_budgets", {}),
        ("class_counts", "class_counts", {}),
    ]


def time_queries(
    store, queries: list[tuple[str, str, dict[str, str]]], runs: int, slow_runs: int
) -> dict[str, tuple[int, int, float, float]]:
    """Per query: answer rows, runs timed, p50 and p95 in ms (the first run warms the server and is
    not counted; a query it finds slow is timed over ``slow_runs``). A query the server does not
    answer within the store's timeout is reported and left out, so the others are still timed."""
    from citykg.errors import QueryTimeoutError
    from citykg.queries import run_named_query

    figures = {}
    for label, name, params in queries:
        try:
            t = time.perf_counter()
            rows = len(list(run_named_query(store, name, params)))
            count = min(runs, slow_runs) if (time.perf_counter() - t) * 1000 >= SLOW_MS else runs
            times = []
            for _ in range(count):
                t = time.perf_counter()
                list(run_named_query(store, name, params))
                times.append((time.perf_counter() - t) * 1000)
        except QueryTimeoutError as error:
            print(f"{label}: not timed, {error}", flush=True)
            continue
        figures[label] = (rows, count, percentile(times, 50), percentile(times, 95))
    return figures


def stored_quads(store) -> int:
    return int(store.select(COUNT_QUADS)[0]["n"].value)


def embedded(nquads: Path, directory: Path):
    """The same file bulk-loaded into pyoxigraph (the answers remote servers should give)."""
    from citykg.store import EmbeddedStore

    store = EmbeddedStore(directory)
    if store.current_build() is None:
        t = time.perf_counter()
        store.publish([nquads])
        print(f"embedded: pyoxigraph bulk load {time.perf_counter() - t:.0f} s")
    return store


def reference(nquads: Path, workdir: Path, args: argparse.Namespace) -> tuple[list, dict, int]:
    """Queries, their answers and the quad count of the embedded store, its own figures printed
    (a function of its own, so its search indexes are freed before the servers start)."""
    from citykg.store import EmbeddedStore

    store = EmbeddedStore(args.embedded) if args.embedded else embedded(
        nquads, workdir / f"embedded-{nquads.stat().st_size}")
    quads = stored_quads(store)
    print(f"embedded: {quads:,} distinct quads", flush=True)
    queries = pick_parameters(store)
    expected = time_queries(store, queries, args.runs, args.slow_runs)
    for label, name, params in queries:
        if label not in expected:
            continue
        rows, runs, p50, p95 = expected[label]
        print(f"embedded {label} {json.dumps(params)}: {rows} rows, {runs} runs, p50 {p50:.1f} ms, p95 {p95:.1f} ms",
              flush=True)
    searches("embedded", store, args.runs)
    return queries, expected, quads


def report(label: str, quads: int, seconds: float, rss_mib: float | None = None) -> None:
    rss = f", client peak RSS {rss_mib:.0f} MiB" if rss_mib is not None else ""
    print(f"{label}: {quads:,} quads in {seconds:.0f} s = {quads / seconds:,.0f} quads/s{rss}", flush=True)


def oxigraph_load(directory: Path, nquads: Path) -> tuple[float, float]:
    """Seconds of ``oxigraph load`` of the file into ``directory`` (the CLI's bulk loader, no
    server running) and of ``oxigraph optimize`` after it."""
    binary = str(Path(sys.executable).parent / "oxigraph")
    seconds = []
    for command in (["load", "--location", str(directory), "--file", str(nquads)],
                    ["optimize", "--location", str(directory)]):
        t = time.perf_counter()
        done = subprocess.run([binary, *command], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"oxigraph {command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        seconds.append(time.perf_counter() - t)
    return seconds[0], seconds[1]


def served(label: str, urls: dict[str, str], expected_quads: int | None, queries, expected,
           args: argparse.Namespace, *, measure: bool) -> None:
    """Check the server's quad count against the embedded store's; with ``measure``, time the
    named queries and the partner searches on it."""
    from citykg.store import RemoteStore

    store = RemoteStore(urls["query_url"], timeout=600)
    loaded = stored_quads(store)
    same = "" if expected_quads is None else (
        ", same as embedded" if loaded == expected_quads else f", embedded has {expected_quads:,}")
    print(f"{label}: {loaded:,} quads on the server{same}", flush=True)
    if not measure:
        return
    for name, (rows, runs, p50, p95) in time_queries(store, queries, args.runs, args.slow_runs).items():
        known = expected.get(name)
        same = ("no embedded answer" if known is None else
                "same count as embedded" if rows == known[0] else f"embedded has {known[0]}")
        print(f"{label} {name}: {rows} rows ({same}), {runs} runs, p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    searches(label, store, args.runs)


def searches(label: str, store, runs: int) -> None:
    """The ten partner searches of ``benchmarks/partner_search.py``, the read of their indexes
    first. They name entities of a build (the knowledge base's countries and city halls), which an
    import alone lacks: then they are left out, and the queries' figures stand."""
    from benchmarks.partner_search import measure_searches
    from citykg.errors import InvalidParameterError

    print(f"{label} partner search: {store.describe()}", flush=True)
    try:
        measure_searches(store, runs, limits=(None,))
    except InvalidParameterError as error:
        print(f"{label} partner search not measured: {error}", flush=True)


def load_average() -> None:
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("nquads", nargs="?", type=Path, default=DEFAULT_NQUADS)
    parser.add_argument("--scale", type=float, help="generate a synthetic CORDIS import at this scale instead")
    parser.add_argument("--workdir", type=Path, default=Path("/work/bench/remote"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slow-runs", type=int, default=5,
                        help=f"runs of a query whose first run takes {SLOW_MS} ms or more")
    parser.add_argument("--buffers-mib", type=int, default=4096, help="Virtuoso's page cache")
    parser.add_argument("--servers", default="oxigraph,virtuoso")
    parser.add_argument("--load-only", action="store_true", help="measure the loads, not the queries")
    parser.add_argument("--embedded", type=Path,
                        help="an EmbeddedStore of the same data to compare with (default: NQUADS bulk-loaded into "
                             "WORKDIR/embedded-SIZE)")
    parser.add_argument("--skip-publish", action="store_true",
                        help="no RemoteStore.publish: query the bulk-loaded servers (full size)")
    args = parser.parse_args()

    print(f"machine: {machine()}")
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    nquads = synthetic_import(args.scale, workdir) if args.scale else args.nquads.resolve()
    if not nquads.is_file():
        sys.exit(f"no N-Quads file at {nquads}: give one, or --scale to generate one")
    quads = count_quads(nquads)
    print(f"input: {nquads} ({nquads.stat().st_size / 2**20:,.0f} MiB, {quads:,} quads)")
    run = workdir / f"run-{time.strftime('%Y%m%dT%H%M%S')}"
    run.mkdir()

    queries, expected, distinct = ([], {}, None) if args.load_only else reference(nquads, workdir, args)
    load_average()
    measure = not args.load_only
    servers = args.servers.split(",")
    if "oxigraph" in servers:
        loading, optimizing = oxigraph_load(run / "oxigraph-bulk", nquads)
        report("oxigraph load", quads, loading)
        print(f"oxigraph optimize: {optimizing:.0f} s", flush=True)
        with oxigraph(run / "oxigraph-bulk") as urls:
            served("oxigraph serve, bulk-loaded", urls, distinct, queries, expected, args,
                   measure=measure and args.skip_publish)
        if not args.skip_publish:
            with oxigraph(run / "oxigraph") as urls:
                seconds, rss = publish_in_child(urls, nquads)
                report("oxigraph serve, RemoteStore.publish", quads, seconds, rss)
                served("oxigraph serve", urls, distinct, queries, expected, args, measure=measure)
        load_average()
    if "virtuoso" in servers:
        from scripts.virtuoso import bulk_load

        with virtuoso(run / "virtuoso-bulk", args.buffers_mib, nquads.parent) as (urls, isql_port):
            t = time.perf_counter()
            bulk_load(isql_port, nquads)
            report("Virtuoso, bulk loader", quads, time.perf_counter() - t)
            served("Virtuoso, bulk-loaded", urls, distinct, queries, expected, args,
                   measure=measure and args.skip_publish)
        if not args.skip_publish:
            with virtuoso(run / "virtuoso", args.buffers_mib, nquads.parent) as (urls, isql_port):
                seconds, rss = publish_in_child(urls, nquads)
                report("Virtuoso, RemoteStore.publish", quads, seconds, rss)
                served("Virtuoso", urls, distinct, queries, expected, args, measure=measure)
        load_average()


if __name__ == "__main__":
    main()
