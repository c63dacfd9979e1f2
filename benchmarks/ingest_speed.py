"""How long adding documents to a built graph takes, with and without an import beside it.

    .venv/bin/python benchmarks/ingest_speed.py [--workdir DIR] [--cordis DIR | --cordis-synthetic SCALE]

Builds the seed graph (optionally with a CORDIS import: the real sample of ../shared/data/cordis,
or synthetic files at a fraction of full CORDIS size), then times, each in the same run:
- adding one corpus document (``add_documents``: read, check, replace its graphs in a checkpoint
  copy of the served build), three times;
- adding the 32 documents of ../shared/corpus at once;
- a whole rebuild of the same inputs, for comparison.
It prints the figures and the store's size; it asserts nothing (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: make the project's packages importable
    sys.path.insert(0, str(ROOT))

from citykg.build import add_documents, build  # noqa: E402
from citykg.config import Settings  # noqa: E402
from citykg.store import EmbeddedStore  # noqa: E402
from ingest.cordis import import_cordis  # noqa: E402
from ingest.linking import Linker  # noqa: E402

SHARED = ROOT.parent / "shared"


def timed(label: str, action) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--cordis", type=Path, help="a folder of CORDIS CSV files to import first")
    parser.add_argument("--cordis-synthetic", type=float, help="import synthetic CORDIS files at this scale (1.0: full size)")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="citykg-ingest-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    settings = Settings(store=work / "store", sources=SHARED / "sources", inbox=work / "inbox", imports=work / "imports")
    cordis = args.cordis
    if args.cordis_synthetic:
        from ingest.synthetic_cordis import generate

        cordis, scale = work / "synthetic", args.cordis_synthetic
        timed(f"synthetic CORDIS files at scale {scale}", lambda: generate(
            cordis, projects=int(80_000 * scale), organisations=int(72_000 * scale), participations=int(400_000 * scale)))
    if cordis:
        linker = Linker.from_knowledge_base(settings.knowledge, settings.sources)
        timed("CORDIS import", lambda: import_cordis(cordis, settings.imports, linker))
    timed("build", lambda: build(settings))
    store = EmbeddedStore(settings.store)
    quads = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"].value)
    print(f"served graph: {quads:,} quads")
    settings.inbox.mkdir(parents=True, exist_ok=True)
    corpus = sorted((SHARED / "corpus").glob("[0-9]*_*.*"))
    one = Path(shutil.copy(corpus[1], settings.inbox))
    singles = [timed(f"add one document ({one.name}), run {i + 1}", lambda: add_documents(settings, [one])) for i in range(3)]
    print(f"add one document: median {statistics.median(singles):.1f} s")
    every = [Path(shutil.copy(p, settings.inbox)) for p in corpus]
    timed(f"add the {len(every)} corpus documents at once", lambda: add_documents(settings, every))
    timed("rebuild everything, for comparison", lambda: build(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
