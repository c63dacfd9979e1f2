"""The EU Cities Mission named in full, in any of the ways documents write it.

There is one Mission: every phrase below names it, so a document that writes "Misiunii UE
pentru orașe neutre climatic" or "EU Mission on Climate-Neutral and Smart Cities" proposes
the same entity, named MISSION_NAME, with the phrase as an alias.
"""

from __future__ import annotations

import re

from ingest.normalise import fold

MISSION_NAME = "Misiunea UE pentru 100 de orașe inteligente și neutre climatic"

_Q = r"[„“”\"«»*_]?"
_ROMANIAN = re.compile(
    r"(?<![\w])misiun(?:ea|ii|e)\s+(?:ue\s+|uniunii\s+europene\s+)?(?:(?:pentru|privind|a)\s+)?"
    r"(?:(?:cele|celor)\s+)?(?:100\s+de\s+)?" + _Q +
    r"oras(?:e|elor|ele)\s+(?:(?:inteligente\s+si\s+)?neutre\s+climatic(?:\s+si\s+inteligente)?|"
    r"climatic\s+neutre(?:\s+si\s+inteligente)?)" + _Q +
    r"(?:\s+pana\s+in\s+2030)?"
)
_ENGLISH = re.compile(
    r"(?<![\w])(?:(?:eu\s+)?mission\s+(?:on|for)\s+(?:100\s+)?climate[\s-]neutral\s+and\s+smart\s+"
    r"cities(?:\s+by\s+2030)?|(?:100\s+)?climate[\s-]neutral\s+and\s+smart\s+cities\s+mission"
    r"|(?<=#)(?:missioncities|citiesmission)(?![\w]))"
)


def mission_phrases(text: str) -> list[tuple[int, int]]:
    """Spans of the text that name the Cities Mission in full (a bare "Misiunea" is left to
    the caller: it names the Mission only where the document is about it)."""
    folded = fold(text)
    spans = [m.span() for pattern in (_ROMANIAN, _ENGLISH) for m in pattern.finditer(folded)]
    return sorted(_trim(text, a, b) for a, b in spans)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A phrase without an opening quote it does not close, or emphasis marks."""
    while end > start and text[end - 1] in "*_ ":
        end -= 1
    surface = text[start:end]
    if surface[-1:] in "„“\"«" and sum(surface.count(q) for q in "„“”\"«»") % 2:
        end -= 1
    return start, end
