"""Facts from normalised text: who coordinates or partners what, funding, money, dates,
Mission cities, countries and grant numbers, each with the rule, offsets and source lines.

Rules read one sentence at a time around a cue ("coordonat de", "Perioada de implementare",
"Deadline:"). The subject of a fact is the project (call, mission) named in the sentence,
else the nearest one close by (newsletters put each project in its own block), else the
project the document is mainly about, with a confidence that says which of these it was.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from ingest.amounts import AmountMention, find_amounts
from ingest.dates import DateMention, DateRange, find_dates
from ingest.gazetteer import EntityMention, Gazetteer, ProposedEntity, type_from_name
from ingest.mission import MISSION_NAME
from ingest.normalise import NormalisedText, fold
from ingest.relation_model import (MODEL_FILE, NONE, VALUE_MODEL_FILE, RelationModel, Span,
                                   candidate_pairs, value_pairs)

Node = EntityMention | ProposedEntity
Value = Node | AmountMention | DateMention | str


ORG_TYPES = {"University", "ResearchInstitute", "Company", "PublicAuthority", "Ministry",
             "CityHall", "Agency", "NGO", "Association", "Cluster", "ProfessionalBody",
             "Organisation", "City", "CityDistrict", "Hub", None}
PROJECT_TYPES = {"Project", "Network"}
CALL_TYPES = {"Call"}
FUNDER_TYPES = {"Programme", "Initiative", "Call"}
PLACE_TYPES = {"City", "CityDistrict", "CityHall"}
MISSION_TYPES = {"Mission"}

NEAR = 500  # characters around a cue searched for a project named in a neighbouring block
IN_SENTENCE, NEARBY, MAIN = 0.9, 0.75, 0.6


@dataclass(frozen=True)
class Fact:
    """subject -property-> object, with the rule that found it and where (offsets in the
    normalised text, 1-based lines of the source). participant: the organisation an
    allocation is for."""

    subject: Node
    property: str
    object: Value
    rule: str
    start: int
    end: int
    lines: tuple[int, int]
    confidence: float
    participant: Node | None = None

    @property
    def kind(self) -> str:
        """How the object becomes an RDF term: "relation" | "amount" | "date" | "value"."""
        if isinstance(self.object, AmountMention):
            return "amount"
        if isinstance(self.object, DateMention):
            return "date"
        return "value" if isinstance(self.object, str) else "relation"


@dataclass(frozen=True)
class Extraction:
    """Everything read from one document."""

    facts: list[Fact]
    mentions: list[EntityMention]
    proposals: list[ProposedEntity]
    amounts: list[AmountMention]
    dates: list[DateMention | DateRange]
    main_subject: Node | None
    nodes: list[Node] = field(default_factory=list)  # every entity occurrence, in text order
    sentences: list[tuple[int, int]] = field(default_factory=list)


def node_key(node: Node) -> tuple[str, ...]:
    """Identity of a node across its mentions: the IRI, else type and folded name."""
    if node.iri:
        return ("iri", node.iri)
    name = node.name if isinstance(node, ProposedEntity) else node.text
    return ("proposed", node.type or "", fold(name))


# --------------------------------------------------------------------------- document model


@dataclass
class _Doc:
    text: NormalisedText
    folded: str
    nodes: list[Node]
    amounts: list[AmountMention]
    dates: list[DateMention | DateRange]
    paragraphs: list[tuple[int, int]]
    main: Node | None
    gazetteer: Gazetteer | None = None

    @property
    def s(self) -> str:
        return self.text.text

    def __post_init__(self) -> None:
        self._starts = [n.start for n in self.nodes]
        self._paragraph_starts = [p[0] for p in self.paragraphs]

    def nodes_in(self, start: int, end: int, types: set | None = None) -> list[Node]:
        """Nodes lying within [start, end), of the given types, in text order."""
        first, last = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return [n for n in self.nodes[first:last] if n.end <= end
                and (types is None or n.type in types)]

    def nodes_starting(self, start: int, end: int) -> list[Node]:
        """Nodes that start within [start, end), whatever their end."""
        return self.nodes[bisect_left(self._starts, start):bisect_left(self._starts, end)]

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        index = bisect_right(self._paragraph_starts, pos) - 1
        if index >= 0 and pos <= self.paragraphs[index][1]:
            return self.paragraphs[index]
        return (0, len(self.s))

    def fact(self, subject: Node, prop: str, obj: Value, rule: str, spans: Iterable[tuple[int, int]],
             confidence: float, participant: Node | None = None) -> Fact:
        spans = list(spans)
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        return Fact(subject, prop, obj, rule, start, end, self.text.span_lines(start, end),
                    round(confidence, 2), participant)


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int


_SHIPPED = object()  # extract()'s default: the relation model that ships with the project


def extract(text: NormalisedText, gazetteer: Gazetteer, *,
            default_year: int | None = None, model: RelationModel | None | object = _SHIPPED,
            value_model: RelationModel | None | object = _SHIPPED) -> Extraction:
    """Read the facts of one normalised document: the rules, then the relation model for the
    pairs of entities the rules said nothing about, and the value model for the amounts and
    dates no rule placed (``None``: the rules alone)."""
    s = text.text
    folded = fold(s)
    mentions = gazetteer.find(s)
    nodes = _build_nodes(s, folded, mentions, gazetteer)
    main = _main_project(s, nodes)
    doc = _Doc(text, folded, nodes, find_amounts(s), [], _paragraphs(s), main, gazetteer)
    doc.dates = [d for d in find_dates(s, default_year=default_year) if not _in_a_name(doc, d)]
    facts: list[Fact] = []
    sentences = _sentences(s)
    for sentence in sentences:
        for rule in _SENTENCE_RULES:
            facts.extend(rule(doc, sentence))
    for rule in _DOCUMENT_RULES:
        facts.extend(rule(doc))
    model = shipped_model(MODEL_FILE) if model is _SHIPPED else model
    value_model = shipped_model(VALUE_MODEL_FILE) if value_model is _SHIPPED else value_model
    spans = [(x.start, x.end) for x in sentences]
    if model is not None:
        facts.extend(_model_facts(doc, spans, model, facts))
    if value_model is not None:
        facts.extend(_value_facts(doc, spans, value_model, facts))
    facts = _dedupe([f for f in facts if _asserted(doc, f)])
    proposals = _proposals_of(doc.nodes, facts)
    return Extraction(facts, mentions, proposals, doc.amounts, doc.dates, main, list(doc.nodes), spans)


_NEGATED = re.compile(r"(?<![\w])(?:nu|n-a|n-au|nici|not|never|no\s+longer|fara\s+a)(?![\w])")
_PLANNED = re.compile(r"(?<![\w])(?:va|vor|ar\s+urma|urmeaza\s+sa|intentioneaza|isi\s+propune|will|plans?\s+to|"
                      r"intends?\s+to|in\s+curs\s+de\s+evaluare|in\s+evaluare|pending|estimativ)(?![\w])")


def _asserted(doc: _Doc, fact: Fact) -> bool:
    """False for a fact its own words deny ("nu a fost selectat", "is not a partner") and for
    a relation they only plan ("va depune", "will join"): neither is a fact yet."""
    words = doc.folded[max(0, fact.start - 30):fact.end]
    if _NEGATED.search(words):
        return False
    return fact.kind != "relation" or not _PLANNED.search(words)


@lru_cache(maxsize=2)
def shipped_model(path: Path) -> RelationModel | None:
    return RelationModel.load(path)


def value_mentions(doc_values: Iterable[AmountMention | DateMention | DateRange]) -> list[AmountMention | DateMention]:
    """Amounts and dates one by one (a period gives its start and its end)."""
    out: list[AmountMention | DateMention] = []
    for v in doc_values:
        out += [v.start, v.end] if isinstance(v, DateRange) else [v]
    return out


def value_spans(values: list[AmountMention | DateMention]) -> list[Span]:
    return [Span(v.start, v.end, "Amount" if isinstance(v, AmountMention) else "Date") for v in values]


_VALUE_PROPERTIES = {"budget": "budget", "call_budget": "budget", "eu_contribution": "funding",
                     "allocation": "allocation", "start": "startDate", "end": "endDate",
                     "signature": "signedDate", "deadline": "deadline", "publication": "openingDate",
                     "event": "startDate"}


def _value_facts(doc: _Doc, sentences: list[tuple[int, int]], model: RelationModel,
                 ruled: list[Fact]) -> list[Fact]:
    """Each amount or date no rule placed, given to the entity the value model finds it is of."""
    placed = {f.object.start for f in ruled if isinstance(f.object, (AmountMention, DateMention))}
    values = [v for v in value_mentions([*doc.amounts, *doc.dates]) if v.start not in placed]
    spans = model_spans(doc.nodes)
    main = next((sp for sp, n in zip(spans, doc.nodes) if n is doc.main), None)
    best: dict[int, tuple[float, int, str]] = {}
    for v, e, features in value_pairs(doc.s, sentences, value_spans(values), spans, main):
        label, probability = model.classify(features)
        if label != NONE and probability >= model.threshold and probability > best.get(v, (0.0,))[0]:
            best[v] = (probability, e, label)
    facts = []
    for v, (probability, e, label) in sorted(best.items()):
        value, entity, prop = values[v], doc.nodes[e], _VALUE_PROPERTIES.get(label)
        if prop is None or (prop == "allocation") != (entity.type in ORG_TYPES - {None, "City", "CityDistrict"}):
            continue
        rule, spans_ = f"model.{label}", [(value.start, value.end), (entity.start, entity.end)]
        if prop == "allocation":
            sentence = next(x for x in sentences if x[0] <= value.start < x[1])
            project = next((n for n in doc.nodes_in(*sentence, PROJECT_TYPES)), doc.main)
            if project is None:
                continue
            facts.append(doc.fact(project, "allocation", value, rule, spans_, probability, participant=entity))
        else:
            facts.append(doc.fact(entity, prop, value, rule, spans_, probability))
    return facts


def model_spans(nodes: list[Node]) -> list[Span]:
    return [Span(n.start, n.end, n.type) for n in nodes]


def _model_facts(doc: _Doc, sentences: list[tuple[int, int]], model: RelationModel,
                 ruled: list[Fact]) -> list[Fact]:
    """Facts the relation model reads between pairs of entities the rules left alone."""
    done = {frozenset((node_key(f.subject), node_key(f.object))) for f in ruled
            if isinstance(f.object, (EntityMention, ProposedEntity))}
    spans = model_spans(doc.nodes)
    main = next((sp for sp, n in zip(spans, doc.nodes) if n is doc.main), None)
    found: list[tuple[float, str, Node, Node]] = []
    for i, j, features in candidate_pairs(doc.s, sentences, spans, main):
        a, b = doc.nodes[i], doc.nodes[j]
        if frozenset((node_key(a), node_key(b))) in done or node_key(a) == node_key(b):
            continue
        label, probability = model.classify(features)
        if label == NONE or probability < model.threshold:
            continue
        subject, obj = (a, b) if label[-1] == ">" else (b, a)
        found.append((probability, label[:-1], subject, obj))
    facts, taken = [], set()
    for probability, predicate, subject, obj in sorted(found, key=lambda x: -x[0]):
        # one coordinator and lead partner a project, one city and country an organisation:
        # the most likely pair wins and the others of the same sentence are not read as more
        if predicate in _ONE_PER_SUBJECT:
            slot = (predicate, node_key(obj if predicate == "leadPartnerOf" else subject),
                    obj.type if predicate == "locatedIn" else "")
            if slot in taken:
                continue
            taken.add(slot)
        fact = _gold_fact(doc, predicate, subject, obj, probability, (subject.start, subject.end), (obj.start, obj.end))
        if fact is not None:
            facts.append(fact)
    return facts


_ONE_PER_SUBJECT = {"coordinatedBy", "leadPartnerOf", "locatedIn"}


def _gold_fact(doc: _Doc, predicate: str, subject: Node, obj: Node, confidence: float,
               *spans: tuple[int, int]) -> Fact | None:
    """A relation named as the corpus names it (``partnerOf``: organisation -> project) as the
    ontology's fact (``partner``: project -> organisation)."""
    rule = f"model.{predicate}"
    if predicate == "coordinatedBy":
        return doc.fact(subject, "coordinator", obj, rule, spans, confidence)
    if predicate in ("partnerOf", "leadPartnerOf"):
        return doc.fact(obj, "partner" if predicate == "partnerOf" else "leadPartner", subject, rule, spans, confidence)
    if predicate == "fundedBy":
        return doc.fact(subject, "fundedUnderCall" if obj.type == "Call" else "fundedBy", obj, rule, spans, confidence)
    if predicate == "selectedFor":
        return doc.fact(obj, "selectedCity", subject, rule, spans, confidence)
    if predicate == "organisedBy":
        return doc.fact(subject, "managedBy" if subject.type == "Call" else "organisedBy", obj, rule, spans, confidence)
    if predicate == "locatedIn":
        if obj.type not in ("City", "Country"):
            return None
        return doc.fact(subject, obj.type.lower(), obj, rule, spans, confidence)
    if predicate in ("memberOf", "hostedBy"):
        return doc.fact(subject, predicate, obj, rule, spans, confidence)
    return None


