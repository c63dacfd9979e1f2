"""One entity, every fact about it with its sources: what ``/entities/{kind}/{slug}`` shows.

Two readings of the same facts:

* :func:`entity_graph`: the RDF graph of the entity (``queries/entity_graph.rq``, a CONSTRUCT):
  its statements, the statements pointing to it, the names of its neighbours, its participations
  and amounts, the evidence of each statement (document and lines) and the mentions of it. Served
  as JSON-LD and Turtle.
* :func:`entity_page`: the same, shaped for people and bounded for entities in thousands of
  projects: names in ro and en, identifiers as links, facts each with the document lines that
  state it (``entity_statements.rq``, then ``statement_sources.rq`` for all at once), projects or
  participants with role and allocation, and partners (from the partnership network of
  ``citykg.partner_search``, kept per build), and where the documents name it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from citykg.entity_search import ENTITY_ID, key_of, label_index, per_build, tokens
from citykg.errors import NotFoundError
from citykg.namespaces import BASE, CKG, PREFIXES
from citykg.partner_search import (
    Amount,
    EntityRef,
    PartnerNetwork,
    Source,
    allocations,
    document_index,
    merge_sources,
    participation_statement,
    partner_network,
    statement_sources,
)
from citykg.queries import run_named_query
from citykg.results import serialize_result
from citykg.store import GraphStore
from ingest.normalise import fold, load_lexicon

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
_CKG = str(CKG._NS)
#: Turtle prefixes for an entity graph (entity IRIs are left whole: they read better).
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "kg"}
IDENTIFIERS = (("wikidata", "Wikidata"), ("ror", "ROR"), ("homepage", "homepage"))
#: A CORDIS project's page, by its grant agreement number.
CORDIS_PROJECT = "https://cordis.europa.eu/project/id/{}"
#: The identity block's statements, each cited when a document states it.
IDENTITY = ("acronym", "city", "country", "wikidata", "ror", "homepage", "grantAgreement")
#: At most this many projects, participants, partners and statements of one property per page.
SHOWN = 200
#: Statements of the entity shown in the identity block or in their own section, not as facts.
_NOT_FACTS = {_CKG + name for name in (
    "acronym", "city", "country", "wikidata", "ror", "homepage", "hasParticipation", "hasParticipant",
    "coordinator", "leadPartner", "partner", "reviewed")}


@dataclass(frozen=True)
class Fact:
    """A statement about the entity (as subject or object) and the lines that state it."""

    subject: EntityRef | None
    property: str  # local name: fundedBy, location, startDate ...
    object: EntityRef | None
    value: str | None  # a literal's value, or an amount as text
    sources: tuple[Source, ...]
    surface: tuple[str, ...] = ()  # the words a date or amount was written as
    labels: dict[str, str] = field(default_factory=dict)  # the property's label by language (ro, en)


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str
    url: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Involvement:
    """A participation seen from one side: the project (on an organisation's page) or the
    participant (on a project's page), with role, allocation and sources."""

    other: EntityRef
    role: str
    allocation: Amount | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Partner:
    partner: EntityRef
    projects: tuple[tuple[EntityRef, str], ...]  # (project, the partner's roles in it)


@dataclass(frozen=True)
class EntityPage:
    id: str
    iri: str
    type: str
    types: tuple[str, ...]
    names: dict[str, str]  # lang -> preferred name
    other_names: tuple[str, ...]
    acronym: str | None
    identifiers: tuple[Identifier, ...]
    city: EntityRef | None
    country: EntityRef | None
    facts: tuple[Fact, ...]
    projects: tuple[Involvement, ...]
    participants: tuple[Involvement, ...]
    partners: tuple[Partner, ...]
    mentions: tuple[Source, ...]
    partners_total: int = 0
    projects_total: int = 0  # projects (or, for a project, participants) in all
    documents: dict[str, str] = field(default_factory=dict)  # doc id -> title, of every document
    proposed: bool = False  # an entity extraction minted and nobody has reviewed yet
    identity_sources: dict[str, tuple[Source, ...]] = field(default_factory=dict)  # acronym, city, country -> lines

    @property
    def name(self) -> str:
        return self.names.get("ro") or self.names.get("en") or self.id


def check_id(entity_id: str) -> str:
    """A well-formed id (``org/utcn``), else :class:`NotFoundError` naming it."""
    if not ENTITY_ID.fullmatch(entity_id or ""):
        raise NotFoundError(f"no entity {entity_id!r}: ids look like org/utcn or city/cluj-napoca")
    return entity_id


def entity_graph(store: GraphStore, entity_id: str) -> list[ox.Triple]:
    """The entity's graph (see the module's docstring); :class:`NotFoundError` if it has none."""
    check_id(entity_id)
    triples = list(run_named_query(store, "entity_graph", {"entity": entity_id}))
    iri = ox.NamedNode(BASE + entity_id)
    if not any(t.subject == iri for t in triples):
        raise NotFoundError(f"no entity {entity_id!r} in the graph")
    return triples


def serialize_graph(triples: list[ox.Triple], fmt: str) -> bytes:
    """``jsonld`` or ``ttl`` (any graph format of ``citykg.results``)."""
    if fmt == "ttl":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)
    return serialize_result(triples, fmt)


def entity_page(store: GraphStore, entity_id: str) -> EntityPage:
    """Everything the page shows about one entity; :class:`NotFoundError` if it is not in the
    graph. Its cost grows with what the entity has, not with the graph: its statements and what
    points to it (``entity_statements.rq``), the lines of each (``statement_sources.rq``), its
    projects and partners from the partnership network (at most ``SHOWN`` of each)."""
    check_id(entity_id)
    index = label_index(store)
    network = partner_network(store)
    iri = BASE + entity_id
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in run_named_query(store, "entity_statements", {"entity": entity_id}):
        subject, prop, obj = row[0], row[1], row[2]
        if prop is not None and obj is not None and obj not in out[subject.value][prop.value]:
            out[subject.value][prop.value].append(obj)
    if iri not in out or not out[iri]:
        raise NotFoundError(f"no entity {entity_id!r} in the graph")
    own = out[iri]
    documents = document_index(store)
    vocabulary = property_labels(store)

    def ref(node: str) -> EntityRef:
        entity = index.get(node)
        if entity is not None:
            return EntityRef(entity.id, entity.name, entity.type, entity.name_en)
        return EntityRef(node.removeprefix(BASE), node.removeprefix(BASE))

    def amount(node: str) -> Amount | None:
        values = out.get(node, {})
        if SCHEMA + "value" not in values:
            return None
        text = values.get(_CKG + "sourceText")
        return Amount(values[SCHEMA + "value"][0].value, values[SCHEMA + "currency"][0].value, text[0].value if text else None)

    # the statements to cite: the entity's relations and values, what points to it
    statements: list[tuple[str, str, ox.NamedNode | ox.Literal]] = []
    for prop, values in own.items():
        if prop.startswith(_CKG) and prop not in _NOT_FACTS:
            statements += [(iri, prop, v) for v in values[:SHOWN]]
    for subject, props in out.items():
        for prop, values in props.items():
            if subject != iri and any(getattr(v, "value", None) == iri for v in values) and prop.startswith(_CKG):
                statements.append((subject, prop, ox.NamedNode(iri)))
    incoming: dict[str, list[tuple]] = defaultdict(list)
    for statement in statements:
        incoming[statement[1]].append(statement)
    statements = [s for group in incoming.values() for s in group[:SHOWN]]
    participations = _involvements(network, iri, ref)
    identity = [(iri, _CKG + name, value) for name in IDENTITY for value in own.get(_CKG + name, [])]
    keys = {(s, p, o) for s, p, o in statements + identity}
    keys |= {key for *_, key in participations}
    cited = statement_sources(store, keys)
    money = allocations(store, {(x, p, role) for x, p, role, _ in participations})

    facts = []
    for subject, prop, obj in statements:
        sources = cited.get((subject, prop, obj), ())
        if not sources:
            continue  # a statement of the knowledge base only: shown in the identity block
        value, target = None, None
        if isinstance(obj, ox.Literal):
            value = obj.value
        elif obj.value.startswith(BASE + "amount/"):
            found = amount(obj.value)
            value = str(found) if found else obj.value.removeprefix(BASE)
        else:
            target = ref(obj.value)
        facts.append(Fact(ref(subject), prop.removeprefix(_CKG), target, value, sources, labels=vocabulary.get(prop, {})))
    facts.sort(key=lambda f: (f.subject.id != entity_id, f.property, f.object.name if f.object else f.value or ""))

    projects, participants = [], []
    for participant, project, role, key in participations:
        involvement = Involvement(
            ref(project if participant == iri else participant), role,
            money.get((participant, project, role)), cited.get(key, ()),
        )
        (projects if participant == iri else participants).append(involvement)
    order = {"coordinator": 0, "lead-partner": 1, "partner": 2}
    projects.sort(key=lambda i: (i.other.name.casefold(), order.get(i.role, 3)))
    participants.sort(key=lambda i: (order.get(i.role, 3), i.other.name.casefold()))

    partners, partners_total = _partners(network, iri, ref)
    mentions = merge_sources(
        _mention(props, documents) for props in out.values()
        if _first(props, _CKG + "about") == iri and _first(props, _CKG + "sourceDocument") and _first(props, _CKG + "lineStart")
    )
    names = {o.language or "": o.value for o in own.get(SKOS + "prefLabel", []) if isinstance(o, ox.Literal)}
    types = sorted(o.value.removeprefix(_CKG) for o in own.get(RDF + "type", []) if o.value.startswith(_CKG))
    identifiers = []
    for prop, scheme in IDENTIFIERS:
        for node in own.get(_CKG + prop, []):
            value = node.value.rsplit("/", 1)[-1] if scheme != "homepage" else node.value
            identifiers.append(Identifier(scheme, value, node.value, cited.get((iri, _CKG + prop, node), ())))
    for number in own.get(_CKG + "grantAgreement", []):
        sources = cited.get((iri, _CKG + "grantAgreement", number), ())
        if number.value.isdigit():  # a CORDIS grant agreement (a national contract number has letters)
            identifiers.append(Identifier("CORDIS", number.value, CORDIS_PROJECT.format(number.value), sources))
    identity_sources = {name: merge_sources(s for value in own.get(_CKG + name, []) for s in cited.get((iri, _CKG + name, value), ()))
                        for name in ("acronym", "city", "country")}
    entity = index.get(iri)
    city, country = _first(own, _CKG + "city"), _first(own, _CKG + "country")
    return EntityPage(
        id=entity_id,
        iri=iri,
        type=entity.type if entity else (types[-1] if types else "Thing"),
        types=tuple(types),
        names={lang: name for lang, name in sorted(names.items())},
        other_names=aliases_that_are_names(list(names.values()), [o.value for o in own.get(SKOS + "altLabel", [])]),
        acronym=_first(own, _CKG + "acronym"),
        identifiers=tuple(identifiers),
        city=ref(city) if city else None,
        country=ref(country) if country else None,
        facts=tuple(facts),
        projects=tuple(projects),
        participants=tuple(participants),
        partners=partners,
        mentions=mentions,
        partners_total=partners_total,
        projects_total=len(network.projects_of(iri)) or len(network.participants_of(iri)),
        documents={iri.removeprefix(BASE): title or "" for iri, (_, title) in documents.items()},
        identity_sources=identity_sources,
        proposed=any(o.value == "false" for o in own.get(_CKG + "reviewed", [])),
    )


def property_labels(store: GraphStore) -> dict[str, dict[str, str]]:
    """Each property of the ontology's labels by language (``memberOf`` -> ro "membru al", en
    "member of"), kept per served build."""

    def read(store: GraphStore) -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for row in run_named_query(store, "map_vocabulary"):
            labels[row["term"].value].setdefault(row["label"].language or "en", row["label"].value)
        return dict(labels)

    return per_build(store, "property_labels", read)


def aliases_that_are_names(names: list[str], aliases: list[str]) -> tuple[str, ...]:
    """The other names worth showing: an alias that is a shown name again up to case, diacritics,
    spacing or inflection ("Cluj- Napoca", "Municipiului Cluj-Napoca" beside "Municipiul
    Cluj-Napoca"), or a common word of the language alone ("Universității"), is not shown (search
    still finds the entity by it).

    >>> aliases_that_are_names(["Cluj-Napoca"], ["Cluj- Napoca", "Cluj", "Municipiul Cluj-Napoca", "Municipiului Cluj-Napoca"])
    ('Cluj', 'Municipiul Cluj-Napoca')
    """
    common = _common_words()
    seen = {key_of(tokens(name)) for name in names}
    shown = []
    for alias in sorted(aliases, key=lambda a: (key_of(tokens(a)), a)):
        key, words = key_of(tokens(alias)), tokens(alias)
        if key in seen or not words or (len(words) == 1 and not alias.isupper() and fold(alias) in common):
            continue
        seen.add(key)
        shown.append(alias)
    return tuple(sorted(shown, key=str.casefold))


@cache
def _common_words() -> frozenset[str]:
    return frozenset(fold(word) for word in load_lexicon())


def _mention(props: dict, documents: dict[str, tuple[str, str | None]]) -> Source:
    """Where a document names the entity, from the mention's properties."""
    document = _first(props, _CKG + "sourceDocument")
    file, title = documents.get(document, (None, None))
    return Source(document.removeprefix(BASE), file, int(_first(props, _CKG + "lineStart")),
                  int(_first(props, _CKG + "lineEnd")), _first(props, _CKG + "method"), title)


def _first(props: dict, predicate: str) -> str | None:
    values = props.get(predicate)
    return values[0].value if values else None


def _involvements(network: PartnerNetwork, iri: str, ref) -> list[tuple[str, str, str, tuple]]:
    """(participant, project, role, statement to cite) for the entity's participations (as
    participant, or as project), at most ``SHOWN``, by name."""
    if iri in network.participants:
        pairs = [(iri, p) for p in sorted(network.projects_of(iri), key=lambda p: ref(p).name.casefold())[:SHOWN]]
    else:
        pairs = [(x, iri) for x in sorted(network.participants_of(iri), key=lambda x: ref(x).name.casefold())[:SHOWN]]
    return [(x, p, role, participation_statement(x, p, role)) for x, p in pairs for role in network.roles[(x, p)]]


def _partners(network: PartnerNetwork, iri: str, ref) -> tuple[tuple[Partner, ...], int]:
    """Everyone the entity shares a project with, those sharing the most projects first; at
    most ``SHOWN`` of them, and how many there are."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for project in network.projects_of(iri):
        for other in network.participants_of(project) - {iri}:
            grouped[other].append(project)
    ranked = heapq.nsmallest(SHOWN, grouped, key=lambda o: (-len(grouped[o]), ref(o).name.casefold()))
    partners = tuple(
        Partner(ref(o), tuple(sorted(((ref(p), ", ".join(network.roles[(o, p)])) for p in grouped[o][:SHOWN]),
                                     key=lambda i: i[0].name)))
        for o in ranked
    )
    return partners, len(grouped)
