"""Extracted facts into a document's named graph, each with its evidence (rule, lines).

A fact is kept only if its subject and object are entities (known, or proposed with a type)
whose classes fit the property's domain and range in the ontology; everything else is
reported, not dropped silently. The nodes a fact needs are minted as the knowledge base
mints them, so a fact both state is one fact with two pieces of evidence.
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


@dataclass
class DocumentFacts:
    """The graph of one document's extraction, and what could not go into it."""

    graph: Graph
    kept: list[Fact] = field(default_factory=list)
    rejected: list[tuple[Fact, str]] = field(default_factory=list)
    proposed: dict[URIRef, ProposedEntity] = field(default_factory=dict)
    proposed_at: dict[URIRef, tuple[int, int]] = field(default_factory=dict)  # first lines named
    unlinked: list[EntityMention] = field(default_factory=list)


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

    def propose(self, iri: URIRef, entity: ProposedEntity) -> None:
        for cls in self.schema.ancestors(CKG[entity.type]):
            self.g.add((iri, RDF.type, cls))
        self.g.add((iri, SKOS.prefLabel, Literal(entity.name, lang="ro")))
        self.g.add((iri, RDFS.label, Literal(entity.name, lang="ro")))
        self.g.add((iri, CKG.reviewed, Literal(False)))
        for alias in {entity.text, *entity.aliases} - {entity.name}:
            self.g.add((iri, SKOS.altLabel, Literal(alias, lang="ro")))
        if entity.acronym:
            self.g.add((iri, CKG.acronym, Literal(entity.acronym)))
        if entity.type == "Country" and entity.acronym and re.fullmatch(r"[A-Z]{2}", entity.acronym):
            self.g.add((iri, CKG.isoCode, Literal(entity.acronym)))

    def mention(self, entity: URIRef, text: str, lines: tuple[int, int], method: str) -> None:
        m = mention_iri(entity, self.source.key, *lines, method)
        self.g.add((m, RDF.type, CKG.Mention))
        self.g.add((m, CKG.about, entity))
        self.g.add((m, CKG.surfaceForm, Literal(text)))
        self.cite(m, lines, method)

    def cite(self, node: URIRef, lines: tuple[int, int], method: str, confidence: float | None = None) -> None:
        self.g.add((node, CKG.sourceDocument, self.source.iri))
        self.g.add((node, CKG.lineStart, Literal(lines[0], datatype=XSD.positiveInteger)))
        self.g.add((node, CKG.lineEnd, Literal(lines[1], datatype=XSD.positiveInteger)))
        self.g.add((node, CKG.method, Literal(method)))
        if confidence is not None:
            self.g.add((node, CKG.confidence, Literal(Decimal(str(round(confidence, 2))), datatype=XSD.decimal)))

    # facts ------------------------------------------------------------------------------
    def state(self, fact: Fact, triple: tuple, text: str | None = None, extra: Iterable[tuple] = ()) -> None:
        for t in (triple, *extra):
            self.g.add(t)
        ev = evidence_iri(*triple, self.source.key, *fact.lines, fact.rule)
        self.g.add((ev, RDF.type, CKG.Evidence))
        self.g.add((ev, RDF.subject, triple[0]))
        self.g.add((ev, RDF.predicate, triple[1]))
        self.g.add((ev, RDF.object, triple[2]))
        self.g.add((ev, CKG.statementKey, Literal(statement_key(triple[0], triple[1]))))
        if text:
            self.g.add((ev, CKG.surfaceForm, Literal(text)))
        self.cite(ev, fact.lines, fact.rule, fact.confidence)

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
