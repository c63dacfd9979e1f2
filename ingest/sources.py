"""Source documents as the build sees them: key, file, lines (numbered as ``cat -n`` does)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from citykg.namespaces import BASE, CKG, graph_iri


@dataclass(frozen=True)
class Source:
    """One document of the sources folder, identified by a stable key (the file name's stem)."""

    key: str
    path: Path
    sha256: str
    lines: tuple[str, ...]
    title: str | None = None
    kind: str | None = None
    language: str | None = None

    @property
    def iri(self) -> URIRef:
        return document_iri(self.key)

    @property
    def graph(self) -> URIRef:
        return graph_iri("doc/" + self.key)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based); IndexError when the document has no such line."""
        if number < 1:
            raise IndexError(number)
        return self.lines[number - 1]


def document_iri(key: str) -> URIRef:
    return URIRef(f"{BASE}doc/{key}")


def split_lines(text: str) -> tuple[str, ...]:
    """Split on newlines only, so that numbers match ``cat -n`` (not str.splitlines, which also
    breaks on form feeds and Unicode separators that PDF extracts contain)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(line.rstrip("\r") for line in lines)


def read_source(path: Path, key: str | None = None) -> Source:
    """A UTF-8 text source (the knowledge base cites these)."""
    raw = path.read_bytes()
    return Source(
        key=key or path.stem,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        lines=split_lines(raw.decode("utf-8-sig")),
    )


def document_graph(source: Source) -> Graph:
    """The Document node of a source, in that document's own named graph."""
    g = Graph(identifier=source.graph)
    doc = source.iri
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, CKG.fileName, Literal(source.path.name)))
    g.add((doc, CKG.sha256, Literal(source.sha256)))
    g.add((doc, CKG.lineCount, Literal(len(source.lines), datatype=XSD.nonNegativeInteger)))
    if source.title:
        g.add((doc, DCTERMS.title, Literal(source.title, lang="en")))
    if source.language:
        g.add((doc, DCTERMS.language, Literal(source.language)))
    if source.kind:
        g.add((doc, CKG.documentKind, Literal(source.kind)))
    return g
