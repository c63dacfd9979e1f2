"""Content negotiation: the ``Accept`` header with its q-values against what an answer can be.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_MEDIA_TYPES)
'xml'
>>> negotiate(None, RESULT_MEDIA_TYPES), negotiate("*/*", GRAPH_MEDIA_TYPES)
('json', 'jsonld')
>>> negotiate("text/turtle", RESULT_MEDIA_TYPES) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

#: SELECT and ASK answers: media type -> format of ``citykg.results``; the first is the default.
RESULT_MEDIA_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: CONSTRUCT and DESCRIBE answers (and the service description).
GRAPH_MEDIA_TYPES: dict[str, str] = {
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: The media type each format is answered with.
RESULT_CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_CONTENT_TYPES = {
    "jsonld": "application/ld+json",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "xml": "application/rdf+xml",
}
#: Values of the ``format`` URL parameter (for links and downloads), as SPARQL clients send them.
FORMAT_ALIASES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "xml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "ttl"),
    "ttl": (None, "ttl"),
    "n3": (None, "ttl"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "n-triples": (None, "nt"),
    "rdf": (None, "xml"),
    "rdf+xml": (None, "xml"),
    "rdfxml": (None, "xml"),
    "json-ld": (None, "jsonld"),
    "jsonld": (None, "jsonld"),
}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range names ``media_type``: 3 exactly, 2 type/*, 1 */*, 0 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        return 3 if (self.type, self.subtype) == (kind, sub) else 0


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed parts are left out, as RFC 9110 lets."""
    ranges = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def negotiate(accept: str | None, offers: dict[str, str]) -> str | None:
    """The format of the offer the client prefers (ties go to the order of ``offers``); the
    first offer when there is no ``Accept`` header; None when nothing offered is acceptable."""
    if not accept or not accept.strip():
        return next(iter(offers.values()))
    ranges = parse_accept(accept)
    if not ranges:
        return next(iter(offers.values()))
    best, best_q = None, 0.0
    for media_type, fmt in offers.items():
        # The most specific range that names this type sets its quality (RFC 9110, 12.5.1).
        specificity, q = max(((r.matches(media_type), r.q) for r in ranges), default=(0, 0.0))
        if specificity and q > best_q:
            best, best_q = fmt, q
    return best
