"""The citykg command as a user runs it: real processes, real stores, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from citykg.config import Settings

CITYKG = [sys.executable, "-m", "citykg.cli"]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        CITYKG + args, capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )


def test_every_entry_point_imports():
    """The console script and the API factory point at modules that exist."""
    from citykg.cli import app
    from graph_api.app import create_app

    assert app.registered_commands and callable(create_app)


def test_query_named_and_inline(built_settings: Settings, built_store):
    env = {"CITYKG_STORE": str(built_settings.store)}
    named = run(["query", "class_counts", "--format", "csv"], **env)
    assert named.returncode == 0, named.stderr
    assert named.stdout.startswith("class,entities")
    inline = run(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a ckg:City }", "-f", "json"], **env)
    assert inline.returncode == 0, inline.stderr
    assert '"n"' in inline.stdout


def test_query_with_bad_sparql_is_a_clear_error(built_settings: Settings, built_store):
    done = run(["query", "SELECT WHERE {"], CITYKG_STORE=str(built_settings.store))
    assert done.returncode == 2
    assert "malformed SPARQL" in done.stderr and "Traceback" not in done.stderr


def test_unknown_named_query_parameter(built_settings: Settings, built_store):
    done = run(["query", "project_partners", "-p", "colour=red"], CITYKG_STORE=str(built_settings.store))
    assert done.returncode == 2
    assert "has no parameter 'colour'" in done.stderr


def test_export_and_stats(built_settings: Settings, built_store, tmp_path: Path):
    env = {"CITYKG_STORE": str(built_settings.store)}
    out = tmp_path / "graph.nq"
    assert run(["export", "-f", "nq", "-o", str(out)], **env).returncode == 0
    assert "<https://w3id.org/citykg/graph/kb>" in out.read_text()
    stats = run(["stats"], **env)
    assert stats.returncode == 0 and "graph/kb" in stats.stdout


def test_store_not_built_yet(tmp_path: Path):
    done = run(["stats"], CITYKG_STORE=str(tmp_path / "empty"))
    assert done.returncode == 2
    assert "no graph has been built" in done.stderr and "Traceback" not in done.stderr


def test_store_path_not_writable(tmp_path: Path, sources_dir: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run(["build", "--sources", str(sources_dir)], CITYKG_STORE=str(blocker / "store"))
    assert done.returncode == 2
    assert "cannot write a new store" in done.stderr and "Traceback" not in done.stderr


def test_remote_endpoint_that_does_not_answer():
    done = run(["stats"], CITYKG_SPARQL_URL="http://127.0.0.1:9/query")
    assert done.returncode == 2
    assert "does not answer" in done.stderr and "Traceback" not in done.stderr
