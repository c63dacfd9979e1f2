"""Every named query of ``queries/`` against its expected result over the real build.

``queries/expected/NAME.json`` says what the documents say the query must answer with its
default parameters (or the ``params`` given)::

    {"params": {}, "columns": ["participant", "role"],
     "rows": [["org/upb", "coordinator"], ...],       # exactly these rows, or
     "contains": [[...], ...],                        # at least these rows
     "source": "000:9 ..."}                           # where the documents say so

Values are strings: an IRI of the project without ``https://w3id.org/citykg/`` (``org/upb``),
other IRIs whole, a literal's lexical form, ``null`` when unbound. Rows are compared in order
when the query has ``ORDER BY``, as a multiset otherwise. A query without an expected result fails.
"""

from __future__ import annotations

import json
from collections import Counter

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from citykg.namespaces import BASE
from citykg.queries import QUERIES_DIR, load_queries, parse_named_query, run_named_query
from citykg.sparql_text import tokenize

EXPECTED_DIR = QUERIES_DIR / "expected"
NAMES = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))


def value(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value.removeprefix(BASE)
    return term.value


def ordered(text: str) -> bool:
    tokens = [t for t in tokenize(text) if t.kind == "word"]
    return any(a.is_word("ORDER") and b.is_word("BY") for a, b in zip(tokens, tokens[1:]))


def test_there_are_at_least_25_named_queries_with_headers():
    queries = load_queries()
    assert len(queries) >= 25
    for named in queries.values():
        assert named.title["ro"] and named.title["en"] and named.description, named.name
        for param in named.params:
            assert param.type and param.default is not None, f"{named.name}: {param.name}"


@pytest.mark.parametrize("name", NAMES)
def test_named_query_answers_what_the_documents_say(name, built_store):
    expected_file = EXPECTED_DIR / f"{name}.json"
    assert expected_file.is_file(), f"queries/{name}.rq has no expected result in {expected_file}"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    named = parse_named_query(QUERIES_DIR / f"{name}.rq")
    result = run_named_query(built_store, name, expected.get("params", {}))
    columns = expected["columns"]
    rows = [[value(row[c]) for c in columns] for row in result]
    if "rows" in expected:
        if ordered(named.text):
            assert rows == expected["rows"]
        else:
            assert Counter(map(tuple, rows)) == Counter(map(tuple, expected["rows"]))
    else:
        missing = [r for r in expected["contains"] if r not in rows]
        assert not missing, f"{name} lacks {missing}"


def test_every_expected_result_has_its_query():
    orphans = sorted(p.stem for p in EXPECTED_DIR.glob("*.json") if p.stem not in NAMES)
    assert orphans == []


def test_cli_runs_a_named_query_with_a_parameter(built_settings, build_report, monkeypatch):
    from citykg import cli, config

    monkeypatch.setenv("CITYKG_STORE", str(built_settings.store))
    config.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli.app, ["query", "project_partners", "--param", "project=project/netzerocities-pnrr", "--format", "csv"]
        )
    finally:
        config.get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/citykg/org/upb" in result.stdout


def test_parameters_are_bound_as_values_not_text(built_store):
    """A value full of SPARQL syntax is one IRI or literal, so the query keeps its structure."""
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { "'
    result = run_named_query(built_store, "entity_search", {"text": hostile})
    assert list(result) == []
    assert list(run_named_query(built_store, "entity_search", {"text": "cluj"}))
