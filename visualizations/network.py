"""The network behind every map: entities and their ties, as a networkx graph.

``build_network(rows)`` is pure: it turns the rows of the ``map_network`` query (one fact per row,
as plain strings) into a ``MultiDiGraph``, so it can be tested with rows written by hand.
``load_network(store, ...)`` is the thin part that runs the named queries, with every filter bound
as a value and evaluated by the store (at CORDIS scale only the neighbourhood asked for is read).

Nodes are entity IRIs with ``kind`` (city, organisation, project, ...), ``type`` (the class,
e.g. ``University``), ``label`` (short, for the map), ``name`` (full, in the map's language),
``name_ro``/``name_en``, ``acronym``, ``budget_eur``, ``facts`` and ``sources``. Edges are keyed by
relation (``partner``, ``fundedBy``, ...) with ``family`` (role, funding, call, location,
membership, organisation, other), ``label`` and ``sources``.

>>> rows = [
...     {"node": "https://w3id.org/citykg/project/p", "type": "https://w3id.org/citykg/ontology#Project", "label": "P", "labelLang": "ro"},
...     {"node": "https://w3id.org/citykg/org/o", "type": "https://w3id.org/citykg/ontology#University", "label": "O", "labelLang": "ro"},
...     {"node": "https://w3id.org/citykg/project/p", "type": "https://w3id.org/citykg/ontology#Project",
...      "relation": "https://w3id.org/citykg/ontology#coordinator", "target": "https://w3id.org/citykg/org/o"},
... ]
>>> graph = build_network(rows)
>>> sorted(graph.edges(keys=True))
[('https://w3id.org/citykg/project/p', 'https://w3id.org/citykg/org/o', 'coordinator')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx
import pyoxigraph as ox

from citykg.entity_search import ENTITY_ID, EntityResolver, label_index
from citykg.errors import NotFoundError, QueryError
from citykg.namespaces import BASE
from citykg.queries import get_query
from citykg.store import GraphStore
from ingest.normalise import fold
from visualizations import style

CKG = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
DOC_PREFIX = BASE + "doc/"

KIND_OF_TYPE: dict[str, str] = {
    "City": "city",
    "CityDistrict": "district",
    "Country": "country",
    **{
        name: "organisation"
        for name in (
            "Organisation", "University", "ResearchInstitute", "Company", "PublicAuthority",
            "Ministry", "CityHall", "Agency", "NGO", "Association", "Cluster", "ProfessionalBody",
        )
    },
    "Project": "project",
    "Network": "project",
    "Programme": "programme",
    "Call": "call",
    "Event": "event",
    "Initiative": "initiative",
    "Mission": "initiative",
    "Hub": "initiative",
}
KINDS = tuple(style.KIND_STYLES)
#: Classes that have subclasses among KIND_OF_TYPE rank below them: a node typed University and
#: Organisation is a University.
TYPE_RANK = {"Organisation": 0, "PublicAuthority": 1, "Project": 0, "Initiative": 0}

#: The ties a map draws, by family (roles, funding, calls, location, membership, ...).
EDGE_FAMILIES: dict[str, str] = {
    "coordinator": "role", "leadPartner": "role", "partner": "role",
    "fundedBy": "funding",
    "fundedUnderCall": "call", "partOfProgramme": "call",
    "city": "location", "country": "location", "location": "location", "pilotArea": "location",
    "coreCountry": "location", "supportingCountry": "location", "governs": "location",
    "memberOf": "membership", "selectedCity": "membership", "candidateCity": "membership",
    "subOrganisationOf": "membership", "partOf": "membership",
    "managedBy": "organisation", "launchedBy": "organisation", "hostedBy": "organisation",
    "establishedBy": "organisation", "organisedBy": "organisation",
    "designatedBy": "organisation", "nationalContactPoint": "organisation", "endorsedBy": "organisation",
    "cofunds": "funding", "commitsTo": "membership",
    "basedOn": "other", "relatedTo": "other", "presentedAt": "other", "drafts": "other",
    "advises": "other", "cooperatesWith": "other", "supports": "other", "contributesTo": "other",
    "alignedWith": "other",
}
ROLES = ("coordinator", "leadPartner", "partner")
DATE_FACTS = ("startDate", "endDate", "signedDate", "openingDate", "deadline", "foundingDate")
AMOUNT_FACTS = ("budget", "funding")
VALUE_FACTS = (*AMOUNT_FACTS, *DATE_FACTS, "grantAgreement")

#: How each filter of ``load_network`` is checked: the kinds its entity may be (a Mission or
#: another initiative stands for the projects tied to it, drawn as its neighbourhood).
FILTER_KINDS = {
    "project": {"project", "initiative"},
    "programme": {"programme", "initiative"},
    "city": {"city", "district"},
    "country": {"country"},
}
#: The classes a filter given by name is looked up among.
FILTER_TYPES = {
    "project": {"Project", "Initiative"},
    "programme": {"Programme", "Initiative"},
    "city": {"City", "CityDistrict"},
    "country": {"Country"},
    "around": None,
}
MAX_RADIUS = 3


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def source_text(document: str | None, first: Any = None, last: Any = None) -> str | None:
    """``(…/doc/000_2d25…, 9, 11)`` -> ``000:9-11``: the knowledge base's way of citing lines."""
    if not document:
        return None
    key = document[len(DOC_PREFIX):] if document.startswith(DOC_PREFIX) else local_name(document)
    short = re.fullmatch(r"(\d+)_[0-9a-f]{8,}", key)  # 000_2d257a1268e77571 -> 000, the key the KB cites
    key = short.group(1) if short else key
    if first in (None, ""):
        return key
    return f"{key}:{first}" if last in (None, "", first) or str(last) == str(first) else f"{key}:{first}-{last}"


