"""Find entities by name: the label index behind ``GET /search``, the partner search's free text,
and the names given for its filters (``country=Romania``, ``near=UPB``).

Search knows Romanian: names are compared on folded tokens (lowercase, no diacritics, so ş and ș,
ţ and ț, ă â î all fold) reduced to their stems (``ingest.normalise.stem`` strips case and article
endings), so "Municipiului Cluj-Napoca" finds the alias "Municipiul Cluj-Napoca" and "Politehnica
Bucuresti" finds "Universitatea Politehnica din București". A word that matches nothing is looked
up among known words of close spelling (one or two typos), and the last word of a query may be
the beginning of a word (autocompletion).

The index is built from one named query over all labels (``queries/entity_labels.rq``) and kept
per served build (:func:`per_build`). A lookup never scans every label: each query word picks
the entities that have it from a token index, and only the labels of those candidates are
scored with rapidfuzz, so its cost depends on how common the words are, not on the size of the
graph (CORDIS: 72,000 organisations, 80,000 projects).

>>> city = "https://w3id.org/citykg/city/timisoara"
>>> index = LabelIndex.from_rows([
...     (city, "http://www.w3.org/2004/02/skos/core#prefLabel", "Timișoara"),
...     (city, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/citykg/ontology#City")])
>>> [hit.id for hit in index.search("Timişoara")], [hit.id for hit in index.search("timsoara")]
(['city/timisoara'], ['city/timisoara'])
"""

from __future__ import annotations

import gc
import re
import sys
import threading
import weakref
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pyoxigraph as ox
from rapidfuzz import fuzz, process

from citykg.errors import AmbiguousParameterError, InvalidParameterError
from citykg.namespaces import BASE
from citykg.queries import NODE_ID, get_query
from citykg.store import EmbeddedStore, GraphStore, MemoryStore, ReviewedLayer
from ingest.normalise import fold, stem

#: The classes of the entities the index holds (``GET /search?type=`` takes these).
ENTITY_TYPES = (
    "Place", "City", "CityDistrict", "Country",
    "Organisation", "University", "ResearchInstitute", "Company", "PublicAuthority", "Ministry",
    "CityHall", "Agency", "NGO", "Association", "Cluster", "ProfessionalBody",
    "Project", "Network", "Programme", "Call", "Event", "Initiative", "Mission", "Hub",
)
#: Longest query text accepted (a name, not a document).
MAX_QUERY_CHARS = 200
#: An entity id as the project writes it: KIND/slug.
ENTITY_ID = re.compile(r"[a-z]+/[a-z0-9][a-z0-9-]*")
#: Small words that do not have to match (they still count in the score).
STOPWORDS = frozenset(
    "a al ale and cel cea cu de des din du for in la of pe pentru si the".split()
)
_TOKEN = re.compile(r"[^\W_]+")
_CKG = BASE + "ontology#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_LABEL = {_SKOS + "prefLabel": "prefLabel", _SKOS + "altLabel": "altLabel", _CKG + "acronym": "acronym",
          _SKOS + "notation": "notation"}
_PLACE = {_CKG + "city": "city", _CKG + "country": "country"}
#: A label's property: the preferred name ranks above other names.
_PROPERTY_RANK = {"prefLabel": 0, "acronym": 1, "altLabel": 2, "notation": 3}
PREFIX_EXPANSIONS = 64  # words a last, unfinished query word may stand for
FUZZY_CUTOFF = 75.0  # rapidfuzz ratio a misspelt word needs to stand for a known one
MAX_CANDIDATES = 5000  # entities whose labels are scored for one query
SCORE_CUTOFF = 40.0  # lowest label score a hit may have
RESOLVE_CUTOFF = 80.0  # lowest score for a name given as a filter value
RESOLVE_CANDIDATES = 20  # names a filter value is compared with
MIN_COVERAGE = 0.5  # a hit has at least half of the query's words (other than small words)


@dataclass(frozen=True)
class Label:
    text: str
    property: str  # prefLabel | altLabel | acronym | notation (a code: the name of what has no other)
    lang: str | None
    key: str  # folded stems, space-separated: what labels are compared on


