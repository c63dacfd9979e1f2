"""Money amounts in Romanian and English text ("6 milioane de euro", "EUR 3.2 million").

A number is an amount only when a currency is written next to it, so counts ("377 aplicații"),
percentages, years and phone numbers are never taken for money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.normalise import fold


@dataclass(frozen=True)
class AmountMention:
    """An amount as written: value in units of currency, offsets of the written amount.

    qualifier is the hedge written before it ("aprox.", "peste"); bound is "lower" for
    "peste"/"over", "upper" for "până la"/"maxim", else None.
    """

    value: Decimal
    currency: str
    text: str
    start: int
    end: int
    approximate: bool = False
    bound: str | None = None
    qualifier: str | None = None


_NUMBER = (
    r"(?<![\w.,])(?P<num>\d{1,3}(?:(?:[.,]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\d])"
)
_SCALES = {
    "miliarde": 9, "miliard": 9, "mld": 9, "billions": 9, "billion": 9, "bn": 9,
    "milioane": 6, "milion": 6, "mil": 6, "mln": 6, "millions": 6, "million": 6, "m": 6,
    "mii": 3, "mie": 3, "thousand": 3, "k": 3,
}
_SCALE = r"(?P<scale>miliarde|miliard|mld\.?|billions?|bn|milioane|milion|mil\.?|mln\.?|millions?|mii|mie|thousand|m|k)(?![\w])"
_CURRENCIES = {"euro": "EUR", "eur": "EUR", "€": "EUR", "lei": "RON", "leu": "RON",
               "ron": "RON", "usd": "USD", "$": "USD", "us$": "USD", "dolari": "USD",
               "dolar": "USD", "dollars": "USD", "dollar": "USD"}
_SUFFIX_CUR = r"(?P<cur>euro|eur|€|lei|leu|ron|usd|us\$|\$|dolari|dolar|dollars?)(?![\w])"
_PREFIX_CUR = r"(?P<cur>€|us\$|\$|eur|ron|usd)"
_FUSED = r"(?P<fused>meur|m€|keur|k€|mil\.?\s?€|mld\.?\s?€)(?![\w])"
_QUALIFIERS = {
    "aprox.": (True, None), "aprox": (True, None), "aproximativ": (True, None),
    "circa": (True, None), "cca.": (True, None), "cca": (True, None), "~": (True, None),
    "in jur de": (True, None), "aproape": (True, None), "about": (True, None),
    "approximately": (True, None), "approx.": (True, None), "around": (True, None),
    "nearly": (True, None), "almost": (True, None),
    "peste": (True, "lower"), "mai mult de": (True, "lower"), "over": (True, "lower"),
    "more than": (True, "lower"), "minimum": (False, "lower"), "minim": (False, "lower"),
    "at least": (False, "lower"),
    "pana la": (False, "upper"), "maxim": (False, "upper"), "maximum": (False, "upper"),
    "maxima de": (False, "upper"), "maximum de": (False, "upper"), "sub": (True, "upper"),
    "mai putin de": (True, "upper"), "up to": (False, "upper"), "less than": (True, "upper"),
}
_QUALIFIER = re.compile(
    r"(?<![\w])(?P<q>" + "|".join(re.escape(q) for q in sorted(_QUALIFIERS, key=len, reverse=True))
    + r")\s*(?:de\s+)?$"
)

_SUFFIX_FORM = re.compile(
    _NUMBER + r"\s*(?:(?:de\s+)?" + _SCALE + r"\s*)?(?:de\s+)?" + _SUFFIX_CUR
    + "|" + _NUMBER.replace("num>", "num2>") + r"\s*" + _FUSED
)
_PREFIX_FORM = re.compile(
    r"(?<![\w])" + _PREFIX_CUR + r"\s?" + _NUMBER + r"(?:\s*" + _SCALE + r")?"
)


def find_amounts(text: str) -> list[AmountMention]:
    """All money amounts in text, in order; a currency must be written with the number."""
    folded = fold(text)
    found: list[AmountMention] = []
    taken: list[tuple[int, int]] = []
    for match in [*_SUFFIX_FORM.finditer(folded), *_PREFIX_FORM.finditer(folded)]:
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        mention = _mention(text, folded, match)
        if mention is not None:
            found.append(mention)
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


MAX_AMOUNT = Decimal(10) ** 15


def _mention(text: str, folded: str, match: re.Match[str]) -> AmountMention | None:
    """An AmountMention from a match on the folded text, with its hedge if one precedes it."""
    groups = match.groupdict()
    number = groups.get("num") or groups["num2"]
    if groups.get("fused"):
        fused = groups["fused"].replace(" ", "")
        exponent, currency = (3 if fused[0] == "k" else 9 if fused.startswith("mld") else 6), "EUR"
    else:
        scale = (groups.get("scale") or "").rstrip(".")
        exponent, currency = _SCALES.get(scale, 0), _CURRENCIES[groups["cur"]]
    value = _parse_number(number) * (Decimal(10) ** exponent)
    if value >= MAX_AMOUNT:  # digit runs glued by spaces, not a sum of money anyone writes
        return None
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    start, end = match.start(), match.end()
    qualifier = _QUALIFIER.search(folded, max(0, start - 20), start)
    approximate, bound = _QUALIFIERS[qualifier.group("q")] if qualifier else (False, None)
    return AmountMention(
        value=value,
        currency=currency,
        text=text[start:end],
        start=start,
        end=end,
        approximate=approximate,
        bound=bound,
        qualifier=text[qualifier.start("q"):qualifier.end("q")] if qualifier else None,
    )


def _parse_number(written: str) -> Decimal:
    """Read Romanian (1.500.000,50) and English (1,500,000.50) numbers.

    With both separators the last one is the decimal mark. With one kind only, repeated or
    followed by exactly three digits it groups thousands (500.000, 1,000); otherwise it is
    the decimal mark (1.5, 2,5).
    """
    digits = re.sub(r"[ \u00a0\u202f]", "", written)
    if "." in digits and "," in digits:
        decimal_mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        return Decimal(digits.replace(thousands, "").replace(decimal_mark, "."))
    for mark in ".,":
        if mark in digits:
            parts = digits.split(mark)
            if len(parts) > 2 or (len(parts[1]) == 3 and parts[0] != "0"):
                return Decimal("".join(parts))
            return Decimal(digits.replace(mark, "."))
    return Decimal(digits)
