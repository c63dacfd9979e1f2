"""Documents into the graph: bad files reported while the others go in, provenance by rule and
line, idempotent re-ingest, replacement and removal. Fixture texts are our own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from citykg.build import build
from citykg.config import Settings
from citykg.store import EmbeddedStore

# An invented press release, in the shape of the real ones.
GREEN_BRIDGE = """Comunicat

Proiectul GreenBridge, coordonat de Universitatea Tehnică din Cluj-Napoca, a primit o
finanțare de 2,5 milioane de euro prin programul Horizon Europe.

Partenerii sunt Primăria Municipiului Suceava și Asociația Orașe Verzi (AOV).
Perioada de implementare: 1 martie 2024 – 28 februarie 2026.
"""

DOC_FACTS = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o ?method ?line WHERE {
  GRAPH ?g { ?e a ckg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                ckg:method ?method ; ckg:lineStart ?line }
}
"""


def quads(store: EmbeddedStore, graph: str) -> set[tuple]:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {(r["s"], r["p"], r["o"]) for r in rows}


def graph_of(name: str) -> str:
    return "https://w3id.org/citykg/graph/doc/" + name


def proposed_of(name: str) -> str:
    """Extracted facts the knowledge base does not state wait for review in their own graph."""
    return "https://w3id.org/citykg/graph/proposed/" + name


def extracted(store: EmbeddedStore, name: str) -> set[tuple]:
    return quads(store, graph_of(name)) | quads(store, proposed_of(name))


@pytest.fixture()
def settings(tmp_path: Path, sources_dir: Path) -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return Settings(store=tmp_path / "store", sources=sources_dir, inbox=inbox, imports=tmp_path / "imports")


def test_bad_documents_are_reported_and_the_others_go_in(settings: Settings):
    inbox = settings.inbox
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "image.txt").write_bytes(bytes(range(256)) * 40)
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    (inbox / "green_cp1250.txt").write_bytes(GREEN_BRIDGE.replace("ș", "ş").replace("ț", "ţ").encode("cp1250"))
    report = build(settings)
    lines = "\n".join(report.documents)
    assert "empty.txt: not ingested: " in lines and "empty" in lines
    assert "image.txt: not ingested: " in lines
    assert "notes.docx: not ingested: unsupported file type '.docx'" in lines
    assert "green_cp1250.txt: " in lines and "not ingested" not in lines.split("green_cp1250.txt")[1].split("\n")[0]
    store = EmbeddedStore(settings.store)
    facts = store.select(DOC_FACTS.replace("?g", f"<{proposed_of('green_cp1250')}>"))
    found = {(r["p"].value.split("#")[-1], r["o"].value.removeprefix("https://w3id.org/citykg/")) for r in facts}
    assert ("coordinator", "org/utcn") in found
    assert any(p == "funding" for p, _ in found)
    assert all(r["method"].value != "reviewed" and r["line"].value.isdigit() for r in facts)
    assert "green_cp1250.txt" in report.review.read_text()


def test_reingest_replace_and_remove(settings: Settings):
    doc = settings.inbox / "green.txt"
    doc.write_text(GREEN_BRIDGE, encoding="utf-8")
    build(settings)
    store = EmbeddedStore(settings.store)
    first = extracted(store, "green")
    kb_graph = quads(store, graph_of("000_2d257a1268e77571"))
    assert len(first) > 20
    build(settings)  # the same document again: nothing changes
    assert extracted(store, "green") == first
    doc.write_text(GREEN_BRIDGE.replace("2,5 milioane", "3 milioane"), encoding="utf-8")
    build(settings)  # a changed document replaces its own facts only
    changed = extracted(store, "green")
    assert changed != first
    assert any(o.value == "3000000" for _, _, o in changed if hasattr(o, "datatype"))
    assert quads(store, graph_of("000_2d257a1268e77571")) == kb_graph
    doc.unlink()
    build(settings)  # a removed document's facts go with it
    assert extracted(store, "green") == set()


