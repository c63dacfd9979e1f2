"""Places named in text, from a gazetteer shipped with the project (ingest/data/places.tsv).

Every country (in Romanian and English), every Romanian locality and county, Romania's
development regions and provinces, and Europe's cities of 50,000 people or more; written by
scripts/make_places.py from GeoNames, CLDR and ISO 3166-2, read once, no network.

Names match on Romanian stems, so inflected forms count ("Clujului", "Timișoarei",
"Germaniei", "Sucevei"). A name must be written with a capital. A village is a common word
or a person's name as often as a place ("Unirea", "Traian"), so a locality of fewer than
SMALL people is taken only after a word that introduces a place ("din", "în", "la", "comuna").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.normalise import fold, stem

PLACES_PATH = Path(__file__).with_name("data") / "places.tsv"
SMALL = 20_000  # a Romanian locality smaller than this needs a cue before it
FOREIGN_CITY_CUE_FREE = 50_000  # foreign cities bigger than this need no cue (unless first in a sentence)
_TYPE_RANK = {"Country": 0, "Region": 1, "City": 2, "CityDistrict": 3}
_CUES = {"din", "in", "la", "spre", "langa", "comuna", "comunei", "satul", "satului", "orasul",
         "orasului", "municipiul", "municipiului", "localitatea", "localitatii", "judetul",
         "judetului", "from", "at", "near", "to"}
_TOKEN = re.compile(r"[^\W_]+")
_JOIN = re.compile(r"[ \-‐–]|\n(?!\n)| - ")
_CONNECTORS = {"de", "del", "la", "le", "sur", "am", "an", "der", "di", "do", "da", "of", "upon"}
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•*\-–#>|]\s*|\n\s*)$")


@dataclass(frozen=True)
class Place:
    """One gazetteer row: its canonical (Romanian) name, type, country and population."""

    name: str
    type: str
    country: str
    population: int


@dataclass(frozen=True)
class PlaceMention:
    """A place written in the text at [start, end)."""

    place: Place
    text: str
    start: int
    end: int


def _stems(name: str) -> tuple[str, ...]:
    """A name's stem sequence; "eav" stems also stand for the "ev" of the genitive
    (Suceava, Sucevei)."""
    return tuple(stem(w) for w in _TOKEN.findall(fold(name)))


class Places:
    """An index of places by the stems of each of their names.

    Names are bucketed by their first three folded letters, which stemming never changes;
    a bucket is stemmed the first time a text needs it, so loading costs no stemming.
    """

    def __init__(self, rows: list[tuple[Place, list[str]]]) -> None:
        self._buckets: dict[str, list[tuple[Place, str]]] = {}
        for place, names in rows:
            for name in names:
                self._buckets.setdefault(fold(name)[:3], []).append((place, name))
        self._indexed: dict[str, dict[tuple[str, ...], tuple[Place, tuple[str, ...]]]] = {}

    def _index(self, prefix: str) -> dict[tuple[str, ...], tuple[Place, tuple[str, ...]]]:
        """The names of one bucket by stem sequence, the best place first for each."""
        index = self._indexed.get(prefix)
        if index is None:
            index = {}
            for place, name in self._buckets.get(prefix, ()):
                stems = _stems(name)
                keys = {stems}
                if stems and stems[-1].endswith("eav"):
                    keys.add((*stems[:-1], stems[-1][:-3] + "ev"))
                for k in keys:
                    held = index.get(k)
                    if held is None or _rank(place) < _rank(held[0]):
                        index[k] = (place, tuple(_TOKEN.findall(name)))
            self._indexed[prefix] = index
        return index

    def find(self, text: str) -> list[PlaceMention]:
        """Places the text names, longest first, never overlapping."""
        spans = [m.span() for m in _TOKEN.finditer(text)]
        words = [text[a:b] for a, b in spans]
        stems = [stem(fold(w)) for w in words]
        found: list[PlaceMention] = []
        i = 0
        while i < len(words):
            mention = self._at(text, spans, words, stems, i)
            if mention:
                found.append(mention)
                i += len(_TOKEN.findall(mention.text))
            else:
                i += 1
        return found

    def _at(self, text: str, spans, words, stems, i: int) -> PlaceMention | None:
        if not words[i][:1].isupper():
            return None
        index = self._index(stems[i][:3])
        for n in range(min(6, len(words) - i), 0, -1):
            if not all(_JOIN.fullmatch(text[spans[k][1]:spans[k + 1][0]]) for k in range(i, i + n - 1)):
                continue
            held = index.get(tuple(stems[i:i + n]))
            if held is None or not _cased(words[i:i + n], held[1]) \
                    or not all(map(_inflection_of, words[i:i + n], held[1])):
                continue
            start, end = spans[i][0], spans[i + n - 1][1]
            if _plausible(held[0], text, start):
                return PlaceMention(held[0], text[start:end], start, end)
        return None


def _rank(place: Place) -> tuple[int, int]:
    return (_TYPE_RANK.get(place.type, 9), -place.population)


def _cased(words: list[str], name: tuple[str, ...]) -> bool:
    """Words capitalised in the name are capitalised in the text (connectors may be either)."""
    return len(words) == len(name) and all(
        w[:1].isupper() or w.isdigit() or (n[:1].islower() and fold(n) in _CONNECTORS)
        for w, n in zip(words, name))


_ENDINGS = ("", "a", "i", "ei", "ii", "iei", "ul", "lui", "ului", "le", "lor", "ilor")


def _inflection_of(word: str, name_word: str) -> bool:
    """The word is the name's word, or it with a Romanian article or case ending in place of
    its last vowels (Clujului, Timișoarei, Sibiului, Țărilor, Sucevei); a word in capitals is
    a heading and must be the name itself ("ROMÂNI" is not Roman)."""
    w, n = fold(word), fold(name_word)
    if w == n or w.isdigit():
        return w == n
    if word.isupper():
        return False
    bases = {n, n[:-1] if n[-1:] in "aeiu" else n, n[:-2] if n[-2:] in ("le", "ea") else n}
    if n.endswith("eava"):
        bases.add(n[:-4] + "ev")
    return any(w == base + ending for base in bases for ending in _ENDINGS if len(base) >= 3)


def _plausible(place: Place, text: str, start: int) -> bool:
    """Countries, regions and big cities stand alone; a small locality needs a cue before it,
    and a foreign city at the start of a sentence too (Reading, Nice)."""
    before = text[max(0, start - 40):start]
    previous = _TOKEN.findall(fold(before))[-1:]
    cue = bool(previous) and previous[0] in _CUES and not before.rstrip().endswith((".", "\n"))
    if place.type in ("Country", "Region") or cue:
        return True
    if place.country == "RO":
        return place.population >= SMALL
    return place.population >= FOREIGN_CITY_CUE_FREE and not _SENTENCE_START.search(before)


@lru_cache(maxsize=2)
def load_places(path: Path = PLACES_PATH) -> Places:
    """The shipped place gazetteer, read once."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, type_, country, population, others = line.split("\t")
        names = [name, *(o for o in others.split("|") if o)]
        rows.append((Place(name, type_, country, int(population)), names))
    return Places(rows)


def find_places(text: str) -> list[PlaceMention]:
    """Places named in the text, from the shipped gazetteer."""
    return load_places().find(text)