@dataclass(frozen=True)
class IndexedEntity:
    """An entity as the index knows it: names, most specific class, all classes, place."""

    id: str
    iri: str
    type: str
    types: frozenset[str]
    name: str
    name_en: str | None
    city: str | None
    country: str | None
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class SearchHit:
    """An entity found by name, with the label that matched and how well (score 0-100)."""

    id: str
    iri: str
    name: str
    name_en: str | None
    type: str
    city: str | None
    country: str | None
    label: str
    property: str
    score: float
    coverage: float  # share of the query's words (other than small words) the entity has
    exact: int = field(default=0)  # 2: a label is the query as typed, 1: once folded, 0: neither

    def rank_key(self) -> tuple:
        """Hits sort on this: more of the query's words, exact, better score, preferred name,
        shorter label."""
        return (-self.coverage, -self.exact, -self.score, _PROPERTY_RANK.get(self.property, 3), len(self.label))


class Match(NamedTuple):
    """An entity a query found, before it is shown: its position in the index, which of its
    labels matched best (its number among the entity's labels, that label's property rank and
    length) and how well. Partner search ranks thousands of these to show a page of them."""

    position: int
    label: int
    score: float
    coverage: float
    exact: int
    property_rank: int
    length: int

    def rank_key(self) -> tuple:
        """The same order as :meth:`SearchHit.rank_key`."""
        return (-self.coverage, -self.exact, -self.score, self.property_rank, self.length)


def tokens(text: str) -> list[str]:
    """Folded words of a text: ``tokens("Timişoara, Cluj-Napoca") == ['timisoara', 'cluj', 'napoca']``."""
    return _TOKEN.findall(fold(text))


def key_of(words: Iterable[str]) -> str:
    return " ".join(stem(w) for w in words)


