"""Fixtures for the reliability tests: a private copy of the real build that tests may rebuild,
kill and swap without touching the session's shared store."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.build import class_counts
from citykg.config import PROJECT_ROOT, Settings
from citykg.store import EmbeddedStore

TOTAL_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class Expected:
    """What a good build of the real documents answers."""

    class_counts: dict[str, int]
    quads: int


def total_quads(store: EmbeddedStore) -> int:
    return int(next(iter(store.query(TOTAL_QUADS)))["n"].value)


@pytest.fixture()
def expected(private_store: Settings) -> Expected:
    """What the private store serves before a test kills or swaps anything."""
    return snapshot(private_store.store)


@pytest.fixture(scope="session")
def graph_nquads(tmp_path_factory: pytest.TempPathFactory, built_store: EmbeddedStore) -> Path:
    """The real graph as one N-Quads file: what a publish of a good build loads."""
    path = tmp_path_factory.mktemp("nquads") / "graph.nq"
    path.write_bytes(ox.Store.read_only(str(built_store.current_build())).dump(format=ox.RdfFormat.N_QUADS))
    return path


@pytest.fixture()
def private_store(tmp_path: Path, built_settings: Settings, built_store: EmbeddedStore) -> Settings:
    """Settings over a copy of the real build (``current`` and its build directory)."""
    root = tmp_path / "store"
    shutil.copytree(built_settings.store, root, symlinks=True)
    for folder in ("inbox", "imports"):
        (tmp_path / folder).mkdir()
    return Settings(store=root, sources=built_settings.sources, inbox=tmp_path / "inbox",
                    imports=tmp_path / "imports")


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a ``python -m citykg.cli`` subprocess over ``settings``."""
    return {
        **os.environ,
        "CITYKG_STORE": str(settings.store),
        "CITYKG_SOURCES": str(settings.sources),
        "CITYKG_INBOX": str(settings.inbox),
        "CITYKG_IMPORTS": str(settings.imports),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


PYTHON = sys.executable
ROOT = PROJECT_ROOT


def snapshot(root: Path) -> Expected:
    """What a fresh reader of ``root`` finds: entities per class (in the reviewed layer, as the
    named query answers by default) and the number of quads."""
    store = EmbeddedStore(root)
    return Expected(class_counts(store.reviewed()), total_quads(store))


def check_serves(root: Path, expected: Expected) -> None:
    """A fresh reader of ``root`` finds a complete graph: the same classes and quads as ``expected``."""
    assert snapshot(root) == expected


def check_complete(root: Path) -> None:
    """A fresh reader of ``root`` finds a whole build: its ``build`` graph, the knowledge base and
    entities of the main classes. (A new build is not compared with the previous one: in a shared
    checkout the extraction code may change between two builds.)"""
    store = EmbeddedStore(root)
    graphs = {row["g"].value for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    assert {"https://w3id.org/citykg/graph/build", "https://w3id.org/citykg/graph/kb",
            "https://w3id.org/citykg/graph/ontology"} <= graphs
    counts = class_counts(store)
    assert counts.get("Organisation", 0) > 0 and counts.get("Project", 0) > 0
