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
from rdflib.term import Node
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, XSD

from citykg import __version__
from citykg.build_lock import build_lock, temporary_folder
from citykg.config import PROJECT_ROOT, Settings
from citykg.namespaces import BASE, graph_iri
from citykg.queries import get_query, run_named_query
from citykg.store import PROPOSED_GRAPHS, GraphStore, open_store
from citykg.errors import ValidationError
from citykg.materialise import INFERRED, materialise
from citykg.validate import validate_graphs
from ingest.decisions import load_rejections
from ingest.document_graph import Layers, layers, proposed_graph_iri
from ingest.knowledge_base import load_knowledge_base
from ingest.reconcile import one_name_each
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
    excluded: dict[str, list[str]] = field(default_factory=dict)  # file -> extracted statements left out, and why
    layers: dict[str, Layers] = field(default_factory=dict)  # file -> its reviewed and proposed facts


def assemble(
    sources_dir: Path,
    progress: Progress = lambda step: None,
    knowledge_dir: Path = KNOWLEDGE_DIR,
    inbox: Path | None = None,
    only: list[Path] | None = None,
) -> Assembly:
    """All named graphs of a build: ontology, shapes, knowledge base, and every document's
    facts (reviewed and extracted), validated against the shapes; with ``only``, those
    documents' graphs alone beside the knowledge base (what adding them changes)."""
    progress("ontology")
    ontology, shapes = load_ontology(), load_shapes()
    progress("knowledge base")
    kb = load_knowledge_base(knowledge_dir, sources_dir, ontology)
    progress("documents")
    every = document_paths([sources_dir, inbox] if inbox else [sources_dir])
    documents = ingest_documents(every if only is None else only, kb, ontology, among=every)
    base = {g.identifier: g for g in (ontology, shapes)}
    described = {r.source.key: kb.sources.get(r.source.key, r.source) for r in documents if r.source}
    # Adding documents checks them beside the knowledge base's entities (and its facts about
    # them), not beside every other document's facts: the served build already conforms.
    base.update(kb.graphs if only is None else
                {iri: g for iri, g in kb.graphs.items() if iri == graph_iri("kb") or iri in {s.graph for s in described.values()}})
    for source in described.values():  # the reviewer's title and kind, where the knowledge base gives them
        base.setdefault(source.graph, Graph(identifier=source.graph))
        base[source.graph] += document_graph(source)
    extracted = {r.source.graph: r for r in documents if r.facts}
    rejections = load_rejections(knowledge_dir)
    layered = {  # what the knowledge base also states is reviewed; the rest is proposed
        iri: layers(r.facts, r.source.key, kb.graphs.get(iri, Graph()), *rejections.of(r.source.key))
        for iri, r in extracted.items()
    }
    one_name_each((g for lay in layered.values() for g in (lay.reviewed, lay.proposed)),
                  kb.graphs.get(graph_iri("kb"), Graph()))
    progress("validation")
    excluded: dict[str, list[str]] = {}
    while True:
        graphs = dict(base)
        for iri in extracted:
            graphs[iri] = graphs[iri] + layered[iri].reviewed
            graphs[layered[iri].proposed.identifier] = layered[iri].proposed
        try:
            validate_graphs(
                (g for iri, g in graphs.items() if iri not in (ontology.identifier, shapes.identifier)),
                ontology,
                shapes,
            )
            break
        except ValidationError as error:
            # Leave out each extracted statement the report points at, and only it; the
            # reviewed facts must conform on their own, so without culprits the error stands.
            left_out = False
            for iri, result in extracted.items():
                for failure in error.failures:
                    for graph in (layered[iri].reviewed, layered[iri].proposed):
                        why = leave_out(graph, *failure)
                        if why:
                            left_out = True
                            excluded.setdefault(result.path.name, []).append(why)
            if not left_out:
                raise
    for result in documents:
        if result.path.name in excluded:
            result.left_out = excluded[result.path.name]
    kept = {r.path.name: layered[r.source.graph] for r in documents if r.facts}
    return Assembly(graphs, documents, excluded, kept)


