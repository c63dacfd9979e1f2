"""Extracted facts into a document's two named graphs, each with its evidence (rule, lines).

A fact is kept only if its subject and object are entities (known, or proposed with a type)
whose classes fit the property's domain and range in the ontology; everything else is
reported, not dropped silently. The nodes a fact needs are minted as the knowledge base
mints them, so a fact both state is one fact with two pieces of evidence.

Where a fact goes is the review's concern (:func:`layers`): a fact the knowledge base states for
the same document joins the document's reviewed graph (``graph/doc/KEY``); every other fact, and
every entity the extractor minted, goes to ``graph/proposed/KEY``, which answers leave out unless
asked; a fact or entity a reviewer rejected for this document is left out, and said so.
"""

from __future__ import annotations

import re

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from citykg.namespaces import (
    CKG,
    SCHEMA,
    amount_iri,
    entity_iri,
    evidence_iri,
    fact_id,
    graph_iri,
    local_id,
    mention_iri,
    participation_iri,
    role_iri,
    slug,
    statement_key,
)
from ingest.amounts import AmountMention
from ingest.dates import DateMention
from ingest.entity_linking import linker_for
from ingest.gazetteer import EntityMention, Gazetteer, ProposedEntity
from ingest.knowledge_base import KIND_TYPES
from ingest.normalise import NormalisedText
from ingest.relations import Extraction, Fact, Node
from ingest.sources import Source

KIND_OF_TYPE = {t: kind for kind, types in KIND_TYPES.items() for t in types}
ROLE_PROPERTIES = {"coordinator": "coordinator", "leadPartner": "lead-partner", "partner": "partner"}
DOCUMENT_SCOPED = {"call", "event"}
DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear, "datetime": XSD.dateTime}


class Schema:
    """What the ontology says a property may link: classes of its domain and range."""

    def __init__(self, ontology: Graph) -> None:
        self.ontology = ontology
        self._ancestors: dict[URIRef, set[URIRef]] = {}

    def classes(self, node) -> set[URIRef]:
        """A class, or the members of an owl:unionOf class expression."""
        members = self.ontology.value(node, OWL.unionOf)
        if members is None:
            return {node}
        return set(self.ontology.items(members))

    def allowed(self, prop: URIRef, axis: URIRef) -> set[URIRef] | None:
        found = set()
        for node in self.ontology.objects(prop, axis):
            found |= self.classes(node)
        return found or None

    def ancestors(self, cls: URIRef) -> set[URIRef]:
        if cls not in self._ancestors:
            self._ancestors[cls] = {
                c for c in self.ontology.transitive_objects(cls, RDFS.subClassOf)
                if str(c).startswith(str(CKG._NS))
            }
        return self._ancestors[cls]

    def fits(self, types: set[URIRef], prop: URIRef, axis: URIRef) -> bool:
        allowed = self.allowed(prop, axis)
        if allowed is None:
            return True
        return any(self.ancestors(t) & allowed for t in types)


Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass
class Statement:
    """One triple a fact states, and every triple it brings along (the nodes it needs, its
    evidence): what goes to one layer or the other as a whole."""

    fact: Fact
    triple: Triple
    triples: list[Triple]


@dataclass
class DocumentFacts:
    """The graph of one document's extraction (both layers), what could not go into it, and
    the pieces :func:`layers` sorts into the reviewed and the proposed graph."""

    graph: Graph
    kept: list[Fact] = field(default_factory=list)
    rejected: list[tuple[Fact, str]] = field(default_factory=list)
    proposed: dict[URIRef, ProposedEntity] = field(default_factory=dict)
    proposed_at: dict[URIRef, tuple[int, int]] = field(default_factory=dict)  # first lines named
    unlinked: list[EntityMention] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    entity_triples: dict[URIRef, list[Triple]] = field(default_factory=dict)  # a proposed entity's
    index_triples: list[Triple] = field(default_factory=list)  # mentions of known entities


