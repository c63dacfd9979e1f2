"""Documents nobody has reviewed yet, read into facts: read, normalise, extract, map to RDF.

Each document is handled on its own: one that cannot be read gets a line in the report and the
others go on. The gazetteer is built from the graph's known entities (the knowledge base).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from citykg.namespaces import CKG, graph_iri
from ingest.budget import Budget, OverBudget
from ingest.document_graph import DocumentFacts, Schema, document_facts
from ingest.gazetteer import Gazetteer, GazetteerEntry
from ingest.knowledge_base import KnowledgeBase
from ingest.normalise import NormalisedText, normalise
from ingest.readers import DocumentError
from ingest.relations import Extraction, extract
from ingest.sources import SUPPORTED_SUFFIXES, Source, document_keys, read_source

YEAR = re.compile(r"\b(20[0-9]{2})\b")


@dataclass
class DocumentResult:
    """What became of one document: its source and facts, or the reason it was not read."""

    path: Path
    source: Source | None = None
    facts: DocumentFacts | None = None
    error: str | None = None
    text: NormalisedText | None = None
    extraction: Extraction | None = None  # what the extractor read, before mapping to RDF
    left_out: list[str] = field(default_factory=list)  # extracted statements the shapes refused

    def summary(self) -> str:
        if self.error:
            return f"{self.path.name}: not ingested: {self.error}"
        f = self.facts
        kinds = Counter(fact.kind for fact in f.kept)
        return (
            f"{self.path.name}: {len(f.kept)} facts kept ({kinds['relation']} relations, "
            f"{kinds['amount']} amounts, {kinds['date']} dates, {kinds['value']} values), "
            f"{len(f.proposed)} new entities, {len(f.unlinked)} ambiguous mentions, "
            f"{len(f.rejected)} facts rejected"
            + (f", {len(self.left_out)} statements left out by the shapes" if self.left_out else "")
        )


def gazetteer_from(kb: KnowledgeBase) -> Gazetteer:
    """Every known entity with all its names: canonical, English, aliases, acronym."""
    graph = kb.graphs.get(graph_iri("kb"), Graph())
    entries = []
    for iri, cls in sorted(kb.entity_types.items()):
        labels = [str(l) for p in (SKOS.prefLabel, SKOS.altLabel, CKG.acronym) for l in graph.objects(iri, p)]
        entries.append(GazetteerEntry(str(iri), str(cls).split("#")[-1], sorted(set(labels))))
    return Gazetteer(entries)


def document_paths(folders: Iterable[Path]) -> list[Path]:
    """The documents of some folders, in a stable order; folders that do not exist give none."""
    found = []
    for folder in folders:
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return found


def context_year(lines: list[str]) -> int | None:
    """The year a document talks about most: what "20 martie" without a year most likely means."""
    years = Counter(int(y) for line in lines for y in YEAR.findall(line))
    return years.most_common(1)[0][0] if years else None


def ingest_document(
    path: Path, gazetteer: Gazetteer, schema: Schema, known: dict[URIRef, URIRef],
    key: str | None = None, budget: Budget = Budget(), **extract_options: object,
) -> DocumentResult:
    """One document read into facts; ``extract_options`` go to ``extract`` (e.g. ``model``)."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return DocumentResult(path, error=f"unsupported file type {path.suffix or '(none)'!r}")
    try:
        source = read_source(path, key)
        budget.check_size(sum(len(line) + 1 for line in source.lines))
        with budget.timed():
            text = normalise(source.lines)
            extraction = extract(text, gazetteer, default_year=context_year(source.lines), **extract_options)
            facts = document_facts(source, text, extraction, schema, known, gazetteer)
    except DocumentError as error:
        return DocumentResult(path, error=str(error).removeprefix(f"{path}: "))
    except OverBudget as error:
        return DocumentResult(path, error=str(error))
    except Exception as error:  # noqa: BLE001 - one document must never fail every build (issue 23)
        return DocumentResult(path, error=f"its extraction failed ({type(error).__name__}: {error})")
    return DocumentResult(path, source, facts, text=text, extraction=extraction)


def ingest_documents(paths: Iterable[Path], kb: KnowledgeBase, ontology: Graph,
                     among: Iterable[Path] | None = None) -> list[DocumentResult]:
    """Read documents; ``among``: every document of the graph, which their keys must be unique
    among (when only some are read, to add them to a built graph)."""
    gazetteer, schema = gazetteer_from(kb), Schema(ontology)
    paths = list(paths)
    keys = document_keys(list(dict.fromkeys([*(among or []), *paths])))
    return [ingest_document(p, gazetteer, schema, kb.entity_types, keys[p]) for p in paths]
