"""Find known entities in Romanian text, and propose the ones we do not know yet.

Names are compared token by token on stems (folded, Romanian case endings removed), so
"Universității Tehnice din Cluj-Napoca" finds "Universitatea Tehnică din Cluj-Napoca". Labels
are indexed by their stem sequence, so a lookup costs a few dictionary probes per token
whatever the size of the gazetteer.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ingest.normalise import fold, stem
from ingest.mission import MISSION_NAME, mission_phrases
from ingest.places import find_places


@dataclass(frozen=True)
class GazetteerEntry:
    """A known entity: its IRI, its class and every name it goes by."""

    iri: str
    type: str
    labels: list[str]


@dataclass(frozen=True)
class EntityMention:
    """A gazetteer entity found in text. iri is None when several entities share the name
    equally well (then candidates lists them)."""

    iri: str | None
    type: str
    text: str
    start: int
    end: int
    score: float
    how: str  # "exact" | "folded" | "inflected" | "fuzzy" | "acronym"
    label: str = ""
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposedEntity:
    """An entity named in the text but not in the gazetteer, with a nominative name."""

    name: str
    type: str | None
    text: str
    start: int
    end: int
    acronym: str | None = None
    rule: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def iri(self) -> None:
        """Proposals have no IRI yet (minting one is the caller's decision)."""
        return None


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"[^\W_]+")
_GAP_OK = re.compile(r"[ \t\n\-–‐'’\"“”„«»&/+*()]{0,4}|\.")  # "S.A." yes, "end. Next" no
_GAP_COMMA = re.compile(r", ?")
_ACRONYM = re.compile(r"[A-ZĂÂÎȘȚ0-9][A-ZĂÂÎȘȚ0-9&+\-.]{1,11}")
_SCORES = {"exact": 1.0, "acronym": 0.95, "folded": 0.95, "inflected": 0.85}
_RANK = {"exact": 0, "folded": 1, "inflected": 2}


class _Label(NamedTuple):
    entry: GazetteerEntry
    label: str
    tokens: tuple[str, ...]
    folded: tuple[str, ...]
    case_sensitive: bool  # CapaCITIES, NetZeroCities: casing is part of the name
    commas: frozenset[int]  # gaps (after token k) that hold a comma in the label


@dataclass
class _Tokens:
    """A text's tokens with their folded forms, stems and whether a name may run on."""

    text: str
    spans: list[tuple[int, int]]
    words: list[str]
    folded: list[str]
    stems: list[str]
    joins: list[int]  # joins[i]: tokens i and i+1 may be one name (1), only with a comma (2)

    @classmethod
    def of(cls, text: str) -> _Tokens:
        spans = [m.span() for m in _TOKEN.finditer(text)]
        words = [text[s:e] for s, e in spans]
        folded = [fold(w) for w in words]
        joins = [_gap_kind(text[a[1]:b[0]]) for a, b in zip(spans, spans[1:])]
        return cls(text, spans, words, folded, [stem(f) for f in folded], joins)

    def joined(self, i: int, n: int) -> bool:
        return all(self.joins[i:i + n - 1])

    def commas(self, i: int, n: int) -> frozenset[int]:
        return frozenset(k for k in range(n - 1) if self.joins[i + k] == 2)


def _gap_kind(gap: str) -> int:
    if "\n\n" in gap:
        return 0
    return 1 if _GAP_OK.fullmatch(gap) else 2 if _GAP_COMMA.fullmatch(gap) else 0


def _label_tokens(label: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(label))


def _is_acronym(label: str) -> bool:
    return bool(_ACRONYM.fullmatch(label)) and sum(c.isalpha() for c in label) >= 1


def _is_case_sensitive(tokens: tuple[str, ...]) -> bool:
    """Mixed-case words (CapaCITIES, NetZeroCities) must keep their casing to match."""
    return any(t not in (t.capitalize(), t.upper(), t.lower()) for t in tokens)


def _fuzzy_keys(stems: tuple[str, ...]) -> set[tuple]:
    """Buckets for near matches of names with one misspelt word after the first: keyed by
    the first word and a part of the rest that the typo leaves intact."""
    n, first = len(stems), stems[0]
    if n == 2:
        return {(first, 2, stems[1][:2])}
    if n == 3:
        return {(first, 3, stems[1]), (first, 3, "$" + stems[2])}
    return {(first, n, stems[1], stems[2]), (first, n, stems[1], "$" + stems[-1]),
            (first, n, stems[2], "$" + stems[-1])}


def _one_typo(window: tuple[str, ...], stems: tuple[str, ...]) -> bool:
    """Same words but one, and that one a near spelling of a word of four letters or more."""
    differing = [(a, b) for a, b in zip(window, stems) if a != b]
    return len(differing) == 1 and min(map(len, differing[0])) >= 4 and \
        Levenshtein.normalized_similarity(*differing[0]) >= 0.75


