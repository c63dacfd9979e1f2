"""Repair PDF-extracted text so rules can read it, keeping an exact map back to source lines.

Every repair is an edit on a buffer that remembers, for each character, the 1-based source
line it came from; inserted characters take the line of what they replace. That is what lets
a fact found in the repaired text cite the lines of the original file.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("lexicon_ro.txt")


# --------------------------------------------------------------------------- folding, stemming


class _FoldTable(dict):
    """str.translate table built lazily: one folded character per character (keeps offsets)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        low = base.lower()
        self[code] = low if len(low) == 1 else base
        return self[code]


_FOLD = _FoldTable()


def fold(s: str) -> str:
    """Lowercase and drop diacritics (ă->a, ș/ş->s, ...) for matching; len(fold(s)) == len(s)."""
    return s.translate(_FOLD)


_SUFFIXES = ("ilor", "elor", "ului", "lor", "ile", "ele", "ul", "ea", "ei", "ii", "le",
             "a", "e", "i", "u")
_ALTERNATIONS = (("ene", "ean"), ("eni", "ean"))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip Romanian article and case endings so inflected forms of a name compare equal.

    Works on folded words: universitatea / universitatii / universitatile -> universitat,
    municipiul / municipiului -> municipi. Short words (din, de, cel) are kept as they are.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for ending, replacement in _ALTERNATIONS:
        if word.endswith(ending):
            return word[: -len(ending)] + replacement
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> frozenset[str]:
    """The shipped word list (lowercase), used to recognise repaired words."""
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w.lower() for w in words if w and not w.startswith("#"))


_WORD = re.compile(r"[^\W\d_]+")


class _Vocabulary:
    """Words known to be real: those of the text itself, the lexicon and the caller's list."""

    def __init__(self, text: str, extra: Iterable[str]) -> None:
        self.own = {w for w in _WORD.findall(text.lower()) if len(w) >= 3}
        self.exact = self.own | load_lexicon() | {w.lower() for w in extra}
        self.words = {fold(w) for w in self.exact}
        self.stems = {stem(w) for w in self.words if len(w) >= 4}
        self.hyphenated = {fold(m) for m in re.findall(r"[^\W\d_]+-[^\W\d_]+", text)}

    def knows(self, word: str) -> bool:
        """True when the word, or its inflection stem, is a known word."""
        f = fold(word)
        return f in self.words or (len(f) >= 4 and stem(f) in self.stems)


# --------------------------------------------------------------------------- buffer with line map


@dataclass
class _Buffer:
    text: str
    owner: list[int]  # 1-based source line of each character

    @classmethod
    def from_lines(cls, lines: list[str]) -> _Buffer:
        owner: list[int] = []
        for number, line in enumerate(lines, 1):
            owner.extend([number] * (len(line) + 1))
        text = "\n".join(lines)
        return cls(text, owner[: len(text)])

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> None:
        """Apply sorted, non-overlapping (start, end, replacement) edits."""
        parts: list[str] = []
        owner: list[int] = []
        pos = 0
        for start, end, replacement in edits:
            if start < pos:
                continue
            parts.append(self.text[pos:start])
            owner.extend(self.owner[pos:start])
            parts.append(replacement)
            owner.extend([self._line_at(start)] * len(replacement))
            pos = end
        parts.append(self.text[pos:])
        owner.extend(self.owner[pos:])
        self.text, self.owner = "".join(parts), owner

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> None:
        """Replace each match by repl(match); None keeps the match as it is."""
        edits = []
        for match in pattern.finditer(self.text):
            replacement = repl(match)
            if replacement is not None and replacement != match.group():
                edits.append((match.start(), match.end(), replacement))
        self.edit(edits)

    def _line_at(self, index: int) -> int:
        if index < len(self.owner):
            return self.owner[index]
        return self.owner[-1] if self.owner else 1


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class NormalisedText:
    """Repaired text plus the map from its character offsets to original 1-based lines."""

    text: str
    starts: tuple[int, ...]  # offsets where the source line changes
    source_lines: tuple[int, ...]  # the line from each start on

    @classmethod
    def _from_buffer(cls, buffer: _Buffer) -> NormalisedText:
        starts: list[int] = []
        lines: list[int] = []
        for index, line in enumerate(buffer.owner):
            if not lines or lines[-1] != line:
                starts.append(index)
                lines.append(line)
        return cls(buffer.text, tuple(starts), tuple(lines))

    def line_of(self, offset: int) -> int:
        """The original line of the character at offset (offset == len(text) means the last)."""
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} outside text of length {len(self.text)}")
        if not self.starts:
            return 1
        index = bisect_right(self.starts, min(offset, len(self.text) - 1)) - 1
        return self.source_lines[max(index, 0)]

    def span_lines(self, start: int, end: int) -> tuple[int, int]:
        """First and last original line of the span text[start:end]."""
        first = self.line_of(start)
        last = self.line_of(max(start, end - 1))
        return (min(first, last), max(first, last))


