"""The remote backend at CORDIS scale: loading and querying `oxigraph serve` and Virtuoso.

    .venv/bin/python benchmarks/remote_scale.py [NQUADS] [--scale S] [--workdir DIR] [--runs 20]
                                                [--buffers-mib 4096] [--servers oxigraph,virtuoso] [--load-only]

NQUADS is a CORDIS import (default: /work/bench/full/imports-full/cordis.nq, 11.4 M quads); with
``--scale S`` a synthetic one is generated and imported instead (``ingest/synthetic_cordis.py``,
80,000 projects at scale 1.0). Everything runs on this machine, described first. For each server,
started on loopback in WORKDIR:

1. the file loaded through ``RemoteStore.publish`` (split into graphs on disk, one streamed Graph
   Store PUT each), in a child process: quads/s, and that process's peak RSS, beside the file's
   size, to show that the client's memory does not follow the file;
2. for Virtuoso, the same file through its bulk loader (``ld_dir`` + ``rdf_loader_run``) into a
   database of its own;
3. named queries (``queries/``) with parameters picked from the data, p50/p95 over ``--runs``
   runs each, and their answer counts beside those of the embedded store (pyoxigraph bulk load of
   the same file).

Servers and the embedded store share the machine's 2 cores and the disk with whatever else runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
        import_cordis(src, dst, Linker.from_knowledge_base(Path(get_settings().sources)))
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


def time_queries(store, queries: list[tuple[str, str, dict[str, str]]], runs: int) -> dict[str, tuple[int, float, float]]:
    """Per query: answer rows, p50 and p95 in ms (the first run warms the server and is not counted)."""
    from citykg.queries import run_named_query

    figures = {}
    for label, name, params in queries:
        rows = len(list(run_named_query(store, name, params)))
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            list(run_named_query(store, name, params))
            times.append((time.perf_counter() - t) * 1000)
        figures[label] = (rows, percentile(times, 50), percentile(times, 95))
    return figures


def embedded(nquads: Path, directory: Path):
    """The same file bulk-loaded into pyoxigraph (the answers remote servers should give)."""
    from citykg.store import EmbeddedStore

    store = EmbeddedStore(directory)
    if store.current_build() is None:
        t = time.perf_counter()
        store.publish([nquads])
        print(f"embedded: pyoxigraph bulk load {time.perf_counter() - t:.0f} s")
    return store


def report(label: str, quads: int, seconds: float, rss_mib: float | None = None) -> None:
    rss = f", client peak RSS {rss_mib:.0f} MiB" if rss_mib is not None else ""
    print(f"{label}: {quads:,} quads in {seconds:.0f} s = {quads / seconds:,.0f} quads/s{rss}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("nquads", nargs="?", type=Path, default=DEFAULT_NQUADS)
    parser.add_argument("--scale", type=float, help="generate a synthetic CORDIS import at this scale instead")
    parser.add_argument("--workdir", type=Path, default=Path("/work/bench/remote"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--buffers-mib", type=int, default=4096, help="Virtuoso's page cache")
    parser.add_argument("--servers", default="oxigraph,virtuoso")
    parser.add_argument("--load-only", action="store_true", help="measure the loads, not the queries")
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

    from citykg.store import RemoteStore

    queries, expected = [], {}
    if not args.load_only:
        reference = embedded(nquads, workdir / f"embedded-{nquads.stat().st_size}")
        queries = pick_parameters(reference)
        expected = time_queries(reference, queries, args.runs)
    for label, name, params in queries:
        rows, p50, p95 = expected[label]
        print(f"embedded {label} {json.dumps(params)}: {rows} rows, p50 {p50:.1f} ms, p95 {p95:.1f} ms")

    servers = args.servers.split(",")
    if "oxigraph" in servers:
        with oxigraph(run / "oxigraph") as urls:
            seconds, rss = publish_in_child(urls, nquads)
            report("oxigraph serve, RemoteStore.publish", quads, seconds, rss)
            compare("oxigraph serve", RemoteStore(urls["query_url"], timeout=600), queries, expected, args.runs)
    if "virtuoso" in servers:
        from scripts.virtuoso import bulk_load

        with virtuoso(run / "virtuoso-bulk", args.buffers_mib, nquads.parent) as (urls, isql_port):
            t = time.perf_counter()
            bulk_load(isql_port, nquads)
            report("Virtuoso, bulk loader", quads, time.perf_counter() - t)
            loaded = RemoteStore(urls["query_url"], timeout=600).select(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"].value
            print(f"Virtuoso, bulk loader: {int(loaded):,} quads on the server", flush=True)
        with virtuoso(run / "virtuoso", args.buffers_mib, nquads.parent) as (urls, isql_port):
            seconds, rss = publish_in_child(urls, nquads)
            report("Virtuoso, RemoteStore.publish", quads, seconds, rss)
            compare("Virtuoso", RemoteStore(urls["query_url"], timeout=600), queries, expected, args.runs)


def compare(label: str, store, queries, expected, runs: int) -> None:
    for name, (rows, p50, p95) in time_queries(store, queries, runs).items():
        same = "same count as embedded" if rows == expected[name][0] else f"embedded has {expected[name][0]}"
        print(f"{label} {name}: {rows} rows ({same}), p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
