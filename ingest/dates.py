"""Dates and date ranges in Romanian and English text, with their precision.

Matching runs on the folded text (lowercase, no diacritics, same length), so "Decembrie",
"decembrie" and "DECEMBRIE" read alike and offsets stay those of the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from rapidfuzz.distance import Levenshtein

from ingest.amounts import find_amounts
from ingest.normalise import fold


@dataclass(frozen=True)
class DateMention:
    """A date as written. value is None when the year is unknown.

    precision: "day" | "month" | "year" | "datetime"; iso: "2023-06-20", "2023-06", "2023",
    "2023-01-19T14:00:00+01:00", or "--06-20" / "--06" without a year. partial: the year was
    not written (taken from default_year, or unknown). vague: a hedge such as "la finalul
    anului" or "în toamna", named by qualifier ("end", "start", "mid", "autumn", "Q3", ...).
    """

    value: date | None
    precision: str
    iso: str
    text: str
    start: int
    end: int
    partial: bool = False
    vague: bool = False
    qualifier: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class DateRange:
    """Two dates written as one period ("1 iunie 2021 – 19 septembrie 2022", "2021-2022")."""

    start: DateMention
    end: DateMention
    text: str

    @property
    def span(self) -> tuple[int, int]:
        return (self.start.start, self.end.end)


# --------------------------------------------------------------------------- vocabulary

_MONTHS = {
    "ianuarie": 1, "ian": 1, "january": 1, "jan": 1,
    "februarie": 2, "febr": 2, "feb": 2, "february": 2,
    "martie": 3, "mart": 3, "mar": 3, "march": 3,
    "aprilie": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "iunie": 6, "iun": 6, "june": 6, "jun": 6,
    "iulie": 7, "iul": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "septembrie": 9, "sept": 9, "sep": 9, "september": 9,
    "octombrie": 10, "oct": 10, "october": 10,
    "noiembrie": 11, "noiem": 11, "nov": 11, "november": 11,
    "decembrie": 12, "dec": 12, "december": 12,
}
_FULL_MONTHS = [m for m in _MONTHS if len(m) >= 5 and m not in ("febr", "noiem")]
_ENGLISH = {"january", "jan", "february", "feb", "march", "mar", "april", "apr", "may", "june",
            "jun", "july", "jul", "august", "aug", "september", "sept", "sep", "october", "oct",
            "november", "nov", "december", "dec"}
_AMBIGUOUS = {"mai", "may"}  # also "more" / a modal verb: need a day, a year or "luna"

_MON = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![a-z])\.?"
_EN_MON = "(?:" + "|".join(sorted(_ENGLISH, key=len, reverse=True)) + r")(?![a-z])\.?"
_YEAR = r"(?:19|20)\d\d(?!\d)"
_DAY = r"(?<![\d.,/])[0-3]?\d(?:st|nd|rd|th)?"
_QUALIFIER_WORDS = {
    "inceputul": "start", "sfarsitul": "end", "finalul": "end", "mijlocul": "mid",
    "jumatatea": "mid", "cursul": "during", "beginning": "start", "start": "start",
    "end": "end", "middle": "mid", "mid": "mid",
    "primavara": "spring", "vara": "summer", "toamna": "autumn", "iarna": "winter",
    "spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn",
    "winter": "winter",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ZONES = {"cet": 1, "cest": 2, "eet": 2, "eest": 3, "utc": 0, "gmt": 0}
_YEAR_CUES = {"in", "din", "anul", "anului", "pana", "dupa", "pentru", "la", "by", "since",
              "until", "from", "of", "year", "during", "before", "after", "inainte", "catre",
              "spre", "incepand", "the"}


@dataclass
class _Part:
    """A date before its year is resolved (ranges share years between their two ends)."""

    start: int
    end: int
    precision: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    qualifier: str | None = None
    time: tuple[int, int, str | None] | None = None
    bare: bool = False  # a year written alone, which may be a name ("Horizon 2020")
    paired: _Part | None = None  # the start of a "6-7 decembrie" range, already known


# --------------------------------------------------------------------------- patterns

_P_DAY_RANGE = re.compile(rf"(?P<d1>{_DAY})\s*[-–—]\s*(?P<d2>{_DAY})\s*(?P<m>{_MON})(?:\s*,?\s*(?P<y>{_YEAR}))?")
_P_DAY = re.compile(rf"(?P<d>{_DAY})(?:\s*|\.)(?P<m>{_MON})(?:\s*,?\s*(?P<y>{_YEAR}))?")
_P_EN_DAY = re.compile(rf"(?<![a-z])(?P<m>{_EN_MON})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?P<y>{_YEAR}))?(?![\d])")
_P_NUMERIC = re.compile(rf"(?<![\d.,/])(?P<d>[0-3]?\d)(?P<sep>[./-])(?P<m>[01]?\d)(?P=sep)(?P<y>{_YEAR})")
_P_ISO = re.compile(rf"(?<![\d.,/])(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[t ](?P<h>[0-2]\d):(?P<mi>[0-5]\d))?(?![\d])")
_P_MONTH_YEAR = re.compile(
    rf"(?<![a-z\d])(?:(?P<q>inceputul|sfarsitul|finalul|mijlocul|jumatatea)\s+lunii\s+)?"
    rf"(?P<m>{_MON})\s*,?\s*(?:(?:a|al)\s+)?(?:anului\s+)?(?P<y>{_YEAR})"
)
_P_FUZZY_MONTH_YEAR = re.compile(rf"(?<![a-z\d])(?P<word>[a-z]{{4,10}})\s+(?P<y>{_YEAR})")
_P_MONTH_ALONE = re.compile(
    rf"(?<![a-z])(?P<cue>(?:la\s+)?(?P<q>inceputul|sfarsitul|finalul|mijlocul|jumatatea|cursul)\s+lunii"
    rf"|in\s+luna|luna|lunii|pana\s+in|incepand\s+cu|din|in|(?P<eq>end|beginning|middle)\s+of|by|since)"
    rf"\s+(?P<m>{_MON})(?!\s*[\d])"
)
_P_VAGUE_YEAR = re.compile(
    rf"(?<![a-z])(?P<q>inceputul|sfarsitul|finalul|mijlocul|jumatatea|cursul|primavara|vara|toamna|iarna"
    rf"|beginning|start|end|middle|mid|spring|summer|autumn|fall|winter)"
    rf"(?:\s+(?:anului|lui|of|of the year))?\s*-?\s*(?P<y>{_YEAR})"
)
_P_QUARTER = re.compile(
    rf"(?<![a-z])(?:trimestrul|t|q)\s*(?P<n>iv|iii|ii|i|[1-4])\s+(?:(?:al\s+)?anului\s+|of\s+)?(?P<y>{_YEAR})"
)
_P_YEAR = re.compile(rf"(?<![\w.,/])(?P<y>{_YEAR})(?![\w%]|[.,]\d)")
_SEPARATOR = re.compile(r"\s*(?:-|–|—|/)\s*|\s+(?:pana\s+(?:la|pe|in)|to|until|till)\s+")
_TIMES = (
    re.compile(r"\s*,?\s*(?:la\s+)?(?:ora|orele|at)\s*(?P<h>[0-2]?\d)(?:[.:](?P<mi>[0-5]\d))?(?:\s*(?P<tz>cest|cet|eest|eet|utc|gmt)(?![a-z]))?"),
    re.compile(r"\s*\(\s*(?P<h>[0-2]?\d)[.:](?P<mi>[0-5]\d)(?:\s*(?P<tz>cest|cet|eest|eet|utc|gmt))?\s*\)"),
    re.compile(r"\s*,?\s*(?P<h>[0-2]?\d):(?P<mi>[0-5]\d)(?:\s*(?P<tz>cest|cet|eest|eet|utc|gmt)(?![a-z]))?"),
)


def _day_parts(m: re.Match[str]) -> list[_Part]:
    day, month = _int_day(m["d"]), _MONTHS[m["m"].rstrip(".")]
    if m["m"].rstrip(".") in _AMBIGUOUS and not m["y"]:
        return []
    return [_Part(m.start(), m.end(), "day", _int(m["y"]), month, day)]


def _day_range_parts(m: re.Match[str]) -> list[_Part]:
    month, year = _MONTHS[m["m"].rstrip(".")], _int(m["y"])
    first, last = _int_day(m["d1"]), _int_day(m["d2"])
    if not first < last:
        return []
    head = _Part(m.start("d1"), m.end("d1"), "day", year, month, first)
    return [_Part(m.start("d2"), m.end(), "day", year, month, last, paired=head)]


def _numeric_parts(m: re.Match[str]) -> list[_Part]:
    part = _Part(m.start(), m.end(), "day", int(m["y"]), int(m["m"]), int(m["d"]))
    if m.groupdict().get("h"):
        part.time = (int(m["h"]), int(m["mi"]), None)
    return [part]


def _month_year_parts(m: re.Match[str]) -> list[_Part]:
    q = _QUALIFIER_WORDS.get(m["q"] or "")
    return [_Part(m.start(), m.end(), "month", int(m["y"]), _MONTHS[m["m"].rstrip(".")], None, q)]


def _fuzzy_month_parts(m: re.Match[str]) -> list[_Part]:
    """A misspelt month name before a year ("Iune 2023"): one full name at distance 1."""
    word = m["word"]
    if word in _MONTHS:
        return []
    close = [name for name in _FULL_MONTHS if Levenshtein.distance(word, name, score_cutoff=1) <= 1]
    if len(close) != 1:
        return []
    return [_Part(m.start(), m.end(), "month", int(m["y"]), _MONTHS[close[0]])]


def _month_alone_parts(m: re.Match[str]) -> list[_Part]:
    name = m["m"].rstrip(".")
    cue = m["cue"]
    if len(name) < 5 and name not in _AMBIGUOUS:
        return []
    if name in _AMBIGUOUS and not re.search(r"lunii|luna", cue):
        return []
    q = _QUALIFIER_WORDS.get(m["q"] or m["eq"] or "")
    start = m.start("cue") if q else m.start("m")
    return [_Part(start, m.end(), "month", None, _MONTHS[name], None, q)]


def _vague_year_parts(m: re.Match[str]) -> list[_Part]:
    return [_Part(m.start(), m.end(), "year", int(m["y"]), qualifier=_QUALIFIER_WORDS[m["q"]])]


def _quarter_parts(m: re.Match[str]) -> list[_Part]:
    number = _ROMAN.get(m["n"]) or int(m["n"])
    return [_Part(m.start(), m.end(), "year", int(m["y"]), qualifier=f"Q{number}")]


def _year_parts(m: re.Match[str]) -> list[_Part]:
    return [_Part(m.start(), m.end(), "year", int(m["y"]), bare=True)]


_PATTERNS = (
    (_P_DAY_RANGE, _day_range_parts),
    (_P_ISO, _numeric_parts),
    (_P_NUMERIC, _numeric_parts),
    (_P_DAY, _day_parts),
    (_P_EN_DAY, _day_parts),
    (_P_MONTH_YEAR, _month_year_parts),
    (_P_FUZZY_MONTH_YEAR, _fuzzy_month_parts),
    (_P_VAGUE_YEAR, _vague_year_parts),
    (_P_QUARTER, _quarter_parts),
    (_P_MONTH_ALONE, _month_alone_parts),
    (_P_YEAR, _year_parts),
)


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _int_day(value: str) -> int:
    return int(re.match(r"\d+", value).group())


# --------------------------------------------------------------------------- entry point


def find_dates(text: str, *, default_year: int | None = None) -> list[DateMention | DateRange]:
    """Dates and ranges in text, in order. Amounts and counts are not dates."""
    folded = fold(text)
    parts = _select(_candidates(folded), [(a.start, a.end) for a in find_amounts(text)])
    for part in parts:
        _attach_time(folded, part)
    results: list[DateMention | DateRange | None] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if part.paired is not None:
            results.append(_range(text, part.paired, part, default_year))
        elif i + 1 < len(parts) and _pairs(folded, part, parts[i + 1]):
            results.append(_range(text, part, parts[i + 1], default_year))
            i += 1
        elif not (part.bare and _is_name_or_count(text, folded, part)):
            results.append(_mention(text, part, default_year))
        i += 1
    return [r for r in results if r is not None]


def _candidates(folded: str) -> list[_Part]:
    """Every date-like match of every pattern, overlapping ones included."""
    found = []
    for pattern, build in _PATTERNS:
        for match in pattern.finditer(folded):
            found.extend(p for p in build(match) if _valid(p))
    return found


def _select(candidates: list[_Part], blocked: list[tuple[int, int]]) -> list[_Part]:
    """Longest candidates first, no overlaps, none inside an amount."""
    chosen: list[_Part] = []
    taken = list(blocked)
    for part in sorted(candidates, key=lambda p: (-(p.end - _first(p)), _first(p))):
        span = (_first(part), part.end)
        if any(s < span[1] and span[0] < e for s, e in taken):
            continue
        chosen.append(part)
        taken.append(span)
    return sorted(chosen, key=_first)


def _first(part: _Part) -> int:
    return part.paired.start if part.paired else part.start


def _valid(part: _Part) -> bool:
    try:
        date(part.year or 2000, part.month or 1, part.day or 1)
    except ValueError:
        return False
    return True


def _attach_time(folded: str, part: _Part) -> None:
    """Extend a day date over a following time of day ("ora 14.00 CET", "(14:00 CET)")."""
    if part.precision != "day" or part.time:
        return
    for pattern in _TIMES:
        match = pattern.match(folded, part.end)
        if match and int(match["h"]) < 24:
            part.time = (int(match["h"]), int(match["mi"] or 0), match["tz"])
            part.end = match.end()
            return


def _pairs(folded: str, first: _Part, second: _Part) -> bool:
    """Two dates of the same precision joined by a dash or "până la" form a range."""
    between = folded[first.end:second.start]
    if not _SEPARATOR.fullmatch(between) or second.paired is not None:
        return False
    if first.precision != second.precision or first.qualifier or second.qualifier:
        return False
    if first.precision == "year":
        return first.year < second.year <= first.year + 50
    return first.time is None


def _range(text: str, first: _Part, last: _Part, default_year: int | None) -> DateRange | None:
    """Resolve the years of both ends: a start without a year takes the end's, or the year
    before when its month comes after the end's month ("10 octombrie - 19 ianuarie 2023")."""
    guessed = last.year is None
    if guessed and default_year is not None:
        last = replace(last, year=default_year)
    if first.year is None and last.year is not None:
        later = (first.month or 0, first.day or 0) > (last.month or 0, last.day or 0)
        first = replace(first, year=last.year - 1 if later else last.year)
    start, end = _mention(text, first, None), _mention(text, last, None)
    if start is None or end is None:
        return None
    if guessed:
        start, end = replace(start, partial=True), replace(end, partial=True)
    return DateRange(start, end, text[start.start:end.end])