class _Mapper:
    def __init__(
        self, source: Source, schema: Schema, known_types: dict[URIRef, URIRef], gazetteer: Gazetteer
    ) -> None:
        self.source = source
        self.gazetteer = gazetteer
        self.schema = schema
        self.known_types = known_types
        self.out = DocumentFacts(Graph(identifier=source.graph))

    @property
    def g(self) -> Graph:
        return self.out.graph

    # entities ---------------------------------------------------------------------------
    def node(self, node: Node) -> tuple[URIRef, set[URIRef]] | None:
        """The IRI and classes of an entity the fact names, proposing it if it is new."""
        if isinstance(node, EntityMention):
            if node.iri is None:
                self.out.unlinked.append(node)
                return None
            iri = URIRef(node.iri)
            return iri, {self.known_types.get(iri, CKG[node.type])}
        known = self.gazetteer.lookup(node.name) or self.gazetteer.lookup(node.text)
        if known is not None and known.iri:  # a rule proposed a name the graph already knows
            return self.node(known)
        candidates = linker_for(self.gazetteer).candidates(node)
        if candidates:  # the graph knows it in other words: link it, or ask when several fit
            linked = EntityMention(candidates[0] if len(candidates) == 1 else None, node.type or "", node.text,
                                   node.start, node.end, 0.8, "linked", candidates=tuple(candidates))
            return self.node(linked)
        if node.type not in KIND_OF_TYPE:
            return None
        kind = KIND_OF_TYPE[node.type]
        # "Primul apel", "sesiune online": calls and events are named for one document only
        scope = f"{slug(self.source.key)}-" if kind in DOCUMENT_SCOPED else ""
        iri = entity_iri(f"{kind}/{scope}{slug(node.name)}")
        if iri in self.known_types:  # a proposal that is a known entity after all
            return iri, {self.known_types[iri]}
        self.out.proposed.setdefault(iri, node)
        return iri, {CKG[node.type]}

    def put(self, bucket: list[Triple], triples: Iterable[Triple]) -> None:
        for t in triples:
            bucket.append(t)
            self.g.add(t)

    def propose(self, iri: URIRef, entity: ProposedEntity) -> None:
        bucket = self.out.entity_triples.setdefault(iri, [])
        self.put(bucket, [(iri, RDF.type, cls) for cls in self.schema.ancestors(CKG[entity.type])])
        self.put(bucket, [
            (iri, SKOS.prefLabel, Literal(entity.name, lang="ro")),
            (iri, RDFS.label, Literal(entity.name, lang="ro")),
            (iri, CKG.reviewed, Literal(False)),
        ])
        self.put(bucket, [(iri, SKOS.altLabel, Literal(a, lang="ro")) for a in {entity.text, *entity.aliases} - {entity.name}])
        if entity.acronym:
            self.put(bucket, [(iri, CKG.acronym, Literal(entity.acronym))])
        if entity.type == "Country" and entity.acronym and re.fullmatch(r"[A-Z]{2}", entity.acronym):
            self.put(bucket, [(iri, CKG.isoCode, Literal(entity.acronym))])

    def mention(self, entity: URIRef, text: str, lines: tuple[int, int], method: str) -> None:
        bucket = self.out.entity_triples[entity] if entity in self.out.entity_triples else self.out.index_triples
        m = mention_iri(entity, self.source.key, *lines, method)
        self.put(bucket, [(m, RDF.type, CKG.Mention), (m, CKG.about, entity), (m, CKG.surfaceForm, Literal(text))])
        self.put(bucket, self.cite(m, lines, method))

    def cite(self, node: URIRef, lines: tuple[int, int], method: str, confidence: float | None = None) -> list[Triple]:
        triples = [
            (node, CKG.sourceDocument, self.source.iri),
            (node, CKG.lineStart, Literal(lines[0], datatype=XSD.positiveInteger)),
            (node, CKG.lineEnd, Literal(lines[1], datatype=XSD.positiveInteger)),
            (node, CKG.method, Literal(method)),
        ]
        if confidence is not None:
            triples.append((node, CKG.confidence, Literal(Decimal(str(round(confidence, 2))), datatype=XSD.decimal)))
        return triples

    # facts ------------------------------------------------------------------------------
    def state(self, fact: Fact, triple: Triple, text: str | None = None, extra: Iterable[Triple] = ()) -> None:
        ev = evidence_iri(*triple, self.source.key, *fact.lines, fact.rule)
        triples = [triple, *extra,
                   (ev, RDF.type, CKG.Evidence),
                   (ev, RDF.subject, triple[0]),
                   (ev, RDF.predicate, triple[1]),
                   (ev, RDF.object, triple[2]),
                   (ev, CKG.statementKey, Literal(statement_key(triple[0], triple[1])))]
        if text:
            triples.append((ev, CKG.surfaceForm, Literal(text)))
        statement = Statement(fact, triple, [])
        self.put(statement.triples, [*triples, *self.cite(ev, fact.lines, fact.rule, fact.confidence)])
        self.out.statements.append(statement)

    def amount(self, a: AmountMention) -> tuple[URIRef, list[tuple]]:
        node = amount_iri(a.value, a.currency, a.text)
        triples = [
            (node, RDF.type, CKG.MonetaryAmount),
            (node, SCHEMA.value, Literal(a.value, datatype=XSD.decimal)),
            (node, SCHEMA.currency, Literal(a.currency)),
            (node, CKG.sourceText, Literal(a.text)),
            (node, CKG.approximate, Literal(a.approximate or a.bound is not None)),
        ]
        return node, triples

    def participation(self, fact: Fact, project: URIRef, participant: URIRef, role: str) -> URIRef:
        node = participation_iri(project, participant, role)
        extra = [
            (node, RDF.type, CKG.Participation),
            (node, CKG.inProject, project),
            (node, CKG.role, role_iri(role)),
            (project, CKG.hasParticipation, node),
        ]
        self.state(fact, (node, CKG.participant, participant), extra=extra)
        return node

    def reject(self, fact: Fact, why: str) -> None:
        self.out.rejected.append((fact, why))

    def add(self, fact: Fact, roles: dict[tuple[URIRef, URIRef], str]) -> None:
        subject = self.node(fact.subject)
        if subject is None:
            self.reject(fact, "its subject is not linked to one entity")
            return
        s, s_types = subject
        prop = CKG["hasParticipation" if fact.property == "allocation" else fact.property]
        if not self.schema.fits(s_types, prop, RDFS.domain):
            self.reject(fact, f"a {'/'.join(t.split('#')[-1] for t in s_types)} cannot have {fact.property}")
            return
        obj = fact.object
        if fact.property == "allocation":
            participant = self.node(fact.participant) if fact.participant else None
            if participant is None:
                self.reject(fact, "the allocation names no linked participant")
                return
            role = roles.get((s, participant[0]), "partner")
            node = self.participation(fact, s, participant[0], role)
            amount, triples = self.amount(obj)
            self.state(fact, (node, CKG.allocation, amount), obj.text, triples)
        elif isinstance(obj, AmountMention):
            amount, triples = self.amount(obj)
            self.state(fact, (s, prop, amount), obj.text, triples)
        elif isinstance(obj, DateMention):
            if obj.value is None:
                self.reject(fact, f"the date {obj.text!r} has no year")
                return
            self.state(fact, (s, prop, Literal(obj.iso, datatype=DATE_TYPES[obj.precision])), obj.text)
        elif isinstance(obj, str):
            self.state(fact, (s, prop, Literal(obj)))
        else:
            target = self.node(obj)
            if target is None:
                self.reject(fact, "its object is not linked to one entity")
                return
            o, o_types = target
            if not self.schema.fits(o_types, prop, RDFS.range):
                self.reject(fact, f"{fact.property} cannot point to a {'/'.join(t.split('#')[-1] for t in o_types)}")
                return
            if fact.property in ROLE_PROPERTIES:
                self.participation(fact, s, o, ROLE_PROPERTIES[fact.property])
            self.state(fact, (s, prop, o))
        self.out.kept.append(fact)