class LabelIndex:
    """Every entity's names, indexed by folded, stemmed tokens."""

    def __init__(self, entities: Iterable[IndexedEntity]) -> None:
        self.entities: list[IndexedEntity] = list(entities)
        self._members: dict[tuple, set[str]] = {}
        self._by_iri = {e.iri: n for n, e in enumerate(self.entities)}
        # Every label's key, text, property rank and length in flat arrays (entity n's labels are
        # at _first[n] .. _first[n + 1] - 1): a common word's thousands of candidates are scored
        # and ranked on these in numpy, as a Python loop over their labels cost more than the
        # scoring itself.
        self._keys: list[str] = [label.key for entity in self.entities for label in entity.labels]
        self._texts: list[str] = [label.text for entity in self.entities for label in entity.labels]
        self._first = np.zeros(len(self.entities) + 1, dtype=np.int64)
        np.cumsum([len(entity.labels) for entity in self.entities], out=self._first[1:])
        self._ranks = np.array([_PROPERTY_RANK.get(label.property, 3) for entity in self.entities
                                for label in entity.labels], dtype=np.int64)
        self._lengths = np.array([len(text) for text in self._texts], dtype=np.int64)
        # each entity's shortest label: which of a very common word's candidates are scored
        has_labels = self._first[1:] > self._first[:-1]
        self._shortest = np.zeros(len(self.entities), dtype=np.int64)
        if has_labels.any():
            self._shortest[has_labels] = np.minimum.reduceat(self._lengths, self._first[:-1][has_labels])
        stems: dict[str, set[int]] = defaultdict(set)
        words: dict[str, set[int]] = defaultdict(set)
        for n, entity in enumerate(self.entities):
            for label in entity.labels:
                for word in tokens(label.text):
                    words[word].add(n)
                    stems[stem(word)].add(n)
        self._stems = {k: tuple(v) for k, v in stems.items()}
        self._words = {k: tuple(v) for k, v in words.items()}
        self._vocabulary = sorted(self._words)
        buckets: dict[str, list[str]] = defaultdict(list)
        for key in self._stems:
            buckets[key[0]].append(key)
        self._buckets = dict(buckets)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Any, Any, Any]]) -> LabelIndex:
        """From the rows (entity, property, value) of ``entity_labels``: pyoxigraph terms, or
        plain strings (then a label has no language)."""
        labels: dict[str, dict[tuple, Label]] = defaultdict(dict)
        types: dict[str, set[str]] = defaultdict(set)
        place: dict[str, dict[str, str]] = defaultdict(dict)
        parents: dict[str, set[str]] = defaultdict(set)
        for entity, prop, value in rows:
            # interned, as the partnership network's IRIs are: the same string objects in both
            entity, prop = sys.intern(getattr(entity, "value", entity)), getattr(prop, "value", prop)
            text = getattr(value, "value", value)
            if prop == _SUBCLASS:
                parents[entity.removeprefix(_CKG)].add(text.removeprefix(_CKG))
            elif not entity.startswith(BASE):
                continue
            elif prop == _TYPE:
                types[entity].add(text.removeprefix(_CKG))
            elif prop in _PLACE:
                place[entity][_PLACE[prop]] = text
            elif prop in _LABEL:
                lang = getattr(value, "language", None) or None
                label = Label(text, _LABEL[prop], lang, key_of(tokens(text)))
                labels[entity].setdefault((label.text, label.property, label.lang), label)
        above = _ancestors(parents)
        entities = []
        for iri in sorted(set(labels) & set(types)):
            own = types[iri]
            narrowest = sorted(t for t in own if not any(t in above.get(u, ()) for u in own if u != t))
            seat = place[iri].get("city")
            country = place[iri].get("country") or (place.get(seat, {}).get("country") if seat else None)
            entities.append(_entity(iri, narrowest[0] if narrowest else sorted(own)[0],
                                    frozenset(own) | {a for t in own for a in above.get(t, ())},
                                    seat, country, labels[iri].values()))
        return cls(entities)

    @classmethod
    def from_store(cls, store: GraphStore) -> LabelIndex:
        return cls.from_rows((row[0], row[1], row[2]) for row in store.query(get_query("entity_labels").text))

    def members(self, *, type: str | None = None, country: str | None = None) -> set[str]:
        """IRIs of the entities of a class (``University``) and in a country (``country/ro``)."""
        key = (type, country)
        if not self._members:  # each class and each country once, in one pass over the index
            found: dict[tuple, set[str]] = {(None, None): set()}
            for e in self.entities:
                found[(None, None)].add(e.iri)
                for cls in e.types:
                    found.setdefault((cls, None), set()).add(e.iri)
                if e.country:
                    found.setdefault((None, e.country), set()).add(e.iri)
            self._members.update(found)  # whole sets only: a search may be reading them
        if key not in self._members:  # a class and a country together, or one that nothing has
            both = type is not None and country is not None
            self._members[key] = self.members(type=type) & self.members(country=country) if both else set()
        return self._members[key]

    # ------------------------------------------------------------------ lookup

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, id_or_iri: str) -> IndexedEntity | None:
        """The entity with this id (``org/utcn``) or IRI, if the graph has it."""
        iri = id_or_iri if id_or_iri.startswith(("http://", "https://")) else BASE + id_or_iri
        n = self._by_iri.get(iri)
        return None if n is None else self.entities[n]

    def positions(self, iris: Iterable[str]) -> np.ndarray:
        """Where these entities are in the index, as a mask over its positions (what ``within``
        takes; an array, so that thousands of candidates are checked in one step); unknown IRIs
        are left out."""
        by_iri = self._by_iri
        mask = np.zeros(len(self.entities), dtype=bool)
        mask[[by_iri[iri] for iri in iris if iri in by_iri]] = True
        return mask

    def hit(self, match: Match) -> SearchHit:
        entity = self.entities[match.position]
        return _hit(entity, entity.labels[match.label], match.score, match.coverage, match.exact)

    def search(
        self,
        query: str,
        *,
        types: Collection[str] | None = None,
        limit: int | None = 10,
        complete: bool = True,
        within: np.ndarray | None = None,
    ) -> list[SearchHit]:
        """Entities whose names match ``query`` best first.

        ``types``: only entities of one of these classes (``{"Organisation", "City"}``);
        ``within``: only the entities this mask holds (:meth:`positions`); ``complete``: the
        last word may be unfinished.
        """
        entities = self.entities
        found = self.matches(query, types=types, complete=complete, within=within)
        found.sort(key=lambda m: (*m.rank_key(), entities[m.position].name, entities[m.position].id))
        return [self.hit(m) for m in (found if limit is None else found[:limit])]

    def matches(
        self,
        query: str,
        *,
        types: Collection[str] | None = None,
        complete: bool = True,
        within: np.ndarray | None = None,
    ) -> list[Match]:
        """What :meth:`search` finds, all of it, in no order: a caller ranks them its own way."""
        query = query.strip()
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidParameterError(
                "q", query[:40] + "…", f"a name of at most {MAX_QUERY_CHARS} characters, got {len(query)}"
            )
        words = tokens(query)
        if not words:
            return []
        direct = self.get(query) if ENTITY_ID.fullmatch(query) else None
        significant = [w for w in words if w not in STOPWORDS] or words
        matched = [self._entities_for(w, last=complete and w == words[-1]) for w in significant]
        # how many of the query's words each entity has (one word: each candidate has it once, and
        # a common one has thousands of candidates, so they are not counted)
        counts = Counter(chain.from_iterable(matched)) if len(matched) > 1 else matched[0]
        allowed = None if types is None else set(types)
        if within is None:
            candidates = list(counts)
        else:
            found = np.fromiter(counts, dtype=np.int64, count=len(counts))
            candidates = found[within[found]].tolist()
        if allowed is not None:
            candidates = [n for n in candidates if self.entities[n].types & allowed]
        if not candidates and direct is None:
            return []
        if len(matched) > 1:
            best = max((counts[n] for n in candidates), default=0)
            if best < MIN_COVERAGE * len(significant):
                candidates = []
            candidates = [n for n in candidates if counts[n] == best]
        else:
            best = 1 if candidates else 0
        if len(candidates) > MAX_CANDIDATES:
            # the likeliest best first: how well the words match, then the shortest name (a name
            # that is little more than the query scores highest), then the index's order
            kept = np.asarray(candidates, dtype=np.int64)
            strength = np.array([sum(m.get(n, 0.0) for m in matched) for n in candidates])
            candidates = kept[np.lexsort((kept, self._shortest[kept], -strength))[:MAX_CANDIDATES]].tolist()
        found = self._score(query, key_of(words), candidates, best / len(significant))
        if direct is not None and (allowed is None or direct.types & allowed):
            position = self._by_iri[direct.iri]
            found = [m for m in found if m.position != position]
            label = direct.labels[0]
            found.insert(0, Match(position, 0, 100.0, 1.0, 2, _PROPERTY_RANK.get(label.property, 3), len(label.text)))
        return found

    def _entities_for(self, word: str, *, last: bool) -> dict[int, float]:
        """Entities having this word: same stem (1.0), words it begins (0.9), close spellings."""
        found = dict.fromkeys(self._stems.get(stem(word), ()), 1.0)
        if last or not found:
            start = bisect_left(self._vocabulary, word)
            for known in self._vocabulary[start:start + PREFIX_EXPANSIONS]:
                if not known.startswith(word):
                    break
                for n in self._words[known]:
                    found.setdefault(n, 0.9)
        key = stem(word)
        if not found and len(key) >= 4:
            for known, score, _ in process.extract(
                key, self._buckets.get(key[0], ()), scorer=fuzz.ratio,
                score_cutoff=FUZZY_CUTOFF, limit=8,
            ):
                for n in self._stems[known]:
                    found[n] = max(found.get(n, 0.0), 0.8 * score / 100)
        return found

    def _score(self, query: str, key: str, candidates: list[int], coverage: float) -> list[Match]:
        """Score the candidates' labels against the query; each entity by its best label: the
        highest score, then an exact label, the preferred property, the shorter label, the first."""
        if not candidates:
            return []
        first = self._first
        owners = np.asarray(candidates, dtype=np.int64)
        counts = first[owners + 1] - first[owners]
        owner = np.repeat(owners, counts)  # the flat numbers of the candidates' labels, and whose each is
        labels = np.arange(counts.sum()) + np.repeat(first[owners] - (np.cumsum(counts) - counts), counts)
        keys = self._keys
        scores = process.cdist([key], [keys[j] for j in labels.tolist()], scorer=fuzz.WRatio,
                               score_cutoff=SCORE_CUTOFF, dtype=np.float64)[0]
        kept = np.flatnonzero(scores >= SCORE_CUTOFF)
        if not len(kept):
            return []
        owner, labels, scores = owner[kept], labels[kept], scores[kept]
        exact = np.zeros(len(labels), dtype=np.int64)
        folded_query = fold(query)
        for i in np.flatnonzero(scores == 100.0).tolist():  # a label that is the query once folded has its stems
            j = int(labels[i])
            if keys[j] == key:
                text = self._texts[j]
                exact[i] = 2 if text == query else 1 if fold(text) == folded_query else 0
        ranks, lengths = self._ranks[labels], self._lengths[labels]
        order = np.lexsort((labels, lengths, ranks, -exact, -scores, owner))  # each owner's best label first
        owner = owner[order]
        head = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])  # where each owner's labels start
        best, positions = order[head], owner[head]
        coverage = round(coverage, 3)  # as shown, so that equal-looking hits rank as ties
        return list(map(Match._make, zip(
            positions.tolist(), (labels[best] - first[positions]).tolist(),
            [round(score, 1) for score in scores[best].tolist()], repeat(coverage),
            exact[best].tolist(), ranks[best].tolist(), lengths[best].tolist(),
        )))

    def resolve(
        self, value: str, *, parameter: str, types: Collection[str] | None = None, what: str = "entity"
    ) -> IndexedEntity:
        """The one entity a filter value names: an id, an IRI, or a name, acronym, alias, in any
        case, with or without diacritics, inflected (``Clujului``).

        A name that several entities bear (once folded and stemmed: ``NetZeroCities`` and
        ``NetZeRoCities``) is ambiguous: :class:`AmbiguousParameterError` lists them. Without
        such a name, a value that is the whole name of an entity of another class is refused as
        not a ``what`` ("Cities Mission" is not a project), rather than matched to a project
        with those words in a longer name; otherwise the one best partial match (every word of
        the value, score at least ``RESOLVE_CUTOFF``) is taken, and one tied with others is
        ambiguous. Nothing at all: :class:`InvalidParameterError` with the closest names."""
        text = str(value).strip()
        if not text:
            raise InvalidParameterError(parameter, value, f"give a {what} (an id, an IRI or a name)")
        if len(text) > MAX_QUERY_CHARS:
            raise InvalidParameterError(parameter, text[:40] + "…", f"a {what} name has at most {MAX_QUERY_CHARS} characters")
        allowed = None if types is None else set(types)
        if ENTITY_ID.fullmatch(text) or text.startswith(("http://", "https://")):
            entity = self.get(text)
            if entity is None:
                raise InvalidParameterError(parameter, text, f"no {what} with the id {text!r} in the graph")
            return self._allowed(entity, allowed, parameter=parameter, text=text, what=what)
        fitting = [h for h in self.search(text, types=allowed, limit=RESOLVE_CANDIDATES, complete=False)
                   if h.coverage == 1.0 and h.score >= RESOLVE_CUTOFF]
        whole = [h for h in fitting if h.score == 100.0]  # the value is one of its names, up to case, accents, endings
        if len(whole) > 1:
            raise AmbiguousParameterError(parameter, text, f"{text!r} names more than one {what}: "
                                          f"{', '.join(h.id for h in whole)}; give one of these ids",
                                          [_candidate(h) for h in whole])
        if whole:
            return self.entities[self._by_iri[whole[0].iri]]
        other = None if allowed is None else next(
            (h for h in self.search(text, limit=RESOLVE_CANDIDATES, complete=False) if h.score == 100.0), None)
        if other is not None:
            raise InvalidParameterError(
                parameter, text, f"{text!r} is {other.id} ({other.name}), a {other.type}, not a {what}",
                [_candidate(h) for h in fitting])
        if not fitting:
            close = self.search(text, types=allowed, limit=5, complete=False)
            raise InvalidParameterError(parameter, text, f"no {what} is called {text!r}",
                                        [_candidate(h) for h in close])
        tied = [h for h in fitting if h.rank_key()[:3] == fitting[0].rank_key()[:3]]
        if len(tied) > 1:
            raise AmbiguousParameterError(parameter, text, f"{text!r} fits more than one {what} equally: "
                                          f"{', '.join(h.id for h in tied)}; give one of these ids",
                                          [_candidate(h) for h in tied])
        return self.entities[self._by_iri[fitting[0].iri]]

    def _allowed(self, entity: IndexedEntity, allowed: set[str] | None, *, parameter: str, text: str,
                 what: str) -> IndexedEntity:
        if allowed is not None and not entity.types & allowed:
            raise InvalidParameterError(parameter, text, f"{entity.id} is a {entity.type}, not a {what}")
        return entity


