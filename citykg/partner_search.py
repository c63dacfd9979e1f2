"""Partner search: who has worked on climate-neutral-city projects, with whom, in which programme,
with what money, and why each result is there.

:func:`partner_search` is the one function behind ``GET /partners`` (JSON and the HTML page) and
``citykg partners``. A result is an organisation or a city that takes part in at least one project.
Filters:

* ``text``: words of its names, aliases or acronym (Romanian-aware, see ``citykg.entity_search``);
* ``type`` (a class of the ontology: ``University``, ``CityHall``, ``City`` ...), ``country``,
  ``city`` (seated in, governing, or being the city): what the participant is and where;
* ``programme`` (also through a call or a sub-programme), ``project``, ``call``, ``role``
  (coordinator, lead-partner, partner) and the period ``active_from`` .. ``active_to`` (at the
  precision of the project's dates; signing counts as a start): the projects it takes part in;
* ``near``: an organisation or city; the results are then those tied to it, closest first: a
  shared project, then a shared partner, then the same city, then a shared programme.

Entity filters take an id (``org/utcn``), an IRI or a name; a value that names nothing is an
:class:`~citykg.errors.InvalidParameterError` (HTTP 422) naming the parameter.

How it runs, for graphs of CORDIS size (72,000 organisations, 80,000 projects): two indexes are
loaded once per served build by named queries that are plain index scans, the label index
(``entity_labels.rq``: names, classes, places) and the partnership network
(``partner_network.rq``: roles, funding, seats, dates; a networkx graph). A search starts from
its most selective filter (the participants named by ``text`` or ``near``, a project, a call's
or a programme's projects, a city's organisations) and checks the others on each candidate, so
it touches the participations it returns, not the graph. SPARQL is then asked only about the
results shown: one query for the allocations (``participation_allocations.rq``) and one for the
document lines of every step of every reason (``statement_sources.rq``), run side by side. On
pyoxigraph, SPARQL with optional filters cannot start from the selective side (a
``FILTER(!BOUND(?x) || EXISTS {...})`` runs for every participation: seconds to minutes on 7 % of
CORDIS), hence this split.
"""

from __future__ import annotations

import calendar
import gc
import heapq
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import chain, islice
from typing import Any

import networkx as nx
import numpy as np
import pyoxigraph as ox

from citykg.entity_search import (
    MAX_QUERY_CHARS,
    IndexedEntity,
    LabelIndex,
    Match,
    SearchHit,
    label_index,
    per_build,
)
from citykg.errors import InvalidParameterError
from citykg.namespaces import BASE, CKG, participation_iri, statement_key
from citykg.queries import get_query
from citykg.store import GraphStore, Term

#: The classes a participant can have (the ontology's organisation types, and City).
PARTICIPANT_TYPES = (
    "Organisation", "University", "ResearchInstitute", "Company", "PublicAuthority", "Ministry",
    "CityHall", "Agency", "NGO", "Association", "Cluster", "ProfessionalBody", "City",
)
ROLES = ("coordinator", "lead-partner", "partner")
_ROLE_ALIASES = {"coordonator": "coordinator", "partener-lider": "lead-partner", "lider": "lead-partner",
                 "lead": "lead-partner", "partener": "partner"}
#: A page of results: each is explained with document lines fetched from the store, so a page
#: costs about a millisecond a result on a graph of CORDIS size; ``limit`` asks for more.
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
REASONS_PER_KIND = 3
#: Projects listed per result (the matching ones first); ``projects_total`` counts them all.
PROJECTS_PER_RESULT = 10
#: A filter's projects are where a search starts when they are at most this many (a project, a
#: call, a small programme); beyond, it starts from the participants, busiest first.
PROJECT_START_MAX = 2_000
#: A participant with at least this many projects has the period filter compared in numpy.
_WINDOWS_IN_NUMPY = 32
CLOSENESS = {1: "shared project", 2: "shared partner", 3: "same city", 4: "shared programme"}
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PROPERTY = {name: str(getattr(CKG, name)) for name in (
    "fundedBy", "fundedUnderCall", "partOfProgramme", "city", "governs", "startDate", "endDate",
    "signedDate", "country", "relatedTo", "supports", "partOf")}
#: The property of the statement a participation is cited by (see :func:`participation_statement`).
_PARTICIPANT = str(CKG.participant)
#: Runs a search's allocation query while its own thread asks for the document lines: the two are
#: independent, and pyoxigraph (or the remote server) evaluates without holding the GIL, so on
#: two cores a page costs the longer of the two instead of their sum.
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="citykg-partner-lookups")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class EntityRef:
    id: str
    name: str
    type: str | None = None
    name_en: str | None = None


@dataclass(frozen=True)
class Source:
    """Where a document states a fact: its id (``doc/000_...``), file name, lines and title."""

    document: str
    file: str | None
    line_start: int
    line_end: int
    method: str | None = None
    proposed: bool = False  # extraction nobody has reviewed yet (only in answers that include it)
    title: str | None = None

    @property
    def lines(self) -> str:
        return str(self.line_start) if self.line_start == self.line_end else f"{self.line_start}-{self.line_end}"

    def __str__(self) -> str:
        return f"{self.file or self.document}:{self.lines}{' (proposed)' if self.proposed else ''}"

    @property
    def passage(self) -> str:
        """The passage view of these lines: ``/documents/000_x?lines=9-10#L9``."""
        return f"/documents/{self.document.removeprefix('doc/')}?lines={self.lines}#L{self.line_start}"


def merge_sources(sources: Iterable[Source]) -> tuple[Source, ...]:
    """One source per document and lines, in reading order; ``method`` lists every way the
    statement was found there (``reviewed``, or an extraction rule), reviewed first; it is
    ``proposed`` when only unreviewed extraction states it there."""
    methods: dict[tuple, set[str]] = defaultdict(set)
    first: dict[tuple, Source] = {}
    reviewed: set[tuple] = set()
    for source in sources:
        key = (source.document, source.line_start, source.line_end)
        first.setdefault(key, source)
        if source.method:
            methods[key].add(source.method)
        if not source.proposed:
            reviewed.add(key)
    return tuple(
        Source(s.document, s.file, s.line_start, s.line_end,
               ", ".join(sorted(methods[key], key=lambda m: (m != "reviewed", m))) or None, key not in reviewed,
               s.title)
        for key, s in sorted(first.items(), key=lambda item: item[0])
    )


@dataclass(frozen=True)
class Step:
    """One edge of a reason's path. ``sources`` are the document lines stating it; a step with
    none comes from the reviewed knowledge base (names, classes, seats)."""

    subject: EntityRef
    relation: str
    object: EntityRef | None
    value: str | None
    text: str
    sources: tuple[Source, ...] = ()

    @property
    def knowledge_base(self) -> bool:
        return not self.sources


@dataclass(frozen=True)
class Reason:
    """Why a result is there: a sentence, and the path through the graph it reads."""

    kind: str  # text, type, country, city, participation, shared-project, shared-partner, same-city, shared-programme
    text: str
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Amount:
    value: str
    currency: str
    text: str | None = None

    def __str__(self) -> str:
        try:
            number = f"{float(self.value):,.0f}".replace(",", " ")
        except ValueError:
            number = self.value
        return f"{number} {self.currency}"


