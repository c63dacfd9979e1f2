"""What a SPARQL text says before it runs, read with the grammar's own tokens.

The SPARQL endpoint needs a few answers before it hands a request to the store: which form a
query has (to negotiate the media type), whether it would make the server fetch something from
elsewhere (``SERVICE``, ``LOAD``), and where the ``WHERE`` clauses of an update are (to apply the
protocol's ``using-graph-uri``). A keyword is only a keyword outside strings, IRIs and comments,
so the text is split into the tokens of the SPARQL 1.1 grammar (its terminals, section 19.8)
rather than searched for words.

>>> query_form("PREFIX ex: <http://example.org/> ASK { ?s ex:service 'SERVICE' }")
'ASK'
>>> reaches_out("SELECT * { ?s ?p ?o } # SERVICE in a comment")
>>> reaches_out("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
'SERVICE'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"


def _token_pattern(pname: str) -> re.Pattern[str]:
    return re.compile(
        rf"""
        (?P<ws>\s+)
      | (?P<comment>\#[^\r\n]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                  |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
      | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
      | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
      | (?P<pname>{pname})
      | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
      | (?P<word>[A-Za-z][A-Za-z0-9_]*)
      | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
      | (?P<other>.)
        """,
        re.VERBOSE | re.DOTALL,
    )


_TOKEN = _token_pattern(rf"(?:{_PREFIX})?:(?:{_LOCAL})?")
#: The same tokens where no prefixed name can start (see ``tokenize``): only ``:local``.
_UNPREFIXED_TOKEN = _token_pattern(rf":(?:{_LOCAL})?")
_PREFIX_START = re.compile(rf"[{_BASE}]")
#: A run of the characters a prefix is made of: a prefixed name's prefix ends where its run ends.
_PREFIX_RUN = re.compile(rf"[{_CHARS}.]*")

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
#: Keywords that make the store fetch from a URL: federated queries and LOAD.
OUTWARD_KEYWORDS = ("SERVICE", "LOAD")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text (whitespace and comments left out), in time
    linear in the text's length.

    A prefixed name's prefix can only end at the end of the run of name characters it starts in,
    followed by ``:``. Tried at every letter of a long run that is not followed by ``:`` (as
    ``a.a.a.a...``), each try would scan to the run's end again: quadratic (issue 23, a 64 KB
    query held the server 82 s). So once a try fails, the rest of that run is read without it.

    >>> [t.text for t in tokenize("a.a.a ex:b.c.")]
    ['a', '.', 'a', '.', 'a', 'ex:b.c', '.']
    """
    position, unprefixed_until = 0, 0
    while position < len(text):
        prefixed_possible = position >= unprefixed_until
        match = (_TOKEN if prefixed_possible else _UNPREFIXED_TOKEN).match(text, position)
        kind = match.lastgroup or "other"
        if prefixed_possible and kind != "pname" and _PREFIX_START.match(text, position):
            unprefixed_until = _PREFIX_RUN.match(text, position).end()
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())
        position = match.end()