def leave_out(graph: Graph, focus: Node, path: Node | None, value: Node | None, message: str) -> str | None:
    """Take one statement that fails the shapes out of a document's extracted graph, with its
    evidence (or, when the report names no statement of it, the entity itself and every fact
    about it); say what was left out, or None when the graph does not hold it."""
    if (focus, None, None) not in graph:
        return None
    if isinstance(path, URIRef) and (focus, path, value) in graph:
        doomed = {(focus, path, value)} if value is not None else set(graph.triples((focus, path, None)))
        evidence = {e for t in doomed for e in graph.subjects(RDF.subject, focus)
                    if (e, RDF.predicate, path) in graph and (e, RDF.object, t[2]) in graph}
        shown = f"{_short(focus)} {_short(path)} {_short(value) if value is not None else ''}".rstrip()
    else:
        doomed = set(graph.triples((focus, None, None))) | set(graph.triples((None, None, focus)))
        evidence = set(graph.subjects(RDF.subject, focus)) | set(graph.subjects(RDF.object, focus))
        shown = _short(focus)
    for e in evidence:
        doomed |= set(graph.triples((e, None, None)))
    for triple in doomed:
        graph.remove(triple)
    return f"{shown}: {message}"


def _short(node: Node) -> str:
    return str(node).removeprefix(str(BASE))


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


def add_documents(settings: Settings, paths: list[Path], progress: Progress = lambda step: None) -> BuildReport:
    """Put some documents' graphs into the served graph without rebuilding the rest.

    The documents are read, checked against the shapes beside the knowledge base, and their
    graphs (the document's and its proposed facts') replace what the store held for them, in a
    copy of the served build swapped in whole: readers see the old graph or the new one, and a
    failure leaves the old one serving. The review report then covers these documents. Nothing
    is derived anew: a document's reviewed facts are the knowledge base's, whose shortcuts the
    served ``graph/inferred`` holds, and proposed facts are never derived from.
    """
    with build_lock(settings.store):
        started = time.perf_counter()
        assembly = assemble(settings.sources, progress, settings.knowledge, settings.inbox, only=paths)
        read = [r for r in assembly.documents if r.source]
        store = open_store(settings)
        graphs = {iri: g for iri, g in assembly.graphs.items()
                  if iri in {r.source.graph for r in read} | {lay.proposed.identifier for lay in assembly.layers.values()}}
        graphs[graph_iri("build")] = build_graph(dict.fromkeys([*map(URIRef, store.named_graphs()), *graphs]))
        replaced = {str(iri) for iri in graphs} | {str(proposed_graph_iri(r.source.key)) for r in read}
        with temporary_folder() as tmp:
            progress("writing")
            nquads = Path(tmp) / "documents.nq"
            triples = write_nquads(graphs, nquads)
            progress("loading")
            build_id = store.replace_graphs(replaced, [nquads])
        review = settings.store / "review.md"
        review.write_text(review_report(assembly.documents, assembly.layers, []), encoding="utf-8")
        return BuildReport(build_id, triples, len(graphs), {}, time.perf_counter() - started,
                           [r.summary() for r in assembly.documents], review)


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
    # Only from the reviewed layer: a shortcut drawn from a proposed fact would pass it into
    # the reviewed answers through graph/inferred.
    graphs[INFERRED] = materialise(g for iri, g in graphs.items()
                                   if iri not in (graph_iri("ontology"), graph_iri("shapes"))
                                   and not str(iri).startswith(PROPOSED_GRAPHS))
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
    review.write_text(review_report(assembly.documents, assembly.layers, conflicts), encoding="utf-8")
    return BuildReport(
        build_id, triples, len(graphs), counts, time.perf_counter() - started,
        [r.summary() for r in assembly.documents], review,
    )