# --------------------------------------------------------------------------- repairs

_ODD_CHARS = re.compile(
    "[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c\u2028\u2029\r"
    "\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f\u0080-\u009f"
    "şţŞŢ]"
)
_CEDILLA = {"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"}
_DROPPED = set("\r\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _clean_char(match: re.Match[str]) -> str:
    """Unicode spaces become a space, invisible characters go, cedillas become commas."""
    char = match.group()
    if char in _CEDILLA:
        return _CEDILLA[char]
    return "" if char in _DROPPED else " "


# Letter-spaced runs ("B u i l d i n g  C a p a c i t i e s") -----------------------------

_TOKEN = re.compile(r"\S+")


def _spaced_runs(buffer: _Buffer, vocab: _Vocabulary) -> None:
    """Join letter-spaced runs: one space inside a word, two or more between words."""
    edits: list[tuple[int, int, str]] = []
    offset = 0
    for line in buffer.text.split("\n"):
        tokens = [(m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(line)]
        edits.extend(_run_edits(buffer.text, tokens, vocab))
        offset += len(line) + 1
    buffer.edit(edits)


def _run_edits(text: str, tokens: list[tuple[int, int]], vocab: _Vocabulary):
    """Edits for every maximal run of one- or two-character tokens that is letter-spaced."""
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and tokens[j][1] - tokens[j][0] <= 2:
            j += 1
        run = tokens[i:j]
        if _is_spaced(text, run):
            yield from _join_run(text, run, vocab)
        i = max(j, i + 1)


def _is_spaced(text: str, run: list[tuple[int, int]]) -> bool:
    """At least four short tokens, mostly single characters (three of them letters), three
    in a row one space apart."""
    if len(run) < 4:
        return False
    singles = [end - start == 1 for start, end in run]
    if sum(text[s].isalpha() for s, e in run if e - s == 1) < 3:
        return False
    if sum(singles) < 0.7 * len(run):
        return False
    streak = 1
    for k in range(1, len(run)):
        tight = singles[k] and singles[k - 1] and run[k][0] - run[k - 1][1] == 1
        streak = streak + 1 if tight else 1
        if streak >= 3:
            return True
    return False


def _join_run(text: str, run: list[tuple[int, int]], vocab: _Vocabulary):
    """Delete single gaps, shrink wider gaps to one space, keep spaces where words split."""
    words = _split_on_wide_gaps(run)
    for word in words:
        keep = _word_breaks(text, word, vocab)
        for k in range(1, len(word)):
            gap = (word[k - 1][1], word[k][0])
            yield (gap[0], gap[1], " " if k in keep else "")
    for left, right in zip(words, words[1:]):
        yield (left[-1][1], right[0][0], " ")


def _split_on_wide_gaps(run: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    words = [[run[0]]]
    for prev, tok in zip(run, run[1:]):
        if tok[0] - prev[1] >= 2:
            words.append([tok])
        else:
            words[-1].append(tok)
    return words


_STANDALONE = {"&", "–", "—", "+", "="}


def _word_breaks(text: str, word: list[tuple[int, int]], vocab: _Vocabulary) -> set[int]:
    """Token indexes inside a spaced word where a lost word boundary should come back.

    A letter followed by a digit ("P e s t e 1 0 0"), a known word followed by a capital
    ("R e p u b l i c a C e h ă"), or an unknown word that is two known words.
    """
    pieces = [text[s:e] for s, e in word]
    joined = "".join(pieces)
    cuts = [sum(len(p) for p in pieces[:k]) for k in range(len(pieces))]
    breaks = set()
    for k in range(1, len(pieces)):
        left, right = joined[: cuts[k]], joined[cuts[k]:]
        letters = re.search(r"[^\W\d_]+$", left)
        if pieces[k] in _STANDALONE or pieces[k - 1] in _STANDALONE:
            breaks.add(k)
        elif right[0].isdigit() and letters and len(letters.group()) >= 2:
            breaks.add(k)
        elif right[0].isupper() and left[-1].islower() and letters and \
                len(letters.group()) >= 3 and vocab.knows(letters.group()):
            breaks.add(k)
    core = joined.rstrip(".,;:!?")
    if not breaks and core.isalpha() and not vocab.knows(core):
        breaks |= _two_known_words(core, [c for c in cuts if c < len(core)], vocab)
    return breaks


def _two_known_words(joined: str, cuts: list[int], vocab: _Vocabulary) -> set[int]:
    for k in range(len(cuts) - 1, 0, -1):
        left, right = joined[: cuts[k]], joined[cuts[k]:]
        if len(left) >= 3 and len(right) >= 3 and vocab.knows(left) and vocab.knows(right):
            return {k}
    return set()


# URLs broken by spaces and line breaks --------------------------------------------------------

_URL_START = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
_URL_PIECE = re.compile(r"[\w\-./?=&%#~+:@]+")
_GAP = re.compile(r"[ \n]{1,6}")


def _join_urls(buffer: _Buffer) -> None:
    """Re-join URLs that PDF extraction broke with spaces or line breaks."""
    text = buffer.text
    edits: list[tuple[int, int, str]] = []
    reached = 0
    for match in _URL_START.finditer(text):
        if match.start() < reached:
            continue
        url, pos = match.group(), match.end()
        while (gap := _GAP.match(text, pos)) and gap.group().count("\n") <= 3:
            piece = _URL_PIECE.match(text, gap.end())
            if not piece or not _continues_url(url, text, piece):
                break
            edits.append((pos, gap.end(), ""))
            url += piece.group()
            pos = piece.end()
        reached = pos
    buffer.edit(edits)


def _continues_url(url: str, text: str, piece: re.Match[str]) -> bool:
    """Whether the next chunk after a gap is still part of the URL."""
    token = piece.group()
    whole_token = piece.end() == len(text) or text[piece.end()] in " \n"
    if not whole_token or _URL_START.match(token):
        return False
    starts_low = token[0].islower() or token[0].isdigit()
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE).split("/")[0]
    in_path = "/" in re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    return (
        (url[-1] in "-_=?&" and starts_low)
        or bool(re.match(r"[./][\w]", token))
        or ("." not in host and starts_low and re.fullmatch(r"[a-z0-9\-]+", token) is not None)
        or (in_path and token.endswith(("-", "/")) and token[:-1].islower())
    )


# Ligature losses ("na7onal", "pla/ormelor", "en;tăți") ---------------------------------------

_GLYPHS = "0-9'’/;>"
_BROKEN_WORD = re.compile(
    rf"(?<![\w@./:])[^\W\d_]+(?:[{_GLYPHS}][^\W\d_]+)+(?![\w@])(?!\.\w)"
    rf"|(?<![\w@./:])[^\W\d_]+[{_GLYPHS}](?=-[^\W\d_])"
)
_GLYPH = re.compile(rf"(?<=[^\W\d_])[{_GLYPHS}]")
_LIGATURES = ("ti", "ți", "fi", "fl", "tf", "ft", "ff", "tt", "f", "t")


def _repair_ligatures(buffer: _Buffer, vocab: _Vocabulary) -> None:
    """Put back lost ligatures when the repaired word is a known word."""
    urls = [m.span() for m in re.finditer(r"(?:https?://|www\.)\S+|\S+@\S+", buffer.text)]
    document = _looks_romanian(buffer.text, False)

    def repair(match: re.Match[str]) -> str | None:
        if any(s <= match.start() < e for s, e in urls):
            return None
        around = _neighbourhood(buffer.text, match.start(), match.end())
        return _best_repair(match.group(), vocab, _looks_romanian(around, document))

    buffer.sub(_BROKEN_WORD, repair)


def _neighbourhood(text: str, start: int, end: int) -> str:
    """The line holding text[start:end], with the line before and the line after."""
    line_start = text.rfind("\n", 0, start) + 1
    first = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
    line_end = text.find("\n", end)
    last = text.find("\n", line_end + 1) if line_end >= 0 else -1
    return text[first:last if last >= 0 else len(text)]


_RO_HINTS = {"și", "si", "în", "de", "la", "cu", "pentru", "din", "care", "este", "sunt", "pe",
             "al", "ale", "unei", "unui", "nivel"}
_EN_HINTS = {"the", "and", "of", "to", "for", "on", "with", "is", "are", "across", "in", "at"}


def _looks_romanian(context: str, otherwise: bool) -> bool:
    """Whether a line reads as Romanian rather than English (otherwise, when it cannot tell)."""
    words = _WORD.findall(context.lower())
    romanian = sum(w in _RO_HINTS for w in words) + sum(c in "ăâîșț" for c in context.lower())
    english = sum(w in _EN_HINTS for w in words)
    return otherwise if romanian == english else romanian > english


def _best_repair(word: str, vocab: _Vocabulary, romanian: bool) -> str | None:
    """The known word the damaged one stands for: one known with its exact letters first,
    then one written elsewhere in the text, then (in Romanian text) one with Romanian letters."""
    glyphs = [m.start() for m in _GLYPH.finditer(word)]
    if not glyphs or len(glyphs) > 2:
        return None
    known = [c for c in (_substitute(word, glyphs, choice)
                         for choice in product(_LIGATURES, repeat=len(glyphs)))
             if len(c) >= 4 and vocab.knows(c)]
    if not known:
        return None
    return max(known, key=lambda c: (c.lower() in vocab.exact, c.lower() in vocab.own,
                                     romanian == (fold(c) != c.lower())))


def _substitute(word: str, positions: list[int], letters: tuple[str, ...]) -> str:
    out, pos = [], 0
    for at, repl in zip(positions, letters):
        upper = word[at - 1].isupper() and (at + 1 >= len(word) or word[at + 1].isupper())
        out += [word[pos:at], repl.upper() if upper else repl]
        pos = at + 1
    return "".join(out) + word[pos:]


# Paragraph reflow and hyphenation -------------------------------------------------------------

_BULLET = re.compile(r"(?:>>|[-–•▪●◦*»]|\d{1,2}[.)])\s")
_SENTENCE_END = re.compile(r"[.!?][\"”»’)]*$")
_CLITICS = {"o", "un", "una", "a", "au", "am", "ai", "ul", "ului", "uri", "urilor", "lea",
            "le", "l", "i", "ți", "și", "mi", "ne", "vă", "se", "te"}
_HYPHEN_PREFIXES = {"co", "ex", "non", "post", "vice", "e", "neo", "semi"}


def _reflow(buffer: _Buffer, vocab: _Vocabulary) -> None:
    """Join lines of a paragraph; blank lines end paragraphs; strip and collapse spaces."""
    text = buffer.text
    spans, offset = [], 0
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip(" "))
        spans.append((offset + lead, offset + len(line.rstrip(" "))))
        offset += len(line) + 1
    filled = [i for i, (s, e) in enumerate(spans) if e > s]
    if not filled:
        buffer.edit([(0, len(text), "")])
        return
    contents = {i: text[spans[i][0]:spans[i][1]] for i in filled}
    double = _is_double_spaced(filled, contents)
    edits = [(0, spans[filled[0]][0], "")]
    for a, b in zip(filled, filled[1:]):
        edits.append(_join(text, spans[a], spans[b], b - a - 1, double, vocab))
    edits.append((spans[filled[-1]][1], len(text), ""))
    buffer.edit(edits)
    buffer.sub(re.compile(r" {2,}"), lambda m: " ")


def _ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line.rstrip("*_ ")))


