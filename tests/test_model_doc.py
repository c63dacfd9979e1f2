"""docs/model.md: every pattern it shows runs on the real graph and answers what it says."""

from __future__ import annotations

import re

import pytest

from citykg.config import PROJECT_ROOT
from citykg.namespaces import BASE, ENTITY_PREFIXES, PREFIXES, sparql_prologue

MODEL_DOC = PROJECT_ROOT / "docs" / "model.md"
BLOCK = re.compile(r"^### (?P<title>.+?)\n.*?```sparql\n(?P<query>.*?)```", re.S | re.M)
PATTERNS = [(m["title"], m["query"]) for m in BLOCK.finditer(MODEL_DOC.read_text(encoding="utf-8"))]

#: Prefixes of W3C and other common vocabularies: none may name a namespace of the project.
WELL_KNOWN = {"org", "prov", "time", "dcat", "foaf", "schema", "skos", "geo", "sh", "rdf", "rdfs", "owl",
              "xsd", "dct", "dcterms", "vcard", "qb", "sosa", "ssn", "odrl", "as", "ldp", "dc", "eurio"}


def cells(row) -> set[str]:
    return {str(t.value).removeprefix(BASE) for t in row.values() if t is not None}


def test_the_doc_shows_a_pattern_per_kind_of_question():
    assert len(PATTERNS) >= 15


@pytest.mark.parametrize("title,query", PATTERNS, ids=[t for t, _ in PATTERNS])
def test_each_pattern_answers_what_the_doc_says(built_store, title, query):
    rows = built_store.select(sparql_prologue() + query)
    assert rows, f"{title}: no answer"
    found = set().union(*(cells(r) for r in rows))
    for expected in re.findall(r"^# expect: (.+)$", query, re.M):
        assert expected.strip() in found, f"{title}: {expected!r} not among {sorted(found)[:20]}"


def test_prefixes_do_not_clash_with_w3c_vocabularies():
    """`org:` for the project's organisations clashed with W3C ORG, which the ontology uses."""
    bound = {**PREFIXES, **ENTITY_PREFIXES}
    own = {p for p, iri in bound.items() if iri.startswith(BASE)}
    assert not own & WELL_KNOWN
    assert PREFIXES["org"] == "http://www.w3.org/ns/org#"
    assert ENTITY_PREFIXES["kgorg"] == BASE + "org/"
    assert len(set(bound.values())) == len(bound)