def passage_link(document: str, first: Any, last: Any = None) -> str:
    """The passage view of a document's lines on the server: ``/documents/000_2d25…?lines=9-11#L9``."""
    key = document[len(DOC_PREFIX):] if document.startswith(DOC_PREFIX) else local_name(document)
    lines = str(first) if last in (None, "", first) or str(last) == str(first) else f"{first}-{last}"
    return f"/documents/{key}?lines={lines}#L{first}"


def _sort_sources(sources: Iterable[str]) -> list[str]:
    def key(source: str) -> tuple:
        document, _, lines = source.partition(":")
        numbers = [int(n) for n in re.findall(r"\d+", lines)] or [0]
        return (document, numbers)

    return sorted(set(sources), key=key)


def _amount(value: Any) -> float | None:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _typed(row: Mapping[str, Any], types: dict[str, str]) -> str | None:
    """The row's entity, its most specific class kept in ``types`` (a store may also hold the
    superclasses); None for a row that is about no entity a map draws."""
    node, type_ = row.get("node"), row.get("type")
    if not node or not type_ or local_name(type_) not in KIND_OF_TYPE:
        return None
    name = local_name(type_)
    if TYPE_RANK.get(name, 2) > TYPE_RANK.get(types.get(node, ""), -1):
        types[node] = name
    return node