def test_a_fact_in_knowledge_base_and_extraction_is_one_fact_with_two_sources(built_store):
    rows = built_store.select(
        """
        PREFIX ckg: <https://w3id.org/citykg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?method WHERE {
          ?e rdf:subject <https://w3id.org/citykg/project/netzerocities-pnrr> ;
             rdf:predicate ckg:coordinator ; rdf:object <https://w3id.org/citykg/org/upb> ;
             ckg:method ?method .
        }
        """
    )
    methods = {r["method"].value for r in rows}
    assert "reviewed" in methods and any(m.startswith("role.") for m in methods)
    count = built_store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { <https://w3id.org/citykg/project/netzerocities-pnrr> "
        "<https://w3id.org/citykg/ontology#coordinator> <https://w3id.org/citykg/org/upb> } }"
    )
    assert count[0]["n"].value == "1"  # one triple in the document's graph, not two


def test_cli_ingest_and_remove(tmp_path: Path, sources_dir: Path):
    doc = tmp_path / "green.txt"
    doc.write_text(GREEN_BRIDGE, encoding="utf-8")
    env = {**os.environ, "CITYKG_STORE": str(tmp_path / "store"), "CITYKG_INBOX": str(tmp_path / "inbox"),
           "CITYKG_IMPORTS": str(tmp_path / "imports"), "CITYKG_SOURCES": str(sources_dir)}
    cli = [sys.executable, "-m", "citykg.cli"]
    done = subprocess.run(cli + ["ingest", str(doc)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "green.txt: added" in done.stdout and "green.txt: " in done.stdout and "review report" in done.stdout
    again = subprocess.run(cli + ["ingest", str(doc)], capture_output=True, text=True, env=env, timeout=600)
    assert "green.txt: already ingested, unchanged" in again.stdout
    gone = subprocess.run(cli + ["ingest", "--remove", "green.txt"], capture_output=True, text=True, env=env, timeout=600)
    assert gone.returncode == 0 and "green.txt: removed" in gone.stdout


def test_coordinator_named_lead_partner_in_the_same_sentence_is_lead_partner(tmp_path: Path):
    """Regression: "coordonat de X – în calitate de partener lider" gave X both roles."""
    from citykg.build import KNOWLEDGE_DIR, load_ontology
    from ingest.knowledge_base import load_knowledge_base
    from ingest.normalise import normalise
    from ingest.pipeline import gazetteer_from
    from ingest.relations import extract
    from tests.conftest import SOURCES

    text = (
        "Proiectul GreenBridge este coordonat de către Primăria Municipiului Cluj-Napoca – în "
        "calitate de partener lider, alături de Universitatea Tehnică din Cluj-Napoca."
    )
    gazetteer = gazetteer_from(load_knowledge_base(KNOWLEDGE_DIR, SOURCES, load_ontology()))
    roles = {(f.property, f.object.iri) for f in extract(normalise([text]), gazetteer).facts}
    city_hall = "https://w3id.org/citykg/org/primaria-cluj-napoca"
    assert ("leadPartner", city_hall) in roles
    assert ("coordinator", city_hall) not in roles


def test_the_review_report_shows_each_proposal_in_its_sentence(build_report, sources_dir):
    report = build_report.review.read_text()
    sections = report.split("\n## ")[1:-1]  # one a document, then the conflicts
    assert sections
    for section in sections:
        name, _, body = section.partition("\n")
        proposed = body.count("  - new ")
        counted = re.search(r"(\d+) new names? proposed", body)
        assert counted and int(counted.group(1)) == proposed, name  # never "0" where names were proposed
        for first, quote in re.findall(r"^- lines (\d+)-\d+: “([^”]{1,20})", body, re.M):  # a short line ends sooner
            line = (sources_dir / name).read_text(encoding="utf-8").splitlines()[int(first) - 1]
            assert " ".join(line.split()).startswith(quote), (name, first)
    assert any("  - new " in s for s in sections) and any("  - fact " in s for s in sections)
