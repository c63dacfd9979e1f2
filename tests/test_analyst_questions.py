"""docs/questions.yaml: forty analyst questions, each answered by its SPARQL on the real graph
with the answer the documents give."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from citykg.config import PROJECT_ROOT
from citykg.namespaces import BASE, sparql_prologue

QUESTIONS = yaml.safe_load((PROJECT_ROOT / "docs" / "questions.yaml").read_text(encoding="utf-8"))


def test_there_are_forty_questions_of_many_kinds():
    assert len(QUESTIONS) >= 40 and len({q["id"] for q in QUESTIONS}) == len(QUESTIONS)
    assert len({q["kind"] for q in QUESTIONS}) >= 8
    assert all(("rows" in q) != ("contains" in q) and q["source"] for q in QUESTIONS)


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_question_is_answered_as_the_documents_say(built_store, q):
    result = built_store.reviewed().select(sparql_prologue() + q["sparql"])  # as every default answer
    rows = [
        [None if row.get(c) is None else str(row[c].value).removeprefix(BASE) for c in q["columns"]]
        for row in result
    ]
    expected = [[str(v) for v in r] for r in q.get("rows", q.get("contains", []))]
    if "contains" in q:
        missing = [r for r in expected if r not in rows]
        assert not missing, f"{q['question']} lacks {missing} (got {rows})"
    elif q.get("ordered"):
        assert rows == expected, q["question"]
    else:
        assert Counter(map(tuple, rows)) == Counter(map(tuple, expected)), q["question"]
