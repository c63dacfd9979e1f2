"""Tie imported records (CORDIS organisations and projects, ROR records) to the reviewed
entities of the knowledge base, and say why.

Decision: a record that matches a reviewed entity is imported *onto the reviewed entity's IRI*
(its participations, names and identifiers hang on ``org/primaria-cluj-napoca``, not on a copy),
and ``graph/links`` states ``<reviewed> owl:sameAs <the IRI the record would have had>``
(``org/cordis-966466485``, ``org/ror-03r8nwp71``, ``project/cordis-101036519``) with one
``ckg:Evidence`` per link: the method, a confidence, the record's name as written
(``ckg:surfaceForm``), the file and lines of the record, and a comment naming what it matched.
So partner search, the named queries and the map see one entity without following
``owl:sameAs`` (no query has to change, and no inference is needed), and an analyst can still
find, check and undo every link. A record that matches nothing keeps its own IRI.

Methods, tried in this order:

* ``link.ror-id``: the record's ROR id is the reviewed entity's ``ckg:ror``;
* ``link.grant-agreement``: a CORDIS project whose id is a reviewed project's grant agreement;
* ``link.exact-name``: the record's name (or an alias) equals a name or alias of exactly one
  reviewed organisation, compared lowercased and without diacritics or punctuation, and the
  countries do not disagree;
* ``link.fuzzy-name-city``: the names are close (rapidfuzz ``token_sort_ratio`` >= 90 on
  Romanian-stemmed words) *and* both are seated in the same city. A city hall also answers to
  the names a municipality takes in the data sets ("Municipiul Cluj-Napoca", "Primăria ...",
  "Municipality of ..."), derived from its city's names; the comment says so.

Links are made at import time: after the knowledge base changes, re-import to refresh them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from citykg.namespaces import CKG, evidence_iri, graph_iri, statement_key
from ingest.cordis import QuadWriter, ckg, kg, lit, T_TYPE, RDF_NS, XSD
from ingest.normalise import fold, stem

FUZZY_THRESHOLD = 90

ORGANISATION_CLASSES = {
    CKG[c] for c in ("Organisation", "University", "ResearchInstitute", "Company", "PublicAuthority", "Ministry",
                     "CityHall", "Agency", "NGO", "Association", "Cluster", "ProfessionalBody")
}

CITY_HALL_NAMES = ("Municipiul {}", "Primăria {}", "Primăria Municipiului {}", "Municipality of {}",
                   "City of {}", "{} City Hall", "Unitatea Administrativ-Teritorială {}")


def norm(text: str) -> str:
    """Lowercase, no diacritics, punctuation as spaces: ``"Babeș-Bolyai"`` -> ``"babes bolyai"``."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text.lower())).split())


def stemmed(text: str) -> str:
    return " ".join(stem(w) for w in norm(text).split())


def city_key(text: str) -> str:
    """``"CLUJ - NAPOCA"``, ``"Cluj-Napoca"`` -> ``"clujnapoca"``."""
    return norm(text).replace(" ", "")


@dataclass(frozen=True)
class Link:
    target: str  # the reviewed entity, as an N-Triples IRI term
    method: str
    score: float  # 0..1
    surface: str  # the record's name as written
    matched: str  # what of the reviewed entity it matched, for the comment


@dataclass
class _Org:
    iri: str
    names: list[str]  # real names and aliases
    acronyms: list[str]
    derived: list[str] = field(default_factory=list)  # names a city hall answers to
    city: str | None = None  # city key
    country: str | None = None  # ISO code


