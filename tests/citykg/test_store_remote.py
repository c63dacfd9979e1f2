"""The remote backend against a real `oxigraph serve`: same build, same answers as on disk."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.build import build
from citykg.config import Settings
from citykg.errors import QueryError, StoreError
from citykg.queries import get_query, run_named_query
from citykg.store import RemoteStore, open_store
from tests.helpers import oxigraph_server


@pytest.fixture(scope="module")
def remote_settings(tmp_path_factory, sources_dir: Path):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        root = tmp_path_factory.mktemp("remote")
        settings = Settings(
            store=root / "store", sources=sources_dir, inbox=root / "inbox", imports=root / "imports",
            sparql_url=base + "/query", update_url=base + "/update", gsp_url=base + "/store",
        )
        build(settings)
        yield settings


def rows(store, name: str, **params) -> list[tuple]:
    return sorted(
        tuple(sorted((k, v.value) for k, v in row.items()))
        for row in (
            {n.value: r[n.value] for n in result.variables if r[n.value] is not None}
            for result in [run_named_query(store, name, params)]
            for r in result
        )
    )


@pytest.mark.parametrize("name", ["class_counts", "graph_sizes", "mission_cities", "project_partners"])
def test_remote_answers_as_embedded(remote_settings, built_store, name):
    remote = open_store(remote_settings)
    assert rows(remote, name) == rows(built_store, name)


def test_remote_binds_parameters_as_values(remote_settings):
    """A value full of SPARQL syntax is one literal to the server, not query text."""
    remote = open_store(remote_settings)
    hostile = ox.Literal('x" } } ; DROP ALL ; SELECT * WHERE { "')
    result = remote.query("SELECT ?name WHERE { ?s ?p ?name }", bindings={"name": hostile})
    assert list(result) == []
    assert rows(remote, "class_counts")  # the graph is still there


def test_bad_entity_parameter_is_refused():
    with pytest.raises(QueryError, match="parameter 'project' must be a entity"):
        get_query("project_partners").bindings({"project": "not an iri <>"})


def test_remote_reports_bad_query(remote_settings):
    with pytest.raises(QueryError):
        open_store(remote_settings).query("SELECT WHERE {")


def assert_publish_replaces(store: RemoteStore, directory: Path) -> None:
    """A second publish replaces the graphs it names, leaves the others, and merges a graph that
    two files share (a store that already holds data of its own is left alone but for these)."""
    first, second, extra = directory / "1.nq", directory / "2.nq", directory / "3.nq"
    first.write_text('<urn:s> <urn:p> "old" <urn:test:a> .\n<urn:s> <urn:p> "kept" <urn:test:b> .\n')
    second.write_text('<urn:s> <urn:p> "new" <urn:test:a> .\n')
    extra.write_text('<urn:s> <urn:p> "also new" <urn:test:a> .\n')
    store.publish([first])
    store.publish([second, extra])
    found = store.select("SELECT ?g ?o WHERE { GRAPH ?g { <urn:s> <urn:p> ?o } }")
    assert sorted((r["g"].value, r["o"].value) for r in found) == [
        ("urn:test:a", "also new"), ("urn:test:a", "new"), ("urn:test:b", "kept"),
    ]


def test_publish_replaces_graphs(tmp_path):
    with oxigraph_server(tmp_path / "oxigraph") as base:
        assert_publish_replaces(RemoteStore(base + "/query", gsp_url=base + "/store"), tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('<urn:s> <urn:p> "no end" <urn:g>\n', "is not valid N-Quads"),
        ('<urn:s> <urn:p> "default graph" .\n', "outside any named graph"),
    ],
)
def test_publish_names_bad_input(tmp_path, text, problem):
    """Bad input is refused before anything reaches the server (none listens at this URL)."""
    bad = tmp_path / "bad.nq"
    bad.write_text(text)
    store = RemoteStore("http://127.0.0.1:9/query", gsp_url="http://127.0.0.1:9/store")
    with pytest.raises(StoreError, match=problem) as error:
        store.publish([bad])
    assert str(bad) in str(error.value)
