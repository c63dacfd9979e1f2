"""Review decisions written into a copy of the knowledge base: valid or refused whole, never
lost when two reviewers decide at once, readable as labelled data."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from citykg.build import load_ontology
from citykg.config import PROJECT_ROOT
from citykg.errors import DecisionRefusedError
from ingest.decisions import Decision, add_alias, decide
from ingest.proposals import document_proposals

DOCUMENT = "003_6bd5139cbfa8aace"


@pytest.fixture()
def knowledge(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", copy)
    return copy


@pytest.fixture(scope="module")
def proposals(built_store, sources_dir):
    return document_proposals(built_store, DOCUMENT, [sources_dir])


@pytest.fixture(scope="module")
def ontology():
    return load_ontology()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_decision_that_would_break_the_knowledge_base_is_refused_and_nothing_is_written(
        knowledge, sources_dir, ontology, proposals):
    dated = next(f for f in proposals.facts if f.property in ("startDate", "openingDate", "endDate"))
    before = snapshot(knowledge)
    with pytest.raises(DecisionRefusedError, match="is not a date"):
        decide(knowledge, sources_dir, ontology, proposals, Decision(DOCUMENT, "accept", dated.id, value="2023-02-30"))
    entity = proposals.entities[0]
    with pytest.raises(DecisionRefusedError, match="unknown type 'Planet'"):
        decide(knowledge, sources_dir, ontology, proposals, Decision(DOCUMENT, "accept", entity.id, type="Planet"))
    with pytest.raises(DecisionRefusedError, match="no entity 'org/nobody'"):
        decide(knowledge, sources_dir, ontology, proposals, Decision(DOCUMENT, "merge", entity.id, into="org/nobody"))
    assert {k: v for k, v in snapshot(knowledge).items() if not k.startswith(".")} == \
        {k: v for k, v in before.items() if not k.startswith(".")}


def test_accept_all_writes_every_proposal_citing_the_document_and_logs_each(knowledge, sources_dir, ontology, proposals):
    before = len(yaml.safe_load((knowledge / "facts" / "003.yaml").read_text()))
    outcome = decide(knowledge, sources_dir, ontology, proposals, Decision(DOCUMENT, "accept-all", reviewer="ana"))
    assert len(outcome.log) == len(proposals.entities) + len(proposals.facts)
    added = yaml.safe_load((knowledge / "facts" / "003.yaml").read_text())[before:]
    assert len(added) == len(proposals.facts) and all(f["source"].startswith("003:") for f in added)
    events = yaml.safe_load((knowledge / "entities" / "events.yaml").read_text())
    assert {e.id for e in proposals.entities if e.id.startswith("event/")} <= {e["id"] for e in events}
    log = [json.loads(line) for line in (knowledge / "decisions.jsonl").read_text().splitlines()]
    assert {d["reviewer"] for d in log} == {"ana"} and all(d["decision"] == "accept" and d["lines"] for d in log)
    with pytest.raises(DecisionRefusedError, match="decided already"):
        decide(knowledge, sources_dir, ontology, proposals, Decision(DOCUMENT, "reject", proposals.facts[0].id))


def test_two_reviewers_at_once_lose_nothing(knowledge, sources_dir, ontology, proposals):
    facts = [f for f in proposals.facts if not f.names][:2] or proposals.facts[:2]
    errors: list[Exception] = []

    def reviewer(decision: Decision) -> None:
        try:
            decide(knowledge, sources_dir, ontology, proposals, decision)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    before = len(yaml.safe_load((knowledge / "facts" / "003.yaml").read_text()))
    threads = [threading.Thread(target=reviewer, args=(Decision(DOCUMENT, "accept", f.id),)) for f in facts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    log = [json.loads(line) for line in (knowledge / "decisions.jsonl").read_text().splitlines()]
    assert sorted(d["fact"] for d in log if "fact" in d) == sorted(f.id for f in facts)
    assert len(yaml.safe_load((knowledge / "facts" / "003.yaml").read_text())) == before + 2  # both written


def test_a_merge_adds_the_alias_and_keeps_the_file_as_written():
    text = (
        "# Organisations\n\n- id: org/a\n  type: NGO\n  name: Asociația A\n  aliases:\n    - A.\n  mentions: [\"000:1\"]\n\n"
        "# --- next\n- id: org/b  \n  type: NGO\n  name: B\n  aliases: [Bee]\n\n- id: org/c\n  type: NGO\n  name: C\n"
    )
    once = add_alias(add_alias(add_alias(text, "org/a", "Asociatia A"), "org/b", "Be"), "org/c", "Cé")
    entries = {e["id"]: e for e in yaml.safe_load(once)}
    assert entries["org/a"]["aliases"] == ["A.", "Asociatia A"]
    assert entries["org/b"]["aliases"] == ["Bee", "Be"]
    assert entries["org/c"]["aliases"] == ["Cé"]
    assert once.startswith("# Organisations\n") and "# --- next\n" in once


def test_the_first_decision_in_an_empty_knowledge_base_starts_its_lists(tmp_path, sources_dir, ontology, proposals):
    knowledge = tmp_path / "empty"
    (knowledge / "entities").mkdir(parents=True)
    (knowledge / "facts").mkdir()
    (knowledge / "documents.yaml").write_text("# documents\n[]\n", encoding="utf-8")
    decide(knowledge, sources_dir, ontology, proposals, Decision(DOCUMENT, "accept", proposals.entities[0].id))
    documents = yaml.safe_load((knowledge / "documents.yaml").read_text())
    assert documents == [{"key": DOCUMENT, "file": f"{DOCUMENT}.txt"}]
    assert (knowledge / "documents.yaml").read_text().startswith("# documents\n")
