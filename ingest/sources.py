"""Source documents as the build sees them: a key, the decoded lines (numbered as ``cat -n``
numbers them), and the Document node that every fact of the document points to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from citykg.namespaces import BASE, CKG, graph_iri
from ingest.readers import SourceDocument, read_document

#: What a reader can read; other files in a sources folder are reported, not read.
SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}


@dataclass(frozen=True)
class Source:
    """One document, identified by a stable key (its file name's stem)."""

    key: str
    document: SourceDocument
    title: str | None = None
    kind: str | None = None

    @property
    def path(self) -> Path:
        return self.document.path

    @property
    def lines(self) -> list[str]:
        return self.document.lines

    @property
    def sha256(self) -> str:
        return self.document.sha256

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

    def described(self, title: str | None, kind: str | None) -> "Source":
        """The same source with a reviewer's title and kind."""
        return replace(self, title=title or self.title, kind=kind or self.kind)


def document_iri(key: str) -> URIRef:
    return URIRef(f"{BASE}doc/{key}")


def read_source(path: Path) -> Source:
    """Read any supported document; raises ingest.readers.DocumentError naming the problem."""
    document = read_document(path)
    return Source(key=path.stem, document=document, title=document.title)


def document_graph(source: Source) -> Graph:
    """The Document node of a source, in that document's own named graph."""
    g = Graph(identifier=source.graph)
    doc = source.iri
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, CKG.fileName, Literal(source.path.name)))
    g.add((doc, CKG.sha256, Literal(source.sha256)))
    g.add((doc, CKG.lineCount, Literal(len(source.lines), datatype=XSD.nonNegativeInteger)))
    if source.title:
        g.add((doc, DCTERMS.title, Literal(source.title)))
    if source.document.language:
        g.add((doc, DCTERMS.language, Literal(source.document.language)))
    if source.kind:
        g.add((doc, CKG.documentKind, Literal(source.kind)))
    return g