def _in_a_name(doc: _Doc, when: DateMention | DateRange) -> bool:
    """A date written inside a name ("Horizon 2020", "... by 2030") is not a date of a fact."""
    start, end = when.span
    return any(end <= n.end for n in doc.nodes_starting(start - 300, start + 1))


# --------------------------------------------------------------------------- segmentation

_ABBREVIATIONS = {"nr", "aprox", "mil", "mld", "prof", "dr", "ing", "etc", "str", "cca", "art",
                  "alin", "ex", "vol", "pag", "p", "dl", "dna", "sf", "ian", "feb", "febr", "mar",
                  "apr", "iun", "iul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs",
                  "conf", "lect", "univ", "st", "jud", "mun", "tel", "fig"}
_SENTENCE_BREAK = re.compile(r"[.!?]+[\"”»’)]*\s+(?=[A-ZĂÂÎȘȚ„“\"(>\d])")


def _sentences(s: str) -> list[_Sentence]:
    """Sentences: lines of the normalised text split after . ! ? (not after abbreviations)."""
    out = []
    for line in re.finditer(r"[^\n]+", s):
        start = line.start()
        for brk in _SENTENCE_BREAK.finditer(s, line.start(), line.end()):
            word = re.search(r"(\w+)$", s[max(line.start(), brk.start() - 40):brk.start()])
            if word and (fold(word.group(1)) in _ABBREVIATIONS or
                         (len(word.group(1)) == 1 and word.group(1).isupper())):
                continue
            out.append(_Sentence(start, brk.start() + 1))
            start = brk.end()
        out.append(_Sentence(start, line.end()))
    return out


