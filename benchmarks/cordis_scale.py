"""CORDIS at full scale: import throughput, partner search latency, /sparql under load.

    .venv/bin/python benchmarks/cordis_scale.py [--scale 1.0] [--workdir DIR] [--seconds 15]

Steps (each prints its figures; everything runs on this machine, described first):

1. synthetic CORDIS files (``ingest/synthetic_cordis.py``: 80,000 projects, 72,000 organisations,
   400,000 participations at scale 1.0);
2. ``import_cordis`` linked against the knowledge base, in a child process (quads/s, peak RSS),
   also at a tenth of the scale, to show that memory does not follow the file size;
3. the same quads parsed by rdflib (a prefix of the file: rdflib needs ~1 kB of memory a quad)
   and bulk-loaded by pyoxigraph, for reference;
4. a build with the import (the real sources, the knowledge base, the imported file);
5. partner search p50/p95 of the ten searches of ``benchmarks/partner_search.py`` on that build;
6. ``/sparql`` requests per second with 16 concurrent clients, against ``citykg serve``, a minimal
   FastAPI + pyoxigraph app and rdflib-endpoint on the same store (``benchmarks/sparql_throughput.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PY = sys.executable


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import pyoxigraph
    import rdflib

    return (f"{platform.platform()}; {os.cpu_count()} CPUs ({cpu}); RAM {mem}; Python {platform.python_version()}; "
            f"pyoxigraph {pyoxigraph.__version__}; rdflib {rdflib.__version__}; "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine skews every figure)")


def child(code: str) -> tuple[dict, float]:
    """Run ``code`` in a fresh interpreter; return its JSON output and its own peak RSS in MiB
    (measured after loading the knowledge base, and at the end)."""
    out = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result, result["rss_kib"] / 1024


IMPORT_CODE = """
import json, resource, time
from pathlib import Path
from ingest.linking import Linker
from citykg.config import get_settings
from ingest.cordis import import_cordis
linker = Linker.from_knowledge_base(get_settings().knowledge, Path({sources!r}))
t = time.perf_counter()
r = import_cordis(Path({src!r}), Path({dst!r}), linker)
dt = time.perf_counter() - t
print(json.dumps({{"quads": r.triples, "seconds": dt, "counts": r.counts, "links": r.links,
                   "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "bytes": sum(p.stat().st_size for p in Path({src!r}).iterdir())}}))
"""


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each /sparql load run")
    parser.add_argument("--rdflib-quads", type=int, default=300_000)
    parser.add_argument("--rdflib-max-quads", type=int, default=1_500_000,
                        help="largest store the /sparql step serves with rdflib-endpoint (bigger: skipped)")
    parser.add_argument("--search-runs", type=int, default=5)
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: small,build,search,sparql")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="citykg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    from citykg.config import Settings

    sources = Settings().sources
    print(f"machine: {machine()}")
    print(f"workdir: {work}")

    from ingest.synthetic_cordis import generate

    sizes = {**({} if "small" in skip else {"tenth": args.scale / 10}), "full": args.scale}
    for label, scale in sizes.items():
        src = work / f"cordis-{label}"
        if not (src / "organization.csv").exists():
            t = time.perf_counter()
            counts = generate(src, round(80_000 * scale), round(72_000 * scale), round(400_000 * scale), seed=7)
            print(f"[{label}] generated {counts} in {time.perf_counter() - t:.1f} s")
        result, rss = child(IMPORT_CODE.format(sources=str(sources), src=str(src), dst=str(work / f"imports-{label}")))
        print(f"[{label}] import: {result['quads']:,} quads from {result['bytes'] / 1e6:.0f} MB of CSV in "
              f"{result['seconds']:.1f} s = {result['quads'] / result['seconds']:,.0f} quads/s; peak RSS {rss:.0f} MiB; "
              f"{result['counts']}")

    nq = work / "imports-full" / "cordis.nq"
    import pyoxigraph as ox
    import rdflib

    head = work / "head.nq"
    with open(nq, encoding="utf-8") as f, open(head, "w", encoding="utf-8") as out:
        out.writelines(islice(f, args.rdflib_quads))
    t = time.perf_counter()
    ds = rdflib.Dataset()
    ds.parse(head, format="nquads")
    dt = time.perf_counter() - t
    print(f"rdflib parse (N-Quads, first {args.rdflib_quads:,} quads of the import): {args.rdflib_quads / dt:,.0f} quads/s")
    del ds
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    dt = time.perf_counter() - t
    print(f"pyoxigraph bulk_load (in memory, whole import): {len(store):,} quads in {dt:.1f} s = {len(store) / dt:,.0f} quads/s")
    del store

    settings = Settings(store=work / "store", sources=sources, inbox=work / "inbox", imports=work / "imports-full")
    if "build" not in skip:
        from citykg.build import build

        t = time.perf_counter()
        report = build(settings)
        print(f"build with the import: {time.perf_counter() - t:.1f} s ({report.triples:,} triples of the "
              f"knowledge base and documents + the import)")

    from citykg.store import EmbeddedStore

    embedded = EmbeddedStore(settings.store)
    if "search" not in skip:
        from partner_search import measure_searches

        measure_searches(embedded, args.search_runs)

    if "sparql" not in skip:
        from sparql_throughput import sparql_step

        sparql_step(settings.store, work, seconds=args.seconds, rdflib_max_quads=args.rdflib_max_quads)


if __name__ == "__main__":
    main()