class Linker:
    """An index of the knowledge base's reviewed entities, to match imported records against."""

    def __init__(self) -> None:
        self.orgs: list[_Org] = []
        self.exact: dict[str, set[int]] = defaultdict(set)  # norm(name) -> orgs
        self.by_city: dict[str, list[int]] = defaultdict(list)
        self.by_ror: dict[str, str] = {}
        self.by_grant: dict[str, str] = {}
        self.cities: dict[tuple[str, str | None], str] = {}  # (city key, iso) -> city term
        self.city_names: dict[str, list[str]] = {}  # city term -> names

    @classmethod
    def empty(cls) -> "Linker":
        return cls()

    @classmethod
    def from_graphs(cls, graphs: dict[URIRef, Graph], entity_types: dict[URIRef, URIRef]) -> "Linker":
        """From the knowledge base's graphs (``KnowledgeBase.graphs``, ``.entity_types``)."""
        linker = cls()
        kb = graphs.get(graph_iri("kb"), Graph())
        iso = {c: str(code) for c, code in kb.subject_objects(CKG.isoCode)}
        for entity, cls_ in sorted(entity_types.items()):
            if cls_ == CKG.City:
                names = [str(n) for p in (SKOS.prefLabel, SKOS.altLabel) for n in kb.objects(entity, p)]
                country = iso.get(next(kb.objects(entity, CKG.country), None))
                linker.city_names[f"<{entity}>"] = names
                for name in names:
                    linker.cities.setdefault((city_key(name), country), f"<{entity}>")
                    linker.cities.setdefault((city_key(name), None), f"<{entity}>")
        for entity, cls_ in sorted(entity_types.items()):
            if cls_ not in ORGANISATION_CLASSES:
                continue
            names = sorted({str(n) for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for n in kb.objects(entity, p)})
            acronyms = sorted({str(a) for a in kb.objects(entity, CKG.acronym)})
            city = next(kb.objects(entity, CKG.city), None)
            org = _Org(f"<{entity}>", names, acronyms, country=iso.get(next(kb.objects(entity, CKG.country), None)))
            if city is not None:
                city_names = linker.city_names.get(f"<{city}>", [])
                org.city = city_key(city_names[0]) if city_names else None
                if cls_ == CKG.CityHall:
                    org.derived = [form.format(n) for n in city_names for form in CITY_HALL_NAMES]
            linker._add(org)
            for ror in kb.objects(entity, CKG.ror):
                linker.by_ror[str(ror).rsplit("/", 1)[-1]] = f"<{entity}>"
        for g in graphs.values():
            for project, grant in g.subject_objects(CKG.grantAgreement):
                linker.by_grant.setdefault(str(grant).strip(), f"<{project}>")
        return linker

    @classmethod
    def from_knowledge_base(cls, knowledge: Path, sources: Path) -> "Linker":
        """Load the knowledge base (checked against the source documents) and index it."""
        from citykg.build import load_ontology
        from ingest.knowledge_base import load_knowledge_base

        kb = load_knowledge_base(knowledge, sources, load_ontology())
        return cls.from_graphs(kb.graphs, kb.entity_types)

    def _add(self, org: _Org) -> None:
        index = len(self.orgs)
        self.orgs.append(org)
        for name in org.names:
            self.exact[norm(name)].add(index)
        if org.city:
            self.by_city[org.city].append(index)

    # lookups ----------------------------------------------------------------------------
    def project(self, grant: str) -> str | None:
        return self.by_grant.get(grant)

    def city(self, name: str, iso: str | None) -> str | None:
        key = city_key(name)
        return self.cities.get((key, iso)) or (self.cities.get((key, None)) if iso is None else None)

    def ror(self, ror_id: str, surface: str) -> Link | None:
        target = self.by_ror.get(ror_id.rsplit("/", 1)[-1])
        return Link(target, "link.ror-id", 1.0, surface, f"ROR id {ror_id}") if target else None

    def organisation(self, name: str, aliases: list[str], city: str | None, country: str | None) -> Link | None:
        """The reviewed organisation a record names, by exact name, else fuzzy name and city."""
        forms = [n for n in [name, *aliases] if n and n.strip()]
        for form in forms:
            hits = {i for i in self.exact.get(norm(form), ()) if _same_country(self.orgs[i].country, country)}
            if len({self.orgs[i].iri for i in hits}) == 1:
                org = self.orgs[hits.pop()]
                return Link(org.iri, "link.exact-name", 1.0, form, f"same name as {_name_of(org, form)!r}")
        if not city:
            return None
        best: tuple[float, _Org, str, str, bool] | None = None
        for i in self.by_city.get(city_key(city), ()):
            org = self.orgs[i]
            if not _same_country(org.country, country):
                continue
            candidates = [(n, False) for n in org.names + org.acronyms] + [(n, True) for n in org.derived]
            for form in forms:
                a = stemmed(form)
                for candidate, derived in candidates:
                    score = fuzz.token_sort_ratio(a, stemmed(candidate))
                    if best is None or score > best[0]:
                        best = (score, org, form, candidate, derived)
        if best is None or best[0] < FUZZY_THRESHOLD:
            return None
        score, org, form, candidate, derived = best
        what = f"the name a city hall takes, {candidate!r}" if derived else repr(candidate)
        return Link(org.iri, "link.fuzzy-name-city", round(score / 100, 2), form,
                    f"name close to {what} ({score:.0f}/100) and seated in the same city, {city}")


def _same_country(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _name_of(org: _Org, form: str) -> str:
    key = norm(form)
    return next((n for n in org.names if norm(n) == key), org.names[0] if org.names else form)


OWL_SAME_AS = f"<{OWL.sameAs}>"


class LinkWriter(QuadWriter):
    """``owl:sameAs`` links and their evidence, in ``graph/links``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, graph_iri("links"))
        self.methods: Counter[str] = Counter()

    def same_as(self, target: str, other: str, method: str, score: float, comment: str,
                surface: str | None = None, key: str | None = None, first: int | None = None,
                last: int | None = None) -> None:
        self.add(target, OWL_SAME_AS, other)
        ev = f"<{evidence_iri(target[1:-1], OWL.sameAs, other[1:-1], key or '', first or 0, last or 0, method)}>"
        self.add(ev, T_TYPE, ckg("Evidence"))
        self.add(ev, f"<{RDF_NS}subject>", target)
        self.add(ev, f"<{RDF_NS}predicate>", OWL_SAME_AS)
        self.add(ev, f"<{RDF_NS}object>", other)
        self.add(ev, ckg("statementKey"), lit(statement_key(target[1:-1], OWL.sameAs)))
        self.add(ev, ckg("method"), lit(method))
        self.add(ev, ckg("confidence"), lit(f"{score:.2f}", datatype=XSD + "decimal"))
        self.add(ev, f"<{RDFS.comment}>", lit(comment, lang="en"))
        if surface:
            self.add(ev, ckg("surfaceForm"), lit(surface))
        if key:
            self.add(ev, ckg("sourceDocument"), kg(f"doc/{key}"))
            self.add(ev, ckg("lineStart"), lit(first, datatype=XSD + "positiveInteger"))
            self.add(ev, ckg("lineEnd"), lit(last, datatype=XSD + "positiveInteger"))
        self.methods[method] += 1

    def link(self, link: Link, other: str, key: str, first: int, last: int) -> None:
        self.same_as(link.target, other, link.method, link.score, link.matched, link.surface, key, first, last)

    def __enter__(self) -> "LinkWriter":
        return self