def _mention(text: str, part: _Part, default_year: int | None) -> DateMention | None:
    """The finished mention of a part; the year comes from default_year when missing."""
    year = part.year if part.year is not None else default_year
    partial = part.year is None
    vague = part.qualifier is not None
    written = text[part.start:part.end]
    if year is None:
        iso = f"--{part.month:02d}" + (f"-{part.day:02d}" if part.day else "")
        return DateMention(None, part.precision, iso, written, part.start, part.end, True, vague,
                           part.qualifier)
    try:
        value = date(year, part.month or 1, part.day or 1)
    except ValueError:
        return None
    precision, iso = part.precision, {"day": value.isoformat(),
                                      "month": value.isoformat()[:7],
                                      "year": f"{year:04d}"}[part.precision]
    if part.time:
        value, precision = _with_time(value, part.time), "datetime"
        iso = value.isoformat()
    return DateMention(value, precision, iso, written, part.start, part.end, partial, vague,
                       part.qualifier)


def _with_time(day: date, time: tuple[int, int, str | None]) -> datetime:
    hour, minute, zone = time
    tz = timezone(timedelta(hours=_ZONES[zone])) if zone else None
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _is_name_or_count(text: str, folded: str, part: _Part) -> bool:
    """A lone year that is part of a name ("Horizon 2020"), a number ("nr. 2021") or a count
    ("2000 de participanți") is not a date."""
    before = re.search(r"([^\W\d_]+)[^\w]*$", text[max(0, part.start - 30):part.start])
    if before:
        word = before.group(1)
        if fold(word) in {"nr", "no", "n", "numarul", "number"}:
            return True
        if word[0].isupper() and fold(word) not in _YEAR_CUES and fold(word) not in _MONTHS:
            return True
    return bool(re.match(r"\s+de\s+[a-z]", folded[part.end:part.end + 8]))
