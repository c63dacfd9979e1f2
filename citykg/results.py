"""Query results in the formats people and tools ask for (CLI and API share these)."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from citykg.namespaces import PREFIXES
from citykg.store import QueryResult

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


XSD = "http://www.w3.org/2001/XMLSchema#"
#: Literals TSV writes bare, as Turtle abbreviates them (SPARQL 1.1 CSV/TSV, section 4.2).
_TURTLE_NUMBERS = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
}


def serialize_result(result: QueryResult, fmt: str, *, variables: list[str] | None = None) -> bytes:
    """SELECT/ASK in json, xml, csv, tsv; CONSTRUCT/DESCRIBE in ttl, nt, xml, jsonld.

    ``variables`` reorders the columns of a SELECT (the same names as ``result.variables``).
    """
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        if fmt not in RESULT_FORMATS:
            raise ValueError(f"unknown result format {fmt!r}; one of {', '.join(RESULT_FORMATS)}")
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            if variables is not None and sorted(variables) != sorted(names):
                raise ValueError(f"{variables} are not the variables of this result: {names}")
            order = variables or names
            if fmt in ("csv", "tsv"):
                return _write_table(result, order, fmt)
            body = result.serialize(format=RESULT_FORMATS[fmt])
            return body if order == names else _reorder_head(body, fmt, order)
        return result.serialize(format=RESULT_FORMATS[fmt])
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; one of {', '.join(GRAPH_FORMATS)}")
    options = {"prefixes": PREFIXES} if fmt == "ttl" else {}
    return ox.serialize(list(result), format=GRAPH_FORMATS[fmt], **options)


def _reorder_head(body: bytes, fmt: str, order: list[str]) -> bytes:
    """The JSON or XML results with the variables of their head in ``order`` (rows are keyed)."""
    if fmt == "json":
        start = body.index(b'"vars":[') + len(b'"vars":')
        end = body.index(b"]", start) + 1
        return body[:start] + json.dumps(order, separators=(",", ":")).encode() + body[end:]
    start = body.index(b"<head>") + len(b"<head>")
    end = body.index(b"</head>", start)
    head = "".join(f'<variable name="{name}"/>' for name in order).encode()
    return body[:start] + head + body[end:]


def _write_table(result: ox.QuerySolutions, order: list[str], fmt: str) -> bytes:
    """SPARQL 1.1 CSV (CRLF, plain values) or TSV (LF, Turtle terms) with blank nodes relabelled
    ``_:b0``, ``_:b1``... in order of appearance (labels mean nothing outside one result)."""
    labels: dict[str, str] = {}
    cell = _csv_cell if fmt == "csv" else _tsv_cell
    separator, eol = (",", "\r\n") if fmt == "csv" else ("\t", "\n")
    header = order if fmt == "csv" else [f"?{name}" for name in order]
    lines = [separator.join(header)]
    for row in result:
        lines.append(separator.join(cell(row[name], labels) for name in order))
    return (eol.join(lines) + eol).encode("utf-8")


def _blank_label(node: ox.BlankNode, labels: dict[str, str]) -> str:
    return "_:" + labels.setdefault(node.value, f"b{len(labels)}")


def _csv_cell(term, labels: dict[str, str]) -> str:
    if term is None:
        return ""
    text = _blank_label(term, labels) if isinstance(term, ox.BlankNode) else term.value if not isinstance(term, ox.Triple) else str(term)
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_cell(term, labels: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return _blank_label(term, labels)
    if isinstance(term, ox.Literal) and not term.language:
        pattern = _TURTLE_NUMBERS.get(term.datatype.value)
        if pattern is not None and pattern.fullmatch(term.value):
            return term.value
    return str(term)


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term as a person reads it: an IRI shortened by the project's prefixes, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and prefix != "kg":
                return f"{prefix}:{term.value[len(iri):]}"
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return term.value[len(iri):]
        return term.value
    if isinstance(term, ox.Literal):
        return term.value if not term.language else f"{term.value}@{term.language}"
    return f"_:{term.value}"
