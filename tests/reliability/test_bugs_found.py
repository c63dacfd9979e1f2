"""Regression tests for bugs found while testing issue 8 in other parts of the code.

The entity page once always said the map service was missing: it looked for a route with path
'/map' in request.app.routes, where this FastAPI keeps included routers without a path."""

from __future__ import annotations

from fastapi.testclient import TestClient

from citykg.config import Settings
from citykg.store import EmbeddedStore
from graph_api.app import create_app


def test_entity_page_embeds_the_map_when_the_server_has_it(built_settings: Settings, built_store: EmbeddedStore):
    with TestClient(create_app(built_settings, built_store)) as client:
        assert client.get("/map", params={"around": "org/utcn", "radius": 1}).status_code == 200
        page = client.get("/entities/org/utcn", params={"format": "html"}).text
    assert "the map service is not part of this server yet" not in page
