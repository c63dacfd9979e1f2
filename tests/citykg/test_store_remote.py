"""The remote backend against a real `oxigraph serve`: same build, same answers as on disk."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.build import build
from citykg.config import Settings
from citykg.errors import QueryError
from citykg.queries import get_query, run_named_query
from citykg.store import open_store
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
