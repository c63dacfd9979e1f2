"""Source documents as the build sees them: a key, the decoded lines (numbered as ``cat -n``
numbers them), and the Document node that every fact of the document points to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from citykg.namespaces import BASE, CKG, graph_iri
from ingest.readers import SourceDocument, read_document

#: What a reader can read; other files in a sources folder are reported, not read.
SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}


@dataclass(frozen=True)
class Source:
    """One document, identified by a stable key (see ``document_keys``)."""

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


#: Characters a file name may have that an IRI may not (RFC 3987), and "%" itself, so that
#: the encoding can be undone; each is percent-encoded in a key.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`%#?/\x7f-\x9f\ud800-\udfff\ufff0-\uffff]')


def iri_safe(name: str) -> str:
    """A file name as it can stand in an IRI: what an IRI may not hold is percent-encoded
    (``raport final`` failed every build in rdflib, issue 23). Letters of any script stay.

    >>> iri_safe('raport final <2024> "nou"')
    'raport%20final%20%3C2024%3E%20%22nou%22'
    >>> iri_safe("comunicat_ţară")
    'comunicat_ţară'
    """
    return _NOT_IN_IRI.sub(lambda m: quote(m.group(), safe="", errors="surrogatepass"), name)


def document_keys(paths: Iterable[Path]) -> dict[Path, str]:
    """Each document's key: its file name's stem, made IRI-safe; where two documents share a
    stem (``000.txt`` and ``000.md``, or one name in two folders), the first in ``paths`` keeps
    it and the next ones take their whole file name, then a number, so that no two documents
    share a graph or are cited by each other's name (issue 23).

    >>> keys = document_keys([Path("a/dup.txt"), Path("b/dup.txt"), Path("b/dup.md")])
    >>> [keys[p] for p in (Path("a/dup.txt"), Path("b/dup.txt"), Path("b/dup.md"))]
    ['dup', 'dup.txt', 'dup.md']
    """
    keys: dict[Path, str] = {}
    taken: set[str] = set()
    for path in paths:
        candidates = [iri_safe(path.stem), iri_safe(path.name)]
        key = next((c for c in candidates if c not in taken), None)
        number = 2
        while key is None or key in taken:
            key, number = f"{candidates[1]}-{number}", number + 1
        keys[path] = key
        taken.add(key)
    return keys


def read_source(path: Path, key: str | None = None) -> Source:
    """Read any supported document (its key by default from its stem; see ``document_keys``);
    raises ingest.readers.DocumentError naming the problem."""
    document = read_document(path)
    return Source(key=key or iri_safe(path.stem), document=document, title=document.title)


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
