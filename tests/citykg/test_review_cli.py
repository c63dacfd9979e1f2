"""``citykg review`` and ``--include-proposed``: the same review and layers as the HTTP API."""

from __future__ import annotations

import shutil

import pytest
import yaml
from typer.testing import CliRunner

from citykg import cli, config
from citykg.config import PROJECT_ROOT

DOCUMENT = "003_6bd5139cbfa8aace"
SOFIA = "event/003-6bd5139cbfa8aace-sofia-bulgaria"


@pytest.fixture()
def run(built_settings, build_report, tmp_path, monkeypatch):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    monkeypatch.setenv("CITYKG_STORE", str(built_settings.store))
    monkeypatch.setenv("CITYKG_KNOWLEDGE", str(knowledge))
    config.get_settings.cache_clear()

    def invoke(*args: str):
        result = CliRunner().invoke(cli.app, list(args))
        assert result.exit_code == 0, result.output
        return result

    yield invoke, knowledge
    config.get_settings.cache_clear()


def test_review_lists_shows_and_decides(run):
    invoke, knowledge = run
    assert DOCUMENT in invoke("review").stdout
    shown = invoke("review", DOCUMENT).stdout
    assert SOFIA in shown and "did you mean" in shown and "eui-seminar-sofia-2022" in shown
    assert "decisions.jsonl" in invoke("review", DOCUMENT, "--reject", SOFIA).stdout
    rejected = yaml.safe_load((knowledge / "rejected.yaml").read_text())
    assert rejected[0]["entity"] == SOFIA and rejected[0]["document"] == DOCUMENT
    assert "reject at" in invoke("review", DOCUMENT).stdout  # shown as decided until the rebuild


def test_a_named_query_says_what_it_left_out_unless_asked(run):
    invoke, _ = run
    reviewed = invoke("query", "events_by_date", "--format", "csv")
    assert SOFIA not in reviewed.stdout and "proposed facts nobody has reviewed yet left out" in reviewed.stderr
    included = invoke("query", "events_by_date", "--format", "csv", "--include-proposed")
    assert SOFIA in included.stdout and "left out" not in included.stderr
