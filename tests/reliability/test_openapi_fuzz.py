"""schemathesis against the app's OpenAPI description (issue 8): requests generated from the
schema of every operation, sent to the app over ASGI (no network) on the real graph, never get a
5xx. ``/sparql`` and ``/store`` read the request themselves and declare no parameters in the
schema, so schemathesis sends them one request each; Hypothesis fuzzes them directly below. The
number of examples per operation is kept modest for CI; set
``CITYKG_FUZZ_EXAMPLES`` for a longer run.

    CITYKG_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/reliability/test_openapi_fuzz.py -s
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from citykg.config import Settings
from citykg.store import EmbeddedStore, MemoryStore
from graph_api.app import create_app

EXAMPLES = int(os.environ.get("CITYKG_FUZZ_EXAMPLES", "100"))
#: Requests sent, per operation, for the summary line.
SENT: Counter[str] = Counter()


@pytest.fixture(scope="module")
def api_schema(built_settings: Settings, built_store: EmbeddedStore, request):
    """The app's own OpenAPI document, loaded over ASGI; a short query time limit, so that a
    generated query that would run long ends as the 422 it should be."""
    fuzz_settings = Settings(store=built_settings.store, sources=built_settings.sources,
                             inbox=built_settings.inbox, imports=built_settings.imports, query_timeout=3)
    app = create_app(fuzz_settings, built_store)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.query_workers.close()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and SENT:
        detail = ", ".join(f"{op} {n}" for op, n in sorted(SENT.items()))
        reporter.write_line(f"schemathesis: {sum(SENT.values())} generated requests, no 5xx ({detail})")


@pytest.fixture(scope="module")
def fuzz_client(built_settings: Settings, built_store: EmbeddedStore):
    fuzz_settings = Settings(store=built_settings.store, query_timeout=3)
    with TestClient(create_app(fuzz_settings, built_store)) as client:
        yield client


def _operations() -> list[tuple[str, str]]:
    """(method, path) of each operation the OpenAPI document describes (an app over an empty
    store: the schema does not depend on the data)."""
    app = create_app(Settings(), MemoryStore())
    return [(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item]


# schemathesis.pytest.from_fixture fails under pytest 9 ('Function' object has no attribute
# '_nodeid'), so each operation's strategy is drawn by a Hypothesis test of our own.
@pytest.mark.parametrize("method, path", _operations())
def test_no_server_error(api_schema, method: str, path: str):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def no_server_error(case):
        response = case.call()
        SENT[f"{method} {path}"] += 1
        case.validate_response(response, checks=[not_a_server_error])

    no_server_error()


SPARQLISH = st.lists(st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "*", "?s", "?p", "?o", "WHERE", "{", "}", "(", ")", ".", ";",
    "FILTER", "REGEX", "STR", "LIMIT", "1", "OFFSET", "GRAPH", "FROM", "<http://x>", "a", '"x"@ro',
    "SERVICE", "LOAD", "INSERT DATA", "PREFIX", "ckg:", "#", "\\u0000", "\x00", "VALUES", "UNION",
    "OPTIONAL", "BIND", "AS", "COUNT", "GROUP BY", "ORDER BY", "\n"]), max_size=25).map(" ".join)


@given(query=st.one_of(st.text(max_size=300), SPARQLISH),
       params=st.dictionaries(st.sampled_from(["format", "default-graph-uri", "named-graph-uri", "query", "update"]),
                              st.text(max_size=40), max_size=3),
       accept=st.sampled_from(["*/*", "text/csv", "application/sparql-results+xml", "text/turtle", "image/png", "", ";q=x"]))
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_sparql_get_never_a_server_error(fuzz_client, query, params, accept):
    response = fuzz_client.get("/sparql", params={**params, "query": query}, headers={"accept": accept})
    SENT["GET /sparql (hypothesis)"] += 1
    assert response.status_code < 500, response.text[:300]


@given(body=st.binary(max_size=500),
       content_type=st.sampled_from(["application/sparql-query", "application/sparql-update",
                                     "application/x-www-form-urlencoded", "application/sparql-query; charset=latin1",
                                     "text/plain", "", "multipart/form-data; boundary=x"]))
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_sparql_post_and_store_never_a_server_error(fuzz_client, body, content_type):
    headers = {"content-type": content_type} if content_type else {}
    for method, url in (("POST", "/sparql"), ("PUT", "/store?graph=http://g"), ("POST", "/store?default")):
        response = fuzz_client.request(method, url, content=body, headers=headers)
        SENT[f"{method} {url.split('?')[0]} (hypothesis)"] += 1
        assert response.status_code < 500, response.text[:300]
