"""Requests that stalled or crashed the server (issue 23, items 1, 7 and 10): text read in more
than linear time on the event loop, URLs and headers of any size, brackets nested until the
parser's stack overflows. Each is sent to the real server (uvicorn on loopback), and ``/health``
must answer meanwhile."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from citykg.config import Settings
from citykg.store import EmbeddedStore, MemoryStore
from graph_api.app import create_app
from tests.helpers import citykg_server

SPARQL_QUERY = {"content-type": "application/sparql-query"}


@pytest.fixture(scope="module")
def server(built_settings: Settings, built_store: EmbeddedStore):
    env = {"CITYKG_STORE": str(built_settings.store), "CITYKG_SOURCES": str(built_settings.sources),
           "CITYKG_INBOX": str(built_settings.inbox), "CITYKG_IMPORTS": str(built_settings.imports)}
    with citykg_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def client(built_settings: Settings, built_store: EmbeddedStore):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


def health_while(base: str, send) -> tuple[list[float], object]:
    """Seconds ``/health`` took, asked every 0.2 s while ``send()`` runs in a thread, and what
    ``send()`` returned."""
    done = threading.Event()
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(send())
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    times = []
    while not done.wait(0.2):
        started = time.monotonic()
        try:
            httpx.get(base + "/health", timeout=5).raise_for_status()
            times.append(time.monotonic() - started)
        except httpx.TimeoutException:
            times.append(float("inf"))
    thread.join()
    return times, outcome[0] if outcome else None


@pytest.mark.parametrize("text", [
    "SELECT * {} " + "a." * 490_000 + " LOAD",  # quadratic in the prefixed-name rule: 82 s at 64 KB
    "SELECT * FROM" + "#" * 40 + " {}",  # exponential in the FROM regex: 1.2 s at 22, x5 per two more
    "SELECT * {} " + "from #" * 160_000,  # quadratic once the FROM regex was made atomic
])
def test_hostile_text_is_read_in_linear_time(text):
    """Reading a text (SERVICE/LOAD, FROM, nesting) ends within seconds at the body limit."""
    program = (
        "import sys; from citykg.sparql_text import reaches_out, names_its_dataset, nested_too_deep; "
        "t = sys.stdin.read(); reaches_out(t); names_its_dataset(t); nested_too_deep(t)"
    )
    subprocess.run([sys.executable, "-c", program], input=text, text=True, check=True, timeout=30)


def test_health_answers_while_a_megabyte_of_sparql_is_read(server):
    """A 1 MB query of ``a.a.a...`` held every request of the server for hours (82 s at 64 KB)."""
    text = "SELECT * {} " + "a." * 490_000 + " LOAD"
    times, response = health_while(
        server, lambda: httpx.post(server + "/sparql", content=text, headers=SPARQL_QUERY, timeout=120))
    assert response.status_code == 403 and "LOAD" in response.json()["error"]
    assert max(times, default=0) < 1.0, times


@pytest.mark.parametrize("text", [
    "SELECT * " + "{" * 5000 + "}" * 5000,
    "SELECT * { FILTER(" + "(" * 5000 + "true" + ")" * 5000 + ") }",
    "SELECT * " + "{ SELECT * " * 5000 + "{}" + "}" * 5000,
    "SELECT * { ?s ?p " + "[ <http://x/p> " * 5000 + "1" + " ]" * 5000 + " }",
])
def test_deeply_nested_query_is_400_not_a_crashed_worker(server, text):
    """5,000 nested brackets overflowed the parser's stack in the worker: a 503, not a 4xx."""
    response = httpx.post(server + "/sparql", content=text, headers=SPARQL_QUERY, timeout=60)
    assert response.status_code == 400, response.text
    assert "nests brackets" in response.json()["error"]
    ok = httpx.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert ok.status_code == 200


