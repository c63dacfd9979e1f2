"""A small graph on disk for the HTTP tests that need no real build (clients, guard rails), and
the real build with a small synthetic CORDIS import (what CORDIS data changes on the pages)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.store import EmbeddedStore

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def sample_quads() -> list[ox.Quad]:
    """Two named graphs: 100 cities with a name (ro, en), a population and a country; one fact
    with a tab and a quote in it."""
    graph_a, graph_b = ox.NamedNode(EX + "graph/a"), ox.NamedNode(EX + "graph/b")
    name, population, country = (ox.NamedNode(EX + p) for p in ("name", "population", "country"))
    quads = []
    for i in range(100):
        city = ox.NamedNode(f"{EX}city/{i}")
        quads += [
            ox.Quad(city, name, ox.Literal(f"Oraș {i}", language="ro"), graph_a),
            ox.Quad(city, name, ox.Literal(f"City {i}", language="en"), graph_a),
            ox.Quad(city, population, ox.Literal(str(1000 * i), datatype=ox.NamedNode(XSD + "integer")), graph_b),
        ]
    quads.append(ox.Quad(ox.NamedNode(EX + "city/0"), country, ox.NamedNode(EX + "country/ro"), graph_b))
    quads.append(ox.Quad(ox.NamedNode(EX + "note"), name, ox.Literal('tab\there, "quoted", comma'), graph_b))
    return quads


@pytest.fixture(scope="session")
def sample_store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store (built and swapped in as `citykg build` does) holding ``sample_quads``."""
    root = tmp_path_factory.mktemp("sample-store")
    data = root.parent / "sample.nq"
    data.write_bytes(ox.serialize(sample_quads(), format=ox.RdfFormat.N_QUADS))
    EmbeddedStore(root).publish([data])
    return root


@pytest.fixture(scope="session")
def cordis_client(cordis_settings):
    """The app over the build with a small synthetic CORDIS import."""
    from fastapi.testclient import TestClient

    from citykg.store import EmbeddedStore
    from graph_api.app import create_app

    with TestClient(create_app(cordis_settings, EmbeddedStore(cordis_settings.store))) as client:
        yield client


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    """The app over the real build, as served (a server failure is answered, not raised); a
    test module with a ``client`` of its own (another store) overrides it."""
    from fastapi.testclient import TestClient

    from graph_api.app import create_app

    with TestClient(create_app(built_settings, built_store), raise_server_exceptions=False) as client:
        yield client
