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

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph

from citykg.errors import DecisionRefusedError, KnowledgeBaseError, NotFoundError
from citykg.namespaces import CKG, fact_id
from ingest.knowledge_base import KIND_TYPES, load_knowledge_base
from ingest.proposals import DocumentProposals, NewEntity, ProposedFact

REJECTED_FILE = "rejected.yaml"
LOG_FILE = "decisions.jsonl"


@dataclass
class Rejections:
    """What reviewers rejected, by document key (the file's stem)."""

    facts: dict[str, set[str]] = field(default_factory=dict)
    entities: dict[str, set[str]] = field(default_factory=dict)

    def of(self, document_key: str) -> tuple[set[str], set[str]]:
        return self.facts.get(document_key, set()), self.entities.get(document_key, set())


def decided(knowledge_dir: Path, document_key: str) -> dict[str, str]:
    """Fact and entity ids of a document decided since they were proposed -> the decision and
    when (from the decisions log), so that a decision is not made twice before the rebuild."""
    path = knowledge_dir / LOG_FILE
    found: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line) if line.strip() else {}
            if entry.get("document") == document_key:
                for target in (entry.get("fact"), entry.get("entity")):
                    if target:
                        found[target] = f"{entry['decision']} at {entry.get('when')}"
    return found


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


FAMILY_FILES = {
    "city": "places.yaml", "district": "places.yaml", "country": "places.yaml", "org": "organisations.yaml",
    "project": "projects.yaml", "programme": "programmes.yaml", "call": "calls.yaml", "event": "events.yaml",
    "initiative": "initiatives.yaml",
}
ACTIONS = ("accept", "reject", "merge", "accept-all")
AMOUNT_PROPERTIES = {"budget", "funding"}
ROLES = ("coordinator", "lead-partner", "partner")


@dataclass(frozen=True)
class Decision:
    """What a reviewer decided about one proposal of a document (``target``: a fact id or an
    entity id; none for ``accept-all``), with the corrections made on the way."""

    document: str
    action: str
    target: str = ""
    into: str | None = None  # merge: the existing entity the new name is
    type: str | None = None  # accept an entity as another type (of the same kind)
    value: str | None = None  # accept a fact with its value corrected
    role: str | None = None  # accept a participation with its role corrected
    object: str | None = None  # accept a relation pointing to another entity
    reviewer: str | None = None


@dataclass
class Outcome:
    decision: Decision
    message: str
    files: list[str] = field(default_factory=list)  # written, relative to the knowledge folder
    log: list[dict[str, Any]] = field(default_factory=list)


def _fold(text: str) -> str:
    return " ".join(text.replace("ş", "ș").replace("ţ", "ț").split()).casefold()


def _dump(entry: dict[str, Any]) -> str:
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=120)