def _entity(iri: str, type: str, types: frozenset[str], city: str | None, country: str | None,
            labels: Iterable[Label]) -> IndexedEntity:
    labels = sorted(labels, key=lambda l: (_PROPERTY_RANK.get(l.property, 3), l.lang != "ro", l.text))
    pref = {l.lang: l.text for l in reversed(labels) if l.property == "prefLabel"}
    name = pref.get("ro") or pref.get("en") or next(iter(pref.values()), None) or labels[0].text
    return IndexedEntity(
        id=iri.removeprefix(BASE),
        iri=iri,
        type=type,
        types=types,
        name=name,
        name_en=pref.get("en") if pref.get("en") != name else None,
        city=city.removeprefix(BASE) if city else None,
        country=country.removeprefix(BASE) if country else None,
        labels=tuple(labels),
    )


def _ancestors(parents: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Every class above each class (the transitive closure of ``rdfs:subClassOf``)."""
    above: dict[str, set[str]] = {}

    def up(cls: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if cls not in above:
            found = set()
            for parent in parents.get(cls, ()):
                if parent not in seen:
                    found |= {parent} | up(parent, seen | {cls})
            above[cls] = found
        return above[cls]

    for cls in list(parents):
        up(cls)
    return above


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise InvalidParameterError("iri", iri, f"not an IRI: {error}") from error


def _candidate(hit: SearchHit) -> dict[str, str]:
    """A candidate an error lists: enough to choose one and to link to it."""
    return {"id": hit.id, "name": hit.name, "type": hit.type, "label": hit.label}


def _hit(entity: IndexedEntity, label: Label, score: float, coverage: float, exact: int) -> SearchHit:
    return SearchHit(
        id=entity.id, iri=entity.iri, name=entity.name, name_en=entity.name_en, type=entity.type,
        city=entity.city, country=entity.country, label=label.text, property=label.property,
        score=round(float(score), 1), coverage=round(coverage, 3), exact=exact,
    )


# --------------------------------------------------------------------------- per-build caching

T = TypeVar("T")
_cache: weakref.WeakKeyDictionary[GraphStore, dict[str, tuple[Hashable, Any]]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def served_build(store: GraphStore) -> Hashable:
    """What identifies the graph being served: the build directory on disk, the generation of a
    store in memory, the build activity of a remote server."""
    if isinstance(store, ReviewedLayer):
        return ("reviewed", served_build(store.base))
    if isinstance(store, EmbeddedStore):
        return str(store.current_build())
    if isinstance(store, MemoryStore):
        return store.generation
    rows = store.select(get_query("served_build").text)
    return tuple(sorted((r["build"].value, r["endedAt"].value) for r in rows if "endedAt" in r))


def per_build(store: GraphStore, name: str, factory: Callable[[GraphStore], T]) -> T:
    """``factory(store)``, made once per served build and kept until the build changes."""
    key = served_build(store)
    with _cache_lock:
        entry = _cache.get(store, {}).get(name)
        if entry is not None and entry[0] == key:
            return entry[1]
        value = factory(store)
        _cache.setdefault(store, {})[name] = (key, value)
        # Kept until the build changes, and millions of objects at CORDIS size: the cyclic
        # collector's full passes over them took seconds in the middle of searches. They are
        # freed by reference counting when replaced, so they can leave its watch.
        gc.freeze()
        return value


def label_index(store: GraphStore) -> LabelIndex:
    """The label index of the graph the store serves (built on first use, then cached)."""
    return per_build(store, "label_index", LabelIndex.from_store)


def search(
    store: GraphStore, q: str, *, types: Collection[str] | None = None, limit: int = 10
) -> list[SearchHit]:
    """Autocompletion across all entities: what ``GET /search`` answers."""
    if not q or not q.strip():
        raise InvalidParameterError("q", q, "give a few letters of a name")
    return label_index(store).search(q, types=types, limit=limit)


class EntityResolver:
    """Resolves the entity parameters of one request (a named query's, a map's) with
    :meth:`LabelIndex.resolve`, and keeps what each resolved to, to be shown with the answer."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.index = label_index(store)
        self.resolved: dict[str, dict[str, str]] = {}

    def entity(self, parameter: str, value: str, *, types: Collection[str] | None = None,
               what: str = "entity") -> IndexedEntity:
        entity = self.index.resolve(value, parameter=parameter, types=types, what=what)
        self.resolved[parameter] = {"given": str(value), "id": entity.id, "iri": entity.iri,
                                    "name": entity.name, "type": entity.type}
        return entity

    def iri(self, parameter: str, value: str) -> str:
        """The IRI of any node an id or IRI names (a participation, a document: things without a
        name), or of the entity a name names; a node the graph does not have is refused."""
        text = str(value).strip()
        is_id = NODE_ID.fullmatch(text) is not None
        if (is_id or text.startswith(("http://", "https://"))) and self.index.get(text) is None:
            iri = BASE + text if is_id else text
            if not list(self.store.query(get_query("node_exists").text, bindings={"node": _named_node(iri)})):
                raise InvalidParameterError(parameter, text, f"nothing with the id {text!r} in the graph")
            self.resolved[parameter] = {"given": text, "id": iri.removeprefix(BASE), "iri": iri}
            return iri
        return self.entity(parameter, text).iri