def _is_double_spaced(filled: list[int], contents: dict[int, str]) -> bool:
    """PDF text where lines, even mid-sentence, are separated by one blank line."""
    pairs = [a for a, b in zip(filled, filled[1:]) if b - a == 2]
    if len(filled) < 6 or len(pairs) < 0.5 * (len(filled) - 1):
        return False
    open_ended = sum(1 for a in pairs if not _ends_sentence(contents[a]))
    return open_ended >= 0.5 * len(pairs)


def _join(text: str, prev: tuple[int, int], nxt: tuple[int, int], blanks: int,
          double: bool, vocab: _Vocabulary) -> tuple[int, int, str]:
    """The edit replacing the gap between two non-blank lines.

    A blank line ends a paragraph, except in double-spaced text (where it takes two, or one
    after a finished sentence or a bullet) and before a lowercase line that continues an
    unfinished sentence (a page break inside a sentence).
    """
    before, after = text[prev[0]:prev[1]], text[nxt[0]:nxt[1]]
    prev_bullet, next_bullet = bool(_BULLET.match(before)), bool(_BULLET.match(after))
    if double:
        breaks = blanks >= 2 or (blanks == 1 and (prev_bullet or _ends_sentence(before)))
    else:
        breaks = blanks >= 1
    continues = blanks <= 4 and after[0].islower() and not _ends_sentence(before)
    if before.startswith("#") or (breaks and not continues):
        return (prev[1], nxt[0], "\n\n")
    if next_bullet:
        return (prev[1], nxt[0], "\n")
    hyphen = _line_end_hyphen(before, after, vocab)
    if hyphen is not None:
        return (prev[1] - 1, nxt[0], hyphen)
    return (prev[1], nxt[0], " ")