def query_form(text: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``; ``UPDATE`` for an update; else None.

    >>> query_form("BASE <http://x/> PREFIX : <http://x/> select * {}")
    'SELECT'
    >>> query_form("CLEAR ALL")
    'UPDATE'
    """
    expect_declaration = 0
    for token in tokenize(text):
        if expect_declaration:
            expect_declaration -= 1
            continue
        if token.is_word("BASE"):
            expect_declaration = 1
        elif token.is_word("PREFIX"):
            expect_declaration = 2
        elif token.is_word(*QUERY_FORMS):
            return token.text.upper()
        elif token.is_word(*UPDATE_KEYWORDS):
            return "UPDATE"
        else:
            return None
    return None


def reaches_out(text: str) -> str | None:
    """The first keyword that would make the store fetch a URL (``SERVICE``, ``LOAD``), if any."""
    lowered = text.lower()
    if not any(keyword.lower() in lowered for keyword in OUTWARD_KEYWORDS):
        return None  # most queries: no need for the tokens (asked of every query the endpoint gets)
    for token in tokenize(text):
        if token.is_word(*OUTWARD_KEYWORDS):
            return token.text.upper()
    return None


#: Brackets nested deeper than this are refused before parsing: pyoxigraph's parser recurses
#: once per level and overflows its stack (a crash, not an error) at a few thousand (issue 23).
MAX_NESTING = 256


def nested_too_deep(text: str) -> bool:
    """Whether ``{``, ``(`` and ``[`` nest deeper than ``MAX_NESTING`` in a SPARQL text (brackets
    in strings, IRIs and comments do not count). Linear; most texts are not even tokenized.

    >>> nested_too_deep("SELECT * { " + "'{'" * 300 + " }")
    False
    >>> nested_too_deep("SELECT * " + "{" * 300 + "}" * 300)
    True
    """
    if sum(text.count(bracket) for bracket in "{([") <= MAX_NESTING:
        return False  # most texts: fewer brackets than the limit, so no need for the tokens
    depth = 0
    for token in tokenize(text):
        if token.kind == "other" and token.text in "{([":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif token.kind == "other" and token.text in "})]":
            depth -= 1
    return False


def names_its_dataset(query: str) -> bool:
    """Whether a query has a dataset clause (``FROM``, ``FROM NAMED``).

    >>> names_its_dataset("SELECT * FROM <http://example.org/g> { ?s ?p ?o }")
    True
    """
    if not _maybe_from(query):
        return False  # most queries: no need for the tokens (asked of every query a store runs)
    return any(token.is_word("FROM") for token in tokenize(query))


#: What a dataset clause needs to be: FROM (NAMED), then an IRI or a prefixed name, with spaces or
#: comments between. Text without it (as a comment saying "made from project") is not tokenized.
#: Every part is atomic (read one way only, never split again when what follows does not match:
#: that was exponential in the number of ``#``, issue 23), and the match always ends where the
#: reading stopped, so the next search starts there (see ``_maybe_from``).
_MAYBE_FROM = re.compile(
    r"\bfrom(?>(?:\s|#[^\n]*)+)(?:named(?>(?:\s|#[^\n]*)+))?(?>[^\s<>#:]*)(?P<opens>[<:])?",
    re.IGNORECASE,
)


def _maybe_from(query: str) -> bool:
    """Whether ``FROM`` is followed by what could be a dataset clause, in linear time: a "from"
    within the comment or name that the previous one read past is not read again."""
    position = 0
    while match := _MAYBE_FROM.search(query, position):
        if match["opens"]:
            return True
        position = match.end()
    return False


def has_dataset_clause(update: str) -> bool:
    """Whether an update names its own dataset with ``USING`` or ``WITH``."""
    return any(token.is_word("USING", "WITH") for token in tokenize(update))


def with_using(update: str, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` applied.

    Each ``WHERE`` clause of the update's operations gets the graphs as ``USING`` / ``USING
    NAMED`` clauses, which is what the protocol says they mean; a ``DELETE WHERE { P }`` becomes
    the equivalent ``DELETE { P } USING ... WHERE { P }``. IRIs are written by pyoxigraph.

    >>> with_using("INSERT { ?s a <http://x/C> } WHERE { ?s ?p ?o }", ["http://g/"], [])
    'INSERT { ?s a <http://x/C> } USING <http://g/> WHERE { ?s ?p ?o }'
    """
    clauses = [f"USING {ox.NamedNode(g)}" for g in default_graphs]
    clauses += [f"USING NAMED {ox.NamedNode(g)}" for g in named_graphs]
    if not clauses:
        return update
    using = " " + " ".join(clauses) + " "
    tokens = list(tokenize(update))
    edits: list[tuple[int, int, str]] = []
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "other" and token.text == "{":
            depth += 1
        elif token.kind == "other" and token.text == "}":
            depth -= 1
        elif depth == 0 and token.is_word("WHERE"):
            previous = tokens[index - 1] if index else None
            if previous is not None and previous.is_word("DELETE"):
                pattern = _group_text(update, tokens, index + 1)
                edits.append((previous.start, token.end, f"DELETE {pattern}{using}WHERE"))
            else:
                edits.append((token.start, token.start, using.lstrip()))
    for start, end, text in reversed(edits):
        update = update[:start] + text + update[end:]
    return update


def _group_text(text: str, tokens: list[Token], index: int) -> str:
    """The text of the ``{ ... }`` group that starts at ``tokens[index]``."""
    if index >= len(tokens) or tokens[index].text != "{":
        return "{}"
    depth = 0
    for token in tokens[index:]:
        if token.kind == "other" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
            if depth == 0:
                return text[tokens[index].start : token.end]
    return text[tokens[index].start :]


def star_variable_order(text: str, variables: list[str]) -> list[str]:
    """Columns of a ``SELECT *`` in the order their variables first appear in the query.

    The order of ``SELECT *`` columns is left to implementations; pyoxigraph sorts them, while
    people (and the W3C CSV/TSV tests) read them in the order they were written. Other queries
    keep their projection's order.

    >>> star_variable_order("SELECT * { ?s ?p ?o }", ["o", "p", "s"])
    ['s', 'p', 'o']
    """
    if "*" not in text:  # no SELECT * (the endpoint asks this of every query: skip the tokens)
        return variables
    tokens = list(tokenize(text))
    for index, token in enumerate(tokens):
        if token.is_word("SELECT"):
            following = [t for t in tokens[index + 1 : index + 3] if not t.is_word("DISTINCT", "REDUCED")]
            if not following or following[0].text != "*":
                return variables
            break
    else:
        return variables
    first_seen: dict[str, int] = {}
    for position, token in enumerate(tokens):
        if token.kind == "var":
            first_seen.setdefault(token.text[1:], position)
    return sorted(variables, key=lambda name: (first_seen.get(name, len(tokens)), variables.index(name)))
