"""GET /map over the real build: the page inline, pictures and exports as downloads, clear errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from graph_api.app import create_app
from visualizations import maps

BUSIEST_PROJECT = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT ?project (COUNT(?who) AS ?n) WHERE { ?project ckg:coordinator|ckg:leadPartner|ckg:partner ?who . }
GROUP BY ?project ORDER BY DESC(?n) ?project LIMIT 1
"""


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


@pytest.fixture(scope="module")
def project(built_store) -> str:
    return built_store.select(BUSIEST_PROJECT)[0]["project"].value


def test_the_page_is_inline_html(client, project):
    response = client.get("/map", params={"project": project, "lang": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "content-disposition" not in response.headers
    assert 'id="map-data"' in response.text and "Legend" in response.text


@pytest.mark.parametrize("fmt, media, magic", [
    ("png", "image/png", b"\x89PNG"),
    ("svg", "image/svg+xml", b"<?xml"),
    ("gexf", "application/gexf+xml", b"<?xml"),
    ("graphml", "application/graphml+xml", b"<?xml"),
])
def test_other_formats_are_downloads(client, project, fmt, media, magic):
    response = client.get("/map", params={"project": project, "format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert response.headers["content-disposition"].startswith("attachment;") and f".{fmt}" in response.headers["content-disposition"]
    assert response.content.startswith(magic)


def test_a_filter_that_matches_nothing_is_an_empty_map_with_a_message(client, project):
    response = client.get("/map", params={"project": project, "types": "event", "lang": "en"})
    assert response.status_code == 200
    assert 'id="message"' in response.text


def test_an_unknown_entity_is_404_naming_it(client):
    response = client.get("/map", params={"around": "org/no-such-org"})
    assert response.status_code == 404
    assert "org/no-such-org" in response.json()["error"]


def test_an_unknown_format_is_refused_with_the_list(client, project):
    response = client.get("/map", params={"project": project, "format": "pdf"})
    assert response.status_code == 400
    assert "html, png, svg, gexf, graphml" in response.json()["error"]


def test_bad_radius_type_and_language_are_400(client, project):
    for params in ({"around": project, "radius": 9}, {"project": project, "types": "castle"}, {"project": project, "lang": "fr"}):
        assert client.get("/map", params=params).status_code == 400, params


def test_a_map_too_large_to_draw_is_grouped_and_exports_whole(built_store, monkeypatch):
    """It was refused with a message naming the CLI's flags. /map draws in a query worker
    (another process), which a monkeypatch does not reach: the function it runs is asked directly."""
    monkeypatch.setattr(maps, "DRAW_LIMIT", 10)
    grouped = maps.make_map(built_store).content.decode("utf-8")
    assert "grupate după tip și țară" in grouped and "--project" not in grouped
    assert maps.make_map(built_store, fmt="png").content
    assert maps.make_map(built_store, fmt="graphml").content