def _line_end_hyphen(before: str, after: str, vocab: _Vocabulary) -> str | None:
    """For a word split at a line end: "-" to keep the hyphen, "" to drop it, None if no split."""
    left = re.search(r"[^\W\d_]+-$", before)
    right = re.match(r"[^\W\d_]+", after)
    if not left or not right:
        return None
    return "-" if _keeps_hyphen(left.group()[:-1], right.group(), vocab) else ""


def _keeps_hyphen(left: str, right: str, vocab: _Vocabulary) -> bool:
    """Decide whether "left-" + "right" is a hyphenated word or a word split by typesetting.

    Capitalised right parts are names (Cluj-Napoca, CO-CITY); clitics and articles stay
    attached by a hyphen (într-o, ONG-uri); a form seen hyphenated elsewhere keeps it; a
    known joined word drops it; otherwise a few prefixes keep it and the rest are joined.
    """
    if right[0].isupper():
        return True
    if fold(right) in _CLITICS or fold(left) in {"intr", "dintr", "printr", "s", "n"}:
        return True
    if fold(f"{left}-{right}") in vocab.hyphenated:
        return True
    if vocab.knows(left + right):
        return False
    return fold(left) in _HYPHEN_PREFIXES


_INLINE_SPLIT = re.compile(r"([^\W\d_]+)- ([^\W\d_]+)")


