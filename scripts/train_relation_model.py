"""Train the relation and value classifiers on a corpus's gold and write the models that ship.

    .venv/bin/python scripts/train_relation_model.py [--corpus ../shared/corpus] [--out ingest/models]

Every gold document is read as a build reads it (no known entity, the rules' facts left aside:
``model=None``); each pair of entity mentions the model would be asked about becomes an example
labelled with the gold relation between them, or ``none`` (benchmarks/corpus_quality.py,
``labelled_pairs``). The model's figures on documents it did not see come from
``benchmarks/extraction_quality.py --corpus … --folds 4``, which trains it anew per fold.
Needs scikit-learn (the `train` extra); reading documents with the model needs numpy only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: make the project's packages importable
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus_quality import _schema, labelled_pairs, labelled_values, load_gold  # noqa: E402
from ingest.gazetteer import Gazetteer  # noqa: E402
from ingest.pipeline import ingest_document  # noqa: E402
from ingest.relation_model import MODEL_FILE, VALUE_MODEL_FILE, train  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=MODEL_FILE.parent, help="folder of the model files")
    args = parser.parse_args(argv)
    schema, golds = _schema(), load_gold(args.corpus)
    pairs, values = [], []
    for gold in golds:
        result = ingest_document(args.corpus / gold.file, Gazetteer([]), schema, {}, model=None, value_model=None)
        pairs += labelled_pairs(gold, result)
        values += labelled_values(gold, result)
    for examples, file in ((pairs, MODEL_FILE.name), (values, VALUE_MODEL_FILE.name)):
        model = train(examples)
        model.save(args.out / file, [g.file for g in golds])
        labels = Counter(label for _, label in examples)
        print(f"{len(examples)} examples from {len(golds)} documents ({sum(v for k, v in labels.items() if k != 'none')} "
              f"labelled), {len(model.features)} features -> {args.out / file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