def _atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` whole: a reader (or a build) sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _locked(knowledge_dir: Path) -> Iterator[None]:
    """One decision at a time, across processes: two reviewers never overwrite each other."""
    knowledge_dir.mkdir(parents=True, exist_ok=True)
    with open(knowledge_dir / ".review.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _Draft:
    """The files a decision changes, as text, read under the lock and written only if valid."""

    def __init__(self, knowledge_dir: Path, proposals: DocumentProposals, sources_dir: Path) -> None:
        self.dir = knowledge_dir
        self.p = proposals
        self.changed: dict[Path, str] = {}
        self.log: list[dict[str, Any]] = []
        self.entities: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}  # folded name or alias -> entity id
        for path in sorted((knowledge_dir / "entities").glob("*.yaml")):
            for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                if isinstance(entry, dict) and entry.get("id"):
                    self.entities[str(entry["id"])] = entry
                    for name in [entry.get("name"), entry.get("name_en"), *(entry.get("aliases") or [])]:
                        if name:
                            self.names.setdefault(_fold(str(name)), str(entry["id"]))
        self.original: dict[Path, str] = {}
        self.key = self._document_key(sources_dir)
        self.accepted: set[str] = set()
        self.decided = decided(knowledge_dir, proposals.key)

    def text(self, path: Path) -> str:
        if path not in self.changed:
            self.original[path] = self.changed[path] = path.read_text(encoding="utf-8") if path.is_file() else ""
        return self.changed[path]

    def written(self) -> dict[Path, str]:
        return {path: text for path, text in self.changed.items() if text != self.original.get(path)}

    def undecided(self, target: str) -> None:
        if target in self.decided:
            raise DecisionRefusedError(
                f"{target} of {self.p.key} was decided already ({self.decided[target]}); "
                "rebuild to see it, or change knowledge/ by hand")
        self.decided[target] = "in this decision"

    def append(self, path: Path, entry: dict[str, Any], why: str) -> None:
        text = self.text(path)
        if not yaml.safe_load(text):  # nothing yet, or an empty "[]": the comments stay, the list starts
            text = "".join(line for line in text.splitlines(keepends=True) if line.lstrip().startswith("#"))
        if text and not text.endswith("\n"):
            text += "\n"
        self.changed[path] = f"{text}\n# {why}\n{_dump(entry)}"

    def _document_key(self, sources_dir: Path) -> str:
        """The knowledge base's key of the document, adding it to documents.yaml if it is new."""
        path = self.dir / "documents.yaml"
        documents = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []
        for entry in documents or []:
            if entry.get("file") == self.p.file:
                return str(entry["key"])
        if not (sources_dir / self.p.file).is_file():
            raise DecisionRefusedError(
                f"{self.p.file} is not in the sources folder ({sources_dir}), the only place the knowledge "
                "base cites documents from: move it there and rebuild before reviewing it")
        self.append(path, {"key": self.p.key, "file": self.p.file}, "added by a review decision")
        return self.p.key

    def cite(self, lines: tuple[int, int]) -> str:
        first, last = lines
        return f"{self.key}:{first}" if first == last else f"{self.key}:{first}-{last}"

    def in_lines(self, text: str | None, lines: tuple[int, int]) -> str | None:
        """The words a value was written as, if the cited lines have them (the knowledge base
        checks that they do)."""
        if not text or not self.p.lines:
            return None
        cited = _fold(" ".join(self.p.lines[lines[0] - 1 : lines[1]]))
        return text if _fold(text) in cited else None

    # entities ----------------------------------------------------------------------------
    def new_entity(self, entity_id: str) -> NewEntity:
        found = next((e for e in self.p.entities if e.id == entity_id), None)
        if found is None:
            raise NotFoundError(f"{self.p.key} proposes no entity {entity_id!r}")
        return found

    def resolve(self, entity_id: str) -> str:
        """The reviewed id an entity of a fact stands for: itself when known, the entity a new
        name was merged into, or the new entity, accepted on the way."""
        if entity_id in self.entities or entity_id in self.accepted:
            return entity_id
        new = next((e for e in self.p.entities if e.id == entity_id), None)
        if new is None:
            raise DecisionRefusedError(f"{entity_id!r} is not an entity of the knowledge base")
        merged = self.names.get(_fold(new.name))
        if merged:
            return merged
        self.accept_entity(new, None)
        return entity_id

    def accept_entity(self, e: NewEntity, type_name: str | None) -> None:
        self.undecided(e.id)
        kind = e.id.split("/")[0]
        type_name = type_name or e.type
        if type_name not in KIND_TYPES.get(kind, ()):
            raise DecisionRefusedError(
                f"unknown type {type_name!r} for {e.id}: one of {', '.join(sorted(KIND_TYPES.get(kind, ())))} "
                "(a type of another kind needs another id: reject the name and add the entity by hand)")
        entry: dict[str, Any] = {"id": e.id, "type": type_name, "name": e.name}
        if e.surface and _fold(e.surface) != _fold(e.name):
            entry["aliases"] = [e.surface]
        if e.lines[0]:
            entry["mentions"] = [self.cite(e.lines)]
        self.append(self.dir / "entities" / FAMILY_FILES[kind], entry, f"accepted in review of {self.p.file}")
        self.accepted.add(e.id)
        self.names.setdefault(_fold(e.name), e.id)
        self.record("accept", entity=e, type=type_name)

    def merge(self, e: NewEntity, into: str) -> None:
        self.undecided(e.id)
        entry = self.entities.get(into)
        if entry is None:
            raise DecisionRefusedError(f"no entity {into!r} in the knowledge base to merge {e.name!r} into")
        path = next(p for p in sorted((self.dir / "entities").glob("*.yaml"))
                    if any(isinstance(x, dict) and x.get("id") == into for x in yaml.safe_load(self.text(p)) or []))
        known = {_fold(str(n)) for n in [entry.get("name"), entry.get("name_en"), *(entry.get("aliases") or [])] if n}
        for alias in dict.fromkeys(a for a in (e.name, e.surface) if a and _fold(a) not in known):
            self.changed[path] = add_alias(self.text(path), into, alias)
            known.add(_fold(alias))
        self.names[_fold(e.name)] = into
        # the extractor may still read the name its own way: it is not proposed again here
        self.append(self.dir / REJECTED_FILE, {"document": self.p.key, "entity": e.id, "name": e.name,
                                               "merged_into": into, "lines": list(e.lines)}, "merged in review")
        self.record("merge", entity=e, into=into)

    # facts -------------------------------------------------------------------------------
    def fact(self, fact_id_: str) -> ProposedFact:
        found = next((f for f in self.p.facts if fact_id_ in f.ids), None)
        if found is None:
            raise NotFoundError(f"{self.p.key} proposes no fact {fact_id_!r}")
        return found

    def accept_fact(self, f: ProposedFact, d: Decision) -> None:
        self.undecided(f.id)
        source = self.cite(f.lines) if f.lines[0] else None
        if source is None:
            raise DecisionRefusedError(f"the fact {f.describe()} has no lines to cite")
        if f.participation:
            role = d.role or f.participation["role"]
            if role not in ROLES:
                raise DecisionRefusedError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
            p: dict[str, Any] = {"project": self.resolve(f.participation["project"]),
                                 "participant": self.resolve(d.object or f.participation["participant"]), "role": role}
            if f.property == "allocation":
                p["allocation"] = self.amount(f, d)
            entry: dict[str, Any] = {"participation": p, "source": source}
        else:
            entry = {"subject": self.resolve(f.subject), "property": f.property}
            if f.object is not None:
                entry["object"] = self.resolve(d.object or f.object)
            elif f.property in AMOUNT_PROPERTIES:
                entry["amount"] = self.amount(f, d)
            else:
                entry["value"] = d.value or f.value
                text = self.in_lines(f.surface, f.lines) if not d.value else None
                if text:
                    entry["text"] = text
            entry["source"] = source
        self.append(self.dir / "facts" / f"{self.key}.yaml", entry, f"accepted in review ({f.rule})")
        correction = {k: v for k, v in (("value", d.value), ("role", d.role), ("object", d.object)) if v}
        self.record("accept", fact=f, correction=correction)
        if correction:  # the fact as extracted is wrong: not to be proposed again, about either entity
            subject = entry.get("subject") or entry["participation"]["project"]
            again = fact_id(self.p.key, subject, CKG[f.property], f.term)
            for fid in dict.fromkeys([*f.ids, again]):
                self.append(self.dir / REJECTED_FILE, {"document": self.p.key, "fact": fid, "what": f.describe(),
                                                       "lines": list(f.lines)}, "corrected in review")

    def amount(self, f: ProposedFact, d: Decision) -> dict[str, Any]:
        raw = d.value or f.value
        try:
            value = Decimal(str(raw))
        except InvalidOperation as error:
            raise DecisionRefusedError(f"amount {raw!r} is not a number") from error
        amount: dict[str, Any] = {"value": int(value) if value == value.to_integral_value() else float(value),
                                  "currency": f.currency or "EUR"}
        text = self.in_lines(f.surface, f.lines) if not d.value else None
        if text:
            amount["text"] = text
        amount["approximate"] = f.approximate
        return amount

    def reject_fact(self, f: ProposedFact) -> None:
        self.undecided(f.id)
        for fid in f.ids:
            self.append(self.dir / REJECTED_FILE, {"document": self.p.key, "fact": fid, "what": f.describe(),
                                                   "lines": list(f.lines)}, "rejected in review")
        self.record("reject", fact=f)

    def reject_entity(self, e: NewEntity) -> None:
        self.undecided(e.id)
        self.append(self.dir / REJECTED_FILE, {"document": self.p.key, "entity": e.id, "name": e.name,
                                               "lines": list(e.lines)}, "rejected in review")
        self.record("reject", entity=e)

    def record(self, decision: str, *, fact: ProposedFact | None = None, entity: NewEntity | None = None, **more: Any) -> None:
        """A line of the decisions log: what was proposed, where, by which rule, and what became of it."""
        what = fact or entity
        line = {
            "document": self.p.key, "file": self.p.file, "decision": decision,
            "lines": list(what.lines), "text": self.p.lines[what.lines[0] - 1: what.lines[1]] if what.lines[0] else [],
            "span": what.surface, "rule": what.rule,
        }
        if fact:
            line |= {"fact": fact.id, "subject": fact.subject, "property": fact.property, "object": fact.object,
                     "value": fact.value, "currency": fact.currency, "confidence": fact.confidence}
        if entity:
            line |= {"entity": entity.id, "name": entity.name, "type": entity.type}
        self.log.append(line | {k: v for k, v in more.items() if v})


def add_alias(text: str, entity_id: str, alias: str) -> str:
    """The entities file with ``alias`` added to the aliases of ``entity_id``, the rest of the
    file (comments, order, layout) as it was."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(rf"^- id:\s*['\"]?{re.escape(entity_id)}['\"]?\s*$", line)), None)
    if start is None:
        raise DecisionRefusedError(f"cannot find the entry of {entity_id!r} to add an alias to")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\S", lines[i])), len(lines))
    item = f"    - {json.dumps(alias, ensure_ascii=False)}\n"
    for i in range(start + 1, end):
        if re.match(r"^  aliases:\s*$", lines[i]):
            last = i
            while last + 1 < end and re.match(r"^    - ", lines[last + 1]):
                last += 1
            return "".join(lines[: last + 1] + [item] + lines[last + 1 :])
        if re.match(r"^  aliases:\s*\[", lines[i]):
            values = yaml.safe_load(lines[i].split(":", 1)[1]) or []
            block = ["  aliases:\n", *(f"    - {json.dumps(str(v), ensure_ascii=False)}\n" for v in values), item]
            return "".join(lines[:i] + block + lines[i + 1 :])
    name = next((i for i in range(start + 1, end) if re.match(r"^  name:", lines[i])), start)
    return "".join(lines[: name + 1] + ["  aliases:\n", item] + lines[name + 1 :])


def decide(
    knowledge_dir: Path, sources_dir: Path, ontology: Graph, proposals: DocumentProposals, decision: Decision,
) -> Outcome:
    """Apply one decision to the knowledge base, or refuse it with the reason and write nothing.

    Under the lock: the files it changes are read, changed as text (comments and layout kept),
    and the whole knowledge base is loaded with them in a copy of the folder; only if that loads
    are they written, each by a rename, in an order that leaves the folder valid after each
    (documents, entities, facts, rejections), then the decisions log."""
    if decision.action not in ACTIONS:
        raise DecisionRefusedError(f"unknown decision {decision.action!r}: one of {', '.join(ACTIONS)}")
    with _locked(knowledge_dir):
        draft = _Draft(knowledge_dir, proposals, sources_dir)
        _apply(draft, decision)
        changed = draft.written()
        _check(knowledge_dir, sources_dir, ontology, changed)
        order = sorted(changed, key=lambda p: (p.name != "documents.yaml", p.parent.name != "entities",
                                               p.name == REJECTED_FILE, str(p)))
        for path in order:
            _atomic_write(path, changed[path])
        when = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with open(knowledge_dir / LOG_FILE, "a", encoding="utf-8") as log:
            for line in draft.log:
                log.write(json.dumps({"when": when, "reviewer": decision.reviewer, **line}, ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
    files = [str(p.relative_to(knowledge_dir)) for p in order]
    return Outcome(decision, f"{len(draft.log)} decision(s) written to {', '.join([*files, LOG_FILE])}; "
                   "rebuild to see them in the graph", files, draft.log)


def _apply(draft: _Draft, d: Decision) -> None:
    p = draft.p
    is_entity = any(e.id == d.target for e in p.entities)
    if d.action == "accept-all":  # what is not decided yet
        for e in p.entities:
            if e.id not in draft.decided:
                draft.resolve(e.id)
        for f in p.facts:
            if f.id not in draft.decided and not set(f.names) & {e for e, how in draft.decided.items() if how.startswith("reject")}:
                draft.accept_fact(f, Decision(p.key, "accept"))
    elif d.action == "merge":
        if not d.into:
            raise DecisionRefusedError("a merge needs 'into': the id of the existing entity the name is")
        draft.merge(draft.new_entity(d.target), d.into)
    elif d.action == "reject":
        if is_entity:
            draft.reject_entity(draft.new_entity(d.target))
        else:
            draft.reject_fact(draft.fact(d.target))
    elif is_entity:
        draft.accept_entity(draft.new_entity(d.target), d.type)
    else:
        draft.accept_fact(draft.fact(d.target), d)


def _check(knowledge_dir: Path, sources_dir: Path, ontology: Graph, changed: dict[Path, str]) -> None:
    """Load the knowledge base as it would be with the changes, in a copy; refuse with the
    problems it finds."""
    with tempfile.TemporaryDirectory(prefix="citykg-review-") as tmp:
        copy = Path(tmp) / "knowledge"
        shutil.copytree(knowledge_dir, copy, ignore=shutil.ignore_patterns(".*", LOG_FILE))
        for path, text in changed.items():
            target = copy / path.relative_to(knowledge_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            load_knowledge_base(copy, sources_dir, ontology)
        except KnowledgeBaseError as error:
            raise DecisionRefusedError(
                "refused, nothing written: the knowledge base would not load: " + str(error).replace(str(copy), "knowledge")
            ) from error