def _inline_hyphens(buffer: _Buffer, vocab: _Vocabulary) -> None:
    """Join "Cluj- Napoca" and "dez- voltare" when the joined form is attested."""

    def repair(match: re.Match[str]) -> str | None:
        left, right = match.groups()
        if fold(f"{left}-{right}") in vocab.hyphenated:
            return f"{left}-{right}"
        if right[0].islower() and vocab.knows(left + right) and not vocab.knows(right):
            return left + right
        return None

    buffer.sub(_INLINE_SPLIT, repair)


# --------------------------------------------------------------------------- entry point


def normalise(lines: list[str], words: Iterable[str] = ()) -> NormalisedText:
    """Repair extracted text (spacing, cedillas, hyphenation, ligatures, URLs, line breaks).

    words: extra known words (e.g. gazetteer labels) that help recognise repaired words.
    """
    buffer = _Buffer.from_lines(list(lines))
    buffer.sub(_ODD_CHARS, _clean_char)
    vocab = _Vocabulary(buffer.text, words)
    _spaced_runs(buffer, vocab)
    _join_urls(buffer)
    _repair_ligatures(buffer, vocab)
    _reflow(buffer, vocab)
    _inline_hyphens(buffer, vocab)
    return NormalisedText._from_buffer(buffer)