def _strip_accents(s: str) -> str:
    """Diacritics off, case kept (for names whose casing matters)."""
    return "".join(f.upper() if c.isupper() else f for c, f in zip(s, fold(s)))


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """An index of known entities for fast, inflection-tolerant lookup in text."""

    FUZZY_MIN_CHARS = 12
    FUZZY_CUTOFF = 85.0
    FUZZY_MAX_BUCKET = 5000

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.entries = entries = tuple(entries)  # also what proposals are linked against
        self._by_stems: dict[tuple[str, ...], list[_Label]] = defaultdict(list)
        self._lengths: dict[str, set[int]] = defaultdict(set)
        self._acronyms: dict[str, list[GazetteerEntry]] = defaultdict(list)
        fuzzy: dict[tuple, list[tuple[str, tuple[str, ...], _Label]]] = defaultdict(list)
        collecting = gc.isenabled()
        gc.disable()  # building many small tuples: the cycle collector only slows this down
        try:
            for entry in entries:
                for label in dict.fromkeys(entry.labels):
                    self._add(entry, label.strip(), fuzzy)
            self._fuzzy = {key: ([f[0] for f in items], [(f[1], f[2]) for f in items])
                           for key, items in fuzzy.items()}
            self._fuzzy_firsts = {key[0] for key in self._fuzzy}
        finally:
            if collecting:
                gc.enable()

    def _add(self, entry: GazetteerEntry, label: str, fuzzy: dict) -> None:
        """Index one label: acronyms by their exact form, names by their stem sequence."""
        if _is_acronym(label):
            self._acronyms[label].append(entry)
            return
        tokens = tuple(_TOKEN.findall(label))
        folded = tuple(_TOKEN.findall(fold(label)))
        if not tokens or len(folded) != len(tokens):
            return
        stems = tuple(map(stem, folded))
        commas = frozenset(k for k, gap in enumerate(_TOKEN.split(label)[1:-1]) if "," in gap)
        item = _Label(entry, label, tokens, folded, _is_case_sensitive(tokens), commas)
        self._by_stems[stems].append(item)
        self._lengths[stems[0]].add(len(stems))
        if len(tokens) >= 2 and len(label) >= self.FUZZY_MIN_CHARS and not item.case_sensitive:
            for key in _fuzzy_keys(stems):
                fuzzy[key].append((" ".join(stems), stems, item))

    # ------------------------------------------------------------------ lookup

    def find(self, text: str) -> list[EntityMention]:
        """Known entities in text: longest match wins, mentions never overlap."""
        tokens = _Tokens.of(text)
        candidates = [*self._acronym_mentions(text)]
        for i in range(len(tokens.words)):
            candidates.extend(self._mentions_at(tokens, i))
        return _non_overlapping(candidates)

    def lookup(self, name: str) -> EntityMention | None:
        """The entity a whole name denotes, if any."""
        mentions = self.find(name)
        if len(mentions) == 1 and mentions[0].text.strip() in (name.strip(),
                                                               name.strip().strip(_NAME_QUOTES)):
            return mentions[0]
        return None

    def _mentions_at(self, tokens: _Tokens, i: int) -> list[EntityMention]:
        """The longest known name starting at token i, and near matches longer than it."""
        found = []
        longest = 0
        for n in sorted(self._lengths.get(tokens.stems[i], ()), reverse=True):
            if i + n > len(tokens.words) or not tokens.joined(i, n):
                continue
            labels = self._by_stems.get(tuple(tokens.stems[i:i + n]))
            mention = _best(tokens, i, n, labels or [])
            if mention:
                found.append(mention)
                longest = n
                break
        found.extend(self._fuzzy_at(tokens, i, longest))
        return found

    def _fuzzy_at(self, tokens: _Tokens, i: int, longest: int) -> list[EntityMention]:
        """Near matches of long names with one misspelt word, longer than any exact match."""
        found: list[EntityMention] = []
        if tokens.stems[i] not in self._fuzzy_firsts:
            return found
        for n in range(max(longest + 1, 2), min(13, len(tokens.words) - i + 1)):
            if not tokens.joined(i, n):
                break
            window = tuple(tokens.stems[i:i + n])
            for key in _fuzzy_keys(window):
                bucket = self._fuzzy.get(key)
                if not bucket or len(bucket[0]) > self.FUZZY_MAX_BUCKET:
                    continue  # too generic a key to search every time it occurs
                match = self._fuzzy_match(bucket, window, tokens.words[i])
                if match:
                    item, score = match
                    start, end = tokens.spans[i][0], tokens.spans[i + n - 1][1]
                    found.append(EntityMention(item.entry.iri, item.entry.type, tokens.text[start:end],
                                               start, end, round(score / 100 * 0.8, 3), "fuzzy",
                                               item.label))
                    break
        return found

    def _fuzzy_match(self, bucket, window: tuple[str, ...], first_word: str):
        for _, score, k in process.extract(" ".join(window), bucket[0], scorer=fuzz.ratio,
                                           score_cutoff=self.FUZZY_CUTOFF, limit=5):
            stems, item = bucket[1][k]
            if _one_typo(window, stems) and _case_ok(item, first_word):
                return item, score
        return None

    def _acronym_mentions(self, text: str) -> list[EntityMention]:
        """Acronyms match case-sensitively as whole words ("UTCN", "UTCN-ul", not "utcn")."""
        found = []
        for match in re.finditer(r"(?<![\w&+])[A-ZĂÂÎȘȚ0-9][\w&+.\-]*", text):
            word = match.group().rstrip(".-")
            for candidate in dict.fromkeys((word, word.split("-")[0])):
                entries = self._acronyms.get(candidate)
                if entries:
                    start = match.start()
                    found.append(_mention(entries, text, start, start + len(candidate), "acronym",
                                          candidate))
                    break
        return found

    # ------------------------------------------------------------------ proposals

    def propose_entities(self, text: str) -> list[ProposedEntity]:
        """Entities the text names that this gazetteer does not know."""
        known = self.find(text)
        return [p for p in propose_entities(text) if not _covered(p, known)
                and self.lookup(p.name) is None]


def _covered(proposal: ProposedEntity, mentions: list[EntityMention]) -> bool:
    return any(m.start <= proposal.start and proposal.end <= m.end for m in mentions)


def _case_ok(item: _Label, first_word: str) -> bool:
    """A capitalised name must be written capitalised ("Roman" the city, not "roman")."""
    return not item.label[:1].isupper() or first_word[:1].isupper()


