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

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

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
    """The significant tokens of a SPARQL text (whitespace and comments left out)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())


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


def names_its_dataset(query: str) -> bool:
    """Whether a query has a dataset clause (``FROM``, ``FROM NAMED``).

    >>> names_its_dataset("SELECT * FROM <http://example.org/g> { ?s ?p ?o }")
    True
    """
    if not _MAYBE_FROM.search(query):
        return False  # most queries: no need for the tokens (asked of every query a store runs)
    return any(token.is_word("FROM") for token in tokenize(query))


#: What a dataset clause needs to be: FROM (NAMED), then an IRI or a prefixed name, with spaces or
#: comments between. Text without it (as a comment saying "made from project") is not tokenized.
_MAYBE_FROM = re.compile(r"\bfrom(?:\s|#[^\n]*)+(?:named(?:\s|#[^\n]*)+)?(?:<|[^\s<>#]*:)", re.IGNORECASE)


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
