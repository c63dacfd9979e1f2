"""Hostile input (issue 8), beyond what ``tests/graph_api/test_guard_rails.py`` already covers
(SERVICE/LOAD to a loopback listener, FROM fetches nothing, tokens on /sparql and PUT /store, the
time limit, oversized bodies): each hostile request gets a clear 4xx, or for FROM an empty graph,
and nothing leaks.

* the cloud metadata address and local files in SERVICE, LOAD, FROM and dataset parameters;
* Graph Store writes other than PUT without the token;
* a label from a document containing ``<script>`` shown as text in every HTML page;
* path traversal in every path and name parameter, through the real server (raw request lines,
  so that no client tidies the ``..`` away);
* oversized parameters.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from citykg.build import build
from citykg.config import Settings
from citykg.store import EmbeddedStore, MemoryStore
from graph_api.app import create_app
from tests.helpers import citykg_server

TOKEN = "hostile-input-token"
METADATA = "http://169.254.169.254/latest/meta-data/"
PASSWD = "file:///etc/passwd"
SCRIPT = "<script>alert(1)</script>"
#: An invented press release: a project and an association whose names carry a script tag.
HOSTILE_DOCUMENT = f"""# Asociația {SCRIPT} Verde (AVS) coordonează proiectul „Cartier {SCRIPT} Verde”

