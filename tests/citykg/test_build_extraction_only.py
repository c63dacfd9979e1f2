"""Builds without the reviewed knowledge base: what extraction reads, and only that.

An empty knowledge folder is how extraction is measured on its own; a statement that fails the
shapes is left out alone, so every document still contributes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from citykg.build import assemble, leave_out
from citykg.errors import KnowledgeBaseError
from citykg.namespaces import CKG, graph_iri
from ingest.reconcile import one_name_each

EX = "https://w3id.org/citykg/"


def test_an_empty_knowledge_folder_builds_from_extraction_alone(tmp_path: Path, sources_dir: Path):
    empty = tmp_path / "knowledge"
    empty.mkdir()
    assembly = assemble(sources_dir, knowledge_dir=empty)
    assert len(assembly.documents) == 5
    for result in assembly.documents:
        assert result.error is None, result.summary()
        assert result.facts.kept, f"{result.path.name} contributes nothing"
    kb = assembly.graphs.get(graph_iri("kb"), Graph())
    assert not any(kb.triples((None, SKOS.prefLabel, None)))  # no reviewed entity at all


def test_a_knowledge_folder_that_does_not_exist_is_an_error(tmp_path: Path, sources_dir: Path):
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        assemble(sources_dir, knowledge_dir=tmp_path / "missing")


def _fact_with_evidence(g: Graph, s: URIRef, p: URIRef, o: URIRef, n: int) -> None:
    g.add((s, p, o))
    ev = URIRef(f"{EX}evidence/{n}")
    g.add((ev, RDF.type, CKG.Evidence))
    g.add((ev, RDF.subject, s))
    g.add((ev, RDF.predicate, p))
    g.add((ev, RDF.object, o))


def test_leave_out_takes_one_statement_and_its_evidence():
    g = Graph()
    project, a, b = URIRef(EX + "project/x"), URIRef(EX + "org/a"), URIRef(EX + "org/b")
    _fact_with_evidence(g, project, CKG.coordinator, a, 1)
    _fact_with_evidence(g, project, CKG.coordinator, b, 2)
    why = leave_out(g, project, CKG.coordinator, b, "one coordinator at most")
    assert why is not None and "org/b" in why and why.endswith("one coordinator at most")
    assert (project, CKG.coordinator, a) in g and (project, CKG.coordinator, b) not in g
    assert (URIRef(EX + "evidence/1"), RDF.type, CKG.Evidence) in g
    assert not list(g.triples((URIRef(EX + "evidence/2"), None, None)))


def test_leave_out_of_an_entity_takes_every_fact_about_it():
    g = Graph()
    project, a = URIRef(EX + "project/x"), URIRef(EX + "org/a")
    g.add((a, RDF.type, CKG.University))
    _fact_with_evidence(g, project, CKG.partner, a, 1)
    assert leave_out(g, a, None, None, "needs a name")
    assert not list(g.triples((None, None, a))) and not list(g.triples((a, None, None)))
    assert leave_out(Graph(), a, None, None, "not there") is None


def test_one_name_each_keeps_the_commonest_name_and_the_reviewed_one_first():
    entity = URIRef(EX + "project/demo")
    docs = [Graph(), Graph(), Graph()]
    for g, name in zip(docs, ["DEMO", "DEMO", "Proiectul DEMO"]):
        g.add((entity, SKOS.prefLabel, Literal(name, lang="ro")))
    one_name_each(docs, Graph())
    assert {str(n) for g in docs for n in g.objects(entity, SKOS.prefLabel)} == {"DEMO"}
    assert (entity, SKOS.altLabel, Literal("Proiectul DEMO", lang="ro")) in docs[2]
    reviewed = Graph()
    reviewed.add((entity, SKOS.prefLabel, Literal("Demonstrator", lang="ro")))
    one_name_each(docs, reviewed)
    assert not [n for g in docs for n in g.objects(entity, SKOS.prefLabel)]