@dataclass(frozen=True)
class ProjectRole:
    project: EntityRef
    role: str
    allocation: Amount | None
    matched: bool  # this participation passes the filters
    programmes: tuple[EntityRef, ...] = ()


@dataclass(slots=True)  # not frozen: a search near a hub makes tens of thousands of them
class Closeness:
    tier: int  # 1 shared project, 2 shared partner, 3 same city, 4 shared programme
    kind: str
    strength: int  # how many shared projects, partners, programmes


@dataclass(frozen=True)
class Tier:
    """One tier of closeness to a ``near`` entity: participant -> what ties it, which is the
    number of shared projects (tier 1), the shared partners (2), the common place (3) or the
    narrowest shared programmes (4). A tier near a hub holds tens of thousands of participants,
    so tier 1 counts (``shared`` lists the projects of those shown) and a :class:`Closeness` is
    only made for those shown."""

    number: int
    ties: dict[str, Any]
    shared: Callable[[str], list[str]] | None = None

    def strength(self, participant: str) -> int:
        """How many projects, partners or programmes are shared (a place is one)."""
        tie = self.ties[participant]
        return tie if self.number == 1 else 1 if self.number == 3 else len(tie)

    def strengths(self) -> dict[str, int]:
        """:meth:`strength` of every participant of the tier (tier 1's own counts, not a copy)."""
        if self.number == 1:
            return self.ties
        if self.number == 3:
            return dict.fromkeys(self.ties, 1)
        return {x: len(tie) for x, tie in self.ties.items()}

    def closeness(self, participant: str) -> tuple[Closeness, dict[str, Any]]:
        tie = self.ties[participant]
        what = {1: "projects", 2: "partners", 3: "place", 4: "programmes"}[self.number]
        if self.number == 1:
            tie = self.shared(participant)
        return (Closeness(self.number, CLOSENESS[self.number], self.strength(participant)),
                {what: sorted(tie) if self.number == 2 else tie})


@dataclass(frozen=True)
class PartnerResult:
    entity: EntityRef
    type: str
    city: EntityRef | None
    country: EntityRef | None
    projects: tuple[ProjectRole, ...]
    reasons: tuple[Reason, ...]
    closeness: Closeness | None = None
    text_score: float | None = None
    projects_total: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for reason, original in zip(data["reasons"], self.reasons):
            for step, step_obj in zip(reason["steps"], original.steps):
                step["knowledge_base"] = step_obj.knowledge_base
                step["sources"] = [{**s, "cite": str(o), "passage": o.passage} for s, o in zip(step["sources"], step_obj.sources)]
        return data