def _paragraphs(s: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs (blocks separated by a blank line)."""
    return [m.span() for m in re.finditer(r"(?:[^\n]|\n(?!\n))+", s)]


# --------------------------------------------------------------------------- nodes

_CAPITAL_WORD = r"[A-ZĂÂÎȘȚ0-9][\w\-]*"
_TITLE_WORD = r"[A-ZĂÂÎȘȚ][\w\-]*"
_ARTICLE_END = re.compile(r"(?:ea|ul|ului|ei|ii|ilor|elor|area|rea)$")
_QUOTED = re.compile(r"[„“\"«*]+(?P<name>[^„“”\"«»*\n]{2,160}?)[”\"»“*]+")
_PROJECT_CUE = re.compile(
    r"(?<![\w])(?:proiect(?:ului|ul|elor|ele)?(?![\w])|intitulat[aei]?|retea(?:ua|ei)|network)"
    r"(?:\s+(?:clujean|european|pilot|[a-z]+ean[a]?))?\s*[:–—-]?\s*"
)
_PROJECT_EN = re.compile(rf"(?P<name>{_CAPITAL_WORD}(?: {_CAPITAL_WORD}){{0,3}})\s+project\b")
_FUNDED_PROJECT = re.compile(rf"(?P<name>{_CAPITAL_WORD})\s+(?:has\s+received\s+funding|a\s+primit\s+finan)")
_PROGRAMME_CUE = re.compile(r"(?<![\w])program(?:ului|ul)\s+")
_PROGRAMME_EN = re.compile(rf"(?P<name>(?:{_TITLE_WORD}\s+)(?:(?:{_TITLE_WORD}|and|for|of)\s+){{0,5}}Program(?:me)?)(?![\w])")
_CALL_CUE = re.compile(
    r"(?<![\w])(?P<ord>primul|al\s+doilea|al\s+treilea|al\s+patrulea|noul|un\s+nou)?\s*"
    r"(?P<word>apel(?:ului|ul)?(?![\w]))(?:\s+(?:de\s+proiecte|suplimentar|comun|european))?"
)
_MISSION_WORD = re.compile(r"(?<![\w])(?:(?:[Mm]isiun(?:ea|ii|e)\s+[*_]?)?100\s?[Cc]ities(?![\w])[*_]?|"
                           r"Misiun(?:ea|ii|e)|Mission)(?![\w])")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")


def _build_nodes(s: str, folded: str, mentions: list[EntityMention],
                 gazetteer: Gazetteer) -> list[Node]:
    """Gazetteer mentions plus proposed organisations, projects, programmes, calls and the
    Mission, without overlaps: the longest wins, then the gazetteer, then the more specific
    proposals ("Primăria Municipiului Iași" proposed beats the known "Iași" inside it)."""
    urls = [m.span() for m in _URL.finditer(s)]
    projects = _project_proposals(s, folded, urls)
    ranked: list[list[Node]] = [
        list(mentions),
        projects,
        _call_proposals(s, folded, gazetteer, mentions),
        _programme_proposals(s, folded),
        gazetteer.propose_entities(s),
        _mission_markers(s),
    ]
    candidates = [(node, rank) for rank, group in enumerate(ranked) for node in group
                  if not any(a <= node.start < b for a, b in urls)]
    kept: list[Node] = []
    for node, _ in sorted(candidates, key=lambda c: (c[0].start - c[0].end, c[1], c[0].start)):
        if all(node.end <= k.start or k.end <= node.start for k in kept):
            kept.append(node)
    return sorted(kept, key=lambda n: n.start)


def _run(s: str, pos: int, limit: int = 6) -> tuple[int, int] | None:
    """A name made of words that look like a code (CO4CITIES, AS TRANSFER, NetZeroCities),
    continued by title-case words that are not Romanian articled nouns."""
    first = re.compile(_CAPITAL_WORD).match(s, pos)
    if not first or not _is_code(first.group()):
        return None
    end, count = first.end(), 1
    while count < limit:
        nxt = re.compile(" (" + _CAPITAL_WORD + ")").match(s, end)
        if not nxt or (not _is_code(nxt.group(1)) and _ARTICLE_END.search(fold(nxt.group(1)))):
            break
        end, count = nxt.end(), count + 1
    return (pos, end)


def _is_code(word: str) -> bool:
    """A word that looks like a code name: CO4CITIES, AS, CO-CITY, NetZeroCities, H2020."""
    capitals = sum(c.isupper() for c in word)
    return capitals >= 2 or (capitals == 1 and any(c.isdigit() for c in word))


def _name_after(s: str, pos: int) -> tuple[str, int, int] | None:
    """A quoted (or *emphasised*) name, or a code-like name, starting at pos."""
    quoted = _QUOTED.match(s, pos)
    if quoted:
        return quoted["name"].strip(" ,."), quoted.start("name"), quoted.end("name")
    run = _run(s, pos)
    return (s[run[0]:run[1]], run[0], run[1]) if run else None


def _project_proposals(s: str, folded: str, urls: list[tuple[int, int]]) -> list[ProposedEntity]:
    """Projects introduced by "proiectul", "intitulat", "rețeaua" or "X has received
    funding", then every other place the same name is written."""
    named: dict[str, ProposedEntity] = {}
    for cue in _PROJECT_CUE.finditer(folded):
        found = _name_after(s, cue.end())
        if found:
            name, start, end = found
            type_ = "Network" if fold(cue.group()).startswith(("retea", "network")) else "Project"
            if re.match(r"\s+apel", folded[end:]):
                type_ = "Programme"  # "proiectul PNRR apelul X": a programme and its call
            _add_project(named, name, start, end, type_, s)
    for m in [*_FUNDED_PROJECT.finditer(s), *_PROJECT_EN.finditer(s)]:
        words = m["name"].split(" ")
        while words and not _is_code(words[0]):
            words.pop(0)
        if words and all(map(_is_code, words)):
            name = " ".join(words)
            _add_project(named, name, m.end("name") - len(name), m.end("name"), "Project", s)
    return _occurrences(s, folded, named, urls)


def _add_project(named: dict[str, ProposedEntity], name: str, start: int, end: int,
                 type_: str, s: str) -> None:
    """Keep a short name for "CODE - long title" and the long title as an alias."""
    parts = re.split(r"\s+[-–—]\s+", name, maxsplit=1)
    aliases: tuple[str, ...] = ()
    if len(parts) == 2 and " " not in parts[0] and _is_code(parts[0]):
        aliases, name, end = (name,), parts[0], start + len(parts[0])
    if len(name) < 3 or fold(name) in named:
        return
    named[fold(name)] = ProposedEntity(name, type_, s[start:end], start, end,
                                       rule=f"propose.{type_.lower()}", aliases=aliases)


def _occurrences(s: str, folded: str, named: dict[str, ProposedEntity],
                 urls: list[tuple[int, int]]) -> list[ProposedEntity]:
    """Every place a proposed project name is written; a code-like name (CapaCITIES) must
    keep its casing, so the English word "capacities" is not taken for it."""
    found = []
    for key, proposal in named.items():
        pattern = re.compile(r"(?<![\w])" + re.escape(key) + r"(?![\w])")
        coded = _is_code(proposal.name.split(" ")[0])
        for m in pattern.finditer(folded):
            if coded and _cased(s[m.start():m.end()]) != _cased(proposal.name):
                continue
            if not any(a <= m.start() < b for a, b in urls):
                found.append(replace(proposal, text=s[m.start():m.end()], start=m.start(),
                                     end=m.end()))
    return found


def _cased(name: str) -> str:
    """The name with diacritics removed but its case kept."""
    return "".join(f.upper() if c.isupper() else f for c, f in zip(name, fold(name)))


def _programme_proposals(s: str, folded: str) -> list[ProposedEntity]:
    """Programmes: "programul Horizon 2020", "Programului Orizont Europa", "Horizon Europe
    Programme"."""
    found = []
    for cue in _PROGRAMME_CUE.finditer(folded):
        span = _title_run(s, cue.end())
        if span and re.match(r"\w+(?:al|ala|ic|ica)\b", folded[span[0]:span[1]]):
            span = (cue.start(), span[1])  # "Programul Regional Centru": the word is the name
        if span:
            found.append(_proposal(s, span, "Programme", "propose.programme"))
    for m in _PROGRAMME_EN.finditer(s):
        name = re.sub(r"^(?:The|This|European Union’s|European Union's)\s+", "", m["name"])
        found.append(ProposedEntity(name, "Programme", m["name"], m.start(), m.end(),
                                    rule="propose.programme"))
    return found


_RUN_WORD = r"[A-ZĂÂÎȘȚ0-9][\w\-]*"


def _title_run(s: str, pos: int, limit: int = 6) -> tuple[int, int] | None:
    """Capitalised words, numbers and all-caps codes from pos ("Interreg URBACT IV",
    "Național de Redresare și Reziliență")."""
    run = re.compile(rf"{_RUN_WORD}(?: (?:(?:de|și|si|pentru|of|and|for) )?{_RUN_WORD}){{0,{limit - 1}}}")
    m = run.match(s, pos)
    if not m or (len(m.group()) <= 2 and " " not in m.group()):
        return None
    return m.span()


def _proposal(s: str, span: tuple[int, int], type_: str | None, rule: str) -> ProposedEntity:
    """A proposed entity named by the text at span, its name cleaned of quotes and punctuation."""
    surface = s[span[0]:span[1]]
    name = re.sub(r"\s+", " ", surface.strip(" „“”\"«»*_,.;:")).strip()
    closing = surface.rstrip(" *_,.;:")[-1:]
    if sum(name.count(q) for q in "„“”\"«»") % 2 and closing in "”\"»“" and closing:
        name += closing  # a quoted part ending the name keeps its closing quote
    return ProposedEntity(name, type_, surface, span[0], span[1], rule=rule)


_CALL_VERB = r"(?:este|e|a|au|va|vor|se|s-a|s-au|sunt|are|era|fi|fost|care|is|was|will|has|opens)"
_CALL_NAME = re.compile(
    rf"[A-ZĂÂÎȘȚ][\w\-]*(?: (?:[A-ZĂÂÎȘȚ][\w\-]*|(?!{_CALL_VERB}(?![\w-]))[a-zăâîșț]+)){{0,7}}?"
    rf"(?=,|\s*\(|\.|\s+intitulat|\s+{_CALL_VERB}(?![\w-]))"
)
_CALL_SCOPE = re.compile(r"\s+(?:in cadrul|al|pentru)\s+(?:programului\s+|initiativei\s+)?")


_PROGRAMME_WORDS = re.compile(r"(?<![\w])(?:cofund|era-?net|partnership|parteneriat\w*|programme|"
                             r"program(?:ul|ului)?|interreg)(?![\w])")


def _call_proposals(s: str, folded: str, gazetteer: Gazetteer | None = None,
                    mentions: list[EntityMention] = ()) -> list[ProposedEntity]:
    """Calls: "apelul „Name”", "apel suplimentar Name", "Primul apel de proiecte în cadrul X".
    A name that is a programme's ("apel suplimentar ERA-NET Cofund X (ENX)") names the owner:
    the programme is proposed there and the call is "apel suplimentar ENX", unless "acest
    apel" points back at a known call named just before."""
    found = []
    for cue in _CALL_CUE.finditer(folded):
        rest = cue.end() + len(s[cue.end():]) - len(s[cue.end():].lstrip())
        quoted = _QUOTED.match(s, rest)
        named = quoted.span("name") if quoted else _span(_CALL_NAME.match(s, rest))
        if named and _programme_named(s, folded, named, gazetteer):
            this = re.search(r"(?<![\w])(?:acest|acestui|this)\s+$", folded[max(0, cue.start() - 12):cue.start("word")])
            known = this and any(m.type == "Call" and m.iri and cue.start() - NEAR <= m.end <= cue.start()
                                 for m in mentions)
            found += _call_of_programme(s, cue, named, referent=bool(known))
        elif named:
            found.append(_proposal(s, named, "Call", "propose.call"))
        elif cue["ord"]:
            found.append(_ordinal_call(s, folded, cue))
    return found


def _programme_named(s: str, folded: str, span: tuple[int, int], gazetteer: Gazetteer | None) -> bool:
    """Whether a name after "apel" is a programme's: a programme word in it (Cofund, ERA-NET,
    Partnership, Programme) or a programme the gazetteer knows."""
    if _PROGRAMME_WORDS.search(folded, span[0], span[1]):
        return True
    known = gazetteer.lookup(s[span[0]:span[1]]) if gazetteer is not None else None
    return known is not None and known.type == "Programme"


def _call_of_programme(s: str, cue: re.Match[str], named: tuple[int, int],
                       referent: bool = False) -> list[ProposedEntity]:
    """The programme at the name, with its bracketed acronym, and the call at the cue words,
    named after the programme ("apel suplimentar ENGT"); only the programme when the call is
    one named before ("acest apel")."""
    programme = _proposal(s, named, "Programme",
                          "propose.programme_of_call" if referent else "propose.programme")
    acronym = _PAREN_ACRONYM_AFTER.match(s, named[1])
    if acronym:
        programme = replace(programme, acronym=acronym["acr"])
    if referent:
        return [programme]
    words = re.sub(r"\s+", " ", s[cue.start("word"):cue.end()]).strip()
    words = re.sub(r"^(?i:apel(?:ul|ului)?)", "apel", words)
    call = ProposedEntity(f"{words} {acronym['acr'] if acronym else programme.name}", "Call",
                          s[cue.start("word"):cue.end()], cue.start("word"), cue.end(),
                          rule="propose.call_of_programme")
    return [programme, call]


_PAREN_ACRONYM_AFTER = re.compile(r"[”\"»*]*\s*\((?P<acr>[A-ZĂÂÎȘȚ][A-Za-zĂÂÎȘȚ0-9&+\-]{1,11})\)")


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return match.span() if match else None


def _ordinal_call(s: str, folded: str, cue: re.Match[str]) -> ProposedEntity:
    """An unnamed call ("Primul apel de proiecte în cadrul EUI"): the phrase names it, the
    surface is "Primul apel de proiecte" so the programme after it stays a node of its own."""
    scope = _CALL_SCOPE.match(folded, cue.end())
    owner = (_title_run(s, scope.end(), 5) or _span(re.compile(r"[A-ZĂÂÎȘȚ]{2,}").match(s, scope.end()))
             if scope else None)
    name = re.sub(r"\s+", " ", s[cue.start():owner[1] if owner else cue.end()]).strip()
    return ProposedEntity(name, "Call", s[cue.start():cue.end()], cue.start(), cue.end(),
                          rule="propose.call_ordinal" if owner else "propose.call")


def _mission_markers(s: str) -> list[ProposedEntity]:
    """The EU Cities Mission where "Misiunea", "Misiunii" or "Mission" is capitalised."""
    return [ProposedEntity(MISSION_NAME, "Mission", m.group(), m.start(), m.end(),
                           rule="implicit.mission") for m in _MISSION_WORD.finditer(s)]


def _main_project(s: str, nodes: list[Node]) -> Node | None:
    """The most mentioned project; mentions in the first paragraph (the title) count double."""
    title_end = s.find("\n\n") if "\n\n" in s else len(s)
    counts: Counter[tuple[str, ...]] = Counter()
    first: dict[tuple[str, ...], Node] = {}
    for node in nodes:
        if node.type in PROJECT_TYPES:
            key = node_key(node)
            counts[key] += 2 if node.start < title_end else 1
            first.setdefault(key, node)
    if not counts:
        return None
    best = max(counts.values())
    return min((first[k] for k, c in counts.items() if c == best), key=lambda n: n.start)


# --------------------------------------------------------------------------- subjects


def _subject(doc: _Doc, sentence: _Sentence, cue: int, types: set,
             fallback: bool = True) -> tuple[Node, float] | None:
    """The entity of the given types a cue speaks about: in the sentence (nearest before the
    cue, else first after), else the last one earlier in the paragraph, else the nearest
    within NEAR characters, else the main project."""
    inside = doc.nodes_in(sentence.start, sentence.end, types)
    before = [n for n in inside if n.end <= cue]
    if before:
        return before[-1], IN_SENTENCE
    if inside:
        return inside[0], IN_SENTENCE
    if not fallback:
        return None
    paragraph = doc.paragraph_of(cue)
    earlier = [n for n in doc.nodes_in(paragraph[0], cue, types)]
    if earlier:
        return earlier[-1], NEARBY
    near = doc.nodes_in(max(0, cue - NEAR), cue + NEAR, types)
    if near:
        return min(near, key=lambda n: min(abs(n.start - cue), abs(n.end - cue))), NEARBY
    if doc.main is not None and types & PROJECT_TYPES:
        return doc.main, MAIN
    return None


def _mission(doc: _Doc, sentence: _Sentence, cue: int) -> tuple[Node, float]:
    """The Mission node of the sentence, else an implicit one at the cue."""
    found = _subject(doc, sentence, cue, MISSION_TYPES, fallback=False)
    if found:
        return found
    anywhere = [n for n in doc.nodes if n.type in MISSION_TYPES]
    if anywhere:
        return anywhere[0], NEARBY
    return ProposedEntity(MISSION_NAME, "Mission", "", cue, cue, rule="implicit.mission"), MAIN


def _node_before(doc: _Doc, pos: int, types: set, lower: int) -> Node | None:
    """The node ending right before pos (only spaces, quotes, brackets or a bracketed
    acronym between: "Universitatea X (UX) - partener")."""
    for node in reversed(doc.nodes_in(lower, pos, types)):
        between = doc.s[node.end:pos]
        return node if re.fullmatch(r"[\s\"”»)*]*(?:\([^()]{1,15}\))?[\s\"”»)*]*", between) else None
    return None


def _node_after(doc: _Doc, pos: int, types: set, upper: int) -> Node | None:
    """The node starting right after pos (only spaces, opening quotes or a colon between)."""
    nodes = doc.nodes_in(pos, upper, types)
    if nodes and re.fullmatch(r"[\s„“\"«(*:]*", doc.s[pos:nodes[0].start]):
        return nodes[0]
    return None


def _city_of(node: Node) -> Node:
    """The city (or Bucharest sector) a city hall governs: "Primăria Municipiului Suceava"
    -> "Municipiul Suceava"; other places are returned as they are."""
    if node.type != "CityHall":
        return node
    name = node.name if isinstance(node, ProposedEntity) else node.text
    rest = re.sub(r"^\S+\s+", "", name)
    for genitive, nominative, type_ in (("Municipiului", "Municipiul", "City"),
                                         ("Sectorului", "Sectorul", "CityDistrict"),
                                         ("Sector", "Sectorul", "CityDistrict"),
                                         ("Orașului", "Orașul", "City"),
                                         ("Comunei", "Comuna", "City")):
        if fold(rest).startswith(fold(genitive) + " "):
            return ProposedEntity(nominative + rest[len(genitive):], type_, node.text,
                                  node.start, node.end, rule="derive.city_of_cityhall")
    return ProposedEntity(rest, "City", node.text, node.start, node.end,
                          rule="derive.city_of_cityhall")


# --------------------------------------------------------------------------- lists


def _list_items(doc: _Doc, start: int, end: int, types: set,
                default_type: str | None) -> list[Node]:
    """Entities of a written list: a node at the head of each item, or a proposal made from
    a capitalised item ("Transylvania Energy Cluster – TREC")."""
    items = []
    for a, b in _item_spans(doc, start, end):
        a += len(re.match(r"(?:the\s+)?", doc.folded[a:b]).group())
        item_nodes = [n for n in doc.nodes if a <= n.start <= a + 3 and n.start < b]
        if item_nodes:
            if item_nodes[0].type in types:
                items.append(_district_of(doc, item_nodes[0], b) or
                             _with_branch(doc, item_nodes[0], b))
            continue
        city = re.match(r"[A-ZĂÂÎȘȚ][\w\-]*(?: [A-ZĂÂÎȘȚ][\w\-]*)?", doc.s[a:b])
        district = _district_of(doc, ProposedEntity(city.group(), "City", city.group(), a,
                                                    a + city.end()), b) if city else None
        if district is not None:
            items.append(district)
            continue
        proposal = _item_proposal(doc.s, a, b, default_type)
        if proposal is not None:
            items.append(proposal)
    return items


_DISTRICT = re.compile(r"\s*\(\s*(?:Sector(?:ul)?|sector(?:ul)?|Sect\.)\s*(?P<n>\d{1,2})\s*\)")


def _district_of(doc: _Doc, node: Node, end: int) -> Node | None:
    """"București (Sector 6)": the district, known to the gazetteer or proposed as
    "Sectorul 6 București", not the city alone."""
    if node.type not in ("City", None):
        return None
    m = _DISTRICT.match(doc.s, node.end, end)
    if not m:
        return None
    city = node.name if isinstance(node, ProposedEntity) else node.text
    name = f"Sectorul {m['n']} {city}"
    surface = doc.s[node.start:m.end()]
    for written in (surface, name):
        known = doc.gazetteer.lookup(written) if doc.gazetteer else None
        if known is not None and known.type == "CityDistrict":
            return replace(known, text=surface, start=node.start, end=m.end())
    return ProposedEntity(name, "CityDistrict", surface, node.start, m.end(),
                          rule="propose.city_district")


_ROLE_WORDS = re.compile(r"(?:partener|coordonator|lider|membru|lead|partner|coordinator|member)",
                         re.IGNORECASE)


def _branch_after(text: str) -> re.Match[str] | None:
    """A branch written after a dash ("– Filiala Banat", "– Departamentul de Fizică"): capitalised
    words that are neither an acronym ("– CEM") nor a role ("– partener lider")."""
    m = re.match(r"\s+[–—-]\s+(?P<branch>[A-ZĂÂÎȘȚ][^\W\d_]*[a-zăâîșț][\w\-]*"
                 r"(?: (?:(?:din|de|pentru|a|al|și|si|of|for)\s+)?[A-ZĂÂÎȘȚ0-9][\w\-]*){0,6})", text)
    if not m or _ROLE_WORDS.match(m["branch"]):
        return None
    return m


def _with_branch(doc: _Doc, node: Node, end: int) -> Node:
    """The node, or a proposal of the node with the branch written after it up to the end of
    the list item ("Ordinul Arhitecților din România – Filiala Banat")."""
    branch = _branch_after(doc.s[node.end:end])
    if branch is None or node.end + branch.end() != len(doc.s[:end].rstrip(" .;")):
        return node
    stop = node.end + branch.end()
    head = node.name if isinstance(node, ProposedEntity) else node.text
    return ProposedEntity(f"{head} – {branch['branch']}", node.type, doc.s[node.start:stop],
                          node.start, stop, rule="propose.branch")


def _from_list(node: Node) -> bool:
    """A proposal made from a bare list item (less sure than a recognised name)."""
    return isinstance(node, ProposedEntity) and node.rule == "propose.list_item"


def _item_spans(doc: _Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split a list on commas, semicolons and "și"/"and", never inside a node or brackets."""
    cuts, depth = [start], 0
    inside = doc.nodes_in(start, end)
    for m in re.finditer(r"[()]|[,;]|\s(?:si|and)\s(?:cu\s)?|\n", doc.folded[start:end]):
        pos = start + m.start()
        if m.group() in "()":
            depth += 1 if m.group() == "(" else -1
        elif depth <= 0 and not any(n.start <= pos < n.end for n in inside):
            cuts += [pos, start + m.end()]
    cuts.append(end)
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        text = doc.s[a:b]
        lead = len(text) - len(text.lstrip(" :>»-–•\"„“*"))
        trail = len(text.rstrip(" .;:*\"”"))
        if trail > lead:
            spans.append((a + lead, a + trail))
    return spans


def _item_proposal(s: str, a: int, b: int, default_type: str | None) -> ProposedEntity | None:
    """A proposal from a capitalised list item, cut before a dash, bracket or full stop; an
    acronym after a dash or in brackets is kept."""
    text = s[a:b]
    if not text[:1].isupper():
        return None
    name_end = len(re.split(r"\s+[–—-]\s+|\s*\(|\.\s", text, maxsplit=1)[0])
    branch = _branch_after(text[name_end:])
    if branch and name_end + branch.end() == len(text.rstrip(" .;")):
        name_end += branch.end()  # "Clusterul Verde – Filiala Vest": the branch is the member
    name = text[:name_end].strip(" „“”\"«»*")
    if not name or len(name.split()) > 8 or not re.match(r"[A-ZĂÂÎȘȚ]", name):
        return None
    tail = text[name_end:]
    acronym = re.search(r"(?:[–—-]\s*|\()([A-ZĂÂÎȘȚ][A-ZĂÂÎȘȚ0-9&+\-]{1,11})\)?\s*$", tail)
    return ProposedEntity(name, type_from_name(name) or default_type, text[:name_end].rstrip(),
                          a, a + len(text[:name_end].rstrip()), acronym[1] if acronym else None,
                          "propose.list_item")


# --------------------------------------------------------------------------- role rules

_ROLE_CUES = [
    # (pattern, property, where the object is, rule name)
    (r"coordonat[aei]?\s+de(?:\s+catre)?", "coordinator", "after", "role.coordonat_de"),
    (r"coordonator(?:ul)?\s+(?:proiectului\s+|consortiului\s+)?(?:este|e|va fi|fiind)\s+",
     "coordinator", "after", "role.coordonatorul_este"),
    (r"(?:coordinated|led)\s+by(?:\s+the)?", "coordinator", "after", "role.coordinated_by"),
    (r"(?:[-–—,(]\s*|in calitate de\s+|ca\s+|as\s+)coordonator\b(?!ul)|[-–—,(]\s*coordinator\b",
     "coordinator", "before", "role.coordonator"),
    (r"(?:[-–—,(]\s*)?(?:in calitate de\s+|ca\s+|as\s+)?(?:partener(?:ul)?\s+lider|lead\s+partner)"
     r"(?!\s*(?:este|e|:))", "leadPartner", "before", "role.partener_lider"),
    (r"(?:partener(?:ul)?\s+lider|lead\s+partner)\s*(?:este|e|:)\s*", "leadPartner", "after",
     "role.partener_lider_este"),
    (r"[-–—]\s*partener(?:a|ul)?\b(?!\s+lider)", "partner", "before", "role.partener"),
    (r"in calitate de\s+part?ene?ri\b", "partner", "before_all", "role.in_calitate_de_parteneri"),
    (r"in parteneriat cu|in partnership with", "partner", "after_list", "role.in_parteneriat_cu"),
    (r"impreuna cu|together with", "partner", "after_list", "role.impreuna_cu"),
    (r"alaturi de", "partner", "after_list", "role.alaturi_de"),
    (r"din (?:el|ea|acesta|aceasta|consortiu)\s+fac(?:e)?\s+parte\s*:?", "partner", "after_list",
     "role.din_el_fac_parte"),
    (r"printre care", "partner", "after_list", "role.printre_care"),
    (r"(?:partenerii|membrii)(?:\s+(?:proiectului|consortiului))?\s+(?:sunt|:)|"
     r"(?:orase|organizatii|institutii)?\s*partener[ei]\s*:|partners\s*:|"
     r"(?:consortiul|parteneriatul)\s+(?:este\s+)?format\s+din", "partner", "after_list",
     "role.parteneri_lista"),
]
_ROLE_PATTERNS = [(re.compile(p), prop, where, rule) for p, prop, where, rule in _ROLE_CUES]
_ROLE_CONTEXT = re.compile(r"parten|consorti|membr|compan|colabor|partner")


def _role_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Roles from cues such as "coordonat de", "– partener lider", "în parteneriat cu"; a
    partner that the same sentence also names coordinator or lead partner keeps only that role,
    and a coordinator it also calls lead partner "în calitate de" is the lead partner."""
    cues = sorted(((m, prop, where, rule) for pattern, prop, where, rule in _ROLE_PATTERNS
                   for m in pattern.finditer(doc.folded, sentence.start, sentence.end)),
                  key=lambda c: c[0].start())
    facts = []
    for k, (cue, prop, where, rule) in enumerate(cues):
        subject = _subject(doc, sentence, cue.start(), PROJECT_TYPES)
        if subject is None:
            continue
        if rule == "role.printre_care" and not _ROLE_CONTEXT.search(
                doc.folded, sentence.start, sentence.end):
            continue  # "printre care" names partners only where partnership is the topic
        next_cue = cues[k + 1][0].start() if k + 1 < len(cues) else sentence.end
        objects = _role_objects(doc, sentence, cue, where, next_cue)
        penalty = 0.1 if rule in ("role.printre_care", "role.alaturi_de") else 0.0
        for obj in objects:
            if node_key(obj) == node_key(subject[0]):
                continue
            confidence = subject[1] - penalty - (0.1 if _from_list(obj) else 0)
            facts.append(doc.fact(subject[0], prop, obj, rule, [cue.span(), (obj.start, obj.end)],
                                  confidence))
    specific = {node_key(f.object) for f in facts if f.property != "partner"}
    # "coordonat de X – în calitate de partener lider": the sentence names the role it means
    # (a bare "(lead partner)" note beside "led by X" leaves X both roles)
    capacity = {node_key(f.object) for f in facts if f.property == "leadPartner"
                and re.search(r"calitate|(?<![\w])(?:ca|as)\s", doc.folded[f.start:f.end])}
    return [f for f in facts
            if (f.property != "partner" or node_key(f.object) not in specific)
            and (f.property != "coordinator" or node_key(f.object) not in capacity)]


def _role_objects(doc: _Doc, sentence: _Sentence, cue: re.Match[str], where: str,
                  next_cue: int) -> list[Node]:
    """The organisations a role cue points at: right after it, right before it, all before it,
    or a list after it."""
    if where == "after":
        node = _node_after(doc, cue.end(), ORG_TYPES, sentence.end)
        return [node] if node else []
    if where == "before":
        node = _node_before(doc, cue.start(), ORG_TYPES, sentence.start)
        return [node] if node else []
    if where == "before_all":
        return doc.nodes_in(sentence.start, cue.start(), ORG_TYPES)
    items = _list_items(doc, cue.end(), next_cue, ORG_TYPES, "Organisation")
    if cue.group().startswith(("impreuna", "together", "alaturi")):
        verb = _BEING.search(doc.folded, sentence.start, cue.start())
        at = verb.start() if verb else cue.start()
        before = _node_before(doc, at, ORG_TYPES - {None}, sentence.start) or \
            _node_before_comma(doc, at, sentence.start)
        items = ([before] if before else []) + items
    return [n for n in items if n.type in ORG_TYPES]


# "X a fost / este / va fi alături de Y": X is named before the verb
_BEING = re.compile(r"\s(?:a|au|va|vor)\s+(?:fost|fi)\s+$|\s(?:este|e|sunt|era|erau|se\s+afla|"
                    r"s-a\s+aflat|s-au\s+aflat|is|was|were|has\s+been|have\s+been)\s+$")


def _node_before_comma(doc: _Doc, pos: int, lower: int) -> Node | None:
    """The node before a bracketed acronym and a comma: "X (ACR), împreună cu ..."."""
    m = re.search(r"(\s*\([^()]{1,15}\))?\s*,\s*$", doc.s[lower:pos])
    return _node_before(doc, lower + m.start(), ORG_TYPES, lower) if m else None


_BULLET_HEADER = re.compile(
    r"(?P<kind>orase|tari|organizatii|institutii|membri|parteneri|partners|consortiu)"
    r"(?:\s+partener[ei])?(?:\s+\w+){0,2}?\s*:"
)
_BULLET_LINE = re.compile(r"\n(?:>>|[-–•▪●◦*»]|\d{1,2}[.)])\s*(?P<item>[^\n]*)")


def _bullet_list_facts(doc: _Doc) -> list[Fact]:
    """Partner lists under a header such as "Orașe partenere:" written as bullet lines; an
    item marked "– partener lider" is the lead partner."""
    facts = []
    for header in _BULLET_HEADER.finditer(doc.folded):
        if header["kind"] in ("orase", "tari") and "partener" not in header.group():
            continue
        line_end = doc.s.find("\n", header.end())
        if line_end < 0:
            continue
        subject = _subject(doc, _Sentence(header.start(), line_end), header.start(), PROJECT_TYPES)
        if subject is None:
            continue
        default = "City" if header["kind"] == "orase" else "Country" if header["kind"] == "tari" \
            else "Organisation"
        for item_start, item_end in _bullets_after(doc.s, line_end):
            facts.extend(_bullet_fact(doc, subject, header, item_start, item_end, default))
    return facts


def _bullets_after(s: str, pos: int) -> Iterable[tuple[int, int]]:
    while (m := _BULLET_LINE.match(s, pos)) or (m := _BULLET_LINE.match(s, pos + 1)):
        if s[pos:m.start()].strip():
            return
        yield m.start("item"), m.end("item")
        pos = m.end()


def _bullet_fact(doc: _Doc, subject: tuple[Node, float], header: re.Match[str],
                 start: int, end: int, default: str) -> list[Fact]:
    """One bullet item of a partner list: its first entity and the role written on the item."""
    first = re.split(r"\.\s|:", doc.s[start:end], maxsplit=1)[0]
    items = _list_items(doc, start, start + len(first), ORG_TYPES | {"Country"}, default)
    if not items:
        return []
    item_text = doc.folded[start:end]
    prop = "leadPartner" if re.search(r"partener(?:ul)?\s+lider|lead\s+partner", item_text) \
        else "coordinator" if "coordonator" in item_text else "partner"
    obj = items[0]
    confidence = subject[1] - (0.1 if _from_list(obj) else 0)
    return [doc.fact(subject[0], prop, obj, "role.lista_parteneri", [header.span(), (start, end)],
                     confidence)]


# --------------------------------------------------------------------------- funding rules

_FUND_CUES = [
    (r"(?:co-?)?finantat(?P<plural>e|i)?\s+(?:prin|din|de\s+catre|de)\s+",
     "fund.finantat_prin"),
    (r"in\s+cadrul\s+program(?:ului|ul)\s+", "fund.in_cadrul_programului"),
    (r"lansat[aei]?\s+prin\s+", "fund.lansat_prin"),
    (r"(?:has\s+)?received\s+funding\s+from\s+(?:the\s+)?", "fund.received_funding"),
    (r"funded\s+by\s+(?:the\s+)?", "fund.funded_by"),
]
_FUND_PATTERNS = [(re.compile(p), rule) for p, rule in _FUND_CUES]
_FUND_SUBJECTS = PROJECT_TYPES | CALL_TYPES | MISSION_TYPES | {"Initiative"}


def _funding_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Who funds what: "finanțat prin", "în cadrul programului", "received funding from". A
    plural cue ("proiecte co-finanțate") speaks of many projects, so it needs its subject in the
    sentence."""
    facts = []
    for pattern, rule in _FUND_PATTERNS:
        for cue in pattern.finditer(doc.folded, sentence.start, sentence.end):
            obj = _funder_after(doc, cue.end(), sentence.end)
            if obj is None:
                continue
            plural = cue.groupdict().get("plural")
            said = re.search(r"(?:this|the|our)\s+project|acest\w*\s+proiect",
                             doc.folded[sentence.start:cue.start()])
            types = PROJECT_TYPES if said else _FUND_SUBJECTS
            subject = _subject(doc, sentence, cue.start(), types, fallback=not plural)
            if subject is None or node_key(subject[0]) == node_key(obj):
                continue
            prop = "fundedUnderCall" if obj.type == "Call" else \
                "partOfProgramme" if subject[0].type == "Call" else "fundedBy"
            facts.append(doc.fact(subject[0], prop, obj, rule, [cue.span(), (obj.start, obj.end)],
                                  subject[1]))
    return facts


def _funder_after(doc: _Doc, pos: int, upper: int) -> Node | None:
    """The programme, initiative or call right after a funding cue (an untyped name there is
    taken as a programme)."""
    node = None
    for skip in (r"", r"(?:the\s+)?(?:european union[’']s\s+)?(?:programul(?:ui)?\s+)?"):
        after = re.compile(skip).match(doc.folded, pos).end()
        node = node or _node_after(doc, after, FUNDER_TYPES | {None}, upper)
    if node is None:
        span = _title_run(doc.s, after)
        clash = span and doc.nodes_in(span[0], span[1])
        return _proposal(doc.s, span, "Programme", "propose.funder") if span and not clash else None
    return replace(node, type="Programme") if node.type is None else node


_PROJECT_PROGRAMME = re.compile(r"proiect(?:ului|ul)\s+")


def _project_programme_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """A programme named right after "proiect": "proiectul PNRR", "proiectului Horizon"."""
    facts = []
    for cue in _PROJECT_PROGRAMME.finditer(doc.folded, sentence.start, sentence.end):
        programme = _node_after(doc, cue.end(), {"Programme"}, sentence.end)
        subject = _subject(doc, sentence, cue.start(), PROJECT_TYPES) if programme else None
        if subject:
            facts.append(doc.fact(subject[0], "fundedBy", programme, "fund.proiect_program",
                                  [cue.span(), (programme.start, programme.end)], subject[1]))
    return facts


_THIS_CALL = re.compile(r"(?<![\w])(?:acest|acestui|this)\s+apel\w*(?:\s+(?:suplimentar|comun|european))?\s+")


def _call_owner_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """The programme a call belongs to when the call is named after it: "Primul apel de
    proiecte în cadrul EUI", "apel suplimentar ERA-NET Cofund X (ENX)"."""
    facts = []
    for cue in _THIS_CALL.finditer(doc.folded, sentence.start, sentence.end):
        # "acest apel suplimentar X Cofund": the known call named just before is X's
        programme = _node_after(doc, cue.end(), {"Programme"}, sentence.end)
        before = [n for n in doc.nodes_in(max(0, cue.start() - NEAR), cue.start(), CALL_TYPES)
                  if n.iri]
        if programme is not None and before:
            facts.append(doc.fact(before[-1], "partOfProgramme", programme,
                                  "fund.acest_apel_al_programului",
                                  [cue.span(), (programme.start, programme.end)], NEARBY))
    for call in doc.nodes_in(sentence.start, sentence.end, CALL_TYPES):
        rule = call.rule if isinstance(call, ProposedEntity) else ""
        if rule not in ("propose.call_ordinal", "propose.call_of_programme"):
            continue
        pos = call.end
        scope = _CALL_SCOPE.match(doc.folded, pos) if rule == "propose.call_ordinal" else None
        pos = scope.end() if scope else pos
        owner = _node_after(doc, pos, {"Programme", "Initiative", None}, sentence.end)
        if owner is None and scope:
            span = _title_run(doc.s, pos, 5) or _span(re.compile(r"[A-ZĂÂÎȘȚ]{2,}").match(doc.s, pos))
            clash = span and doc.nodes_in(span[0], span[1])
            owner = _proposal(doc.s, span, "Programme", "propose.funder") if span and not clash \
                else None
        if owner is None:
            continue
        owner = replace(owner, type="Programme") if owner.type is None else owner
        facts.append(doc.fact(call, "partOfProgramme", owner, "fund.apel_al_programului",
                              [(call.start, call.end), (owner.start, owner.end)], IN_SENTENCE))
    return facts


_UNDER_CALL = re.compile(r"proiect\w*(?:[^.;]{0,60}?)\s(?P<cue>apel(?:ului|ul)?\s+(?:de\s+proiecte\s+)?)")


def _under_call_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """A project funded under a call: "proiectului PNRR apelul X"."""
    facts = []
    for m in _UNDER_CALL.finditer(doc.folded, sentence.start, sentence.end):
        call = _node_after(doc, m.end("cue"), CALL_TYPES, sentence.end)
        subject = _subject(doc, sentence, m.start("cue"), PROJECT_TYPES) if call else None
        if subject:
            facts.append(doc.fact(subject[0], "fundedUnderCall", call, "fund.apelul",
                                  [m.span("cue"), (call.start, call.end)], subject[1]))
        # "proiectului PNRR apelul X": the programme named between is the call's owner
        programme = next(iter(reversed(doc.nodes_in(m.start(), m.start("cue"), {"Programme"}))),
                         None) if call else None
        if programme is not None and re.fullmatch(r"[\s„“\"«»”*]*", doc.s[programme.end:m.start("cue")]):
            facts.append(doc.fact(call, "partOfProgramme", programme, "fund.program_apelul",
                                  [(programme.start, programme.end), (call.start, call.end)],
                                  IN_SENTENCE))
    return facts


# --------------------------------------------------------------------------- amount rules

_ALLOCATION = re.compile(r"aloc\w*|allocation")
_RECEIVES = re.compile(r"(?:va\s+primi|primeste|a\s+primit)\s+(?:o\s+)?finant\w*|"
                       r"(?:will\s+receive|receives|received)(?:\s+funding)?")
_BUDGET = re.compile(r"valoare\w*|buget\w*|finantare\w*\s+(?:totala\s+)?de|cu\s+o\s+finantare|"
                     r"in\s+valoare|budget|value|grant\s+of|cost\w*\s+total\w*|total\s+cost")


def _amount_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Each amount of the sentence becomes an allocation, a funding or a budget, by the words
    just before it; an amount without such words is left alone."""
    facts = []
    for amount in (a for a in doc.amounts if sentence.start <= a.start < sentence.end):
        window = max(sentence.start, amount.start - 120)
        context = doc.folded[window:amount.start]
        fact = _allocation(doc, sentence, amount, window, context) or \
            _funding_amount(doc, sentence, amount, window, context) or \
            _budget(doc, sentence, amount, window, context)
        if fact:
            facts.append(fact)
    return facts


def _last(pattern: re.Pattern[str], context: str, window: int) -> tuple[int, int] | None:
    """Span (in text offsets) of the last match of pattern in context."""
    found = list(pattern.finditer(context))
    return (window + found[-1].start(), window + found[-1].end()) if found else None


def _allocation(doc: _Doc, sentence: _Sentence, amount: AmountMention, window: int,
                context: str) -> Fact | None:
    """X's share of the project: "din care X are alocarea de N"."""
    near = max(0, len(context) - 60)  # the allocation word sits right before the amount
    cue = _last(_ALLOCATION, context[near:], window + near)
    if cue is None:
        return None
    participant = next(iter(reversed(doc.nodes_in(sentence.start, cue[0], ORG_TYPES))), None)
    subject = _subject(doc, sentence, cue[0], PROJECT_TYPES)
    if participant is None or subject is None:
        return None
    return doc.fact(subject[0], "allocation", amount, "amount.alocare",
                    [cue, (amount.start, amount.end), (participant.start, participant.end)],
                    subject[1], participant)


def _funding_amount(doc: _Doc, sentence: _Sentence, amount: AmountMention, window: int,
                    context: str) -> Fact | None:
    """Money the subject receives: "va primi finanțare în valoare de N"."""
    cue = _last(_RECEIVES, context, window)
    if cue is None:
        return None
    before = doc.nodes_in(sentence.start, cue[0], MISSION_TYPES | FUNDER_TYPES | PROJECT_TYPES) \
        or doc.nodes_in(sentence.start, cue[0], PLACE_TYPES)
    subject = (before[-1], IN_SENTENCE) if before else _subject(doc, sentence, cue[0], PROJECT_TYPES)
    if subject is None:
        return None
    return doc.fact(subject[0], "funding", amount, "amount.primeste_finantare",
                    [cue, (amount.start, amount.end)], subject[1])


_SAID_OF = re.compile(r"(?<![\w])(?:(?P<call>apel(?:ul|ului)?(?:\s+de\s+proiecte)?|call(?:\s+for\s+\w+)?)|"
                      r"(?P<project>proiect(?:ul|ului)?|project))(?![\w])")


def _said_of(before: str) -> str | None:
    """What the words before a money cue in the sentence speak of: "Scopul proiectului ...,
    cu o finanțare de" is the project's money, "Bugetul acestui apel" the call's (the last
    such word wins; plural "proiecte" speaks of many projects and decides nothing)."""
    found = list(_SAID_OF.finditer(before))
    if not found:
        return None
    return "call" if found[-1]["call"] else "project"


def _budget(doc: _Doc, sentence: _Sentence, amount: AmountMention, window: int,
            context: str) -> Fact | None:
    """The budget of a project or call: "valoarea totală a proiectului", "bugetul ...
    acestui apel"."""
    cue = _last(_BUDGET, context, window)
    if cue is None:
        return None
    phrase = doc.folded[cue[0]:amount.start]
    said = _said_of(doc.folded[sentence.start:cue[0]])
    if "apel" in phrase or "call" in phrase:
        types, rule = CALL_TYPES, "amount.buget_apel"
    elif "proiect" in phrase or "project" in phrase:
        types, rule = PROJECT_TYPES, "amount.valoare_proiect"
    elif said == "call":
        types, rule = CALL_TYPES, "amount.buget_apel"
    elif said == "project":
        types, rule = PROJECT_TYPES, "amount.valoare_proiect"
    else:
        types, rule = PROJECT_TYPES | CALL_TYPES, "amount.buget"
    subject = _subject(doc, sentence, cue[0], types, fallback=False)
    if subject is None and rule == "amount.buget":
        subject = _subject(doc, sentence, cue[0], FUNDER_TYPES | MISSION_TYPES, fallback=False)
    subject = subject or _subject(doc, sentence, cue[0], types)
    if subject is None:
        return None
    return doc.fact(subject[0], "budget", amount, rule, [cue, (amount.start, amount.end)],
                    subject[1])


# --------------------------------------------------------------------------- date rules

_SIGNED = re.compile(r"(?:a\s+fost\s+semnat|a\s+semnat|au\s+semnat|s-a\s+semnat|semnarea|signed)")
_SIGNED_WHAT = re.compile(r"finantare|grant|acord|agreement")
_PERIOD = re.compile(r"perioada\s+de\s+implementare|implementat[aei]?\s+in\s+perioada|"
                     r"(?:se\s+)?(?:implementeaza|deruleaza|desfasoara)\s+in\s+perioada|"
                     r"implementation\s+period|durata\s+(?:de\s+implementare|proiectului)|"
                     r"project\s+duration|(?:runs|running|will\s+run|implemented)\s+(?:from|between)")
_DEADLINE = re.compile(r"deadline|termen(?:ul)?\s+limita|data\s+limita|closing\s+date|"
                       r"se\s+inchide\s+(?:la|pe|in)")
_OPEN = re.compile(r"deschis[aei]?\s+(?:in\s+perioada|intre|de\s+la)|open\s+(?:from|between)|"
                   r"depunerea\s+\w+\s+(?:se\s+face\s+)?in\s+perioada")
_LAUNCH = re.compile(r"(?:va\s+fi|a\s+fost|este|se\s+va|will\s+be|was)\s+lans\w*|launch\w*")
_HAPPENED = re.compile(r"a\s+avut\s+loc|va\s+avea\s+loc|are\s+loc|se\s+va\s+desfasura|"
                       r"se\s+desfasoara|took\s+place|will\s+take\s+place|takes\s+place")


def _days(doc: _Doc, start: int, end: int) -> list[DateMention]:
    return [d for d in doc.dates if isinstance(d, DateMention) and start <= d.start < end
            and d.precision in ("day", "datetime")]


def _ranges(doc: _Doc, start: int, end: int) -> list[DateRange]:
    return [d for d in doc.dates if isinstance(d, DateRange) and start <= d.start.start < end]


def _any_date(doc: _Doc, start: int, end: int) -> list[DateMention | DateRange]:
    return [d for d in doc.dates if start <= d.span[0] < end]


def _signed_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """The project's signing date: "a fost semnat contractul de finanțare" with a day date."""
    cue = _SIGNED.search(doc.folded, sentence.start, sentence.end)
    if not cue or not _SIGNED_WHAT.search(doc.folded, sentence.start, sentence.end):
        return []
    days = _days(doc, sentence.start, sentence.end)
    subject = _subject(doc, sentence, cue.start(), PROJECT_TYPES)
    if not days or subject is None:
        return []
    day = min(days, key=lambda d: abs(d.start - cue.start()))
    return [doc.fact(subject[0], "signedDate", day, "date.semnat", [cue.span(), day.span],
                     subject[1])]


def _period_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Start and end dates: "Perioada de implementare" with a date range after the cue (or
    just before it, in scrambled layouts)."""
    facts = []
    for cue in _PERIOD.finditer(doc.folded, sentence.start, sentence.end):
        after = _ranges(doc, cue.end(), min(len(doc.s), cue.end() + 100))
        before = [r for r in _ranges(doc, max(0, cue.start() - 80), cue.start())
                  if r.end.end <= cue.start()]
        period = after[0] if after else before[-1] if before else None
        subject = _subject(doc, sentence, cue.start(), PROJECT_TYPES)
        if period is None or subject is None:
            continue
        spans = [cue.span(), period.span]
        facts += [doc.fact(subject[0], "startDate", period.start, "date.perioada_implementare",
                           spans, subject[1]),
                  doc.fact(subject[0], "endDate", period.end, "date.perioada_implementare",
                           spans, subject[1])]
    return facts


_PERIOD_AFTER_NAME = re.compile(r"(?:\s*,\s*(?:programul|programme|the|un|o)\s+[^,()\n]{0,80}?)?\s*\(\s*")


def _programme_period_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """A programme's period in brackets after its name: "Programului Interreg Europe
    (2021 – 2027)", "Orizont Europa, programul UE pentru cercetare (2021 – 2027)"."""
    facts = []
    for programme in doc.nodes_in(sentence.start, sentence.end, {"Programme"}):
        m = _PERIOD_AFTER_NAME.match(doc.folded, programme.end, sentence.end)
        period = next((r for r in _ranges(doc, m.end(), m.end() + 1)), None) if m else None
        if period is None or not re.match(r"\s*\)", doc.s[period.span[1]:]):
            continue
        spans = [(programme.start, programme.end), period.span]
        facts += [doc.fact(programme, "startDate", period.start, "date.perioada_programului",
                           spans, IN_SENTENCE),
                  doc.fact(programme, "endDate", period.end, "date.perioada_programului",
                           spans, IN_SENTENCE)]
    return facts


def _call_date_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Deadlines ("Deadline:", "termen limită"), opening periods ("deschis în perioada X - Y")
    and launch dates of calls."""
    facts = []
    for cue in _DEADLINE.finditer(doc.folded, sentence.start, sentence.end):
        dates = _any_date(doc, cue.end(), min(len(doc.s), cue.end() + 60))
        subject = _subject(doc, sentence, cue.start(), CALL_TYPES)
        if dates and subject:
            when = dates[0].end if isinstance(dates[0], DateRange) else dates[0]
            facts.append(doc.fact(subject[0], "deadline", when, "date.deadline",
                                  [cue.span(), when.span], subject[1]))
    for cue in _OPEN.finditer(doc.folded, sentence.start, sentence.end):
        periods = _ranges(doc, cue.end(), min(len(doc.s), cue.end() + 20))
        subject = _subject(doc, sentence, cue.start(), CALL_TYPES)
        if periods and subject:
            spans = [cue.span(), periods[0].span]
            facts += [doc.fact(subject[0], "openingDate", periods[0].start, "date.deschis_in_perioada",
                               spans, subject[1]),
                      doc.fact(subject[0], "deadline", periods[0].end, "date.deschis_in_perioada",
                               spans, subject[1])]
    cue = _LAUNCH.search(doc.folded, sentence.start, sentence.end)
    dates = [d for d in _any_date(doc, sentence.start, sentence.end) if isinstance(d, DateMention)]
    subject = _subject(doc, sentence, cue.start(), CALL_TYPES, fallback=False) if cue else None
    if cue and dates and subject and not _OPEN.search(doc.folded, sentence.start, sentence.end):
        when = min(dates, key=lambda d: abs(d.start - cue.end()))
        facts.append(doc.fact(subject[0], "openingDate", when, "date.lansat",
                              [cue.span(), when.span], subject[1]))
    return facts


def _event_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """An event and its date: "X a avut loc pe 20 martie"."""
    cue = _HAPPENED.search(doc.folded, sentence.start, sentence.end)
    if not cue:
        return []
    dates = _any_date(doc, cue.end(), sentence.end)
    head = re.search(r"([A-ZĂÂÎȘȚ0-9][^,;:.()]{2,80}?)\s*$", doc.s[sentence.start:cue.start()])
    if not dates or not head or len(head[1].split()) > 8:
        return []
    start = sentence.start + head.start(1)
    event = _proposal(doc.s, (start, start + len(head[1])), "Event", "propose.event")
    return _dated(doc, event, dates[0], "date.eveniment", cue.span(), IN_SENTENCE)


_PRESENTED = re.compile(r"(?:a|au)\s+fost\s+(?:prezentat|discutat|dezbatut|lansat)\w*|"
                        r"(?:va|vor)\s+fi\s+(?:prezentat|discutat|dezbatut|lansat)\w*|"
                        r"(?:was|were|will\s+be)\s+(?:presented|discussed|launched)")
_EVENT_FRAME = re.compile(
    r"in\s+cadrul\s+(?:unei\s+|unui\s+)?(?:dezbaterii|dezbateri|conferintei|conferinte|evenimentului|"
    r"eveniment|atelierului|seminarului|webinarului|webinar|forumului|intalnirii|sesiunii|"
    r"workshop-ului|festivalului|targului|expozitiei|summit-ului|simpozionului|congresului|galei)"
    r"(?![\w])|(?:at|during)\s+the\s+(?:conference|event|workshop|webinar|forum|meeting|debate|"
    r"session|summit)(?![\w])")


def _presented_event_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """An event named in quotes after its frame: "X a fost prezentat în data de 3 martie, în
    cadrul dezbaterii publice ... „Nume”" is the event „Nume” on that day."""
    cue = _PRESENTED.search(doc.folded, sentence.start, sentence.end)
    frame = _EVENT_FRAME.search(doc.folded, cue.end(), sentence.end) if cue else None
    if not frame:
        return []
    dates = [d for d in _any_date(doc, cue.end(), frame.start())
             if (d.start if isinstance(d, DateRange) else d).precision in ("day", "datetime")]
    quoted = _QUOTED.search(doc.s, frame.end(), min(sentence.end, frame.end() + 200))
    if not dates or not quoted or len(quoted["name"].split()) > 12:
        return []
    event = _proposal(doc.s, quoted.span("name"), "Event", "propose.event")
    return _dated(doc, event, dates[0], "date.eveniment_prezentat", frame.span(), IN_SENTENCE)


_EVENTS_HEADER = re.compile(r"(?:next|upcoming|future)\s+events|evenimente(?:le)?\s+(?:urmatoare|"
                            r"viitoare)|urmatoarele\s+evenimente|agenda\s+evenimentelor|"
                            r"calendar(?:ul)?\s+(?:de\s+)?evenimente(?:lor)?")


def _event_block_facts(doc: _Doc) -> list[Fact]:
    """Slide layout under an events header ("Next events"): a title, an optional description
    and a date alone on its own line make one event; the section ends at the first block of
    more than three paragraphs without a date."""
    facts = []
    for header in _EVENTS_HEADER.finditer(doc.folded):
        paragraph = doc.paragraph_of(header.start())
        if len(doc.s[paragraph[0]:paragraph[1]].split()) > 8:
            continue
        block: list[tuple[int, int]] = []
        for start, end in (p for p in doc.paragraphs if p[0] > paragraph[1]):
            text = doc.s[start:end].strip()
            lead = start + len(doc.s[start:end]) - len(doc.s[start:end].lstrip())
            when = next((d for d in _any_date(doc, lead, lead + 1)
                         if d.span[1] - d.span[0] == len(text.rstrip(" ."))), None)
            if when is None:
                block.append((start, end))
                if len(block) > 3:
                    break
                continue
            title = block[0] if block else None
            words = doc.s[title[0]:title[1]].split() if title else []
            if title and 2 <= len(words) <= 20 and not doc.s[title[0]:title[1]].rstrip().endswith("."):
                first = title[0] + len(doc.s[title[0]:title[1]]) - len(doc.s[title[0]:title[1]].lstrip())
                event = _proposal(doc.s, (first, title[1]), "Event", "propose.event_block")
                facts += _dated(doc, event, when, "date.eveniment_bloc", (start, end), NEARBY)
            block = []
    return facts


_EVENT_LINE = re.compile(r"(?:^|\n)(?:>>|[-–•▪●◦*»])?\s*(?=\d)")


def _event_line_facts(doc: _Doc) -> list[Fact]:
    """Agenda lines: ">> 6-7 decembrie 2022 – Vilnius (Lituania)" is an event on those days
    in that place."""
    facts = []
    for line in _EVENT_LINE.finditer(doc.s):
        when = next((d for d in doc.dates if d.span[0] == line.end()), None)
        dash = re.compile(r"\s*[–—-]\s*(?P<what>[^\n]{3,120})").match(doc.s, when.span[1]) if when else None
        if not dash:
            continue
        what = dash["what"].strip()
        place = re.fullmatch(r"([A-ZĂÂÎȘȚ][\w\-]+)\s*\(([^)]+)\)\.?", what)
        event = _proposal(doc.s, (dash.start("what"), dash.start("what") + len(what)), "Event",
                          "propose.event_line")
        facts += _dated(doc, event, when, "date.eveniment_agenda", dash.span(), NEARBY)
        if place:
            city = _located_place(doc, dash.start("what"), place[1])
            facts.append(doc.fact(event, "location", city, "place.eveniment_agenda",
                                  [(city.start, city.end)], NEARBY))
    return facts


def _located_place(doc: _Doc, start: int, name: str) -> Node:
    """The place an agenda line names: a known node, else a proposed city."""
    node = next((n for n in doc.nodes_in(start, start + len(name)) if n.start == start), None)
    return node or ProposedEntity(name, "City", name, start, start + len(name),
                                  rule="propose.event_place")


def _dated(doc: _Doc, event: Node, when: DateMention | DateRange, rule: str,
           cue: tuple[int, int], confidence: float) -> list[Fact]:
    """Start (and end, for a range) date facts of an event."""
    first, last = (when.start, when.end) if isinstance(when, DateRange) else (when, None)
    facts = [doc.fact(event, "startDate", first, rule, [cue, when.span], confidence)]
    if last is not None:
        facts.append(doc.fact(event, "endDate", last, rule, [cue, when.span], confidence))
    return facts


# --------------------------------------------------------------------------- Mission cities

_SELECTED_LIST = re.compile(r"(?:orase|municipii|primarii|cities)\s+selectate?\s*:|selected\s+cities\s*:")
_CANDIDATE_LIST = re.compile(r"(?:\d+\s+|orase\s+)candidate\s*:|candidate\s+cities\s*:")
_CANDIDATE_IN = re.compile(r"(?:orase|municipii|orasul|municipiul)\s+candidat\w*\s+(?:\w+\s+){0,3}?"
                           r"(?:la|in|pentru)\s+(?:misiune\w*|mission)|candidate\s+cit(?:y|ies)\s+"
                           r"(?:for|of)\s+the\s+(?:\w+\s+){0,2}mission")
_SELECTED_IN = re.compile(
    r"selectat(?P<plural>e|i)?\s+(?:in|pentru)\s+(?:misiune\w*|mission)|"
    r"selectat(?P<plural2>e|i)?\s+printre\s+cele\s+\d+\s+(?:de\s+)?orase|"
    r"selected\s+(?:for|to\s+join|in)\s+(?:the\s+)?(?:eu\s+)?(?:cities\s+)?mission"
)


_AMONG_MISSION_CITIES = re.compile(r"(?<![\w])(?:(?P<n>\d+)|cateva|unele|doua|trei|patru|cinci)\s+"
                                   r"(?:de\s+)?(?:dintre|din)\s+(?:orasele|cities\s+of\s+the)\s*[*_]?")


def _mission_city_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Cities selected for (or candidates to) the Mission: lists after "orașe selectate:" /
    "candidate:" and places before "selectate în Misiune"."""
    facts = []
    for pattern, prop, rule in ((_SELECTED_LIST, "selectedCity", "mission.orase_selectate"),
                                (_CANDIDATE_LIST, "candidateCity", "mission.orase_candidate")):
        for cue in pattern.finditer(doc.folded, sentence.start, sentence.end):
            mission = _mission(doc, sentence, cue.start())
            for city in _list_items(doc, cue.end(), sentence.end, PLACE_TYPES, "City"):
                city = _city_of(city)
                facts.append(doc.fact(mission[0], prop, city, rule, [cue.span(), (city.start, city.end)],
                                      mission[1] - (0.1 if _from_list(city) else 0)))
    for cue in _CANDIDATE_IN.finditer(doc.folded, sentence.start, sentence.end):
        mission = _mission(doc, sentence, cue.end())
        for place in doc.nodes_in(sentence.start, cue.start(), PLACE_TYPES):
            city = _city_of(place)
            facts.append(doc.fact(mission[0], "candidateCity", city, "mission.oras_candidat",
                                  [cue.span(), (city.start, city.end)], mission[1]))
    for cue in _AMONG_MISSION_CITIES.finditer(doc.folded, sentence.start, sentence.end):
        mission = next((n for n in doc.nodes_starting(cue.end(), cue.end() + 3)
                        if n.type in MISSION_TYPES), None)
        bracket = re.match(r"[*_\s]*\(", doc.s[mission.end:sentence.end]) if mission else None
        close = doc.s.find(")", mission.end + bracket.end(), sentence.end) if bracket else -1
        if close < 0:
            continue
        cities = _list_items(doc, mission.end + bracket.end(), close, PLACE_TYPES, "City")
        if cue["n"] and len(cities) > int(cue["n"]):
            continue  # more names than the count: not a plain list of those cities
        for city in map(_city_of, cities):
            facts.append(doc.fact(mission, "selectedCity", city, "mission.dintre_orasele_misiunii",
                                  [cue.span(), (city.start, city.end)],
                                  IN_SENTENCE - (0.1 if _from_list(city) else 0)))
    lower = sentence.start
    for cue in _SELECTED_IN.finditer(doc.folded, sentence.start, sentence.end):
        places = doc.nodes_in(lower, cue.start(), PLACE_TYPES)
        if not (cue["plural"] or cue["plural2"]):
            places = places[:1]
        mission = _mission(doc, sentence, cue.end())
        for place in places:
            city = _city_of(place)
            facts.append(doc.fact(mission[0], "selectedCity", city, "mission.selectat_in_misiune",
                                  [cue.span(), (city.start, city.end)], mission[1]))
        lower = cue.end()
    return facts


# --------------------------------------------------------------------------- values

_GRANT = re.compile(
    r"grant\s+agreement\s*(?:n[o°º]\.?|nr\.?|number|#)?\s*:?\s*(?P<id>\d{5,})|"
    r"(?:contract(?:ului|ul)?|acord(?:ului|ul)?)\s+de\s+(?:finantare|grant)\s+(?:nr\.?|numarul|n[o°º]\.?)"
    r"\s*:?\s*(?P<id2>[a-z0-9][\w/.\-]*\d[\w/.\-]*)"
)


def _grant_facts(doc: _Doc, sentence: _Sentence) -> list[Fact]:
    """Grant agreement and financing contract numbers."""
    facts = []
    for m in _GRANT.finditer(doc.folded, sentence.start, sentence.end):
        group = "id" if m["id"] else "id2"
        subject = _subject(doc, sentence, m.start(), PROJECT_TYPES)
        if subject:
            number = doc.s[m.start(group):m.end(group)].rstrip(".")
            facts.append(doc.fact(subject[0], "grantAgreement", number, "value.grant_agreement",
                                  [m.span()], subject[1]))
    return facts


_ISO_COUNTRIES = set(
    "AT BE BG HR CY CZ DK EE FI FR DE EL GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "UK GB NO IS CH LI TR UA MD RS ME MK AL BA XK GE AM IL FO TN MA EG US CA".split()
)
_CORE = re.compile(r"tari\s+partenere|core\s+countries|tari\s+(?:de\s+baza|principale|membre)|"
                   r"partner\s+countries|participating\s+countries")
_SUPPORTING = re.compile(r"supporting\s+countries|tari\s+(?:suport|care\s+sprijina|asociate|"
                         r"observatoare)|associated\s+countries|observer\s+countries")
_CODES = re.compile(r"[\s’'”\":]*(?P<list>[A-Z]{2}(?:\s*[,;]\s*[A-Z]{2})+)(?![\w])")


def _country_facts(doc: _Doc) -> list[Fact]:
    """ISO country codes listed after "țări partenere" / "Core Countries" (core) and
    "Supporting countries" (supporting)."""
    facts = []
    for pattern, prop, rule in ((_CORE, "coreCountry", "country.tari_partenere"),
                                (_SUPPORTING, "supportingCountry", "country.supporting")):
        for cue in pattern.finditer(doc.folded):
            codes = _CODES.match(doc.s, cue.end())
            if not codes:
                continue
            sentence = _Sentence(cue.start(), codes.end())
            subject = _subject(doc, sentence, cue.start(), PROJECT_TYPES | {"Initiative"})
            if subject is None:
                continue
            for code in re.finditer(r"[A-Z]{2}", codes["list"]):
                start = codes.start("list") + code.start()
                if code.group() in _ISO_COUNTRIES:
                    country = _country(doc, code.group(), start)
                    facts.append(doc.fact(subject[0], prop, country, rule,
                                          [cue.span(), (start, start + 2)], subject[1]))
    return facts


def _country(doc: _Doc, code: str, start: int) -> Node:
    """A country node for an ISO code: the gazetteer's if it knows it, else a proposal."""
    known = next((n for n in doc.nodes if n.start == start and n.type == "Country"), None)
    return known or ProposedEntity(code, "Country", code, start, start + 2, acronym=code,
                                   rule="propose.country_code")


# --------------------------------------------------------------------------- assembly

_SENTENCE_RULES = (_role_facts, _funding_facts, _project_programme_facts, _under_call_facts,
                   _call_owner_facts,
                   _amount_facts,
                   _signed_facts, _period_facts, _programme_period_facts, _call_date_facts,
                   _event_facts, _presented_event_facts,
                   _mission_city_facts, _grant_facts)
_DOCUMENT_RULES = (_bullet_list_facts, _country_facts, _event_line_facts, _event_block_facts)


def _object_key(obj: Value) -> tuple:
    if isinstance(obj, (EntityMention, ProposedEntity)):
        return node_key(obj)
    if isinstance(obj, AmountMention):
        return ("amount", obj.value, obj.currency, obj.start)
    if isinstance(obj, DateMention):
        return ("date", obj.iso, obj.start)
    return ("value", obj)


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per (subject, property, object): the most confident, then the first."""
    best: dict[tuple, Fact] = {}
    for fact in facts:
        key = (node_key(fact.subject), fact.property, _object_key(fact.object))
        if key not in best or fact.confidence > best[key].confidence:
            best[key] = fact
    return sorted(best.values(), key=lambda f: (f.start, f.property))


def _proposals_of(nodes: list[Node], facts: list[Fact]) -> list[ProposedEntity]:
    """Proposed entities, one per identity: those among the nodes and those facts made, each
    with every way the document writes it as an alias ("Misiunii UE pentru orașe neutre
    climatic" and "Misiunea" are one Mission)."""
    found: dict[tuple, ProposedEntity] = {}
    surfaces: dict[tuple, dict[str, None]] = {}
    values = [v for fact in facts for v in (fact.subject, fact.object, fact.participant)]
    for value in [*values, *nodes]:
        if isinstance(value, ProposedEntity):
            key = node_key(value)
            found.setdefault(key, value)
            surfaces.setdefault(key, {}).update(dict.fromkeys((value.text, *value.aliases)))
    return [replace(p, aliases=tuple(a for a in surfaces[k] if a and a not in (p.name, p.text)))
            for k, p in found.items()]

