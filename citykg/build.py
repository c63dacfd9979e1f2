"""``citykg build``: the ontology, the knowledge base and the documents into a new store.

Everything is assembled and validated in memory first; the store is written only when the graph
conforms, and swapped in only when it is complete, so a failed build leaves the previous graph
serving. Same inputs give the same IRIs and the same triples (the ``build`` graph, which records
when and by which version, is the one exception).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, XSD

from citykg import __version__
from citykg.build_lock import build_lock, temporary_folder
from citykg.config import PROJECT_ROOT, Settings
from citykg.namespaces import BASE, graph_iri
from citykg.queries import get_query, run_named_query
from citykg.store import GraphStore, open_store
from citykg.errors import ValidationError
from citykg.validate import validate_graphs
from ingest.knowledge_base import load_knowledge_base
from ingest.pipeline import DocumentResult, document_paths, ingest_documents
from ingest.review import review_report
from ingest.sources import document_graph

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "citykg.ttl"
SHAPES_FILE = PROJECT_ROOT / "ontology" / "shapes.ttl"
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    triples: int
    graphs: int
    class_counts: dict[str, int]
    seconds: float
    documents: list[str] = field(default_factory=list)  # one line per document
    review: Path | None = None  # the review report written with the build


def load_ontology() -> Graph:
    return Graph(identifier=graph_iri("ontology")).parse(ONTOLOGY_FILE, format="turtle")


def load_shapes() -> Graph:
    return Graph(identifier=graph_iri("shapes")).parse(SHAPES_FILE, format="turtle")


@dataclass
class Assembly:
    """A build's named graphs, validated, and what became of each document."""

    graphs: dict[URIRef, Graph]
    documents: list[DocumentResult] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)  # file -> why its extraction was left out


def assemble(
    sources_dir: Path,
    progress: Progress = lambda step: None,
    knowledge_dir: Path = KNOWLEDGE_DIR,
    inbox: Path | None = None,
) -> Assembly:
    """All named graphs of a build: ontology, shapes, knowledge base, and every document's
    facts (reviewed and extracted), validated against the shapes."""
    progress("ontology")
    ontology, shapes = load_ontology(), load_shapes()
    progress("knowledge base")
    kb = load_knowledge_base(knowledge_dir, sources_dir, ontology)
    progress("documents")
    documents = ingest_documents(document_paths([sources_dir, inbox] if inbox else [sources_dir]), kb, ontology)
    base = {g.identifier: g for g in (ontology, shapes)}
    base.update(kb.graphs)
    for result in documents:
        if result.source:  # the reviewer's title and kind, where the knowledge base gives them
            source = kb.sources.get(result.source.key, result.source)
            base.setdefault(source.graph, Graph(identifier=source.graph))
            base[source.graph] += document_graph(source)
    extracted = {r.source.graph: r for r in documents if r.facts}
    progress("validation")
    excluded: dict[str, str] = {}
    while True:
        graphs = dict(base)
        for iri, result in extracted.items():
            graphs[iri] = graphs[iri] + result.facts.graph
        try:
            validate_graphs(
                (g for iri, g in graphs.items() if iri not in (ontology.identifier, shapes.identifier)),
                ontology,
                shapes,
            )
            break
        except ValidationError as error:
            # Leave out the extraction of each document whose facts the report points at; the
            # reviewed facts must conform on their own, so without culprits the error stands.
            culprits = [iri for iri, r in extracted.items() if error.focus_nodes & set(r.facts.graph.subjects())]
            if not culprits:
                raise
            for iri in culprits:
                excluded[extracted.pop(iri).path.name] = "its extracted facts do not conform to the shapes"
    for result in documents:
        if result.path.name in excluded:
            result.facts = None
            result.error = excluded[result.path.name]
    return Assembly(graphs, documents, excluded)


def build_graph(graphs: dict[URIRef, Graph]) -> Graph:
    """The PROV record of this build: when, by which version, from which documents."""
    g = Graph(identifier=graph_iri("build"))
    activity = URIRef(BASE + "build/latest")
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, PROV.endedAtTime, Literal(datetime.now(timezone.utc), datatype=XSD.dateTime)))
    g.add((activity, PROV.wasAssociatedWith, URIRef(f"{BASE}software/citykg/{__version__}")))
    for iri in sorted(graphs):
        if str(iri).startswith(str(graph_iri("doc/"))):
            g.add((activity, PROV.used, URIRef(str(iri).replace("graph/doc/", "doc/"))))
    return g


def write_nquads(graphs: dict[URIRef, Graph], path: Path) -> int:
    """Write every graph as sorted N-Quads: two builds of the same inputs give identical files."""
    lines: list[str] = []
    for iri, graph in graphs.items():
        # blank nodes (OWL lists, SHACL shapes) get labels derived from the graph's content
        for line in to_canonical_graph(graph).serialize(format="nt").splitlines():
            if line.strip():
                lines.append(f"{line.rstrip().removesuffix('.').rstrip()} <{iri}> .\n")
    lines.sort()
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def imported_files(settings: Settings) -> list[Path]:
    """N-Quads written by ``citykg import`` (CORDIS, ROR): loaded as they are by every build.

    They are large and were checked row by row when imported, so they skip SHACL.
    """
    return sorted(settings.imports.glob("*.nq")) if settings.imports.is_dir() else []


def class_counts(store: GraphStore) -> dict[str, int]:
    rows = run_named_query(store, "class_counts").__iter__()
    return {row["class"].value.split("#")[-1]: int(row["entities"].value) for row in rows}


def build(
    settings: Settings,
    sources_dir: Path | None = None,
    progress: Progress = lambda step: None,
    knowledge_dir: Path | None = None,
) -> BuildReport:
    """Build, validate and publish; the previous graph keeps serving if anything fails."""
    with build_lock(settings.store):
        return _build(settings, sources_dir, progress, knowledge_dir)


def _build(settings: Settings, sources_dir: Path | None, progress: Progress, knowledge_dir: Path | None) -> BuildReport:
    started = time.perf_counter()
    assembly = assemble(sources_dir or settings.sources, progress, knowledge_dir or settings.knowledge, settings.inbox)
    graphs = assembly.graphs
    graphs[graph_iri("build")] = build_graph(graphs)
    store = open_store(settings)
    with temporary_folder() as tmp:
        progress("writing")
        nquads = Path(tmp) / "graph.nq"
        triples = write_nquads(graphs, nquads)
        progress("loading")
        build_id = store.publish([nquads, *imported_files(settings)])
    progress("counting")
    counts = class_counts(store)
    conflicts = [{k: v.value for k, v in row.items()} for row in store.select(get_query("conflicting_amounts").text)]
    review = settings.store / "review.md"
    review.parent.mkdir(parents=True, exist_ok=True)
    review.write_text(review_report(assembly.documents, conflicts), encoding="utf-8")
    return BuildReport(
        build_id, triples, len(graphs), counts, time.perf_counter() - started,
        [r.summary() for r in assembly.documents], review,
    )
