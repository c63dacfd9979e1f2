"""The reviewed knowledge base (``knowledge/``) turned into RDF, checked on the way.

Entities go to the ``kb`` graph; each fact goes to the graph of the document that states it,
with an ``Evidence`` node (a reified statement) naming the document and the lines. Every problem
found is reported with its file and entry; all of them at once, so one build shows them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from citykg.errors import KnowledgeBaseError
from citykg.namespaces import (
    CKG,
    COUNTED,
    ROR,
    SCHEMA,
    WIKIDATA,
    amount_iri,
    count_iri,
    entity_iri,
    evidence_iri,
    graph_iri,
    mention_iri,
    participation_iri,
    role_iri,
    statement_key,
)
from ingest.readers import DocumentError
from ingest.sources import Source, read_source

KIND_TYPES: dict[str, set[str]] = {
    "city": {"City"},
    "district": {"CityDistrict"},
    "country": {"Country"},
    "org": {
        "Organisation", "University", "ResearchInstitute", "Company", "PublicAuthority",
        "Ministry", "CityHall", "Agency", "NGO", "Association", "Cluster", "ProfessionalBody",
    },
    "project": {"Project", "Network"},
    "programme": {"Programme"},
    "call": {"Call"},
    "event": {"Event"},
    "initiative": {"Initiative", "Mission", "Hub"},
}
ROLES = {"coordinator": CKG.coordinator, "lead-partner": CKG.leadPartner, "partner": CKG.partner}
DATE_PROPERTIES = {"startDate", "endDate", "signedDate", "openingDate", "deadline", "foundingDate"}
STRING_PROPERTIES = {"grantAgreement"}
IRI_PROPERTIES = {"homepage"}
AMOUNT_PROPERTIES = {"budget", "funding"}
ID_PATTERN = re.compile(r"^[a-z]+/[a-z0-9][a-z0-9-]*$")
SOURCE_PATTERN = re.compile(r"^(?P<key>[^:]+):(?P<first>\d+)(?:-(?P<last>\d+))?$")
REVIEWED = Literal("reviewed")


@dataclass(frozen=True)
class Citation:
    source: Source
    first: int
    last: int


@dataclass
class KnowledgeBase:
    """The RDF the knowledge base yields: one rdflib Graph per named graph."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    entity_types: dict[URIRef, URIRef] = field(default_factory=dict)  # the declared class

    def graph(self, iri: URIRef) -> Graph:
        if iri not in self.graphs:
            self.graphs[iri] = Graph(identifier=iri)
        return self.graphs[iri]


def parse_date(text: str) -> Literal:
    """A date as the knowledge base writes it, typed by its precision."""
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        datetime.strptime(text, "%Y-%m")
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
    datetime.fromisoformat(text)
    return Literal(text, datatype=XSD.dateTime)


def _fold_space(text: str) -> str:
    return " ".join(text.replace("ş", "ș").replace("ţ", "ț").split()).casefold()


