"""The query page at /: served by the app, every asset local, the named queries as examples."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from citykg.queries import load_queries
from citykg.store import MemoryStore
from graph_api import query_page
from graph_api.app import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(store=MemoryStore())) as client:
        yield client


def test_page_has_the_named_queries_and_prefixes(client):
    response = client.get("/")
    assert response.status_code == 200
    config = json.loads(re.search(r'<script id="citykg-config" type="application/json">(.*?)</script>', response.text, re.S).group(1))
    assert {e["name"] for e in config["examples"]} == set(load_queries())
    assert config["defaultQuery"].startswith("PREFIX ckg: <https://w3id.org/citykg/ontology#>")
    partners = next(e for e in config["examples"] if e["name"] == "project_partners")
    assert "VALUES (?project)" in partners["query"]  # the default bound, so the example runs as is
    assert 'id="download-csv"' in response.text and 'id="download-json"' in response.text


def test_every_asset_is_served_locally(client):
    page = client.get("/").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and not [u for u in urls if re.match(r"(https?:)?//", u)], "no request may leave the machine"
    for url in urls:
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
    script = client.get("/static/query_page.js").text
    assert not re.search(r"https?://", script)


def test_yasgui_is_installed_by_the_setup(client):
    if not query_page.yasgui_installed():
        pytest.skip("YASGUI is not installed (make yasgui needs npm); the page uses its plain editor")
    page = client.get("/").text
    assert '<script src="/static/vendor/yasgui.min.js">' in page
    assert client.get("/static/vendor/yasgui.min.css").status_code == 200


def test_plain_editor_when_yasgui_is_missing(client, monkeypatch):
    monkeypatch.setattr(query_page, "yasgui_installed", lambda: False)
    page = client.get("/").text
    assert "yasgui" not in page.lower().replace("citykg", "")
    assert 'id="plain-editor"' in page


def test_the_model_page_is_linked_and_shows_the_patterns(client):
    page = client.get("/")
    assert 'href="/model"' in page.text
    model = client.get("/model")
    assert model.status_code == 200 and model.headers["content-type"].startswith("text/html")
    assert "<h2>Prefixes</h2>" in model.text and "kgorg:" in model.text and "ckg:hasParticipant" in model.text
