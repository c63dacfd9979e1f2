"""How long proposing new names costs: loading the shipped place gazetteer, and proposing the
names of each document of a folder.

    .venv/bin/python benchmarks/name_proposals.py [--corpus ../shared/corpus] [--repeat 5]

Prints the best of --repeat loads of ingest/data/places.tsv, then the total time to propose the
names of every .txt/.md/.html file of the corpus (raw text, first run and a second run).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest import places  # noqa: E402
from ingest.gazetteer import propose_entities  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loads = []
    for _ in range(args.repeat):
        places.load_places.cache_clear()
        started = time.perf_counter()
        places.load_places()
        loads.append(time.perf_counter() - started)
    print(f"place gazetteer load: best {min(loads):.3f} s, worst {max(loads):.3f} s "
          f"of {args.repeat} ({places.PLACES_PATH.stat().st_size / 1e3:.0f} kB)")
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(args.corpus.iterdir())
             if p.suffix in (".txt", ".md", ".html")]
    for run in ("first", "second"):
        started = time.perf_counter()
        count = sum(len(propose_entities(t)) for t in texts)
        print(f"{run} run: {count} proposals in {len(texts)} documents, "
              f"{time.perf_counter() - started:.3f} s")
    print(f"{platform.machine()}, Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
