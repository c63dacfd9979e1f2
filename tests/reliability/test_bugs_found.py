"""Bugs found while testing issue 8 in files owned by other work, each as a strict xfail that
passes once the bug is fixed (then remove the mark)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from citykg.config import Settings
from citykg.store import EmbeddedStore
from graph_api.app import create_app


@pytest.mark.xfail(strict=True, reason=(
    "bug in graph_api/entities.py: map_available looks for a route with path '/map' in "
    "request.app.routes, but this FastAPI keeps included routers as _IncludedRouter objects "
    "without a path, so the entity page always says the map service is missing"))
def test_entity_page_embeds_the_map_when_the_server_has_it(built_settings: Settings, built_store: EmbeddedStore):
    with TestClient(create_app(built_settings, built_store)) as client:
        assert client.get("/map", params={"around": "org/utcn", "radius": 1}).status_code == 200
        page = client.get("/entities/org/utcn", params={"format": "html"}).text
    assert "the map service is not part of this server yet" not in page