_NAME_QUOTES = "„“”\"«»"


def _closing_quote(text: str, start: int, end: int) -> int:
    """End of a mention that opens a quote inside it (Universitatea „Babeș-Bolyai”): the
    closing quote belongs to the name."""
    if sum(text[start:end].count(q) for q in _NAME_QUOTES) % 2 and end < len(text) \
            and text[end] in _NAME_QUOTES:
        return end + 1
    return end


def _recased(words: tuple[str, ...], label: tuple[str, ...]) -> bool:
    """Words the label writes in lowercase written capitalised in the text: a sentence-case
    name ("Orașe verzi și reziliente") seen inflected and in title case ("domeniul Orașelor
    Verzi și Reziliente") is an ordinary phrase written with capitals, not that name."""
    return any(t[:1].islower() and t.isalpha() and w[:1].isupper()
               for w, t in zip(words[1:], label[1:]))


def _best(tokens: _Tokens, i: int, n: int, labels: list[_Label]) -> EntityMention | None:
    """The best label among those with the same stems, graded exact / folded / inflected."""
    words, folded = tuple(tokens.words[i:i + n]), tuple(tokens.folded[i:i + n])
    commas = tokens.commas(i, n)
    graded = []
    for item in labels:
        if not _case_ok(item, words[0]) or not commas <= item.commas:
            continue
        if item.case_sensitive and tuple(map(_strip_accents, words)) != tuple(map(_strip_accents, item.tokens)):
            continue
        how = "exact" if words == item.tokens else "folded" if folded == item.folded else "inflected"
        if how == "inflected" and _recased(words, item.tokens):
            continue
        graded.append((_RANK[how], how, item))
    if not graded:
        return None
    top = min(rank for rank, _, _ in graded)
    best = [(how, item) for rank, how, item in graded if rank == top]
    start, end = tokens.spans[i][0], tokens.spans[i + n - 1][1]
    end = _closing_quote(tokens.text, start, end)
    entries = list({item.entry.iri: item.entry for _, item in best}.values())
    return _mention(entries, tokens.text, start, end, best[0][0], best[0][1].label)


def _mention(entries: list[GazetteerEntry], text: str, start: int, end: int, how: str,
             label: str) -> EntityMention:
    """A mention of entries found at [start, end); ambiguous when they are several."""
    iris = tuple(dict.fromkeys(e.iri for e in entries))
    score = _SCORES[how] if len(iris) == 1 else _SCORES[how] * 0.6
    return EntityMention(iris[0] if len(iris) == 1 else None, entries[0].type, text[start:end],
                         start, end, score, how, label, iris if len(iris) > 1 else ())