def build_network(
    rows: Iterable[Mapping[str, Any]],
    *,
    vocabulary: Mapping[str, Mapping[str, str]] | None = None,
    lang: str = "ro",
    focus: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """Assemble the rows of ``map_network`` into a graph (pure: no store, no I/O).

    ``vocabulary`` maps class and property IRIs to their labels per language (the
    ``map_vocabulary`` query); without it, local names are used. Ties to entities that are not
    among the rows' nodes are left out, so the graph is the one the rows' entities induce.
    """
    style.check_lang(lang)
    vocabulary = vocabulary or {}

    def term_label(iri: str) -> str:
        labels = vocabulary.get(iri) or {}
        return labels.get(lang) or labels.get("ro") or labels.get("en") or local_name(iri)

    types: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    acronyms: dict[str, str] = {}
    ties: set[tuple[str, str, str]] = set()
    values: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    evidence: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    mentions: dict[str, set[str]] = defaultdict(set)
    passages: dict[str, str] = {}  # a citation as shown (000:9) -> its passage view

    for row in rows:
        node = _typed(row, types)
        if node is None:
            continue
        if row.get("label"):
            labels[node].setdefault(row.get("labelLang") or "ro", str(row["label"]))
        if row.get("acronym"):
            acronyms.setdefault(node, str(row["acronym"]))
        relation, target = row.get("relation"), row.get("target")
        source = source_text(row.get("document"), row.get("lineStart"), row.get("lineEnd"))
        if source and row.get("lineStart") not in (None, ""):
            passages.setdefault(source, passage_link(row["document"], row["lineStart"], row.get("lineEnd")))
        if row.get("evidence"):
            if relation and target is not None and source:
                evidence[(node, local_name(relation), str(target))].add(source)
            continue
        if row.get("mention"):
            if source:
                mentions[node].add(source)
            continue
        if not relation or target is None:
            continue
        name = local_name(relation)
        if name in EDGE_FAMILIES:
            ties.add((node, name, str(target)))
        elif name in VALUE_FACTS:
            values[node][(name, str(target))] = {
                "relation": relation,
                "amount": _amount(row.get("amount")),
                "currency": row.get("currency"),
            }

    graph = nx.MultiDiGraph(lang=lang)
    focus = [f for f in focus if f in types]
    for node, type_name in types.items():
        names = labels.get(node, {})
        name = names.get(lang) or names.get("ro") or names.get("en") or local_name(node)
        acronym = acronyms.get(node)
        data: dict[str, Any] = {
            "iri": node,
            "kind": KIND_OF_TYPE[type_name],
            "type": type_name,
            "type_label": term_label(CKG + type_name),
            "name": name,
            "label": style.short_label(acronym if acronym and len(acronym) < len(name) else name),
            "focus": node in focus,
        }
        for lang_ in style.LANGS:
            if names.get(lang_):
                data[f"name_{lang_}"] = names[lang_]
        if acronym:
            data["acronym"] = acronym
        facts, budgets = [], []
        for (relation, value), detail in sorted(values[node].items(), key=lambda kv: (VALUE_FACTS.index(kv[0][0]), kv[0][1])):
            sources = _sort_sources(evidence.get((node, relation, value), ()))
            if relation in AMOUNT_FACTS:
                if detail["amount"] is None or not detail["currency"]:
                    continue
                shown = style.format_amount(detail["amount"], detail["currency"])
                if relation == "budget" and detail["currency"] == "EUR":
                    budgets.append(detail["amount"])
            else:
                shown = value
            facts.append({"label": term_label(detail["relation"]), "value": shown, "sources": sources})
        if facts:
            data["facts"] = facts
        if budgets:
            data["budget_eur"] = max(budgets)
        if mentions.get(node):
            data["sources"] = _sort_sources(mentions[node])
        graph.add_node(node, **data)

    for node, relation, target in sorted(ties):
        if target not in types or target == node:
            continue
        graph.add_edge(
            node,
            target,
            key=relation,
            relation=relation,
            family=EDGE_FAMILIES[relation],
            label=term_label(CKG + relation),
            role=relation in ROLES,
            sources=_sort_sources(evidence.get((node, relation, target), ())),
        )
    graph.graph["focus"] = focus
    graph.graph["passages"] = passages
    one_node_per_thing(graph)
    if graph.number_of_nodes() == 0:
        graph.graph["message"] = style.text(lang, "empty")
    elif graph.number_of_edges() == 0:
        graph.graph["message"] = style.text(lang, "no_ties")
    return graph


#: A name at least this many words long is distinctive: another entity of the same kind whose
#: name is it, or begins with it, is the same thing.
DISTINCT_WORDS = 5


def one_node_per_thing(graph: nx.MultiDiGraph) -> None:
    """Entities of one kind whose names are the same, up to case and diacritics, or of which one
    is a long name the other begins with ("Misiunea UE pentru 100 de orașe inteligente și neutre
    climatic" and "… până în 2030"), are one thing the graph holds twice (a name extracted from a
    document and not yet linked to the knowledge base's entity). The map draws one node, the
    best-connected, with the others' ties and sources and their IRIs in ``same_as``. Events are
    left apart: two sessions may share a name."""
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data["kind"] != "event":
            by_kind[data["kind"]].append((" ".join(re.findall(r"\w+", fold(data["name"]))), node))
    same: dict[str, str] = {}  # node -> the node that stands for its group (union-find)

    def root(node: str) -> str:
        while same.get(node, node) != node:
            node = same[node]
        return node

    for named in by_kind.values():
        named.sort()
        for i, (name, node) in enumerate(named):  # a name's longer forms follow it in sorted order
            for longer, other in named[i + 1:]:
                if not longer.startswith(name):
                    break
                if longer == name or (len(name.split()) >= DISTINCT_WORDS and longer.startswith(name + " ")):
                    same[root(other)] = root(node)
    groups: dict[str, list[str]] = defaultdict(list)
    for node in same:
        groups[root(node)].append(node)
    focus = set(graph.graph.get("focus", ()))
    for head, members in groups.items():
        keep, *others = sorted({head, *members}, key=lambda n: (n not in focus, -graph.degree(n), len(n), n))
        kept = graph.nodes[keep]
        for other in others:
            data = graph.nodes[other]
            kept["sources"] = _sort_sources(set(kept.get("sources", ())) | set(data.get("sources", ())))
            kept.setdefault("same_as", []).append(data["iri"])
            for u, v, key, edge in list(graph.in_edges(other, keys=True, data=True)) + list(graph.out_edges(other, keys=True, data=True)):
                u, v = (keep if u == other else u), (keep if v == other else v)
                if u != v and not graph.has_edge(u, v, key):
                    graph.add_edge(u, v, key=key, **edge)
            graph.remove_node(other)
        if "sources" in kept and not kept["sources"]:
            del kept["sources"]


# --- the store -----------------------------------------------------------------------------------


def _plain_rows(result: ox.QuerySolutions) -> Iterator[dict[str, Any]]:
    """Query solutions as dicts of plain values; a language tag goes in ``NAMELang``."""
    names = [v.value for v in result.variables]
    for solution in result:
        row: dict[str, Any] = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            row[name] = term.value
            if isinstance(term, ox.Literal) and term.language:
                row[name + "Lang"] = term.language
        yield row


def load_vocabulary(store: GraphStore) -> dict[str, dict[str, str]]:
    """Labels of the ontology's classes and properties: IRI -> {language: label}."""
    query = get_query("map_vocabulary")
    vocabulary: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _plain_rows(store.query(query.text, bindings=query.bindings({}))):
        vocabulary[row["term"]].setdefault(row.get("labelLang", "en"), row["label"])
    return dict(vocabulary)


def type_names(types: Iterable[str] | None) -> list[str] | None:
    """Kinds (``organisation``) and classes (``University``) -> class names; unknown names refused."""
    if not types:
        return None
    by_lower = {name.lower(): name for name in KIND_OF_TYPE}
    names: list[str] = []
    for item in types:
        for part in re.split(r"[,\s]+", str(item).strip()):
            if not part:
                continue
            if part.lower() in KINDS:
                names += [t for t, kind in KIND_OF_TYPE.items() if kind == part.lower()]
            elif part.lower() in by_lower:
                names.append(by_lower[part.lower()])
            else:
                raise QueryError(
                    f"unknown entity type {part!r}; one of the kinds {', '.join(KINDS)} "
                    f"or the types {', '.join(sorted(KIND_OF_TYPE))}"
                )
    return sorted(set(names))


#: What a map too large to draw keeps of each row: the node's class, its country, its ties.
_GIST = ("node", "type", "label", "labelLang", "relation", "target", "focus")


def _scope_rows(
    store: GraphStore, focus: str, radius: int, types: list[str] | None, max_nodes: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """The rows of one focus, and whether they are more than ``max_nodes`` entities: then only the
    gist of each row is kept from there on (what :func:`aggregate` needs), not its sources."""
    query = get_query("map_network")
    bindings = query.bindings(
        {"focus": focus, "radius": radius, "types": f" {' '.join(types)} " if types else "*"}
    )
    rows: list[dict[str, Any]] = []
    nodes: set[str] = set()
    large = False
    for row in _plain_rows(store.query(query.text, bindings=bindings)):
        nodes.add(row["node"])
        if max_nodes is not None and not large and len(nodes) > max_nodes:
            large = True
            rows = [{k: r.get(k) for k in _GIST} for r in rows if not r.get("evidence") and not r.get("mention")]
        if large:
            if not row.get("evidence") and not row.get("mention"):
                rows.append({k: row.get(k) for k in _GIST})
        else:
            rows.append(row)
    return rows, large


def aggregate(rows: Iterable[Mapping[str, Any]], *, lang: str = "ro", focus: Iterable[str] = ()) -> nx.MultiDiGraph:
    """A map too large to draw, grouped: one node per kind and country (``Universitate · RO``,
    with how many entities it stands for), one edge per family of ties between two groups (with
    how many ties). Pure, like :func:`build_network`; the entities in ``focus`` keep a node of
    their own.

    >>> rows = [{"node": f"https://w3id.org/citykg/org/o{i}", "type": CKG + "University"} for i in range(3)]
    >>> rows += [{"node": f"https://w3id.org/citykg/org/o{i}", "type": CKG + "University", "relation": CKG + "country",
    ...           "target": "https://w3id.org/citykg/country/ro"} for i in range(3)]
    >>> [(d["name"], d["count"]) for _, d in aggregate(rows, lang="en").nodes(data=True)]
    [('Organisations · RO', 3)]
    """
    focus = set(focus)
    types: dict[str, str] = {}
    country: dict[str, str] = {}
    names: dict[str, str] = {}
    ties: list[tuple[str, str, str]] = []
    for row in rows:
        node = _typed(row, types)
        if node is None:
            continue
        if node in focus and row.get("label"):
            names.setdefault(node, str(row["label"]))
        relation, target = row.get("relation"), row.get("target")
        if relation and target is not None:
            relation = local_name(relation)
            if relation == "country":
                country.setdefault(node, local_name(str(target)).upper())
            if relation in EDGE_FAMILIES:
                ties.append((node, relation, str(target)))

    def group(node: str) -> str:
        if node in focus:
            return node
        kind = KIND_OF_TYPE[types[node]]
        return f"group:{kind}:{country.get(node, '') if kind not in ('country', 'programme', 'call') else ''}"

    members: dict[str, list[str]] = defaultdict(list)
    for node in types:
        members[group(node)].append(node)
    graph = nx.MultiDiGraph(lang=lang, aggregated=len(types))
    for key, nodes in sorted(members.items()):
        kind = KIND_OF_TYPE[types[nodes[0]]]
        where = key.rsplit(":", 1)[-1] if key.startswith("group:") else ""
        kind_name = style.kind_style(kind).label[lang]
        name = names.get(key) or (f"{kind_name} · {where}" if where else kind_name)
        label = name if key in focus else f"{name}\n({len(nodes)})"
        graph.add_node(key, iri=key, kind=kind, type=types[nodes[0]], type_label=kind_name, name=name,
                       label=label, count=len(nodes), focus=key in focus, budget_eur=float(len(nodes)))
    counted: dict[tuple[str, str, str], int] = defaultdict(int)
    for node, relation, target in ties:
        if target in types and target != node:
            counted[(group(node), EDGE_FAMILIES[relation], group(target))] += 1
    for (u, family, v), count in sorted(counted.items()):
        if u != v:
            graph.add_edge(u, v, key=family, relation=family, family=family, label=str(count), role=False,
                           sources=[], count=count)
    graph.graph["focus"] = sorted(focus & set(graph))
    return graph


def _name_the_unnamed(store: GraphStore, graph: nx.MultiDiGraph) -> None:
    """Entities the map's rows gave no name (a CORDIS programme part, a country of an import):
    the name search's name (a code such as HORIZON.2.5), else the id's last part in capitals
    (``GB``), never the id itself."""
    unnamed = [n for n, d in graph.nodes(data=True) if d["name"] == local_name(n)]
    if not unnamed:
        return
    index = label_index(store)
    for node in unnamed:
        entity = index.get(node)
        name = entity.name if entity is not None else local_name(node).upper() if graph.nodes[node]["kind"] == "country" else None
        if name:
            graph.nodes[node].update(name=name, label=style.short_label(name))


def load_network(
    store: GraphStore,
    *,
    project: str | None = None,
    programme: str | None = None,
    city: str | None = None,
    country: str | None = None,
    types: Iterable[str] | None = None,
    around: str | None = None,
    radius: int = 2,
    lang: str = "ro",
    max_nodes: int | None = None,
) -> nx.MultiDiGraph:
    """The map's network from the store, with every filter evaluated by the store.

    Each given filter selects a scope (see ``queries/map_network.rq``): a project, a programme, a
    city or a country by its kind; ``around`` every entity within ``radius`` ties. Several filters
    keep what all their scopes share, plus the filtered entities themselves. ``types`` keeps only
    entities of these kinds or classes. No filter at all: the whole graph. An entity the graph
    does not know raises NotFoundError naming it; more than ``max_nodes`` entities are drawn
    grouped by kind and country (:func:`aggregate`).
    """
    style.check_lang(lang)
    names = type_names(types)
    scopes: list[tuple[str, str, int]] = [
        (flag, value, 0)
        for flag, value in (("project", project), ("programme", programme), ("city", city), ("country", country))
        if value
    ]
    if around:
        if not 1 <= int(radius) <= MAX_RADIUS:
            raise QueryError(f"radius must be between 1 and {MAX_RADIUS}, got {radius}")
        scopes.append(("around", around, int(radius)))
    if not scopes:
        scopes = [("all", ONTOLOGY_IRI, 0)]
    single = len(scopes) == 1
    large = False
    results: list[list[dict[str, Any]]] = []
    focus: list[str] = []
    resolved: dict[str, str] = {}
    resolver: EntityResolver | None = None
    for flag, value, scope_radius in scopes:
        if flag != "all" and not (ENTITY_ID.fullmatch(value.strip()) or value.startswith(("http://", "https://"))):
            resolver = resolver or EntityResolver(store)  # a name: the entity it names, or a 4xx listing candidates
            value = resolver.entity(flag, value, types=FILTER_TYPES[flag], what=flag).iri
        rows, too_many = _scope_rows(store, value, scope_radius, names, max_nodes if single else None)
        large = large or too_many
        if not rows:
            raise NotFoundError(f"no entity {value!r} in the graph")
        iri = rows[0]["focus"]
        if flag in FILTER_KINDS:
            kind = next((KIND_OF_TYPE.get(local_name(r["type"])) for r in rows if r["node"] == iri), None)
            if kind not in FILTER_KINDS[flag]:
                raise QueryError(f"{value!r} is not a {flag} but a {kind or 'thing without a type'}")
            if kind == "initiative":  # its projects, members and cities: what is tied to it
                rows, too_many = _scope_rows(store, iri, 1, names, max_nodes if single else None)
                large = large or too_many
        if flag != "all":
            focus.append(iri)
            resolved[flag] = iri
        results.append(rows)
    keep = set.intersection(*({row["node"] for row in rows} for rows in results)) | set(focus)
    rows = [row for result in results for row in result if row["node"] in keep]
    if large or (max_nodes is not None and len(keep) > max_nodes):
        graph = aggregate(rows, lang=lang, focus=focus)
    else:
        graph = build_network(rows, vocabulary=load_vocabulary(store), lang=lang, focus=focus)
        _name_the_unnamed(store, graph)
    graph.graph["filters"] = {
        **resolved, "radius": int(radius) if around else None, "types": names,
    }
    graph.graph["resolved"] = resolver.resolved if resolver else {}
    return graph