@dataclass(frozen=True)
class Filters:
    """The filters of one search, checked and resolved to entities."""

    text: str | None = None
    type: str | None = None
    country: IndexedEntity | None = None
    city: IndexedEntity | None = None
    programme: IndexedEntity | None = None
    project: IndexedEntity | None = None
    call: IndexedEntity | None = None
    role: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    near: IndexedEntity | None = None
    copartner_type: str | None = None
    limit: int = DEFAULT_LIMIT

    def describe(self) -> dict[str, Any]:
        """The filters as given back to the caller: values, and for entities id and name."""
        out: dict[str, Any] = {}
        for name in ("text", "type", "copartner_type", "role", "active_from", "active_to", "limit"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat() if isinstance(value, date) else value
        for name in ("country", "city", "programme", "project", "call", "near"):
            entity = getattr(self, name)
            if entity is not None:
                out[name] = {"id": entity.id, "name": entity.name, "type": entity.type}
        return out

    @property
    def on_projects(self) -> bool:
        return any(getattr(self, n) is not None for n in ("programme", "project", "call", "role", "active_from", "active_to",
                                                          "copartner_type"))


# --------------------------------------------------------------------------- checking filters


def check_filters(
    index: LabelIndex,
    *,
    text: str | None = None,
    type: str | None = None,
    country: str | None = None,
    city: str | None = None,
    programme: str | None = None,
    project: str | None = None,
    call: str | None = None,
    role: str | None = None,
    active_from: str | date | None = None,
    active_to: str | date | None = None,
    near: str | None = None,
    copartner_type: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> Filters:
    """Check every filter and resolve entity names; an empty value means no filter."""

    def given(value):
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    text = given(text)
    if text is not None:
        text = text.strip()
        if len(text) > MAX_QUERY_CHARS:
            raise InvalidParameterError("text", text[:40] + "…", f"at most {MAX_QUERY_CHARS} characters, got {len(text)}")
    resolve = index.resolve
    start = _parse_date("active_from", given(active_from), end=False)
    end = _parse_date("active_to", given(active_to), end=True)
    if start and end and start > end:
        raise InvalidParameterError("active_to", active_to, f"the period ends ({end}) before it starts ({start})")
    if limit is None:
        limit = DEFAULT_LIMIT
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameterError("limit", limit, f"a whole number from 1 to {MAX_LIMIT}")
    return Filters(
        text=text,
        type=_check_type(given(type)),
        copartner_type=_check_type(given(copartner_type), parameter="copartner_type"),
        country=given(country) and resolve(country, parameter="country", types={"Country"}, what="country"),
        city=given(city) and resolve(city, parameter="city", types={"City", "CityDistrict"}, what="city"),
        programme=given(programme) and resolve(programme, parameter="programme", types={"Programme", "Initiative"},
                                                what="programme or initiative"),
        project=given(project) and resolve(project, parameter="project", types={"Project", "Initiative"},
                                            what="project or initiative"),
        call=given(call) and resolve(call, parameter="call", types={"Call"}, what="call"),
        role=_check_role(given(role)),
        active_from=start,
        active_to=end,
        near=given(near) and resolve(near, parameter="near", types={"Organisation", "City", "CityDistrict"}, what="organisation or city"),
        limit=limit,
    )


def _check_type(value: str | None, *, parameter: str = "type") -> str | None:
    if value is None:
        return None
    name = str(value).strip().removeprefix(str(CKG._NS)).removeprefix("ckg:")
    for known in PARTICIPANT_TYPES:
        if known.lower() == name.lower():
            return known
    raise InvalidParameterError(parameter, value, f"one of {', '.join(PARTICIPANT_TYPES)}")


def _check_role(value: str | None) -> str | None:
    if value is None:
        return None
    name = re.sub(r"[\s_]+", "-", str(value).strip().lower())
    name = _ROLE_ALIASES.get(name, name)
    if name not in ROLES:
        raise InvalidParameterError("role", value, f"one of {', '.join(ROLES)}")
    return name


def _parse_date(parameter: str, value: str | date | None, *, end: bool) -> date | None:
    """ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a year or month is its first day (a period's
    start) or its last day (a period's end)."""
    if value is None or isinstance(value, date):
        return value
    match = _ISO.fullmatch(str(value).strip())
    try:
        if not match:
            raise ValueError("not an ISO date")
        year, month, day = int(match[1]), match[2] and int(match[2]), match[3] and int(match[3])
        if not month:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if not day:
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, day)
    except ValueError as error:
        raise InvalidParameterError(parameter, value, f"an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {error}") from error


# --------------------------------------------------------------------------- the network


def kind_of(iri: str) -> str:
    """``https://w3id.org/citykg/org/utcn`` -> ``org``."""
    return iri.removeprefix(BASE).split("/", 1)[0]


class PartnerNetwork:
    """Who takes part in what and in which role, what funds what, who is where, and when
    projects run: what partner search filters, ranks and explains with. Built once per served
    build from ``partner_network.rq``; participations form a networkx graph (participants and
    projects), funding a networkx digraph (project -> call -> programme -> parent programme)."""

    def __init__(self, rows: Iterable[tuple[str, str, Term]]) -> None:
        self.graph = nx.Graph()
        self.funding = nx.DiGraph()
        self.roles: dict[tuple[str, str], list[str]] = defaultdict(list)  # (participant, project) -> roles
        self.places: dict[str, dict[str, str]] = defaultdict(dict)  # organisation -> place -> city | governs
        self.located: dict[str, set[str]] = defaultdict(set)  # place -> organisations seated in or governing it
        self.dates: dict[str, list[tuple[str, Term]]] = defaultdict(list)  # project -> (relation, date)
        for source, relation, target in rows:
            # IRIs interned (as the label index's are): every structure then holds the same
            # string objects, and a lookup compares identities instead of reading both strings
            # (a period filter makes thousands of lookups per search, most of them cache misses)
            source = sys.intern(source)
            if relation in ROLES:
                project = sys.intern(target.value)
                self.graph.add_edge(source, project)
                if relation not in self.roles[(source, project)]:
                    self.roles[(source, project)].append(relation)
            elif relation in _FUNDING:
                self.funding.add_edge(source, sys.intern(target.value), relation=relation)
            elif relation in ("city", "governs"):
                place = sys.intern(target.value)
                if self.places[source].get(place) != "governs":
                    self.places[source][place] = relation
                self.located[place].add(source)
            elif relation in _DATE_WORDS and (relation, target) not in self.dates[source]:
                self.dates[source].append((relation, target))
        for roles in self.roles.values():
            roles.sort(key=ROLES.index)
        # plain dicts from here on: a lookup must never add an entry to a shared cache
        self.roles, self.places, self.located, self.dates = (
            dict(self.roles), dict(self.places), dict(self.located), dict(self.dates))
        #: participant -> {project: its first (strongest) role}: what a search without project
        #: filters matches, read as it is (never copied, never changed)
        self.first_roles: dict[str, dict[str, str]] = defaultdict(dict)
        #: participant -> the projects it coordinates or leads: what a search for those roles reads
        self.led: dict[str, list[str]] = defaultdict(list)
        for (x, project), roles in self.roles.items():
            self.first_roles[x][project] = roles[0]
            if roles[0] != "partner":
                self.led[x].append(project)
        self.first_roles, self.led = dict(self.first_roles), dict(self.led)
        #: project -> its participants, in the graph's order, as plain tuples: a search near a hub
        #: reads those of thousands of projects, and networkx's adjacency views cost more to walk
        self.taking_part: dict[str, tuple[str, ...]] = {
            node: tuple(adjacent) for node, adjacent in self.graph.adjacency() if node not in self.first_roles}
        #: project -> (the latest day it may have started, the earliest it may have ended), ISO
        #: days: what the period filter compares with (see :meth:`active_among`)
        self.windows: dict[str, tuple[str, str]] = {project: _window(dates) for project, dates in self.dates.items()}
        self.participants = set(self.first_roles)
        self._programmes: dict[str, dict[str, list[str]]] = {}
        self._parents: dict[str, set[str]] = {}
        self._programme_projects: dict[str, set[str]] = {}
        self._busiest: list[str] | None = None
        self._place: dict[str, int] | None = None
        self._leading: list[str] | None = None
        self._project_order: dict[str, int] | None = None
        self._by_name: dict[str, list[str]] = {}
        self._positions: np.ndarray | None = None
        self._windows: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}

    @classmethod
    def from_store(cls, store: GraphStore) -> PartnerNetwork:
        result = store.query(get_query("partner_network").text)
        return cls((row[0].value, row[1].value, row[2]) for row in result)

    # what is tied to what ------------------------------------------------------------------

    def projects_of(self, participant: str) -> set[str]:
        return set(self.graph[participant]) if participant in self.participants else set()

    def participants_of(self, project: str) -> set[str]:
        return set(self.taking_part.get(project, ()))

    def programmes_of(self, project: str) -> dict[str, list[str]]:
        """Programmes funding a project (directly, through its call, or as parent programmes) and
        the Missions and initiatives it belongs to, each with the shortest path from the project
        to it."""
        if project not in self._programmes:
            paths = nx.single_source_shortest_path(self.funding, project) if project in self.funding else {}
            self._programmes[project] = {n: path for n, path in paths.items() if kind_of(n) in _FUNDER_KINDS}
        return self._programmes[project]

    def projects_funded_by(self, funder: str) -> set[str]:
        """Projects a programme funds (also through its calls and sub-programmes), a call, or a
        Mission or initiative gathers."""
        if funder not in self._programme_projects:
            found = nx.ancestors(self.funding, funder) if funder in self.funding else set()
            self._programme_projects[funder] = {n for n in found if n in self.graph and n not in self.participants}
        return self._programme_projects[funder]

    def parents(self, programme: str) -> set[str]:
        """Every programme a programme is part of, however far up."""
        if programme not in self._parents:
            self._parents[programme] = nx.descendants(self.funding, programme) if programme in self.funding else set()
        return self._parents[programme]

    def places_of(self, node: str) -> dict[str, str]:
        """Where a participant is: a city is its own place; an organisation is seated in a city
        or governs a city or district."""
        if kind_of(node) in ("city", "district"):
            return {node: "is"}
        return self.places.get(node, {})

    def in_place(self, place: str) -> set[str]:
        """Participants that are, are seated in, or govern a city or district."""
        return {n for n in self.located.get(place, set()) | {place} if n in self.participants}

    def proxies(self, entity: str) -> dict[str, str]:
        """Who stands for an entity in projects: the city hall for its city (and the city for
        its city hall), entity -> relation (governed-by, governs)."""
        out = {org: "governed-by" for org in self.located.get(entity, ()) if self.places.get(org, {}).get(entity) == "governs"}
        out.update({place: "governs" for place, rel in self.places.get(entity, {}).items() if rel == "governs"})
        return out

    def active_among(self, projects: Iterable[str], start: date | None, end: date | None) -> list[str]:
        """The projects whose known dates overlap [start, end], at the precision of each date (a
        year or a month covers all its days); signing counts as starting; a project without
        dates is not known to be active. A busy participant's thousands of projects go through
        this, hence one comprehension over the precomputed windows."""
        low, high = start and start.isoformat(), end and end.isoformat()
        windows = self.windows
        return [p for p in projects if (w := windows.get(p)) is not None
                and (low is None or w[1] >= low) and (high is None or w[0] <= high)]

    def active_projects(self, participant: str, start: date | None, end: date | None) -> list[str]:
        """:meth:`active_among` a participant's projects (in :attr:`first_roles` order). A busy
        participant's are compared in numpy: a period filter in a country walks hundreds of
        participants with thousands of projects between them."""
        projects = self.first_roles.get(participant, {})
        if len(projects) < _WINDOWS_IN_NUMPY:
            return self.active_among(projects, start, end)
        listed, starts, ends = self.windows_of(participant)
        mask = np.ones(len(listed), dtype=bool)
        if start is not None:
            mask &= ends >= start.isoformat()
        if end is not None:
            mask &= starts <= end.isoformat()
        return [listed[i] for i in np.flatnonzero(mask).tolist()]

    def windows_of(self, participant: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """A participant's dated projects and their windows (ISO text, compared as such), kept."""
        held = self._windows.get(participant)
        if held is None:
            listed = [p for p in self.first_roles.get(participant, ()) if p in self.windows]
            starts = np.array([self.windows[p][0] for p in listed], dtype=str)
            ends = np.array([self.windows[p][1] for p in listed], dtype=str)
            held = self._windows[participant] = (listed, starts, ends)
        return held

    # closeness -----------------------------------------------------------------------------

    def closeness_tiers(self, near: str) -> Iterator[Tier]:
        """The participants tied to ``near`` (or to what stands for it, see :meth:`proxies`), one
        tier at a time, closest first, each participant once, with what ties it: shared projects,
        then shared partners (networkx distances 2 and 4 on the participation graph), then the
        same city, then a shared programme. Tiers 1 and 2 are the participants at distance 2
        and 4 on the networkx participation graph, read from the adjacency of the anchors and of
        tier 1. A caller that has enough stops early, so a search near an organisation in
        thousands of projects does not reach the whole graph."""
        anchors = {near, *self.proxies(near)}
        sources = [a for a in anchors if a in self.participants]
        first_roles, taking_part = self.first_roles, self.taking_part
        anchor_projects = {p for a in sources for p in first_roles[a]}
        # counted in C, in the order the projects are read (which orders equal strengths); a
        # hub's tier 1 has ten thousand participants, and the projects are listed for those shown
        shared_projects = Counter(chain.from_iterable(taking_part[p] for p in sorted(anchor_projects)))
        for anchor in anchors:
            shared_projects.pop(anchor, None)
        tier = Tier(1, shared_projects, lambda x: sorted(anchor_projects.intersection(first_roles[x])))
        seen = set(anchors)
        seen.update(tier.ties)
        yield tier
        middles: dict[str, set[str]] = defaultdict(set)  # the tier-1 partners each node shares a project with
        for middle in sorted(tier.ties):
            for project in first_roles[middle]:
                for node in taking_part[project]:
                    if node not in seen:  # so at distance 4 from the anchors
                        middles[node].add(middle)
        tier = Tier(2, dict(middles))
        seen.update(tier.ties)
        yield tier
        places: dict[str, str] = {}
        for place in sorted({place for a in anchors for place in self.places_of(a)}):
            for node in sorted(self.in_place(place) - seen - set(places)):
                places[node] = place
        tier = Tier(3, places)
        seen.update(tier.ties)
        yield tier
        shared_programmes: dict[str, list[str]] = defaultdict(list)
        for programme in sorted({g for p in anchor_projects for g in self.programmes_of(p)}):
            for project in self.projects_funded_by(programme):
                for node in taking_part[project]:
                    if node not in seen and programme not in shared_programmes[node]:
                        shared_programmes[node].append(programme)
        yield Tier(4, {
            node: [g for g in programmes if not any(g in self.parents(h) for h in programmes if h != g)]
            for node, programmes in shared_programmes.items()
        })

    def busiest(self, index: LabelIndex) -> list[str]:
        """Every participant, most projects first (then most coordinator and lead-partner roles,
        then name): the ranking of a search without filters, kept per build."""
        if self._busiest is None:

            def key(x: str) -> tuple:
                entity = index.get(x)
                return (-len(self.first_roles[x]), -len(self.led.get(x, ())), (entity.name if entity else x).casefold(), x)

            self._busiest = sorted(self.participants, key=key)
        return self._busiest

    def place_in_busiest(self, index: LabelIndex) -> dict[str, int]:
        """Participant -> its place in :meth:`busiest`: how a search that counts all projects
        breaks ties, without reading names for thousands of text matches."""
        if self._place is None:
            self._place = {x: n for n, x in enumerate(self.busiest(index))}
        return self._place

    def leading(self) -> list[str]:
        """Every participant, most coordinator and lead-partner roles first, kept per build."""
        if self._leading is None:
            self._leading = sorted(self.participants, key=lambda x: (-len(self.led.get(x, ())), x))
        return self._leading

    def positions(self, index: LabelIndex) -> np.ndarray:
        """The participants' positions in the label index, a mask: where a text search looks, kept per build."""
        if self._positions is None:
            self._positions = index.positions(self.participants)
        return self._positions

    def projects_by_name(self, participant: str, index: LabelIndex) -> list[str]:
        """A participant's projects in name order, kept once asked for."""
        listed = self._by_name.get(participant)
        if listed is None:
            order = self.project_order(index)
            listed = self._by_name[participant] = sorted(self.first_roles.get(participant, ()), key=order.__getitem__)
        return listed

    def project_order(self, index: LabelIndex) -> dict[str, int]:
        """Project -> its place in name order: a result lists its projects by name, and a
        participant in thousands of projects must not make every search read their names."""
        if self._project_order is None:
            projects = {p for first in self.first_roles.values() for p in first}

            def key(p: str) -> tuple[str, str]:
                entity = index.get(p)
                return ((entity.name if entity else p).casefold(), p)

            self._project_order = {p: n for n, p in enumerate(sorted(projects, key=key))}
        return self._project_order


def partner_network(store: GraphStore) -> PartnerNetwork:
    """The partnership network of the graph the store serves (built on first use, then cached)."""
    return per_build(store, "partner_network", PartnerNetwork.from_store)


def warm_indexes(store: GraphStore) -> None:
    """Read the served build's indexes and orders ahead of the first search (the server does so
    as it starts). Raises :class:`CityKGError` for a store without a graph yet."""
    index = label_index(store)
    network = partner_network(store)
    network.place_in_busiest(index)
    network.leading()
    network.positions(index)
    index.members()
    for participant in network.participants:  # what a result lists: the first view of a hub's sorts thousands
        network.projects_by_name(participant, index)
        if len(network.first_roles[participant]) >= _WINDOWS_IN_NUMPY:
            network.windows_of(participant)
    for node in network.funding:  # a programme's projects: about a second for Horizon Europe's
        if kind_of(node) == "programme":
            network.projects_funded_by(node)
    gc.freeze()  # kept for the build, as per_build's indexes are: out of the cyclic collector's passes


# --------------------------------------------------------------------------- the search


def partner_search(
    store: GraphStore,
    *,
    text: str | None = None,
    type: str | None = None,
    country: str | None = None,
    city: str | None = None,
    programme: str | None = None,
    project: str | None = None,
    call: str | None = None,
    role: str | None = None,
    active_from: str | date | None = None,
    active_to: str | date | None = None,
    near: str | None = None,
    copartner_type: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[PartnerResult]:
    """Organisations and cities that take part in projects, filtered, ranked and explained.

    Ranking: with ``near``, closeness first (shared projects, shared partners, same city, shared
    programme, each by how many); then how well the name matches ``text``; then the number of
    matching projects and of coordinator / lead-partner roles; then the name.
    """
    index = label_index(store)
    filters = check_filters(
        index, text=text, type=type, country=country, city=city, programme=programme,
        project=project, call=call, role=role, active_from=active_from, active_to=active_to,
        near=near, copartner_type=copartner_type, limit=limit,
    )
    return run_search(store, filters, index=index)


def run_search(store: GraphStore, filters: Filters, *, index: LabelIndex | None = None) -> list[PartnerResult]:
    """The search for filters already checked by :func:`check_filters`."""
    index = index or label_index(store)
    network = partner_network(store)
    text_hits: dict[str, Match] = {}
    if filters.text:
        entities = index.entities
        text_hits = {entities[m.position].iri: m
                     for m in index.matches(filters.text, complete=False, within=network.positions(index))
                     if m.coverage == 1.0}
    named = set(text_hits) if filters.text else None
    tiers: list[Tier] = []
    if filters.near:
        matched = {}
        for tier in network.closeness_tiers(filters.near.iri):  # disjoint tiers, closest first
            tiers.append(tier)
            # strongest ties first, a few hundred at a time: enough results, and no one left out
            # who could tie with the last of them, ends the search
            strength = tier.strengths()
            order = sorted(strength, key=strength.__getitem__, reverse=True)
            step = 4 * filters.limit
            for start in range(0, len(order), step):
                matched.update(matching_participations(network, index, filters, named, set(order[start:start + step])))
                rest = order[start + step:start + step + 1]
                if len(matched) >= filters.limit and (not rest or strength[rest[0]] < _last_strength(
                        matched, strength, filters.limit)):
                    break
            if len(matched) >= filters.limit:
                break
    else:
        matched = matching_participations(network, index, filters, named)
    near = {x: next(t for t in tiers if x in t.ties) for x in matched} if tiers else {}
    if filters.on_projects:
        ranked = heapq.nsmallest(filters.limit, matched, key=lambda p: _rank(p, matched[p], text_hits, near, index))
    else:  # every project of each counts: the ranking by projects, roles and name is kept per build
        place = network.place_in_busiest(index)
        ranked = heapq.nsmallest(filters.limit, matched, key=lambda p: (
            (near[p].number, -near[p].strength(p)) if p in near else (),
            text_hits[p].rank_key() if p in text_hits else (),
            place[p],
        ))
    builder = _ResultBuilder(index, network, filters)
    listed = {p: builder.listed(p, matched[p]) for p in ranked}
    drafts = [builder.draft(p, matched[p], *listed[p], index.hit(text_hits[p]) if p in text_hits else None,
                            near[p].closeness(p) if p in near else None) for p in ranked]
    # the two lookups side by side, after the drafting: a query in another thread hardly moves
    # while this one runs Python (200 allocations: 14 ms alone, 27 ms beside 15 ms of Python)
    allocated = _LOOKUPS.submit(allocations, store, {(p, project, role) for p, (_, shown) in listed.items()
                                                     for project in shown for role in network.roles[(p, project)]})
    sources = statement_sources(store, builder.evidence_keys)
    money = allocated.result()
    return [builder.finish(draft, sources, money) for draft in drafts]


def matching_participations(
    network: PartnerNetwork,
    index: LabelIndex,
    filters: Filters,
    named: set[str] | None = None,
    near: set[str] | None = None,
) -> dict[str, dict[str, str]]:
    """participant -> {project: role} of the participations that pass every filter.

    Starts from the smallest set a filter gives (participants named by text or near, the city's
    participants, the project, a call's or a small programme's projects) and checks the other
    filters on each participation it reaches. Without such a set (a country, a type, a broad
    programme, a role, a period), participants are read busiest first and the reading stops
    once no one left can outrank the ``limit`` best found, since nobody matches more projects
    than they take part in: ranked by matching projects, the first results come from the top.
    """
    participant_sets = [s for s in (named, near) if s is not None]
    if filters.city:
        participant_sets.append(network.in_place(filters.city.iri))
    project_sets = []
    if filters.project:  # a Mission or initiative: the projects it gathers
        project_sets.append(network.projects_funded_by(filters.project.iri)
                            if "Initiative" in filters.project.types else {filters.project.iri})
    if filters.call:
        project_sets.append(network.projects_funded_by(filters.call.iri))
    if filters.programme:
        project_sets.append(network.projects_funded_by(filters.programme.iri))
    copartners: dict[str, set[str]] = {}
    if filters.copartner_type:  # the projects with a participant of that type, and who they are
        for y in index.members(type=filters.copartner_type) & network.participants:
            for p in network.first_roles[y]:
                copartners.setdefault(p, set()).add(y)
        project_sets.append(set(copartners))
    participants = _common(participant_sets)
    projects = _common(project_sets)
    wanted = None
    if filters.type or filters.country:
        wanted = index.members(type=filters.type, country=filters.country.id if filters.country else None)
    dated = filters.active_from is not None or filters.active_to is not None

    def kept(candidates: Iterable[str], participant: str | None = None) -> Iterable[str]:
        """The projects that pass the project filters (thousands for a busy participant)."""
        if projects is not None:
            candidates = [p for p in candidates if p in projects]
        if copartners and participant is not None:  # a co-partner of that type other than itself
            candidates = [p for p in candidates if copartners[p] - {participant}]
        if dated:
            if participant is not None and candidates is network.first_roles.get(participant):  # all its projects
                return network.active_projects(participant, filters.active_from, filters.active_to)
            candidates = network.active_among(candidates, filters.active_from, filters.active_to)
        return candidates

    def role_of(x: str, p: str) -> str | None:
        roles = network.roles[(x, p)]
        if filters.role is None:
            return roles[0]
        return filters.role if filters.role in roles else None

    def matches(x: str) -> dict[str, str]:
        everything = network.first_roles.get(x, {})
        if projects is None and not dated and filters.role is None:
            return everything
        found = {}
        for p in kept(network.led.get(x, ()) if filters.role in ("coordinator", "lead-partner") else everything, x):
            role = everything[p] if filters.role is None else role_of(x, p)
            if role is not None:
                found[p] = role
        return found

    if participants is not None and (projects is None or len(participants) <= len(projects)
                                     or len(projects) > PROJECT_START_MAX):
        chosen = participants if wanted is None else participants & wanted
        return {x: m for x in sorted(chosen) if (m := matches(x))}
    if projects is not None and len(projects) <= PROJECT_START_MAX:
        found: dict[str, dict[str, str]] = defaultdict(dict)
        for p in kept(projects):
            for x in network.participants_of(p):
                if (participants is None or x in participants) and (wanted is None or x in wanted) \
                        and (not copartners or copartners[p] - {x}):
                    role = role_of(x, p)
                    if role is not None:
                        found[x][p] = role
        return dict(found)
    # the most anyone can match: their projects, or their leading roles when only those count
    if filters.role in ("coordinator", "lead-partner"):
        order, most = network.leading(), lambda x: len(network.led.get(x, ()))
    else:
        order, most = network.busiest(index), lambda x: len(network.first_roles[x])
    if wanted is not None:
        order = (x for x in order if x in wanted)
    best: list[int] = []  # the `limit` largest numbers of matching projects so far (a min-heap)
    found = {}
    for x in order:
        if len(best) == filters.limit and most(x) < best[0]:
            break  # x and everyone after can match fewer projects than the last result does
        m = matches(x)
        if m:
            found[x] = m
            if len(best) < filters.limit:
                heapq.heappush(best, len(m))
            elif len(m) > best[0]:
                heapq.heapreplace(best, len(m))
    return found


def _last_strength(matched: dict[str, dict[str, str]], strength: dict[str, int], limit: int) -> int:
    """The weakest tie strength among the ``limit`` strongest matched participants of a tier."""
    strengths = sorted((strength[x] for x in matched if x in strength), reverse=True)
    return strengths[min(limit, len(strengths)) - 1] if strengths else 0


def _common(sets: list[set[str]]) -> set[str] | None:
    """What every set has (the one set itself, not a copy, when there is one); None for no sets."""
    if not sets:
        return None
    return sets[0] if len(sets) == 1 else set.intersection(*sets)


def _window(dates: Iterable[tuple[str, Term]]) -> tuple[str, str]:
    """(the latest first day of a start or signing, the earliest last day of an end), as ISO
    days, from dates of any precision: a year or a month is padded to its first or last day
    (a month's last day as 31 is enough to compare ISO text), so that comparing windows with
    days is comparing each date at its own precision."""
    starts = [value.value[:10] + "0000-01-01"[len(value.value[:10]):] for relation, value in dates if relation != "endDate"]
    ends = [value.value[:10] + "9999-12-31"[len(value.value[:10]):] for relation, value in dates if relation == "endDate"]
    return max(starts, default="0000-01-01"), min(ends, default="9999-12-31")



def bind_rows(sparql: str, variables: Sequence[str], rows: Sequence[Sequence[Term]]) -> str:
    """The query with a VALUES block of several rows at the start of its WHERE clause.

    The multi-row form of ``citykg.store.bind_values``: the terms are serialised by pyoxigraph
    as RDF terms, so a value can never change the query's structure. No rows means no solution.
    """
    match = _WHERE.search(sparql)
    if match is None:
        raise ValueError("a query with values to bind needs an explicit WHERE { ... } clause")
    head = " ".join(f"?{v}" for v in variables)
    body = " ".join("(" + " ".join(str(t) for t in row) + ")" for row in rows)
    return f"{sparql[: match.end()]} VALUES ({head}) {{ {body} }} {sparql[match.end():]}"


def _rank(participant: str, projects: dict[str, str], text_hits: dict[str, Match], near: dict[str, Tier],
          index: LabelIndex) -> tuple:
    """Closeness, then the name's match, then matching projects, leading roles among them, name."""
    entity = index.get(participant)
    tier = near.get(participant)
    return (
        (tier.number, -tier.strength(participant)) if tier else (),
        text_hits[participant].rank_key() if participant in text_hits else (),
        -len(projects),
        -sum(1 for role in projects.values() if role != "partner"),
        (entity.name if entity else participant).casefold(),
        participant,
    )


def participation_statement(participant: str, project: str, role: str) -> tuple[str, str, Term]:
    """The statement that cites a participation: ``participation ckg:participant participant``.
    The knowledge base, the documents and the CORDIS import all cite it, and no other statement
    shares its subject and property (its ``ckg:statementKey``), so its lines take a few lookups to
    find; ``project ckg:partner participant`` shares its key with every other partner of the
    project (a dozen for a CORDIS project), each to be read and compared."""
    return (str(participation_iri(project, participant, role)), _PARTICIPANT, ox.NamedNode(participant))


def statement_sources(store: GraphStore, keys: set[tuple[str, str, Term]]) -> dict[tuple[str, str, Term], tuple[Source, ...]]:
    """The document lines stating each (subject, property, object): one query for all. It binds
    the statement keys of the subjects and properties (``ckg:statementKey``), so only the evidence
    of those (a project's three dates, or its two programmes) is read, not all of its subject's (a
    CORDIS project has a dozen); the rows of other objects are left out here."""
    if not keys:
        return {}
    named = get_query("statement_sources")
    bound = [(ox.Literal(statement_key(s, p)),) for s, p in sorted({k[:2] for k in keys})]
    documents = document_index(store)
    found: dict[tuple[str, str, Term], list[Source]] = defaultdict(list)
    for row in store.query(bind_rows(named.text, ["key"], bound)):
        subject, prop, obj, document, start, end, method, reviewed = (row[i] for i in range(8))
        key = (subject.value, prop.value, obj)
        if key in keys:
            file, title = documents.get(document.value, (None, None))
            found[key].append(Source(
                document=document.value.removeprefix(BASE), file=file, line_start=int(start.value),
                line_end=int(end.value), method=method.value if method else None, title=title,
                proposed=reviewed is not None and reviewed.value == "false",
            ))
    return {k: merge_sources(v) for k, v in found.items()}


def allocations(store: GraphStore, shown: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], Amount]:
    """(participant, project, role) -> allocation (IRIs), for the participations shown: one query.
    A participation's IRI is minted from project, participant and role
    (``citykg.namespaces.participation_iri``), so it is bound directly."""
    if not shown:
        return {}
    named = get_query("participation_allocations")
    keys = {str(participation_iri(project, participant, role)): (participant, project, role)
            for participant, project, role in shown}
    found = {}
    for row in store.query(bind_rows(named.text, ["participation"], [(ox.NamedNode(k),) for k in sorted(keys)])):
        participation, value, currency, text = (row[i] for i in range(4))
        found[keys[participation.value]] = Amount(value.value, currency.value, text.value if text else None)
    return found


def document_index(store: GraphStore) -> dict[str, tuple[str, str | None]]:
    """Document IRI -> (file name, title), kept per build: sources cite ``FILE:LINE`` and show
    the title."""

    def read(store: GraphStore) -> dict[str, tuple[str, str | None]]:
        return {row[0].value: (row[1].value, row[2].value if row[2] is not None else None)
                for row in store.query(get_query("document_files").text)}

    return per_build(store, "document_files", read)


# --------------------------------------------------------------------------- reasons

_ROLE_IN = {"coordinator": "coordinator of", "lead-partner": "lead partner in", "partner": "partner in"}
_ROLE_BY = {"coordinator": "coordinated by", "lead-partner": "led by", "partner": "with partner"}
_ROLE_IS = {"coordinator": "the coordinator", "lead-partner": "the lead partner", "partner": "a partner"}
_FUNDING = {"fundedBy": "funded by", "fundedUnderCall": "funded under", "partOfProgramme": "part of",
            "relatedTo": "related to", "relatedBy": "related to", "supports": "supports", "partOf": "part of"}
#: Who funds or gathers projects: what the programme filter and the shared-programme tie follow.
_FUNDER_KINDS = ("programme", "initiative")
_DATE_WORDS = {"signedDate": "signed", "startDate": "started", "endDate": "ended"}


@dataclass
class _StepDraft:
    subject: str
    relation: str
    object: str | None
    value: Term | None
    text: str
    evidence: tuple[str, str, Term] | None


@dataclass
class _Draft:
    participant: str
    projects: list[ProjectRole]
    projects_total: int
    reasons: list[tuple[str, str, list[_StepDraft]]] = field(default_factory=list)
    closeness: Closeness | None = None
    text_score: float | None = None


class _ResultBuilder:
    """Turns a matching participant into a result: names from the label index, paths from the
    network; it collects the statements to cite so that one query fetches all their sources."""

    def __init__(self, index: LabelIndex, network: PartnerNetwork, filters: Filters) -> None:
        self.index = index
        self.network = network
        self.filters = filters
        self.evidence_keys: set[tuple[str, str, Term]] = set()
        self._anchors: list[str] | None = None
        self._names: dict[str, str] = {}
        self._refs: dict[str, EntityRef] = {}

    # names ---------------------------------------------------------------------------------

    def ref(self, iri: str | None) -> EntityRef | None:
        """One reference per entity per search (a page refers to about a thousand, mostly the
        same projects and programmes, and making a frozen dataclass costs more than finding it)."""
        if iri is None:
            return None
        made = self._refs.get(iri)
        if made is None:
            entity = self.index.get(iri)
            made = self._refs[iri] = (EntityRef(iri.removeprefix(BASE), iri.removeprefix(BASE)) if entity is None
                                      else EntityRef(entity.id, entity.name, entity.type, entity.name_en))
        return made

    def name(self, iri: str) -> str:
        if iri not in self._names:
            entity = self.index.get(iri)
            self._names[iri] = entity.name if entity else iri.removeprefix(BASE)
        return self._names[iri]

    def short(self, iri: str) -> str:
        """The acronym where there is one: "UTCN, partner in ..." reads better."""
        entity = self.index.get(iri)
        if entity is None:
            return iri.removeprefix(BASE)
        return next((label.text for label in entity.labels if label.property == "acronym"), entity.name)

    # steps ---------------------------------------------------------------------------------

    def step(self, subject: str, relation: str, obj: str | None, text: str, *, value: Term | None = None,
             prop: str | None = None) -> _StepDraft:
        """A step; with ``prop``, the statement (subject, prop, object or value) is cited."""
        evidence = None
        if prop is not None:
            evidence = (subject, _PROPERTY[prop], value if value is not None else ox.NamedNode(obj))
            self.evidence_keys.add(evidence)
        return _StepDraft(subject, relation, obj, value, text, evidence)

    def role(self, participant: str, project: str) -> str:
        roles = self.network.roles.get((participant, project))
        return roles[0] if roles else "partner"

    def takes_part(self, participant: str, project: str, role: str | None = None) -> _StepDraft:
        """The step "participant has role in project", cited by :func:`participation_statement`."""
        role = role or self.role(participant, project)
        preposition = "of" if role == "coordinator" else "in"
        text = f"{self.short(participant)} is {_ROLE_IS[role]} {preposition} {self.name(project)}"
        evidence = participation_statement(participant, project, role)
        self.evidence_keys.add(evidence)
        return _StepDraft(participant, role, project, None, text, evidence)

    def funding_path(self, path: list[str]) -> tuple[list[_StepDraft], str]:
        """Steps and words for a path project -> (call ->) programme (-> parent programme)."""
        steps, words = [], []
        for a, b in zip(path, path[1:]):
            relation = self.network.funding.edges[a, b]["relation"]
            text = f"{self.short(a)} {_FUNDING[relation]} {self.short(b)}"
            if relation == "relatedBy":  # the initiative states it: (initiative, relatedTo, project) is cited
                steps.append(self.step(b, "relatedTo", a, text, prop="relatedTo"))
            else:
                steps.append(self.step(a, relation, b, text, prop=relation))
            words.append(f"{_FUNDING[relation]} {self.short(b)}")
        return steps, ", ".join(words)

    def period(self, project: str) -> tuple[list[_StepDraft], str]:
        dates = sorted(self.network.dates.get(project, []), key=lambda d: list(_DATE_WORDS).index(d[0]))
        steps, words = [], []
        for relation, value in dates:
            words.append(f"{_DATE_WORDS[relation]} {value.value}")
            steps.append(self.step(project, relation, None, f"{self.name(project)} {words[-1]}", value=value, prop=relation))
        if words and not any(r == "endDate" for r, _ in dates):
            words.append("end not stated")
        return steps, ", ".join(words)

    def proxy(self, anchor: str) -> tuple[list[_StepDraft], str]:
        """When what stands for ``near`` (its city hall, or its city) is where a path ends."""
        near = self.filters.near.iri
        if anchor == near:
            return [], ""
        if self.network.proxies(near).get(anchor) == "governed-by":
            text = f"{self.short(anchor)} governs {self.short(near)}"
            return [self.step(anchor, "governs", near, text, prop="governs")], f", which governs {self.short(near)}"
        text = f"{self.short(near)} governs {self.short(anchor)}"
        return [self.step(near, "governs", anchor, text, prop="governs")], f", governed by {self.short(near)}"

    def anchors(self) -> list[str]:
        """``near`` and what stands for it, ``near`` first."""
        if self._anchors is None:
            near = self.filters.near.iri
            self._anchors = [near, *sorted(self.network.proxies(near))]
        return self._anchors

    def anchor_in(self, project: str) -> str | None:
        return next((a for a in self.anchors() if (a, project) in self.network.roles), None)

    # results -------------------------------------------------------------------------------

    def listed(self, x: str, matched: dict[str, str]) -> tuple[list[str], list[str]]:
        """The projects a result lists, by name: (the matching ones, all of them)."""
        by_name = self.network.projects_by_name(x, self.index)
        first = list(islice((p for p in by_name if p in matched), PROJECTS_PER_RESULT))
        return first, first + list(islice((p for p in by_name if p not in matched), PROJECTS_PER_RESULT - len(first)))

    def draft(self, x: str, matched: dict[str, str], first: list[str], shown: list[str], hit: SearchHit | None,
              near: tuple[Closeness, dict[str, Any]] | None) -> _Draft:
        network = self.network
        projects = []
        for project in shown:
            programmes = tuple(self.ref(g) for g, path in sorted(network.programmes_of(project).items())
                               if len(path) == 2 and kind_of(g) == "programme")
            for role in network.roles[(x, project)]:
                projects.append(ProjectRole(self.ref(project), role, None, matched.get(project) == role, programmes))
        draft = _Draft(x, projects, len(network.first_roles.get(x, {})), closeness=near[0] if near else None,
                       text_score=hit.score if hit else None)
        entity = self.index.get(x)
        if hit is not None:
            draft.reasons.append(("text", f"name matches “{self.filters.text}”: {hit.label}", []))
        if self.filters.type and entity:
            text = f"{self.short(x)} is a {entity.type}"
            if entity.type != self.filters.type:
                text += f", a kind of {self.filters.type}"
            draft.reasons.append(("type", text, [self.step(x, "type", None, text, value=ox.Literal(entity.type))]))
        if self.filters.country:
            country = self.filters.country.iri
            text = f"{self.short(x)} is in {self.name(country)}"
            draft.reasons.append(("country", f"{self.short(x)}, in {self.name(country)}", [self.step(x, "country", country, text)]))
        if self.filters.city:
            draft.reasons.append(self.city_reason(x, self.filters.city.iri))
        if self.filters.on_projects or near is None:
            for project in first[:REASONS_PER_KIND + 2]:
                draft.reasons.append(self.participation_reason(x, project, matched[project]))
        if near is not None:
            draft.reasons.extend(self.near_reasons(x, *near))
        return draft

    def city_reason(self, x: str, city: str) -> tuple[str, str, list[_StepDraft]]:
        if x == city:
            return ("city", f"{self.short(x)} is {self.name(city)}", [])
        if self.network.places.get(x, {}).get(city) == "governs":
            text = f"{self.short(x)} governs {self.name(city)}"
            return ("city", f"{self.short(x)}, which governs {self.name(city)}", [self.step(x, "governs", city, text, prop="governs")])
        text = f"{self.short(x)} is seated in {self.name(city)}"
        return ("city", f"{self.short(x)}, seated in {self.name(city)}", [self.step(x, "city", city, text, prop="city")])

    def participation_reason(self, x: str, project: str, role: str) -> tuple[str, str, list[_StepDraft]]:
        steps = [self.takes_part(x, project, role)]
        words = [f"{self.short(x)}, {_ROLE_IN[role]} {self.name(project)}"]
        gathering = [f for f in (self.filters.programme, self.filters.project) if f is not None and f.iri != project]
        for funder in gathering:  # a programme, or a Mission or initiative given as programme or project
            path = self.network.programmes_of(project).get(funder.iri)
            if path:
                more, phrase = self.funding_path(path)
                steps += more
                words.append(phrase)
        if self.filters.copartner_type:
            typed = self.index.members(type=self.filters.copartner_type)
            partner = min((y for y in self.network.participants_of(project) if y != x and y in typed), key=self.name)
            steps.append(self.takes_part(partner, project))
            words.append(f"with {self.short(partner)} ({self.index.get(partner).type})")
        if self.filters.call:
            call = self.filters.call.iri
            steps.append(self.step(project, "fundedUnderCall", call, f"{self.name(project)} funded under {self.name(call)}",
                                   prop="fundedUnderCall"))
            words.append(f"under the call {self.name(call)}")
        period = ""
        if self.filters.active_from or self.filters.active_to:
            more, period = self.period(project)
            steps += more
        return ("participation", ", ".join(words) + (f" ({period})" if period else ""), steps)

    def near_reasons(self, x: str, closeness: Closeness, ties: dict[str, Any]) -> list[tuple[str, str, list[_StepDraft]]]:
        network, near, reasons = self.network, self.filters.near.iri, []
        if closeness.tier == 1:
            for project in ties["projects"][:REASONS_PER_KIND]:
                anchor = self.anchor_in(project)
                proxy, suffix = self.proxy(anchor)
                text = (f"{self.short(x)}, {_ROLE_IN[self.role(x, project)]} {self.name(project)}, "
                        f"{_ROLE_BY[self.role(anchor, project)]} {self.short(anchor)}{suffix}")
                reasons.append(("shared-project", text, [self.takes_part(x, project), self.takes_part(anchor, project), *proxy]))
        elif closeness.tier == 2:
            for middle in ties["partners"][:REASONS_PER_KIND]:
                anchor_projects = {p for a in self.anchors() for p in network.projects_of(a)}
                first = min(network.projects_of(x) & network.projects_of(middle), key=self.name)
                second = min(network.projects_of(middle) & anchor_projects, key=self.name)
                anchor = self.anchor_in(second)
                proxy, suffix = self.proxy(anchor)
                text = (f"{self.short(x)}, {_ROLE_IN[self.role(x, first)]} {self.name(first)} with {self.short(middle)}, "
                        f"{_ROLE_IN[self.role(middle, second)]} {self.name(second)}, "
                        f"{_ROLE_BY[self.role(anchor, second)]} {self.short(anchor)}{suffix}")
                steps = [self.takes_part(x, first), self.takes_part(middle, first), self.takes_part(middle, second),
                         self.takes_part(anchor, second), *proxy]
                reasons.append(("shared-partner", text, steps))
        elif closeness.tier == 3:
            place = ties["place"]
            steps = []
            for who in (x, near):
                relation = network.places_of(who).get(place)
                if who != place and relation in ("city", "governs"):
                    verb = "is seated in" if relation == "city" else "governs"
                    steps.append(self.step(who, relation, place, f"{self.short(who)} {verb} {self.name(place)}", prop=relation))
            if x == place:
                text = f"{self.short(x)}, the city of {self.short(near)}"
            elif near == place:
                text = f"{self.short(x)}, in {self.name(place)}"
            else:
                text = f"{self.short(x)} and {self.short(near)}, both in {self.name(place)}"
            reasons.append(("same-city", text, steps))
        else:
            near_projects = {p for a in self.anchors() for p in network.projects_of(a)}
            for programme in ties["programmes"][:REASONS_PER_KIND]:
                own = min((p for p in network.projects_of(x) if programme in network.programmes_of(p)), key=self.name)
                theirs = min((p for p in near_projects if programme in network.programmes_of(p)), key=self.name)
                anchor = self.anchor_in(theirs)
                own_steps, own_words = self.funding_path(network.programmes_of(own)[programme])
                their_steps, _ = self.funding_path(network.programmes_of(theirs)[programme])
                proxy, suffix = self.proxy(anchor)
                text = (f"{self.short(x)}, {_ROLE_IN[self.role(x, own)]} {self.name(own)}, {own_words}, "
                        f"which also funds {self.name(theirs)}, where {self.short(anchor)}{suffix} is "
                        f"{_ROLE_IS[self.role(anchor, theirs)]}")
                steps = [self.takes_part(x, own), *own_steps, *their_steps, self.takes_part(anchor, theirs), *proxy]
                reasons.append(("shared-programme", text, steps))
        return reasons

    def finish(self, draft: _Draft, sources: dict[tuple[str, str, Term], tuple[Source, ...]],
               allocations: dict[tuple[str, str, str], Amount]) -> PartnerResult:
        entity = self.index.get(draft.participant)
        reasons = tuple(
            Reason(kind, text, tuple(
                Step(self.ref(s.subject), s.relation, self.ref(s.object),
                     s.value.value if s.value is not None and s.object is None else None,
                     s.text, sources.get(s.evidence, ()) if s.evidence else ())
                for s in steps
            ))
            for kind, text, steps in draft.reasons
        )
        projects = tuple(
            ProjectRole(p.project, p.role, allocations.get((draft.participant, BASE + p.project.id, p.role)),
                        p.matched, p.programmes)
            for p in draft.projects
        )
        city = entity.city if entity and kind_of(entity.iri) != "city" else None
        return PartnerResult(
            entity=self.ref(draft.participant),
            type=entity.type if entity else "Organisation",
            city=self.ref(BASE + city) if city else None,
            country=self.ref(BASE + entity.country) if entity and entity.country else None,
            projects=projects,
            reasons=reasons,
            closeness=draft.closeness,
            text_score=draft.text_score,
            projects_total=draft.projects_total,
        )
