"""The passage a citation points to: a source document's cited lines with a few around them,
and what the graph says of the document (title, kind, language, date), so that a reader checks
the fact where it was read. What ``GET /documents/{key}?lines=9-10`` shows.

The file is looked for where the build reads documents (``CITYKG_SOURCES``, ``CITYKG_INBOX``)
and where imports are kept (``CITYKG_IMPORTS``); it is read as the build reads it (``ingest.readers``:
the same decoding and line numbers), or line by line when it is a data file (CSV, JSON Lines).
Its sha256 is compared with the one the build recorded: a file changed since then is said to be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from citykg.config import Settings
from citykg.errors import InvalidParameterError, NotFoundError
from citykg.namespaces import BASE
from citykg.queries import run_named_query
from citykg.store import GraphStore
from ingest.cordis import sha256_of
from ingest.readers import DocumentError, read_document
from ingest.sources import SUPPORTED_SUFFIXES

#: Lines shown before and after the cited ones.
CONTEXT = 5
#: A data file (an import's CSV) is read up to the lines shown, never whole; at most this many.
MAX_SHOWN = 400
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_LINES = re.compile(r"(\d+)(?:-(\d+))?")


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    cited: bool


@dataclass(frozen=True)
class Passage:
    document: str  # doc/KEY
    file: str | None
    title: str | None
    kind: str | None
    language: str | None
    date: str | None
    line_count: int | None
    cited: tuple[int, int] | None  # first and last cited line
    lines: tuple[Line, ...]
    problem: str | None = None  # why the text is not shown, or that the file changed since the build

    def to_dict(self) -> dict:
        return {
            "document": self.document, "file": self.file, "title": self.title, "kind": self.kind,
            "language": self.language, "date": self.date, "line_count": self.line_count,
            "cited": list(self.cited) if self.cited else None, "problem": self.problem,
            "lines": [{"number": l.number, "text": l.text, "cited": l.cited} for l in self.lines],
        }


def parse_lines(value: str | None) -> tuple[int, int] | None:
    """``9`` or ``9-12`` -> (9, 12); None when not given."""
    if value is None or not value.strip():
        return None
    match = _LINES.fullmatch(value.strip())
    if not match or int(match[1]) < 1 or (match[2] and int(match[2]) < int(match[1])):
        raise InvalidParameterError("lines", value, "a line or a range of lines: 9 or 9-12")
    return int(match[1]), int(match[2] or match[1])


def document_passage(store: GraphStore, settings: Settings, key: str, lines: str | None = None) -> Passage:
    """The document ``doc/KEY`` with ``lines`` (``9-12``) marked; the whole text when no lines are
    given (a data file: its first lines)."""
    if not _KEY.fullmatch(key):
        raise NotFoundError(f"no document {key!r}: documents are named like 000_2d257a1268e77571")
    cited = parse_lines(lines)
    rows = list(run_named_query(store, "document", {"document": BASE + "doc/" + key}))
    if not rows:
        raise NotFoundError(f"no document doc/{key} in the graph")
    row = rows[0]

    def value(name: str) -> str | None:
        return row[name].value if row[name] is not None else None

    line_count = int(value("lineCount")) if value("lineCount") else None
    if cited and line_count and cited[0] > line_count:
        raise InvalidParameterError("lines", lines, f"doc/{key} has {line_count} lines")
    shown, problem = _read(settings, value("fileName"), value("sha256"), cited)
    return Passage(
        document=f"doc/{key}", file=value("fileName"), title=value("title"), kind=value("kind"),
        language=value("language"), date=value("date"), line_count=line_count, cited=cited,
        lines=tuple(Line(n, text, cited is not None and cited[0] <= n <= cited[1]) for n, text in shown),
        problem=problem,
    )


def _find(settings: Settings, name: str) -> Path | None:
    for folder in (settings.sources, settings.inbox, settings.imports):
        path = folder / name
        if path.is_file():
            return path
    return None


def _read(settings: Settings, name: str | None, sha256: str | None,
          cited: tuple[int, int] | None) -> tuple[list[tuple[int, str]], str | None]:
    """The numbered lines to show, and a problem to say (no file, a changed file)."""
    path = _find(settings, name) if name else None
    if path is None:
        return [], f"the file {name or '(unnamed)'} is not on this server (sources, inbox or imports folder)"
    first, last = (max(1, cited[0] - CONTEXT), cited[1] + CONTEXT) if cited else (1, None)
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        try:
            document = read_document(path)
        except DocumentError as error:
            return [], str(error)
        numbered = list(enumerate(document.lines, 1))[first - 1:last]
        changed = sha256 is not None and document.sha256 != sha256
    else:  # a data file of an import: read up to the lines shown, hash it whole in blocks
        with path.open(encoding="utf-8", errors="replace") as handle:
            stop = last if last is not None else first + MAX_SHOWN - 1
            numbered = [(n, line.rstrip("\r\n")) for n, line in
                        enumerate(islice(handle, first - 1, min(stop, first - 1 + MAX_SHOWN)), first)]
        changed = sha256 is not None and sha256_of(path) != sha256
    problem = f"the file {name} has changed since the graph was built: these lines may not be the ones cited" if changed else None
    return numbered, problem

