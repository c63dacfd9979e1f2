"""A corrupt store reported healthy (issue 23, item 9): bytes flipped in the store's files,
``/health`` said "ok" while ``/partners``, ``/entities`` and ``/queries`` answered plain-text
500s. Now ``/health`` reads the store and says "failed", and every route answers a JSON error."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from citykg.config import Settings
from citykg.store import EmbeddedStore
from graph_api.app import create_app


def corrupt(build: Path) -> None:
    """Flip a byte in every kilobyte of every table file, as a failing disk would."""
    for table in build.glob("*.sst"):
        data = bytearray(table.read_bytes())
        for offset in range(100, len(data) - 200, 997):
            data[offset] ^= 0xFF
        table.write_bytes(bytes(data))


@pytest.fixture()
def client(private_store: Settings):
    corrupt(EmbeddedStore(private_store.store).current_build())
    with TestClient(create_app(private_store, EmbeddedStore(private_store.store)),
                    raise_server_exceptions=False) as client:
        yield client


def test_health_says_failed_on_a_corrupt_store(client):
    response = client.get("/health")
    assert response.status_code == 503, response.text
    health = response.json()
    assert health["status"] == "failed" and "cannot be read" in health["store_error"]


@pytest.mark.parametrize("url", [
    "/partners?format=json",
    "/entities/organisation/universitatea-politehnica-din-bucuresti",
    "/queries/class_counts",
    "/queries/documents",
    "/store?default",
    "/search?q=cluj",
])
def test_routes_answer_a_json_error_on_a_corrupt_store(client, url):
    response = client.get(url, headers={"accept": "application/json"})
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert "cannot be read" in response.json()["error"]