class _Loader:
    """One pass over knowledge/, collecting problems instead of stopping at the first."""

    def __init__(self, kb_dir: Path, sources_dir: Path, ontology: Graph) -> None:
        self.kb_dir = kb_dir
        self.sources_dir = sources_dir
        self.ontology = ontology
        self.problems: list[str] = []
        self.kb = KnowledgeBase()
        self.entities: dict[str, str] = {}  # id -> type
        self.keys: dict[str, Source] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def _read_yaml(self, path: Path) -> list[dict[str, Any]]:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as error:
            self.problem(str(path), f"cannot be read: {error}")
            return []
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            self.problem(str(path), "must be a list of mappings")
            return []
        return data

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.kb_dir.parent))
        except ValueError:
            return str(path)

    # documents ---------------------------------------------------------------------------
    def load_documents(self) -> None:
        path = self.kb_dir / "documents.yaml"
        if not path.exists():  # no document has a reviewed title or kind (an empty knowledge base)
            return
        for i, entry in enumerate(self._read_yaml(path), 1):
            where = f"{self._rel(path)} entry {i} (key {entry.get('key')!r})"
            key, file = str(entry.get("key", "")), entry.get("file")
            if not key or not file:
                self.problem(where, "needs both 'key' and 'file'")
                continue
            if key in self.keys:
                self.problem(where, f"duplicate document key {key!r}")
                continue
            doc_path = self.sources_dir / file
            if not doc_path.is_file():
                self.problem(where, f"document {file!r} is not in {self.sources_dir}")
                continue
            try:
                source = read_source(doc_path).described(entry.get("title"), entry.get("kind"))
            except DocumentError as error:
                self.problem(where, f"document {file!r} cannot be read: {error}")
                continue
            self.keys[key] = source
            self.kb.sources[source.key] = source

    def citations(self, where: str, value: Any) -> list[Citation]:
        refs = value if isinstance(value, list) else [value]
        known_problems = len(self.problems)
        found = []
        for ref in refs:
            match = SOURCE_PATTERN.match(str(ref)) if ref is not None else None
            if not match:
                self.problem(where, f"source {ref!r} is not of the form KEY:LINE or KEY:FIRST-LAST")
                continue
            source = self.keys.get(match["key"])
            if source is None:
                self.problem(where, f"source {ref!r} cites an unknown document {match['key']!r}")
                continue
            first = int(match["first"])
            last = int(match["last"] or first)
            if not 1 <= first <= last <= len(source.lines):
                self.problem(
                    where,
                    f"source {ref!r} cites lines {first}-{last} but {source.path.name} has "
                    f"{len(source.lines)} lines",
                )
                continue
            if not any(source.line(n).strip() for n in range(first, last + 1)):
                self.problem(where, f"source {ref!r} cites only blank lines")
                continue
            found.append(Citation(source, first, last))
        if not found and len(self.problems) == known_problems:
            self.problem(where, "has no source")
        return found

    def check_text(self, where: str, text: str | None, citations: list[Citation]) -> None:
        """The fragment an amount or date was written as must stand in a cited line."""
        if not text:
            return
        wanted = _fold_space(text)
        for c in citations:
            cited = _fold_space(" ".join(c.source.lines[c.first - 1 : c.last]))
            if wanted in cited:
                return
        self.problem(where, f"text {text!r} does not appear in the cited lines")

    # entities ----------------------------------------------------------------------------
    def load_entities(self) -> None:
        files = sorted((self.kb_dir / "entities").glob("*.yaml"))
        entries = [(path, i, e) for path in files for i, e in enumerate(self._read_yaml(path), 1)]
        for path, i, entry in entries:  # first pass: ids and types, so facts can refer to any
            where = f"{self._rel(path)} entry {i} (id {entry.get('id')!r})"
            entity_id, type_name = str(entry.get("id", "")), entry.get("type")
            if not ID_PATTERN.match(entity_id):
                self.problem(where, "id must be KIND/slug in lowercase letters, digits and -")
                continue
            kind = entity_id.split("/")[0]
            if kind not in KIND_TYPES:
                self.problem(where, f"unknown kind {kind!r}; one of {sorted(KIND_TYPES)}")
                continue
            if type_name not in KIND_TYPES[kind] or not self.is_class(type_name):
                self.problem(
                    where, f"unknown type {type_name!r} for {kind}/; one of {sorted(KIND_TYPES[kind])}"
                )
                continue
            if entity_id in self.entities:
                self.problem(where, f"duplicate id {entity_id!r}")
                continue
            self.entities[entity_id] = type_name
            self.kb.entity_types[entity_iri(entity_id)] = CKG[type_name]
        for path, i, entry in entries:
            if str(entry.get("id")) in self.entities:
                self.entity(f"{self._rel(path)} entry {i} (id {entry['id']!r})", entry)

    def superclasses(self, cls: URIRef) -> list[URIRef]:
        """The class and its ancestors in the citykg ontology: the types are materialised, so
        ``?x a ckg:Organisation`` finds universities without an inferencing store."""
        return [
            c for c in self.ontology.transitive_objects(cls, RDFS.subClassOf)
            if str(c).startswith(str(CKG._NS))
        ]

    def is_class(self, name: str) -> bool:
        return (CKG[name], RDF.type, OWL.Class) in self.ontology

    def is_property(self, name: str) -> bool:
        try:
            term = CKG[name]
        except AttributeError:
            return False
        return any(
            (term, RDF.type, kind) in self.ontology
            for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        )

    def class_set(self, node: Any) -> set[URIRef]:
        """The classes of an rdfs:domain or rdfs:range: one class, or an owl:unionOf list."""
        if node is None:
            return set()
        union = self.ontology.value(node, OWL.unionOf)
        return set(self.ontology.items(union)) if union is not None else {node}

    def specific_properties(self, subject: URIRef, obj: URIRef) -> list[str]:
        """The relations of the ontology that a fact between these two entities could state
        instead of ``relatedTo``: their domain and range admit the entities' classes. Shortcuts
        the build derives (sub-properties of ``hasParticipant``) and properties without a range
        do not count."""
        subject_classes = set(self.superclasses(self.kb.entity_types[subject]))
        object_classes = set(self.superclasses(self.kb.entity_types[obj]))
        derived = set(self.ontology.transitive_subjects(RDFS.subPropertyOf, CKG.hasParticipant))
        found = []
        for prop in self.ontology.subjects(RDF.type, OWL.ObjectProperty):
            if not str(prop).startswith(str(CKG._NS)) or prop == CKG.relatedTo or prop in derived:
                continue
            domain = self.class_set(self.ontology.value(prop, RDFS.domain))
            rng = self.class_set(self.ontology.value(prop, RDFS.range))
            if rng and rng & object_classes and (not domain or domain & subject_classes):
                found.append(str(prop).removeprefix(str(CKG._NS)))
        return sorted(found)

    def ref(self, where: str, entity_id: Any, allowed: set[str] | None = None) -> URIRef | None:
        entity_id = str(entity_id)
        if entity_id not in self.entities:
            self.problem(where, f"refers to {entity_id!r}, which no entity file defines")
            return None
        if allowed and entity_id.split("/")[0] not in allowed:
            self.problem(where, f"{entity_id!r} should be one of the kinds {sorted(allowed)}")
            return None
        return entity_iri(entity_id)

    def entity(self, where: str, e: dict[str, Any]) -> None:
        g = self.kb.graph(graph_iri("kb"))
        s = entity_iri(e["id"])
        name = e.get("name")
        if not name:
            self.problem(where, "has no name")
            return
        for cls in self.superclasses(CKG[e["type"]]):
            g.add((s, RDF.type, cls))
        g.add((s, SKOS.prefLabel, Literal(name, lang="ro")))
        g.add((s, RDFS.label, Literal(name, lang="ro")))
        if e.get("name_en"):
            g.add((s, SKOS.prefLabel, Literal(e["name_en"], lang="en")))
        if e.get("acronym"):
            g.add((s, CKG.acronym, Literal(str(e["acronym"]))))
        for alias in e.get("aliases") or []:
            g.add((s, SKOS.altLabel, Literal(str(alias), lang="ro")))
        for key, prop, kinds in (("city", CKG.city, {"city"}), ("country", CKG.country, {"country"})):
            if e.get(key):
                target = self.ref(where, e[key], kinds)
                if target is not None:
                    g.add((s, prop, target))
        if e.get("wikidata"):
            qid = str(e["wikidata"])
            if not re.fullmatch(r"Q\d+", qid):
                self.problem(where, f"wikidata {qid!r} is not a QID")
            g.add((s, CKG.wikidata, WIKIDATA[qid]))
        if e.get("ror"):
            g.add((s, CKG.ror, ROR[str(e["ror"]).removeprefix("https://ror.org/")]))
        if e.get("homepage"):
            g.add((s, CKG.homepage, URIRef(str(e["homepage"]))))
        if e.get("iso_code"):
            g.add((s, CKG.isoCode, Literal(str(e["iso_code"]))))
        if e.get("note"):
            g.add((s, SKOS.editorialNote, Literal(str(e["note"]), lang="en")))
        for c in self.citations(where, e["mentions"]) if e.get("mentions") else []:
            self.mention(s, name, c)

    def mention(self, entity: URIRef, name: str, c: Citation) -> None:
        g = self.kb.graph(c.source.graph)
        m = mention_iri(entity, c.source.key, c.first, c.last, REVIEWED)
        g.add((m, RDF.type, CKG.Mention))
        g.add((m, CKG.about, entity))
        self.cite(g, m, c)

    def cite(self, g: Graph, node: URIRef, c: Citation) -> None:
        g.add((node, CKG.sourceDocument, c.source.iri))
        g.add((node, CKG.lineStart, Literal(c.first, datatype=XSD.positiveInteger)))
        g.add((node, CKG.lineEnd, Literal(c.last, datatype=XSD.positiveInteger)))
        g.add((node, CKG.method, REVIEWED))

    # facts -------------------------------------------------------------------------------
    def load_facts(self) -> None:
        for path in sorted((self.kb_dir / "facts").glob("*.yaml")):
            for i, entry in enumerate(self._read_yaml(path), 1):
                self.fact(f"{self._rel(path)} entry {i}", entry)

    def state(
        self,
        triple: tuple[URIRef, URIRef, Any],
        citations: list[Citation],
        text: str | None = None,
        extra: Iterable[tuple[URIRef, URIRef, Any]] = (),
    ) -> None:
        """Put a fact (and the nodes it needs) in each citing document's graph, with evidence."""
        for c in citations:
            g = self.kb.graph(c.source.graph)
            for t in (triple, *extra):
                g.add(t)
            s, p, o = triple
            ev = evidence_iri(s, p, o, c.source.key, c.first, c.last, REVIEWED)
            g.add((ev, RDF.type, CKG.Evidence))
            g.add((ev, RDF.subject, s))
            g.add((ev, RDF.predicate, p))
            g.add((ev, RDF.object, o))
            g.add((ev, CKG.statementKey, Literal(statement_key(s, p))))
            if text:
                g.add((ev, CKG.surfaceForm, Literal(text)))
            self.cite(g, ev, c)

    def fact(self, where: str, f: dict[str, Any]) -> None:
        citations = self.citations(where, f.get("source"))
        if not citations:
            return
        if "participation" in f:
            self.participation(where, f["participation"], citations)
            return
        prop = f.get("property")
        if not prop or not self.is_property(str(prop)):
            self.problem(where, f"unknown property {prop!r}")
            return
        subject = self.ref(where, f.get("subject"))
        if subject is None:
            return
        forms = [k for k in ("object", "value", "amount", "count") if k in f]
        if len(forms) != 1:
            self.problem(where, "needs exactly one of 'object', 'value', 'amount', 'count'")
            return
        if forms[0] == "count":
            if prop != "count":
                self.problem(where, f"{prop!r} does not take a count; a count's property is 'count'")
                return
            made = self.count(where, subject, f["count"], citations)
            if made:
                node, triples = made
                self.state((subject, CKG.count, node), citations, f["count"].get("text"), triples)
            return
        if forms[0] == "object":
            obj = self.ref(where, f["object"])
            if obj is not None and prop == "relatedTo":
                fitting = self.specific_properties(subject, obj)
                if fitting:
                    self.problem(
                        where,
                        f"relatedTo where a specific property admits both entities: say which of "
                        f"{', '.join(fitting)} the document states (knowledge/README.md, Properties)",
                    )
                    return
            if obj is not None:
                self.state((subject, CKG[prop], obj), citations)
        elif forms[0] == "amount":
            if prop not in AMOUNT_PROPERTIES:
                self.problem(where, f"{prop!r} does not take an amount")
                return
            node, triples = self.amount(where, f["amount"], citations) or (None, [])
            if node is not None:
                self.state((subject, CKG[prop], node), citations, f["amount"].get("text"), triples)
        else:
            literal = self.value(where, str(prop), f["value"])
            if literal is not None:
                self.check_text(where, f.get("text"), citations)
                self.state((subject, CKG[prop], literal), citations, f.get("text"))

    def value(self, where: str, prop: str, raw: Any) -> Literal | URIRef | None:
        if prop in DATE_PROPERTIES:
            if not isinstance(raw, str):
                self.problem(where, f"{prop} value {raw!r} must be a quoted date string")
                return None
            try:
                return parse_date(raw)
            except ValueError:
                self.problem(where, f"{prop} value {raw!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD)")
                return None
        if prop in STRING_PROPERTIES:
            return Literal(str(raw))
        if prop in IRI_PROPERTIES:
            return URIRef(str(raw))
        self.problem(where, f"{prop!r} does not take a literal value")
        return None

    def amount(
        self, where: str, a: Any, citations: list[Citation]
    ) -> tuple[URIRef, list[tuple]] | None:
        if not isinstance(a, dict):
            self.problem(where, "amount must be a mapping with value and currency")
            return None
        currency = a.get("currency")
        if not currency or not re.fullmatch(r"[A-Z]{3}", str(currency)):
            self.problem(where, f"amount {a.get('text') or a.get('value')!r} has no ISO currency")
            return None
        try:
            value = Decimal(str(a.get("value")))
        except InvalidOperation:
            self.problem(where, f"amount value {a.get('value')!r} is not a number")
            return None
        if not value.is_finite() or value < 0:
            self.problem(where, f"amount value {a.get('value')!r} is not a positive number")
            return None
        self.check_text(where, a.get("text"), citations)
        node = amount_iri(value, str(currency), a.get("text"))
        triples = [
            (node, RDF.type, CKG.MonetaryAmount),
            (node, SCHEMA.value, Literal(value, datatype=XSD.decimal)),
            (node, SCHEMA.currency, Literal(str(currency))),
        ]
        if a.get("text"):
            triples.append((node, CKG.sourceText, Literal(str(a["text"]))))
        if "approximate" in a:
            triples.append((node, CKG.approximate, Literal(bool(a["approximate"]))))
        return node, triples

    def count(
        self, where: str, subject: URIRef, c: Any, citations: list[Citation]
    ) -> tuple[URIRef, list[tuple]] | None:
        """A number the document states: value, what it counts, optionally the country it is
        limited to, and the words it was written as."""
        if not isinstance(c, dict):
            self.problem(where, "count must be a mapping with value and counts")
            return None
        value, counted = c.get("value"), str(c.get("counts"))
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.problem(where, f"count value {value!r} is not a whole number")
            return None
        if (COUNTED[counted], RDF.type, SKOS.Concept) not in self.ontology:
            scheme = URIRef(str(COUNTED))
            known = sorted(str(k).removeprefix(scheme) for k in self.ontology.subjects(SKOS.inScheme, scheme))
            self.problem(where, f"count counts {counted!r}; one of {known}")
            return None
        area = self.ref(where, c["area"], {"country"}) if c.get("area") else None
        if c.get("area") and area is None:
            return None
        self.check_text(where, c.get("text"), citations)
        node = count_iri(subject, counted, area, value, c.get("text"))
        triples = [
            (node, RDF.type, CKG.Count),
            (node, CKG.countValue, Literal(value, datatype=XSD.nonNegativeInteger)),
            (node, CKG.counted, COUNTED[counted]),
        ]
        if area is not None:
            triples.append((node, CKG.countArea, area))
        if c.get("text"):
            triples.append((node, CKG.sourceText, Literal(str(c["text"]))))
        return node, triples

    def participation(self, where: str, p: Any, citations: list[Citation]) -> None:
        if not isinstance(p, dict):
            self.problem(where, "participation must be a mapping")
            return
        project = self.ref(where, p.get("project"), {"project"})
        participant = self.ref(where, p.get("participant"), {"org", "city"})
        role = p.get("role")
        if role not in ROLES:
            self.problem(where, f"unknown role {role!r}; one of {sorted(ROLES)}")
            return
        if project is None or participant is None:
            return
        node = participation_iri(project, participant, role)
        extra: list[tuple] = [
            (node, RDF.type, CKG.Participation),
            (node, CKG.inProject, project),
            (node, CKG.role, role_iri(role)),
            (project, CKG.hasParticipation, node),
        ]
        self.state((node, CKG.participant, participant), citations, extra=extra)
        self.state((project, ROLES[role], participant), citations)
        if p.get("allocation") is not None:
            made = self.amount(where, p["allocation"], citations)
            if made:
                amount, triples = made
                self.state((node, CKG.allocation, amount), citations, p["allocation"].get("text"), triples)


def load_knowledge_base(kb_dir: Path, sources_dir: Path, ontology: Graph) -> KnowledgeBase:
    """Read knowledge/ against the sources and the ontology; raise with every problem found.

    An empty folder is an empty knowledge base: a build then holds what extraction read alone."""
    if not kb_dir.is_dir():
        raise KnowledgeBaseError(f"the knowledge base folder {kb_dir} does not exist")
    loader = _Loader(kb_dir, sources_dir, ontology)
    loader.load_documents()
    loader.load_entities()
    loader.load_facts()
    if loader.problems:
        listing = "\n".join(f"  - {p}" for p in loader.problems)
        raise KnowledgeBaseError(
            f"the knowledge base has {len(loader.problems)} problem(s):\n{listing}"
        )
    return loader.kb
