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
    assert {e["name"] for e in config["examples"]} == {q.name for q in load_queries().values() if not q.internal}
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


# issue 19, point 5 ----------------------------------------------------------------------------

def test_the_page_links_every_part_of_the_service(client):
    page = client.get("/").text
    nav = page.split("<nav>")[1].split("</nav>")[0]
    for path in ("/partners", "/map", "/search", "/queries", "/sparql", "/docs"):
        assert f'href="{path}' in nav, path


def test_internal_queries_are_out_of_sight_and_the_rest_grouped(client):
    """``all_quads``, ``entity_labels``, ``statement_sources`` were among the analysts' examples."""
    page = client.get("/").text
    for internal in ("all_quads", "entity_labels", "statement_sources", "partner_network", "map_network"):
        assert f'data-name="{internal}"' not in page
    groups = re.findall(r'<details class="group"', page)
    assert len(groups) >= 3
    assert 'href="/queries/project_partners?format=html"' in page  # a form for its parameters


def test_a_syntax_error_points_at_the_mistake(client):
    """``SELEC ...`` got "expected CONSTRUCT"."""
    response = client.get("/sparql", params={"query": "SELEC ?s WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    message = response.json()["error"]
    assert "line 1, column 1" in message and "'SELEC'" in message and "did you mean SELECT?" in message
    deeper = client.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}"}).json()["error"]
    assert "at line 4, column" in deeper and "   3 |   FILTER(?s = )" in deeper and "   4 | }\n        ^" in deeper


def test_named_query_form_takes_names_and_links_results_to_local_pages(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        page = client.get("/queries/organisation_projects", params={"organisation": "UTCN", "format": "html"})
        assert page.status_code == 200
        assert '<input name="organisation" value="UTCN" data-search>' in page.text
        assert 'href="/entities/project/netzerocities-pnrr"' in page.text
        assert "https://w3id.org/citykg/project/netzerocities-pnrr</a>" in page.text
        assert "<code>org/utcn</code>" in page.text  # what the name resolved to
        by_browser = client.get("/queries/organisation_projects", headers={"Accept": "text/html"})
        assert "text/html" in by_browser.headers["content-type"]


def test_every_named_query_says_its_group():
    """A query without ``#+ group:`` would land among the analysts' examples by default."""
    from citykg.queries import QUERIES_DIR

    missing = [p.name for p in sorted(QUERIES_DIR.glob("*.rq")) if "\n#+ group:" not in "\n" + p.read_text(encoding="utf-8")]
    assert missing == []