Proiectul „Cartier {SCRIPT} Verde” este coordonat de Asociația {SCRIPT} Verde (AVS), în parteneriat cu
Universitatea Tehnică din Cluj-Napoca (UTCN) și Primăria Municipiului Cluj-Napoca. Valoarea proiectului
este de 1,2 milioane euro, finanțat prin programul Horizon Europe.
"""
PROJECT = "project/cartier-script-alert-1-script-verde"


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> Settings:
    """A real build of the source documents plus the hostile document in the inbox."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "inbox").mkdir()
    (root / "inbox" / "avs_script.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    settings = Settings(store=root / "store", sources=sources_dir, inbox=root / "inbox", imports=root / "imports")
    build(settings)
    return settings


@pytest.fixture(scope="module")
def client(hostile_settings: Settings):
    with TestClient(create_app(hostile_settings, EmbeddedStore(hostile_settings.store))) as client:
        yield client


@pytest.fixture()
def writable():
    with TestClient(create_app(Settings(update_token=TOKEN), MemoryStore())) as client:
        yield client


def error_of(response) -> str:
    return response.json()["error"]


# -- nothing fetched, nothing read from disk --------------------------------------------------

@pytest.mark.parametrize("target", [METADATA, PASSWD])
@pytest.mark.parametrize("send", ["get", "form", "body"])
def test_service_to_metadata_or_a_file_is_403(client, target, send):
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
    if send == "get":
        response = client.get("/sparql", params={"query": query})
    elif send == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    assert response.status_code == 403
    assert "SERVICE is refused" in error_of(response)


@pytest.mark.parametrize("update", [
    f"LOAD <{PASSWD}>",
    f"LOAD SILENT <{PASSWD}> INTO GRAPH <http://g>",
    f"INSERT DATA {{ <http://a> <http://b> <http://c> }} ; LOAD <{METADATA}>",
])
def test_load_of_a_file_or_metadata_is_403_even_with_the_token(writable, update):
    response = writable.post("/sparql", data={"update": update}, headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403
    assert "LOAD is refused" in error_of(response)
    assert writable.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is False


def test_load_without_the_token_is_403(client):
    response = client.post("/sparql", content=f"LOAD <{PASSWD}>".encode(),
                           headers={"content-type": "application/sparql-update"})
    assert response.status_code == 403


@pytest.mark.parametrize("request_kwargs", [
    {"params": {"query": f"SELECT * FROM <{PASSWD}> WHERE {{ ?s ?p ?o }}"}},
    {"params": {"query": f"SELECT * FROM NAMED <{METADATA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}},
    {"params": {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": PASSWD}},
    {"params": {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": METADATA}},
])
def test_from_a_file_or_metadata_is_an_empty_graph(client, request_kwargs):
    response = client.get("/sparql", **request_kwargs)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


def test_graph_store_read_of_a_file_iri_is_404(client):
    response = client.get("/store", params={"graph": PASSWD})
    assert response.status_code == 404
    assert "root:" not in response.text


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong"])
def test_graph_store_writes_without_the_token_are_403(writable, method, authorization):
    headers = {"content-type": "application/n-triples"}
    if authorization:
        headers["authorization"] = authorization
    response = writable.request(method, "/store", params={"graph": "http://g"},
                                content=b"<http://a> <http://b> <http://c> .", headers=headers)
    assert response.status_code == 403
    assert "Authorization: Bearer" in error_of(response)


# -- a script tag in a document is text on every page -----------------------------------------

#: Each HTML page that shows graph data or echoes input, as (route it needs, URL).
PAGES = {
    "/": ("/", "/"),
    "/partners (text)": ("/partners", "/partners?format=html&text=Cartier"),
    "/partners (project)": ("/partners", f"/partners?format=html&project={PROJECT}"),
    "/partners (echo)": ("/partners", f"/partners?format=html&text={SCRIPT}"),
    "/entities (project)": ("/entities/{kind}/{slug}", f"/entities/{PROJECT}?format=html"),
    "/entities (UTCN)": ("/entities/{kind}/{slug}", "/entities/org/utcn?format=html"),
    "/entities (Cluj-Napoca)": ("/entities/{kind}/{slug}", "/entities/city/cluj-napoca?format=html"),
    "/entities (unknown id)": ("/entities/{kind}/{slug}", "/entities/org/avs-script-alert?format=html"),
    "/entities (id with the tag)": ("/entities/{kind}/{slug}", "/entities/org/x%3Cscript%3Ealert(1)?format=html"),
    "/map": ("/map", f"/map?entity={PROJECT}"),
}


def test_the_hostile_label_is_in_the_graph(client):
    """The premise: the document gave an entity whose label carries the tag (a proposed one:
    nobody has reviewed it)."""
    labels = client.get(f"/entities/{PROJECT}", params={"format": "nt", "include": "proposed"})
    assert labels.status_code == 200
    assert SCRIPT in labels.text


@pytest.mark.parametrize("page", PAGES)
def test_a_script_tag_in_a_document_is_shown_as_text(client, page):
    route, url = PAGES[page]
    response = client.get(url, headers={"accept": "text/html"})
    if response.status_code == 404 and response.headers["content-type"] == "application/json" \
            and response.json() == {"detail": "Not Found"}:  # the framework's answer: no such route
        pytest.skip(f"{page}: the route {route} does not exist yet (being written: visualizations/ + graph_api/map.py)")
    assert response.status_code < 500, response.text[:300]
    if not response.headers["content-type"].startswith("text/html"):
        # A refusal as JSON (an id that is not an id) is not a page a browser renders.
        assert response.headers["content-type"].startswith("application/json") and response.status_code >= 400
        return
    assert "<script>alert" not in response.text
    assert "</script>alert" not in response.text


def test_the_project_page_shows_the_tag_escaped(client):
    page = client.get(f"/entities/{PROJECT}", params={"format": "html", "include": "proposed"}).text
    assert "Cartier &lt;script&gt;alert(1)&lt;/script&gt; Verde" in page


# -- path traversal ---------------------------------------------------------------------------

def raw_get(base: str, target: str) -> tuple[int | None, bytes]:
    """GET ``target`` exactly as written (no client normalises ``..``); status and body, or
    None when the server closed the connection without an answer."""
    host, port = base.removeprefix("http://").split(":")
    data = b""
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            while chunk := sock.recv(65536):
                data += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    return (int(head.split()[1]) if head else None), body


TRAVERSALS = [
    "/queries/../../etc/passwd",
    "/queries/..%2F..%2Fetc%2Fpasswd",
    "/queries/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/queries/....//....//etc/passwd",
    "/queries/..%2F..%2Fcitykg%2Fconfig.py",
    "/queries/..%2Fqueries%2Fclass_counts",
    "/queries/class_counts.rq",
    "/queries/%00class_counts",
    "/entities/..%2F..",
    "/entities/..%2F..%2F..%2Fetc/passwd",
    "/entities/org/..%2F..%2F..%2Fetc%2Fpasswd",
    "/entities/../../etc/passwd",
    "/static/../../../etc/passwd",
    "/static/..%2F..%2F..%2Fetc%2Fpasswd",
    "/static/%2e%2e/%2e%2e/config.py",
    "/static/..%2Fapp.py",
    "/static/..%2F..%2Fcitykg%2Fconfig.py",
    "/store?graph=file:///etc/passwd",
    "/queries/entity_facts?entity=file:///etc/passwd",
    "/partners?format=json&near=../../../../etc/passwd",
    "/search?q=../../../../etc/passwd",
]


@pytest.fixture(scope="module")
def server(hostile_settings: Settings):
    env = {"CITYKG_STORE": str(hostile_settings.store), "CITYKG_SOURCES": str(hostile_settings.sources),
           "CITYKG_INBOX": str(hostile_settings.inbox), "CITYKG_IMPORTS": str(hostile_settings.imports)}
    with citykg_server(env) as base:
        yield base


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_reads_no_file(server, target):
    status, body = raw_get(server, target)
    assert b"root:" not in body and b"CITYKG_" not in body and b"def " not in body
    # Refused with a 4xx; parameters bound as values may also answer 200 with nothing found.
    assert 400 <= status < 500 or (status == 200 and "?" in target), (status, body[:300])


# -- oversized parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("url, param, status", [
    ("/partners", "text", 422),
    ("/partners", "near", 422),
    ("/search", "q", 422),
])
def test_overlong_search_parameters_are_422(client, url, param, status):
    response = client.get(url, params={param: "x" * 10_000, "format": "json"} if url == "/partners" else {param: "x" * 10_000})
    assert response.status_code == status


def test_an_overlong_url_is_refused_by_the_server(server):
    """The real server refuses a request line far beyond any sane query (h11's limit)."""
    for size in (100_000, 2_000_000):
        status, _ = raw_get(server, "/sparql?query=" + "A" * size)
        assert status is None or 400 <= status < 500, (size, status)
    assert raw_get(server, "/health")[0] == 200


def test_many_parameters_are_refused_or_answered(server):
    status, body = raw_get(server, "/queries/class_counts?" + "&".join(f"p{i}=1" for i in range(5_000)))
    assert status == 414 and b"above the limit" in body  # 40 KB of URL: refused before the route
    status, body = raw_get(server, "/queries/class_counts?" + "&".join(f"p{i}=1" for i in range(1_000)))
    assert status == 400 and b"has no parameter" in body
