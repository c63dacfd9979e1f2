"""``citykg build``: the ontology, the knowledge base and the documents into a new store.

Everything is assembled and validated in memory first; the store is written only when the graph
conforms, and swapped in only when it is complete, so a failed build leaves the previous graph
serving. Same inputs give the same IRIs and the same triples (the ``build`` graph, which records
when and by which version, is the one exception).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, XSD

from citykg import __version__
from citykg.config import PROJECT_ROOT, Settings
from citykg.namespaces import BASE, graph_iri
from citykg.queries import run_named_query
from citykg.store import GraphStore, open_store
from citykg.validate import validate_graphs
from ingest.knowledge_base import load_knowledge_base
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


def load_ontology() -> Graph:
    return Graph(identifier=graph_iri("ontology")).parse(ONTOLOGY_FILE, format="turtle")


def load_shapes() -> Graph:
    return Graph(identifier=graph_iri("shapes")).parse(SHAPES_FILE, format="turtle")


def assemble(
    sources_dir: Path,
    progress: Progress = lambda step: None,
    knowledge_dir: Path = KNOWLEDGE_DIR,
) -> dict[URIRef, Graph]:
    """All named graphs of a build, validated."""
    progress("ontology")
    ontology, shapes = load_ontology(), load_shapes()
    progress("knowledge base")
    kb = load_knowledge_base(knowledge_dir, sources_dir, ontology)
    graphs = {g.identifier: g for g in (ontology, shapes)}
    graphs.update(kb.graphs)
    for source in kb.sources.values():
        graphs.setdefault(source.graph, Graph(identifier=source.graph))
        graphs[source.graph] += document_graph(source)
    progress("validation")
    validate_graphs(
        (g for iri, g in graphs.items() if iri not in (ontology.identifier, shapes.identifier)),
        ontology,
        shapes,
    )
    return graphs


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


def class_counts(store: GraphStore) -> dict[str, int]:
    rows = run_named_query(store, "class_counts").__iter__()
    return {row["class"].value.split("#")[-1]: int(row["entities"].value) for row in rows}


def build(
    settings: Settings,
    sources_dir: Path | None = None,
    progress: Progress = lambda step: None,
    knowledge_dir: Path = KNOWLEDGE_DIR,
) -> BuildReport:
    """Build, validate and publish; the previous graph keeps serving if anything fails."""
    started = time.perf_counter()
    graphs = assemble(sources_dir or settings.sources, progress, knowledge_dir)
    graphs[graph_iri("build")] = build_graph(graphs)
    store = open_store(settings)
    with tempfile.TemporaryDirectory(prefix="citykg-build-") as tmp:
        progress("writing")
        nquads = Path(tmp) / "graph.nq"
        triples = write_nquads(graphs, nquads)
        progress("loading")
        build_id = store.publish([nquads])
    progress("counting")
    counts = class_counts(store)
    return BuildReport(build_id, triples, len(graphs), counts, time.perf_counter() - started)
