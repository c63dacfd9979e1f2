"""A SPARQL syntax error said so that the mistake can be found: where it is (line, column, the
line itself with a caret under the place) and, when the query does not begin with a query form,
which one was probably meant. Oxigraph's own message ("error at 1:10: expected CONSTRUCT" for
``SELEC ?s ...``) names neither the word that is wrong nor where it begins.

>>> print(explain_syntax_error("SELEC ?s WHERE { ?s ?p ?o }", "error at 1:10: expected CONSTRUCT"))
malformed SPARQL at line 1, column 1: 'SELEC' is not a query form; did you mean SELECT?
   1 | SELEC ?s WHERE { ?s ?p ?o }
       ^
"""

from __future__ import annotations

import difflib
import re

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
PROLOGUE = ("PREFIX", "BASE")
_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_WORD = re.compile(r"<[^>\s]*>|#.*|[A-Za-z_][\w.-]*:?|\S")  # an IRI, a comment, a word or prefix name (ckg:), a sign


def explain_syntax_error(query: str, message: str | Exception) -> str:
    """The message of a malformed query, with its place shown (see the module's docstring)."""
    message = str(message)
    first = _first_form_word(query)
    if first is not None:
        word, line, column = first
        if word.upper() not in QUERY_FORMS + UPDATE_FORMS:
            guess = difflib.get_close_matches(word.upper(), QUERY_FORMS, n=1, cutoff=0.5)
            hint = f"; did you mean {guess[0]}?" if guess else f"; a query begins with {', '.join(QUERY_FORMS)}"
            return f"malformed SPARQL at line {line}, column {column}: {word!r} is not a query form{hint}\n" \
                   + _excerpt(query, line, column)
    found = _POSITION.match(message)
    if not found:
        return f"malformed SPARQL: {message}"
    line, column, expected = int(found[1]), int(found[2]), found[3].strip()
    return f"malformed SPARQL at line {line}, column {column}: {expected}\n" + _excerpt(query, line, column)


def _first_form_word(query: str) -> tuple[str, int, int] | None:
    """The first word after the prologue (PREFIX and BASE declarations) and its line and column."""
    expect_declaration = 0  # words of a PREFIX (2) or BASE (1) declaration still to skip
    for number, text in enumerate(query.splitlines(), 1):
        for match in _WORD.finditer(text):
            word = match[0]
            if word.startswith("#"):
                break
            if expect_declaration:
                expect_declaration -= 1
                continue
            if word.upper() in PROLOGUE:
                expect_declaration = 2 if word.upper() == "PREFIX" else 1
                continue
            if not re.fullmatch(r"[A-Za-z_][\w-]*", word):
                return None  # not a word: the parser's own message says best what is wrong
            return word, number, match.start() + 1
    return None


def _excerpt(query: str, line: int, column: int) -> str:
    """The line with a caret under the column, after the line before it: the parser stops where
    it can go no further, often just after the mistake (at the ``}`` that follows ``FILTER(?s = )``)."""
    lines = query.splitlines() or [""]
    line = min(line, len(lines))
    before = f"{line - 1:>4} | {lines[line - 2]}\n" if line > 1 else ""
    return f"{before}{line:>4} | {lines[line - 1]}\n       {' ' * (max(column, 1) - 1)}^"