def document_facts(
    source: Source,
    text: NormalisedText,
    extraction: Extraction,
    schema: Schema,
    known_types: dict[URIRef, URIRef],
    gazetteer: Gazetteer,
) -> DocumentFacts:
    """The named graph of what the extractor read in ``source``."""
    mapper = _Mapper(source, schema, known_types, gazetteer)
    roles: dict[tuple[URIRef, URIRef], str] = {}
    for fact in extraction.facts:
        if fact.property in ROLE_PROPERTIES:
            s, o = mapper.node(fact.subject), mapper.node(fact.object)
            if s and o:
                roles[(s[0], o[0])] = ROLE_PROPERTIES[fact.property]
    mapper.out.proposed.clear()
    mapper.out.unlinked.clear()
    for fact in extraction.facts:
        mapper.add(fact, roles)
    for mention in extraction.mentions:
        if mention.iri:
            lines = text.span_lines(mention.start, mention.end)
            mapper.mention(URIRef(mention.iri), mention.text, lines, f"gazetteer.{mention.how}")
    for iri, entity in mapper.out.proposed.items():
        mapper.propose(iri, entity)
        lines = mapper.out.proposed_at[iri] = text.span_lines(entity.start, entity.end)
        mapper.mention(iri, entity.text, lines, entity.rule or "proposal")
    return mapper.out