def test_nested_update_is_400():
    """Updates run in the server process itself: a crash there would end the server."""
    update = "INSERT DATA { <http://x/s> <http://x/p> " + "[ <http://x/p> " * 5000 + "1" + " ]" * 5000 + " }"
    with TestClient(create_app(Settings(update_token="t"), MemoryStore())) as writable:
        response = writable.post("/sparql", content=update, headers={
            "content-type": "application/sparql-update", "authorization": "Bearer t"})
        assert response.status_code == 400 and "nests brackets" in response.json()["error"]


def test_brackets_in_strings_and_comments_do_not_count(client):
    query = "SELECT * { BIND('" + "{" * 5000 + "' AS ?x) } # " + "(" * 5000
    response = client.post("/sparql", content=query, headers=SPARQL_QUERY)
    assert response.status_code == 200, response.text


def test_a_long_url_is_414(client):
    """A 58 KB URL was read for 44 s on the event loop; now a proxy's limit applies."""
    response = client.get("/sparql", params={"query": "SELECT * {} #" + "a" * 60_000})
    assert response.status_code == 414 and "POST" in response.json()["error"]


@pytest.mark.parametrize("headers", [
    {"accept": "text/csv," * 200_000 + "text/csv"},  # one 2 MB header (17 MB: 16 s of negotiation)
    {f"x-filler-{i}": "a" * 10_000 for i in range(10)},  # 100 KB of headers in all
])
def test_oversized_headers_are_431(server, headers):
    response = httpx.get(server + "/sparql", params={"query": "ASK {}"}, headers=headers, timeout=60)
    assert response.status_code == 431, response.text[:200]
    assert httpx.get(server + "/health", timeout=5).status_code == 200


def nested_rdf_xml(levels: int) -> bytes:
    return ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://x/"><rdf:Description rdf:about="http://x/s">'
            + "<ex:p><rdf:Description>" * levels + "<ex:q>v</ex:q>" + "</rdf:Description></ex:p>" * levels
            + "</rdf:Description></rdf:RDF>").encode()


@pytest.fixture(scope="module")
def token_server(built_settings: Settings, built_store: EmbeddedStore):
    env = {"CITYKG_STORE": str(built_settings.store), "CITYKG_SOURCES": str(built_settings.sources),
           "CITYKG_INBOX": str(built_settings.inbox), "CITYKG_IMPORTS": str(built_settings.imports),
           "CITYKG_UPDATE_TOKEN": "t"}
    with citykg_server(env) as base:
        yield base


def test_a_nested_rdf_xml_put_does_not_hold_the_server(token_server):
    """A 966 KB nested RDF/XML PUT held the event loop for 5 s before its 501."""
    body = nested_rdf_xml(16_000)
    times, response = health_while(token_server, lambda: httpx.put(
        token_server + "/store?graph=http://x/g", content=body, timeout=120,
        headers={"content-type": "application/rdf+xml", "authorization": "Bearer t"}))
    assert response.status_code == 501, response.text[:300]
    assert times and max(times) < 1.0, times


def test_the_graph_store_takes_json_ld():
    """``application/ld+json`` was refused (415) although the 415 message listed it."""
    document = b'{"@id": "http://x/s", "http://x/p": "v"}'
    with TestClient(create_app(Settings(update_token="t"), MemoryStore())) as writable:
        auth = {"authorization": "Bearer t", "content-type": "application/ld+json"}
        assert writable.put("/store?graph=http://x/g", content=document, headers=auth).status_code == 201
        read = writable.get("/store?graph=http://x/g", headers={"accept": "application/n-triples"})
        assert read.text.strip() == '<http://x/s> <http://x/p> "v" .'
        named = b'{"@id": "http://x/other", "@graph": [{"@id": "http://x/s", "http://x/p": "v"}]}'
        refused = writable.put("/store?graph=http://x/g", content=named, headers=auth)
        assert refused.status_code == 400 and "names a graph of its own" in refused.json()["error"]
