"""A reviewer's decisions about proposed facts, written into the knowledge base.

An accepted fact or entity is written into ``knowledge/`` in its YAML format, citing the
document's lines, so the next build has it as reviewed; a merge adds the proposed name as an
alias of an existing entity; a rejection goes to ``knowledge/rejected.yaml`` so the next build
does not propose it again for that document. Every decision is appended to
``knowledge/decisions.jsonl`` (fact, text span, decision, when): labelled data for the
extraction benchmark.

Writes are safe: one decision at a time (a lock file), the knowledge base is checked with the
decision applied in a copy before anything is written, and each file is replaced whole by a
rename, so a reviewer killed in the middle leaves every file as it was or as it should be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

REJECTED_FILE = "rejected.yaml"
LOG_FILE = "decisions.jsonl"


@dataclass
class Rejections:
    """What reviewers rejected, by document key (the file's stem)."""

    facts: dict[str, set[str]] = field(default_factory=dict)
    entities: dict[str, set[str]] = field(default_factory=dict)

    def of(self, document_key: str) -> tuple[set[str], set[str]]:
        return self.facts.get(document_key, set()), self.entities.get(document_key, set())


def load_rejections(knowledge_dir: Path) -> Rejections:
    """``knowledge/rejected.yaml``, or nothing rejected when it is missing."""
    path = knowledge_dir / REJECTED_FILE
    out = Rejections()
    if not path.is_file():
        return out
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        document = str(entry.get("document", ""))
        if entry.get("fact"):
            out.facts.setdefault(document, set()).add(str(entry["fact"]))
        if entry.get("entity"):
            out.entities.setdefault(document, set()).add(str(entry["entity"]))
    return out