def _non_overlapping(candidates: list[EntityMention]) -> list[EntityMention]:
    """Longest mentions first (then the better score), dropping any that overlap a kept one."""
    kept: list[EntityMention] = []
    for mention in sorted(candidates, key=lambda m: (-(m.end - m.start), -m.score, m.start)):
        if all(mention.end <= k.start or k.end <= mention.start for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


# --------------------------------------------------------------------------- proposals

def _head_table(rows: tuple[tuple[str, str, str, bool], ...]) -> dict[str, tuple[str, str, bool]]:
    """Head words by their folded forms: nominative, genitive -> (nominative, type, feminine)."""
    table = {}
    for nominative, genitive, type_, feminine in rows:
        for form in (nominative, genitive):
            table[fold(form)] = (nominative, type_, feminine)
    return table


_FOREIGN_HEAD_WORDS = {
    "University": ("Hochschule", "Universität", "Universidad", "Universidade", "Università",
                   "Université", "Universiteit", "Uniwersytet", "Univerzita"),
    "ResearchInstitute": ("Instituto", "Istituto", "Institut", "Instytut", "Fraunhofer"),
    "NGO": ("Fundación", "Fundação", "Fondazione", "Fondation", "Stiftung", "Stichting"),
    "Association": ("Asociación", "Associação", "Associazione", "Verein", "Vereniging"),
    "Agency": ("Agencia", "Agência", "Agenzia", "Agentur", "Agence"),
    "CityHall": ("Câmara", "Gemeente", "Comune", "Ayuntamiento", "Concello", "Gmina", "Mairie",
                 "Stadtverwaltung"),
}
_FOREIGN_HEADS = {fold(head) for heads in _FOREIGN_HEAD_WORDS.values() for head in heads}
# Romanian heads (nominative, genitive-dative), then the same in other European languages
# (uninflected here). "Direcția" is a department, not an organisation: it is not a head.
_HEADS = _head_table((
    ("Universitatea", "Universității", "University", True),
    ("Academia", "Academiei", "ResearchInstitute", True),
    ("Institutul", "Institutului", "ResearchInstitute", False),
    ("Primăria", "Primăriei", "CityHall", True),
    ("Municipiul", "Municipiului", "City", False),
    ("Ministerul", "Ministerului", "Ministry", False),
    ("Agenția", "Agenției", "Agency", True),
    ("Unitatea", "Unității", "Agency", True),
    ("Autoritatea", "Autorității", "PublicAuthority", True),
    ("Instituția", "Instituției", "PublicAuthority", True),
    ("Prefectura", "Prefecturii", "PublicAuthority", True),
    ("Guvernul", "Guvernului", "PublicAuthority", False),
    ("Comisia", "Comisiei", "PublicAuthority", True),
    ("Punctul", "Punctului", "PublicAuthority", False),
    ("Asociația", "Asociației", "Association", True),
    ("Uniunea", "Uniunii", "Association", True),
    ("Consiliul", "Consiliului", "PublicAuthority", False),
    ("Centrul", "Centrului", "Organisation", False),
    ("Clusterul", "Clusterului", "Cluster", False),
    ("Fundația", "Fundației", "NGO", True),
    ("Camera", "Camerei", "ProfessionalBody", True),
    ("Federația", "Federației", "Association", True),
    ("Ordinul", "Ordinului", "ProfessionalBody", False),
    ("Sectorul", "Sectorului", "CityDistrict", False),
    ("Rețeaua", "Rețelei", "Network", True),
    ("Societatea", "Societății", "Company", True),
    ("Compania", "Companiei", "Company", True),
    ("Regia", "Regiei", "Company", True),
    ("Grupul", "Grupului", "Organisation", False),
    ("Banca", "Băncii", "Company", True),
    ("Parteneriatul", "Parteneriatului", "Programme", False),
    ("Fondul", "Fondului", "Programme", False),
    ("Granturile", "Granturilor", "Programme", False),
    ("Inițiativa", "Inițiativei", "Initiative", True),
    ("Eticheta", "Etichetei", "Initiative", True),
    ("Platforma", "Platformei", "Initiative", True),
    ("Hub-ul", "Hub-ului", "Hub", False),
    ("Hub", "Hub", "Hub", False),
    ("Conferința", "Conferinței", "Event", True),
    ("Forumul", "Forumului", "Event", False),
    ("Atelierul", "Atelierului", "Event", False),
    ("Seminarul", "Seminarului", "Event", False),
    ("Congresul", "Congresului", "Event", False),
    *((head, head, type_, False) for type_, heads in _FOREIGN_HEAD_WORDS.items() for head in heads),
))
_GENERIC_HEADS = {"Platforma", "Rețeaua", "Parteneriatul", "Clusterul", "Programul"}
_GENITIVE_HEADS = {k for k, (nominative, _, _) in _HEADS.items() if fold(nominative) != k}
_RESEARCH_WORDS = ("cercetar", "competent", "inovar", "research", "stiint")
_CONNECTORS = {"din", "de", "pentru", "si", "in", "a", "al", "cel", "cea", "la", "of", "for",
               "and", "the", "du", "des", "di", "do", "da", "del", "della", "dos", "das", "y", "e",
               "fur", "voor", "van", "der", "und", "para", "per", "et"}
_AND = {"si", "and", "e", "y", "und", "et"}
_ROMANIAN_CONNECTORS = {"din", "pentru", "si", "in", "la", "cel", "cea", "al", "a"}
# Words that open a document, not a name: "CONSILIUL LOCAL ... HOTĂRÂRE" is a heading and a title
_DOCUMENT_WORDS = {"hotarare", "hotararea", "dispozitie", "dispozitia", "decizie", "decizia",
                   "ordin", "comunicat", "anunt", "proces", "minuta", "press", "release", "newsletter",
                   "nr"}
# Legal forms that end a company's name, Romanian and European
_COMPANY_FORM = re.compile(r"(?<![\w.])(S\.A\.|SA|S\.R\.L\.|SRL|GmbH|AG|ASA|AS|A/S|ApS|AB|Oy|B\.V\.|BV|"
                           r"N\.V\.|NV|Ltd|Limited|PLC|plc|S\.p\.A\.|SpA|S\.L\.|SL|SAS|SARL|Inc|LLC)(?![\w/])")
_NAME_WORD = re.compile(r"[^\W_][\w\-’'.]*[\w]|[^\W_]")
_QUOTES = "„“”\"«»"


@dataclass
class _Word:
    text: str
    start: int
    end: int
    gap: str  # the text between the previous word and this one

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper() or self.text[:1].isdigit()


def _words(text: str) -> list[_Word]:
    """Words of the text with the text before each (to see quotes, commas and line breaks)."""
    words, last = [], 0
    for m in _NAME_WORD.finditer(text):
        token = m.group().rstrip(".")
        if m.group().endswith(".") and re.fullmatch(r"(?:[A-Z]\.)+", m.group()):
            token = m.group()  # initialisms such as S.A. keep their dots
        words.append(_Word(token, m.start(), m.start() + len(token), text[last:m.start()]))
        last = m.start() + len(token)
    return words


_ENGLISH_HEADS = {"University": "University", "City": "City", "Municipality": "City",
                  "Ministry": "Ministry", "Institute": "ResearchInstitute", "Agency": "Agency",
                  "Chamber": "ProfessionalBody", "Association": "Association",
                  "Federation": "Association", "Foundation": "NGO"}
_ENGLISH_NAME = re.compile(
    r"(?<![\w])(?P<head>" + "|".join(_ENGLISH_HEADS) + r")\s+(?:of|for)\s+(?:the\s+)?"
    r"[A-Z][\w\-]*(?:(?:\s+(?:(?:and|of|for)\s+)?|(?<=\w)(?=,\s+[A-Z][\w\-]*\s+and\s)"
    r",\s+)[A-Z][\w\-]*){0,5}"
)
# Names whose head comes last: "Suceava City Hall", "Kelvåg kommune", "European Commission"
_TRAILING_HEADS = {"City Hall": "CityHall", "City Council": "CityHall", "Municipality": "CityHall",
                   "kommune": "CityHall", "Kommune": "CityHall", "kommun": "CityHall",
                   "Commission": "PublicAuthority", "Union": "PublicAuthority",
                   "Council": "PublicAuthority", "Bank": "Company", "Agency": "Agency",
                   "Network": "Network", "Foundation": "NGO", "Association": "Association",
                   "Institute": "ResearchInstitute", "University": "University",
                   "Cluster": "Cluster", "Partnership": "Programme", "Conference": "Event",
                   "Forum": "Event", "Workshop": "Event", "Summit": "Event"}
_GENERIC_ADJECTIVES = {"european", "national", "regional", "local", "international", "global",
                       "joint", "new", "urban", "eu"}
_NOT_A_NAME_START = {"the", "this", "that", "these", "our", "their", "its", "a", "an", "each",
                     "every", "all", "any", "new", "and", "of", "for", "with", "by", "in", "at"}
_TRAILING_NAME = re.compile(
    r"(?<![\w\-])(?P<words>(?:(?:[^\W\d_][\w’'\-]*|\d+)[ \t]){1,5})"
    r"(?P<head>" + "|".join(sorted(_TRAILING_HEADS, key=len, reverse=True)) + r")(?![\w\-])"
)


def _english_names(text: str) -> list[ProposedEntity]:
    """English head-of-name forms: "University of Oradea", "Ministry of Research, Innovation
    and Digitalization" (commas continue a ministry's list of fields that "and" closes)."""
    found = []
    for m in _ENGLISH_NAME.finditer(text):
        end = m.end() if m["head"] == "Ministry" or "," not in m.group() else m.start() + m.group().index(",")
        found.append(ProposedEntity(text[m.start():end], _ENGLISH_HEADS[m["head"]], text[m.start():end],
                                    m.start(), end, rule="propose.head"))
    return found


def _trailing_head_names(text: str) -> list[ProposedEntity]:
    """Names ending with their head, the words before it capitalised or numbers:
    "Sector 2 City Hall", "Kelvåg kommune", "Nordic Clean Air Cities Network"."""
    found = []
    for m in _TRAILING_NAME.finditer(text):
        words = m["words"].split()
        first = len(words)
        while first > 0 and (words[first - 1][:1].isupper() or words[first - 1].isdigit()):
            first -= 1
        while first < len(words) and (words[first].lower() in _NOT_A_NAME_START or words[first].isdigit()):
            first += 1
        if first == len(words) or (m["head"] in ("Partnership", "Network") and
                                   all(w.lower() in _GENERIC_ADJECTIVES for w in words[first:])):
            continue  # no name before the head ("the Agency", "a European Partnership")
        start = m.end("words") - len(" ".join(words[first:])) - 1
        surface = text[start:m.end()]
        found.append(ProposedEntity(" ".join(surface.split()), _TRAILING_HEADS[m["head"]], surface,
                                    start, m.end(), rule="propose.trailing_head"))
    return found


def propose_entities(text: str) -> list[ProposedEntity]:
    """Organisations and places the text names: by head word, company form or acronym."""
    words = _words(text)
    found = _head_names(text, words)
    found += [p for p in _english_names(text) if not _overlaps(p, found)]
    found += [p for p in _trailing_head_names(text) if not _overlaps(p, found)]
    found += [p for p in _company_names(text) if not _overlaps(p, found)]
    found = _attach_acronyms(text, found)
    found += [p for p in _acronym_names(text, words) if not _overlaps(p, found)]
    found += [p for p in _mission_names(text) if not _overlaps(p, found)]
    found += [p for p in _programme_names(text) if not _overlaps(p, found)]
    found += [p for p in _regional_agencies(text) if not _overlaps(p, found)]
    found += [p for p in _place_names(text) if not _overlaps(p, found)]
    found += [p for p in _bare_acronyms(text, found) if not _overlaps(p, found)]
    found += [p for p in _camel_case_names(text) if not _overlaps(p, found)]
    return sorted(found, key=lambda p: p.start)


# Mixed-case words that name tools everyone uses, not the organisations or platforms of a document
_TOOLS = {"LinkedIn", "YouTube", "PowerPoint", "WhatsApp", "GitHub", "OneDrive", "SharePoint",
          "WordPress", "MailChimp", "TikTok", "JavaScript", "PayPal", "DropBox", "GmbH", "McKinsey"}
_CAMEL_CASE = re.compile(r"(?<![#@\w])(?P<word>[A-ZĂÂÎȘȚ][a-zăâîșț]+(?:[A-ZĂÂÎȘȚ][\wăâîșț]*)+\+?)"
                         r"(?P<more>(?:[ ](?!(?:SRL|SA|GmbH|AS|AG)\b)[A-ZĂÂÎȘȚ][\w\-]*){0,2})")


def _camel_case_names(text: str) -> list[ProposedEntity]:
    """A word with capitals inside (NetZeroCities, DateOraș, EcoUrban Banat) is a made name:
    a platform, network, cluster or brand, with up to two capitalised words after it."""
    found = []
    for m in _CAMEL_CASE.finditer(text):
        if m["word"] in _TOOLS:
            continue
        more = m["more"].split()
        while more and (fold(more[-1]) in _HEADS or more[-1].isupper()):
            more.pop()
        name = " ".join([m["word"], *more])
        found.append(ProposedEntity(name, type_from_name(name), name, m.start(), m.start() + len(name),
                                    rule="propose.camel_case"))
    return found


PROGRAMMES_PATH = Path(__file__).with_name("data") / "programmes.tsv"


@lru_cache(maxsize=1)
def _programmes() -> Gazetteer:
    """The funding programmes shipped with the project, indexed like known entities (each
    one's canonical name stands for its IRI)."""
    entries = []
    for line in PROGRAMMES_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, others = line.split("\t")
            entries.append(GazetteerEntry(name, "Programme", [name, *filter(None, others.split("|"))]))
    return Gazetteer(entries)


def _programme_names(text: str) -> list[ProposedEntity]:
    """EU and Romanian funding programmes by name, in any case form ("Programului Orizont
    Europa", "Fondului European de Dezvoltare Regională", "Horizon Europe")."""
    return [ProposedEntity(m.iri, "Programme", m.text, m.start, m.end, rule="propose.programme_name")
            for m in _programmes().find(text) if m.iri and m.how != "fuzzy"]


def _mission_names(text: str) -> list[ProposedEntity]:
    """The Cities Mission named in full: one entity, whatever the wording."""
    return [ProposedEntity(MISSION_NAME, "Mission", text[a:b], a, b, rule="propose.mission")
            for a, b in mission_phrases(text)]


# Capitals that are not names: currencies, time zones, units, parts of legal texts, headings
_NOT_ACRONYMS = frozenset("""EUR RON USD GBP CHF NOK SEK DKK PLN HUF CZK BGN MDL UAH LEI CET CEST EET
EEST UTC GMT PDF HTML URL WWW HTTP HTTPS ISO CV NR ART ALIN LIT ANEXA HCL OUG HG CUI CIF CAEN TVA
IBAN SMS FAQ TBD PS CC CO2 GHG KW KWH MW MWH GW GWH TWH KM HA PM10 LED NOX NEW AND THE FOR ZERO
INFO DAY NOTE TOP""".split())
_BARE_ACRONYM = re.compile(r"(?<![\w@#/.\-])[A-ZĂÂÎȘȚ][A-ZĂÂÎȘȚ0-9]{2,9}(?![\w/\-]|\.\w)")
_ROMAN_NUMERAL = re.compile(r"[IVXLC]+")


def _bare_acronyms(text: str, found: list[ProposedEntity]) -> list[ProposedEntity]:
    """Acronyms standing alone ("UEFISCDI anunță", "finanțat prin FEDR"): capitals written
    at least twice in the document, or once as the acronym of a name found here; not a
    currency, unit or Roman numeral, and not a word of a heading in capitals."""
    counts: dict[str, int] = defaultdict(int)
    matches = [m for m in _BARE_ACRONYM.finditer(text) if _acronym_candidate(text, m)]
    for m in matches:
        counts[m.group()] += 1
    named = {p.acronym for p in found if p.acronym}
    out = []
    for m in matches:
        bracketed = text[m.start() - 1:m.start()] == "(" and text[m.end():m.end() + 1] == ")"
        if (counts[m.group()] >= 2 or m.group() in named) and not (bracketed and m.group() in named):
            out.append(ProposedEntity(m.group(), None, m.group(), m.start(), m.end(),
                                      acronym=m.group(), rule="propose.bare_acronym"))
    return out


def _acronym_candidate(text: str, m: re.Match[str]) -> bool:
    word = m.group()
    if word in _NOT_ACRONYMS or _ROMAN_NUMERAL.fullmatch(word) or sum(c.isalpha() for c in word) < 3:
        return False
    line_start, line_end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    words = re.findall(r"[^\W\d_]+", line)
    if len(words) >= 2 and all(w.isupper() for w in words):
        return False  # a heading in capitals
    # part of a longer name: "DUT Call 2024", "URBACT IV", "Granturile SEE și Norvegiene"
    after = re.match(r"[ \t]+(\w)", text[m.end():m.end() + 3])
    if after and (after.group(1).isupper() or after.group(1).isdigit()):
        return False
    before = re.search(r"(\w[\w\-]*)[ \t]+$", text[max(0, m.start() - 30):m.start()])
    if not before or not before.group(1)[:1].isupper():
        return True
    previous_start = m.start() - len(before.group())
    return text[:previous_start].rstrip()[-1:] in ("", ".", "!", "?", ":", ";", "\n")


_REGIONAL_AGENCY = re.compile(r"(?<![\w\-])ADR\s+(?P<region>[A-ZĂÂÎȘȚ][\w]*(?:-[A-ZĂÂÎȘȚ][\w]*)?"
                              r"(?:\s+[A-ZĂÂÎȘȚ][\w]*)?)")


def _regional_agencies(text: str) -> list[ProposedEntity]:
    """"ADR Nord-Est": the development agency of one of Romania's development regions, named
    in full (Agenția pentru Dezvoltare Regională Nord-Est)."""
    found = []
    for m in _REGIONAL_AGENCY.finditer(text):
        region = m["region"]
        while region:
            places = find_places(f"Regiunea {region}")
            if places and places[0].place.type == "Region" and places[0].text == f"Regiunea {region}":
                break
            region = region.rpartition(" ")[0]
        if region:
            name = places[0].place.name.replace("Regiunea", "Agenția pentru Dezvoltare Regională", 1)
            end = m.start("region") + len(region)
            found.append(ProposedEntity(name, "Agency", text[m.start():end], m.start(), end,
                                        acronym="ADR", rule="propose.regional_agency"))
    return found


def _place_names(text: str) -> list[ProposedEntity]:
    """Countries, regions and cities of the shipped place gazetteer, named as it names them
    ("Clujului" is Cluj-Napoca, "Germany" is Germania)."""
    return [ProposedEntity(m.place.name, m.place.type, m.text, m.start, m.end, rule="propose.place")
            for m in find_places(text)]


def _overlaps(p: ProposedEntity, others: list[ProposedEntity]) -> bool:
    return any(p.start < o.end and o.start < p.end for o in others)


def _head_names(text: str, words: list[_Word]) -> list[ProposedEntity]:
    """Names that start with a head word (Universitatea, Ministerului, ...)."""
    found: list[ProposedEntity] = []
    missions = mission_phrases(text)
    i = 0
    while i < len(words):
        head = words[i]
        if head.folded in _HEADS and head.text[0].isupper():
            last = _through_mission(words, i, _extend_name(words, i, text), missions)
            if last > i:
                found.append(_head_proposal(text, words, i, last))
                i = last + 1
                continue
        i += 1
    return found


def _through_mission(words: list[_Word], head: int, last: int, missions: list[tuple[int, int]]) -> int:
    """A name that goes on into the Mission's full name takes all of it ("Eticheta Misiunii
    UE pentru orașe neutre climatic", "Hub-ul Național al Misiunii „Orașe neutre climatic”")."""
    for start, end in missions:
        if words[head].end < start <= words[last].end + 1 and end > words[last].end:
            while last + 1 < len(words) and words[last + 1].end <= end:
                last += 1
    return last


def _extend_name(words: list[_Word], head: int, text: str = "") -> int:
    """Index of the last word of a name starting at head.

    The name runs over capitalised words, numbers and quoted parts, and over connectors
    (din, de, pentru, și, ...) followed by a capitalised word that is not a new head; it
    stops at a comma, a bracket, a sentence end, a lowercase word, a table's column gap, a
    field label ("Parteneri:") or a second number. A comma may continue a list of genitives
    ("Ministerul Dezvoltării, Lucrărilor Publice și Administrației"). A place's name
    ("Municipiul Cluj-Napoca", "Sectorul 2") goes on only into a genitive head ("al
    Municipiului București"), not into "în Adunarea Generală".
    """
    last, quoted = head, False
    place = _HEADS[words[head].folded][1] in ("City", "CityDistrict")
    event = _HEADS[words[head].folded][1] == "Event"
    foreign = words[head].folded in _FOREIGN_HEADS  # takes its own language's connectors only
    capitals = words[head].text.isupper()  # a name in capitals ends where the capitals end
    j = head + 1
    while j < len(words):
        word, gap = words[j], words[j].gap
        was_quoted = quoted
        quoted ^= sum(gap.count(q) for q in _QUOTES) % 2 == 1
        if quoted and was_quoted and "\n\n" not in gap:
            last = j  # inside a quoted name, even across a comma: „Orașe reci, orașe verzi”
            j += 1
            continue
        if not _gap_continues(gap, word) and not _genitive_after_comma(words, j) \
                or _is_label(text, word) or word.folded in _DOCUMENT_WORDS \
                or (word.text.isdigit() and words[j - 1].text.isdigit()) \
                or (capitals and not quoted and word.text[:1].isalpha() and not word.text.isupper()) \
                or (was_quoted and not quoted and word.folded not in _CONNECTORS):
            break  # after a closing quote only a connector goes on: „Babeș-Bolyai” din Cluj
        if foreign and word.folded in _ROMANIAN_CONNECTORS:
            break
        if quoted or word.capital:
            if word.folded in _HEADS and word.folded not in _GENITIVE_HEADS:
                break
            last = j
        elif word.folded in _CONNECTORS and not place and _continues_after(words, j) \
                and not (event and word.folded in ("din", "in", "la")):  # where an event is held
            pass
        elif word.folded in ("al", "a", "ale") and j + 1 < len(words) \
                and words[j + 1].folded in _GENITIVE_HEADS | _genitive_words(words, j + 1):
            pass
        else:
            break
        j += 1
    return last


def _continues_after(words: list[_Word], j: int) -> bool:
    """A connector goes on into a capitalised word that is not a new name's head."""
    if j + 1 >= len(words):
        return False
    nxt = words[j + 1]
    joins_two = words[j].folded in _AND  # "X și Consiliului Y": two names
    return nxt.capital and (nxt.folded not in _HEADS or (nxt.folded in _GENITIVE_HEADS and not joins_two)) \
        and _gap_continues(nxt.gap, nxt)


def _genitive_words(words: list[_Word], j: int) -> set[str]:
    """The word at j when it is a capitalised genitive ("a Cercetării")."""
    word = words[j]
    return {word.folded} if word.capital and re.search(r"(ilor|elor|ului|ii|ei)$", word.folded) else set()


def _genitive_after_comma(words: list[_Word], j: int) -> bool:
    """", a Cercetării, Dezvoltării și Inovării": a comma, then "a" and a genitive, goes on."""
    return words[j].gap.strip() == "," and words[j].folded in ("a", "al", "ale") \
        and j + 1 < len(words) and bool(_genitive_words(words, j + 1))


def _is_label(text: str, word: _Word) -> bool:
    """A field label of a fact sheet: the word is followed by a colon, perhaps after a
    bracketed note ("Promotor (coordonator):")."""
    return bool(text) and re.match(r"\s*(?:\([^()\n]{0,40}\))?\s*:(?!\d)", text[word.end:word.end + 50]) is not None


def _gap_continues(gap: str, word: _Word) -> bool:
    """Whether the text between two words lets a name go on (a gap of several spaces is a
    column boundary of a table flattened from PDF)."""
    stripped = gap.strip(" *_" + _QUOTES)
    if stripped == "" and "\n" not in gap and "  " not in gap and "\t" not in gap:
        return True
    return stripped == "," and word.text[:1].isupper() and \
        re.search(r"(ilor|elor|ului|ii|ei)$", word.folded) is not None


def _head_proposal(text: str, words: list[_Word], first: int, last: int) -> ProposedEntity:
    """A proposal for a head-word name, typed by its head, named in the nominative."""
    start, end = words[first].start, words[last].end
    while end < len(text) and text[end] in _QUOTES and text[start:end].count(text[end]) % 2:
        end += 1
    while end < len(text) and text[end] in _QUOTES and \
            sum(text[start:end].count(q) for q in _QUOTES) % 2:
        end += 1
    surface = text[start:end]
    head = words[first]
    nominative, type_, feminine = _HEADS[head.folded]
    name = _nominative(surface, head, nominative, feminine)
    if type_ == "Organisation" and any(w in fold(surface) for w in _RESEARCH_WORDS):
        type_ = "ResearchInstitute"
    rest = [w.text for w in words[first + 1:last + 1]]
    aliases: tuple[str, ...] = ()
    if nominative in _GENERIC_HEADS and len(rest) == 1 and sum(c.isupper() for c in rest[0]) >= 2:
        aliases = (rest[0],)  # "platforma DateOraș", "Parteneriatul DUT": the name is DateOraș
    return ProposedEntity(name, type_, surface, start, end, rule="propose.head", aliases=aliases)


def _nominative(surface: str, head: _Word, nominative: str, feminine: bool) -> str:
    """Undo the genitive on the head word and on the adjectives that agree with it."""
    surface = re.sub(r"\s+", " ", re.sub(r"[*_]+", "", surface)).strip()
    if head.folded not in _GENITIVE_HEADS:
        return surface
    rest = surface[len(head.text):]
    if feminine:
        rest = re.sub(r"^((?:\s+[A-ZĂÂÎȘȚ][^\W\d_]*e\b)+)", _feminine_adjectives, rest)
    return nominative + rest


def _feminine_adjectives(match: re.Match[str]) -> str:
    """Tehnice -> Tehnică, Naționale -> Națională, Europene -> Europeană."""
    def one(m: re.Match[str]) -> str:
        word = m.group()
        return word[:-3] + "eană" if word.endswith("ene") else word[:-1] + "ă"
    return re.sub(r"[^\W\d_]+", one, match.group())


def _company_names(text: str) -> list[ProposedEntity]:
    """Names ending with a company form: "Robert Bosch SRL", "Orange România S.A.", "Nord
    Energi AS"; the words before it are capitalised, the first not a number, none across a
    table's column gap."""
    found = []
    for form in _COMPANY_FORM.finditer(text):
        before = re.search(r"((?:[^\W\d_][\w&\-.’']*[ \t\n])(?:(?:[^\W_][\w&\-.’']*|\d+)[ \t\n]){0,4})$",
                           text[max(0, form.start() - 80):form.start()])
        if not before:
            continue
        words = before.group(1).split()
        ends = [k for k, w in enumerate(words) if w.endswith(".") and not re.fullmatch(r"(?:\w\.)+", w)]
        words = words[ends[-1] + 1:] if ends else words  # not across the end of a sentence
        while words and not (words[0][:1].isupper() and all(w[:1].isupper() or w.isdigit() for w in words)):
            words.pop(0)
        if words:
            start = form.start() - len(before.group(1)) + before.group(1).index(words[0])
            surface = text[start:form.end()]
            found.append(ProposedEntity(" ".join(surface.split()), "Company", surface, start, form.end(),
                                        rule="propose.company"))
    return found


_PAREN_ACRONYM = re.compile(r"\s*\((?P<acr>[A-ZĂÂÎȘȚ][A-ZĂÂÎȘȚ0-9&+\-]{1,11})\)")


def _attach_acronyms(text: str, found: list[ProposedEntity]) -> list[ProposedEntity]:
    """Give a proposal the acronym written in brackets right after it."""
    out = []
    for p in found:
        m = _PAREN_ACRONYM.match(text, p.end)
        out.append(ProposedEntity(p.name, p.type, p.text, p.start, p.end, m["acr"] if m else None,
                                  p.rule) if m else p)
    return out


def _acronym_names(text: str, words: list[_Word]) -> list[ProposedEntity]:
    """A capitalised name followed by its acronym in brackets: "... Informatică (ICI)"."""
    found = []
    by_end = {w.end: k for k, w in enumerate(words)}
    for m in re.finditer(r"(?<=\S)(?=\s*\([A-ZĂÂÎȘȚ][A-ZĂÂÎȘȚ0-9&+\-]{1,11}\))", text):
        acr = _PAREN_ACRONYM.match(text, m.start())
        k = by_end.get(m.start())
        first = None if k is None else _name_start(words, k)
        if first is None or not _initials_match(acr["acr"], words[first:k + 1]):
            continue
        start, end = words[first].start, words[k].end
        surface = text[start:end]
        head = _HEADS.get(words[first].folded)
        type_ = head[1] if head else type_from_name(surface)
        found.append(ProposedEntity(surface, type_, surface, start, end, acr["acr"],
                                    "propose.acronym"))
    return found


def _name_start(words: list[_Word], last: int) -> int | None:
    """Walk back from the word before "(" over capitalised words and connectors."""
    first = None
    k = last
    while k >= 0:
        word = words[k]
        if word.capital:
            first = k
        elif word.folded not in _CONNECTORS:
            break
        if word.gap.strip(" " + _QUOTES) or "\n" in word.gap:
            break
        k -= 1
    while first is not None and first < last and words[first].folded in _CONNECTORS:
        first += 1
    return first


def _initials_match(acronym: str, words: list[_Word]) -> bool:
    """The acronym's letters appear, in order, among the initials of the name's words."""
    initials = "".join(fold(part[0]) for w in words for part in w.text.split("-") if part)
    letters = [c for c in fold(acronym) if c.isalpha()]
    if not letters or not initials or letters[0] != initials[0]:
        return False
    pos = 0
    for c in letters:
        pos = initials.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def type_from_name(name: str) -> str | None:
    """Type of a name without a head word in front, from a telling word inside it."""
    for word in _TOKEN.findall(name):
        head = _HEADS.get(fold(word))
        if head:
            return head[1]
    folded = fold(name)
    for key, type_ in (("cluster", "Cluster"), ("university", "University"),
                       ("universit", "University"), ("institut", "ResearchInstitute"),
                       ("agency", "Agency"), ("ministry", "Ministry"),
                       ("association", "Association")):
        if key in folded:
            return type_
    return None