def proposed_graph_iri(document_key: str) -> URIRef:
    """The graph of what extraction proposes from one document and nobody has reviewed."""
    return graph_iri("proposed/" + document_key)


@dataclass
class Layers:
    """One document's extraction sorted for review: the reviewed graph gets what the knowledge
    base also states, the proposed graph the rest, and rejected facts are left out with why."""

    reviewed: Graph
    proposed: Graph
    confirmed: list[Statement] = field(default_factory=list)
    pending: list[Statement] = field(default_factory=list)
    left_out: list[tuple[Fact, str]] = field(default_factory=list)


def layers(
    facts: DocumentFacts,
    document_key: str,
    stated: Graph,
    rejected_facts: set[str] = frozenset(),
    rejected_entities: set[str] = frozenset(),
) -> Layers:
    """Sort a document's extraction into its reviewed and proposed graph.

    ``stated`` is the knowledge base's graph of the same document; ``rejected_facts`` are the
    :func:`fact_id` of facts and ``rejected_entities`` the ids (``event/x``) of entities a
    reviewer rejected for this document. Proposed evidence says ``ckg:reviewed false``, so an
    answer that includes proposed facts can mark them.
    """
    out = Layers(Graph(identifier=facts.graph.identifier), Graph(identifier=proposed_graph_iri(document_key)))
    for t in facts.index_triples:
        out.reviewed.add(t)
    refused = {iri for iri in facts.entity_triples if local_id(iri) in rejected_entities}
    for iri, triples in facts.entity_triples.items():
        if iri not in refused:
            for t in triples:
                out.proposed.add(t)
    for statement in facts.statements:
        s, p, o = statement.triple
        # a participation stands for its project and participant
        ends = {s, o} | {e for n in (s, o) for prop in (CKG.participant, CKG.inProject)
                         for e in facts.graph.objects(n, prop)}
        named = refused & ends
        if named:
            out.left_out.append((statement.fact, f"names {local_id(min(named))}, which a reviewer rejected"))
            continue
        if fact_id(document_key, s, p, o) in rejected_facts:
            out.left_out.append((statement.fact, "a reviewer rejected it for this document"))
            continue
        if statement.triple in stated:
            out.confirmed.append(statement)
            target = out.reviewed
        else:
            out.pending.append(statement)
            target = out.proposed
            for ev in {t[0] for t in statement.triples if t[1:] == (RDF.type, CKG.Evidence)}:
                target.add((ev, CKG.reviewed, Literal(False)))
        for t in statement.triples:
            target.add(t)
    return out
