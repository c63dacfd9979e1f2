"""GET /partners (JSON and the HTML page) and GET /search over the real build, through the app as
served, and the bad inputs of issue 5."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from citykg.config import Settings
from citykg.store import MemoryStore
from graph_api.app import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


def test_json_results_with_projects_and_reasons(client):
    response = client.get("/partners", params={"type": "University", "country": "RO"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["query"]["country"] == {"id": "country/ro", "name": "România", "type": "Country"}
    results = {r["entity"]["id"]: r for r in data["results"]}
    assert set(results) == {"org/utcn", "org/upb", "org/utcb", "org/usv", "org/ubb"}
    utcn = results["org/utcn"]
    assert utcn["city"]["id"] == "city/cluj-napoca" and utcn["type"] == "University"
    allocation = next(p["allocation"] for p in utcn["projects"] if p["project"]["id"] == "project/netzerocities-pnrr")
    assert allocation == {"value": "500000", "currency": "EUR", "text": "500.000 euro"}
    participation = next(r for r in utcn["reasons"] if r["kind"] == "participation")
    cites = {s["cite"] for step in participation["steps"] for s in step["sources"]}
    assert cites & {"000_2d257a1268e77571.txt:9", "001_4743cbcc972cd821.txt:10"}


def test_near_in_json(client):
    data = client.get("/partners", params={"near": "UPB"}).json()
    utcn = next(r for r in data["results"] if r["entity"]["id"] == "org/utcn")
    assert utcn["closeness"] == {"tier": 1, "kind": "shared project", "strength": 1}
    assert "UTCN, partner in NetZeRoCities, coordinated by UPB" in [r["text"] for r in utcn["reasons"]]


def test_the_html_page_by_accept_and_by_format(client):
    empty = client.get("/partners", headers=HTML)
    assert empty.status_code == 200 and "text/html" in empty.headers["content-type"]
    assert "<form" in empty.text and "rezultate" not in empty.text
    page = client.get("/partners", params={"near": "org/primaria-cluj-napoca", "type": "Organisation"}, headers=HTML)
    assert page.status_code == 200
    assert 'href="/entities/org/utcn"' in page.text
    assert "001_4743cbcc972cd821.txt:10" in page.text
    assert "/static/pages.css" in page.text
    assert client.get("/static/pages.css").status_code == 200
    by_format = client.get("/partners", params={"text": "UPB", "format": "html"})
    assert "text/html" in by_format.headers["content-type"] and 'href="/entities/org/upb"' in by_format.text
    assert client.get("/partners", params={"text": "UPB", "format": "json"}, headers=HTML).json()["count"] == 1


def test_the_page_keeps_empty_form_fields_as_no_filter(client):
    form = {name: "" for name in ("text", "type", "country", "city", "programme", "project", "call",
                                  "role", "active_from", "active_to")}
    page = client.get("/partners", params={**form, "near": "UTCN", "limit": "10"}, headers=HTML)
    assert page.status_code == 200 and 'href="/entities/org/upb"' in page.text


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"country": "Atlantis"}, "country"),
        ({"type": "Spaceship"}, "type"),
        ({"role": "boss"}, "role"),
        ({"near": "project/co4cities"}, "near"),
        ({"active_from": "last year"}, "active_from"),
        ({"contry": "RO"}, "contry"),  # an unknown parameter
    ],
)
def test_unknown_filter_values_are_422_naming_the_parameter(client, params, parameter):
    response = client.get("/partners", params=params)
    assert response.status_code == 422
    assert f"parameter {parameter!r}" in response.json()["error"]
    page = client.get("/partners", params=params, headers=HTML)
    assert page.status_code == 422 and f"parameter &#39;{parameter}&#39;" in page.text


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/partners", {"limit": "many"}, "limit"),
        ("/partners", {"limit": "0"}, "limit"),
        ("/partners", {"text": "x" * 10_000}, "text"),
        ("/partners", {"format": "xml"}, "format"),
        ("/search", {"q": ""}, "q"),
        ("/search", {"q": "x" * 10_000}, "q"),
        ("/search", {}, "q"),
        ("/search", {"q": "cluj", "limit": "-1"}, "limit"),
    ],
)
def test_wrong_types_are_fastapis_422_naming_the_parameter(client, path, params, parameter):
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", parameter]]


def test_search_autocompletes_across_entities(client):
    for q, expected in [("Timişoara", "city/timisoara"), ("Politehnica Bucuresti", "org/upb"),
                        ("Municipiului Cluj-Napoca", "city/cluj-napoca"), ("netzeroc", None)]:
        response = client.get("/search", params={"q": q})
        assert response.status_code == 200
        results = response.json()["results"]
        if expected:
            assert results[0]["id"] == expected
        else:
            assert {r["id"] for r in results} >= {"project/netzerocities-pnrr", "project/netzerocities-h2020"}
    typed = client.get("/search", params={"q": "cluj", "type": "Organisation"}).json()["results"]
    assert typed and "city/cluj-napoca" not in {r["id"] for r in typed}
    assert client.get("/search", params={"q": "cluj", "type": "Spaceship"}).status_code == 422
    blank = client.get("/search", params={"q": "   "})
    assert blank.status_code == 422 and "parameter 'q'" in blank.json()["error"]


def test_html_in_a_query_is_shown_as_text(client):
    page = client.get("/partners", params={"text": '<script>alert("q")</script>'}, headers=HTML)
    assert page.status_code == 200
    assert '<script>alert("q")' not in page.text
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in page.text
    response = client.get("/search", params={"q": "<img src=x onerror=alert(1)>"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")


def test_not_acceptable(client):
    assert client.get("/partners", headers={"Accept": "image/png"}).status_code == 406


# --------------------------------------------------------------------------- a label from a document

EVIL = "<script>alert('label')</script>"


def hostile_store(tmp_path: Path) -> MemoryStore:
    """A graph where a document named an organisation and a project with markup."""
    kg, ckg = "https://w3id.org/citykg/", "https://w3id.org/citykg/ontology#"
    rdf, skos = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2004/02/skos/core#"
    n = ox.NamedNode
    org, project, part = n(kg + "org/evil"), n(kg + "project/evil"), n(kg + "participation/evil--org-evil--partner")
    triples = [
        (org, n(rdf + "type"), n(ckg + "Organisation")),
        (org, n(skos + "prefLabel"), ox.Literal(EVIL, language="ro")),
        (project, n(rdf + "type"), n(ckg + "Project")),
        (project, n(skos + "prefLabel"), ox.Literal('<img src=x onerror="alert(1)">', language="ro")),
        (part, n(ckg + "participant"), org),
        (part, n(ckg + "inProject"), project),
        (part, n(ckg + "role"), n(kg + "role/partner")),
        (project, n(ckg + "hasParticipation"), part),
        (project, n(ckg + "partner"), org),  # the shortcut the build materialises
        (n(kg + "role/partner"), n(skos + "notation"), ox.Literal("partner")),
    ]
    path = tmp_path / "evil.nq"
    path.write_bytes(ox.serialize([ox.Quad(s, p, o, n(kg + "graph/kb")) for s, p, o in triples], format=ox.RdfFormat.N_QUADS))
    store = MemoryStore()
    store.publish([path])
    return store


def test_html_in_a_label_from_a_document_is_shown_as_text(tmp_path):
    with TestClient(create_app(Settings(), hostile_store(tmp_path))) as client:
        page = client.get("/partners", params={"text": "script alert label"}, headers=HTML)
        assert page.status_code == 200 and 'href="/entities/org/evil"' in page.text
        assert EVIL not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in page.text
        data = client.get("/partners", params={"text": "script alert label"}).json()
        assert data["results"][0]["entity"]["name"] == EVIL  # JSON carries the text as it is


def test_the_server_reads_the_search_indexes_as_it_starts(built_settings, built_store):
    from citykg.entity_search import _cache
    from citykg.store import EmbeddedStore

    store = EmbeddedStore(built_settings.store)  # a store object no search has used yet
    with TestClient(create_app(built_settings, store)) as client:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and client.get("/health").json()["indexes"] != "ready":
            time.sleep(0.05)
        assert client.get("/health").json()["indexes"] == "ready"
        assert {"label_index", "partner_network"} <= set(_cache.get(store, {}))


def test_health_says_when_the_indexes_could_not_be_read(tmp_path):
    from citykg.config import Settings
    from citykg.store import EmbeddedStore

    settings = Settings(store=tmp_path / "store", sources=tmp_path / "sources", inbox=tmp_path / "inbox",
                        imports=tmp_path / "imports")
    with TestClient(create_app(settings, EmbeddedStore(settings.store))) as client:  # no build yet
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and client.get("/health").json()["indexes"] == "reading":
            time.sleep(0.05)
        health = client.get("/health").json()
        assert health["status"] == "failed" and health["indexes"] == "failed", health
        assert "build" in health["indexes_error"], health
