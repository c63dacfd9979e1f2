"""What extraction proposes, read back from the store and shaped for a reviewer.

The build puts each document's unreviewed facts and minted entities in ``graph/proposed/KEY``.
Here they are grouped as a person reviews them: a new name with the existing entities it may be
("did you mean"), and one fact per statement a document makes (a role and the participation it
needs are one fact), each with its lines, rule, confidence and the words it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citykg.entity_search import label_index
from citykg.errors import NotFoundError
from citykg.namespaces import BASE, CKG, fact_id, local_id
from citykg.queries import get_query
from citykg.store import PROPOSED_GRAPHS, GraphStore
from ingest.readers import DocumentError
from ingest.sources import Source, read_source

_CKG = str(CKG._NS)
ROLE_PROPERTIES = {"coordinator": "coordinator", "leadPartner": "lead-partner", "partner": "partner"}


@dataclass(frozen=True)
class Candidate:
    """An existing (reviewed) entity a new name may be."""

    id: str
    name: str
    type: str
    score: float


@dataclass
class NewEntity:
    id: str
    name: str
    type: str
    lines: tuple[int, int]
    rule: str
    surface: str | None
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class ProposedFact:
    """One fact as a reviewer decides it. ``ids`` are the :func:`fact_id` of every triple the
    fact stands for (a role and its participation node); ``id`` is the one it is shown as."""

    id: str
    ids: list[str]
    subject: str
    property: str  # local name: coordinator, budget, startDate ...
    object: str | None  # an entity id
    value: str | None  # a literal's lexical form, or an amount's value
    currency: str | None
    approximate: bool
    participation: dict[str, str] | None  # project, participant, role
    lines: tuple[int, int]
    rule: str
    confidence: float | None
    surface: str | None
    names: list[str] = field(default_factory=list)  # the proposed entities it needs
    term: str = ""  # the object as stated: an IRI (entity, amount node) or a literal's lexical form

    def describe(self) -> str:
        said = self.object or (f"{self.value} {self.currency}" if self.currency else self.value)
        return f"{self.subject} {self.property} {said}"


@dataclass
class DocumentProposals:
    key: str  # the file's stem, as in graph/doc/KEY
    file: str
    source: Source | None  # None when the file is no longer where the build read it
    entities: list[NewEntity]
    facts: list[ProposedFact]

    @property
    def lines(self) -> list[str]:
        return self.source.lines if self.source else []


@dataclass(frozen=True)
class QueueEntry:
    key: str
    file: str
    facts: int
    entities: int
    modified: float


def _files(store: GraphStore) -> dict[str, str]:
    return {row[0].value: row[1].value for row in store.query(get_query("document_files").text)}


def find_file(name: str, folders: list[Path]) -> Path | None:
    return next((folder / name for folder in folders if (folder / name).is_file()), None)


def review_queue(store: GraphStore, folders: list[Path]) -> list[QueueEntry]:
    """Documents with proposals, newest file first (then by name)."""
    counts: dict[str, list[int]] = {}
    for row in store.select(get_query("review_queue").text):
        graph = row["graph"].value
        if graph.startswith(PROPOSED_GRAPHS):
            key = graph.removeprefix(PROPOSED_GRAPHS)
            counts.setdefault(key, [0, 0])[0 if row["isEvidence"].value == "true" else 1] += 1
    files = _files(store)
    entries = []
    for key, (facts, entities) in counts.items():
        name = files.get(BASE + "doc/" + key, key)
        path = find_file(name, folders)
        entries.append(QueueEntry(key, name, facts, entities, path.stat().st_mtime if path else 0.0))
    return sorted(entries, key=lambda e: (-e.modified, e.file))


def _plain(term: ox.NamedNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


def document_proposals(store: GraphStore, key: str, folders: list[Path], candidates: int = 3) -> DocumentProposals:
    """The proposals of one document (``key`` is its file's stem), with "did you mean" candidates
    among the reviewed entities for each new name."""
    graph = ox.NamedNode(PROPOSED_GRAPHS + key)
    entities: dict[str, NewEntity] = {}
    query = get_query("review_entities")
    for row in store.select(query.text, bindings={"graph": graph}):
        entity_id = local_id(row["entity"].value)
        if entity_id in entities:
            continue
        lines = (int(row["lineStart"].value), int(row["lineEnd"].value)) if "lineStart" in row else (0, 0)
        entities[entity_id] = NewEntity(entity_id, row["name"].value, row["type"].value.removeprefix(_CKG), lines,
                                        _plain(row.get("method")) or "proposal", _plain(row.get("surface")))
    facts = _facts(store, key, graph, set(entities))
    if not entities and not facts:
        raise NotFoundError(f"no proposals for document {key!r}: it has none, or they were all reviewed")
    index = label_index(store.reviewed())
    for entity in entities.values():
        hits = index.search(entity.name, limit=candidates)
        entity.candidates = [Candidate(h.id, h.name, h.type, h.score) for h in hits]
    name = _files(store).get(BASE + "doc/" + key, key)
    path = find_file(name, folders)
    try:
        source = read_source(path) if path else None
    except DocumentError:
        source = None
    return DocumentProposals(key, name, source, list(entities.values()), facts)


def _facts(store: GraphStore, key: str, graph: ox.NamedNode, new: set[str]) -> list[ProposedFact]:
    """One fact per statement: a role and the participation node it needs are one fact."""
    rows = store.select(get_query("review_facts").text, bindings={"graph": graph})
    facts: dict[tuple, ProposedFact] = {}
    participations: dict[tuple, list[str]] = {}  # (project, participant, role) -> ids of participant triples
    for row in rows:
        s, p, o = row["subject"], row["property"], row["object"]
        prop = p.value.removeprefix(_CKG)
        fid = fact_id(key, s.value, p.value, o.value)
        participation = None
        if "project" in row:
            participation = {"project": local_id(row["project"].value), "participant": local_id(row["participant"].value),
                             "role": local_id(row["role"].value).removeprefix("role/")}
        if prop == "participant":  # the node a role needs: folded into the role's fact
            participations.setdefault(tuple(participation.values()), []).append(fid)
            continue
        if prop in ROLE_PROPERTIES:
            participation = {"project": local_id(s.value), "participant": local_id(o.value), "role": ROLE_PROPERTIES[prop]}
        subject = participation["project"] if prop == "allocation" and participation else local_id(s.value)
        is_entity = isinstance(o, ox.NamedNode) and not o.value.startswith(BASE + "amount/")
        fact = ProposedFact(
            id=fid, ids=[fid], subject=subject, property=prop,
            object=local_id(o.value) if is_entity else None,
            value=_plain(row.get("value")) if "value" in row else (None if is_entity else o.value),
            currency=_plain(row.get("currency")),
            approximate=_plain(row.get("approximate")) == "true",
            participation=participation,
            lines=(int(row["lineStart"].value), int(row["lineEnd"].value)),
            rule=row["method"].value,
            confidence=float(row["confidence"].value) if "confidence" in row else None,
            surface=_plain(row.get("surface")) or _plain(row.get("sourceText")),
            term=o.value,
        )
        ends = {fact.subject, fact.object, *(participation or {}).values()}
        fact.names = sorted(new & ends)
        facts.setdefault((fid, fact.lines), fact)
    for fact in facts.values():
        if fact.participation and fact.property in ROLE_PROPERTIES:
            fact.ids += participations.pop(tuple(fact.participation.values()), [])
    shown = list(facts.values())
    for (project, participant, role), ids in participations.items():  # a participation stated alone
        shown.append(ProposedFact(ids[0], ids, project, "participant", participant, None, None, False,
                                  {"project": project, "participant": participant, "role": role}, (0, 0), "", None, None,
                                  sorted(new & {project, participant})))
    return sorted(shown, key=lambda f: (f.lines, f.subject, f.property))


