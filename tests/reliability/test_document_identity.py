"""Documents that blocked every build or lost one another (issue 23, items 4, 5 and 6): file
names with spaces and markup, two documents of one stem, a symlink out of the folder, two files
of one name in one ingest, documents over their size or time budget. Texts are our own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from citykg.build import build, load_ontology
from citykg.config import Settings
from citykg.store import EmbeddedStore
from ingest.budget import Budget
from ingest.document_graph import Schema
from ingest.gazetteer import Gazetteer
from ingest.inbox import add_to_inbox
from ingest.pipeline import ingest_document

BASE = "https://w3id.org/citykg/"
# Invented press releases, in the shape of the real ones.
RIVER = """Comunicat

Proiectul RiverLink, coordonat de Universitatea din Craiova, a primit o finanțare de
1,5 milioane de euro prin programul Horizon Europe. Partener este Primăria Municipiului Craiova.
"""
PARKS = """Comunicat

Proiectul ParkNet, coordonat de Universitatea din Oradea, a primit o finanțare de
900.000 de euro prin programul Horizon Europe. Partener este Primăria Municipiului Oradea.
"""
#: The stem of a real source document: an inbox file of this stem must not take its graph.
SOURCE_STEM = "000_2d257a1268e77571"
ODD_NAMES = ["raport final.txt", "a<b>.txt", 'citat "nou".txt', "100%#?.md"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path):
    """One build over an inbox holding every awkward name at once."""
    root = tmp_path_factory.mktemp("identity")
    inbox = root / "inbox"
    inbox.mkdir()
    for name in ODD_NAMES:
        (inbox / name).write_text(RIVER, encoding="utf-8")
    (inbox / f"{SOURCE_STEM}.md").write_text(PARKS, encoding="utf-8")
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    settings = Settings(store=root / "store", sources=sources_dir, inbox=inbox, imports=root / "imports")
    report = build(settings)
    return report, EmbeddedStore(settings.store)


def file_names(store: EmbeddedStore) -> dict[str, str]:
    rows = store.select(f"SELECT ?doc ?name WHERE {{ GRAPH ?g {{ ?doc <{BASE}ontology#fileName> ?name }} }}")
    return {row["doc"].value: row["name"].value for row in rows}


def test_a_file_name_of_any_characters_is_built(built):
    """``raport final.txt`` (or ``<``, ``"`` in a name) failed every build in rdflib."""
    report, store = built
    names = file_names(store)
    for name in ODD_NAMES:
        assert name in names.values(), (name, report.documents)
    assert names[BASE + "doc/raport%20final"] == "raport final.txt"
    assert names[BASE + "doc/a%3Cb%3E"] == "a<b>.txt"
    assert names[BASE + "doc/100%25%23%3F"] == "100%#?.md"


def test_two_documents_of_one_stem_keep_their_own_graphs(built):
    """An inbox ``000_….md`` beside the source ``000_….txt`` shared one graph: the .txt's
    facts vanished and the .md's were cited with the .txt's name."""
    _, store = built
    names = file_names(store)
    assert names[BASE + f"doc/{SOURCE_STEM}"] == f"{SOURCE_STEM}.txt"
    assert names[BASE + f"doc/{SOURCE_STEM}.md"] == f"{SOURCE_STEM}.md"
    cited = store.select(f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?e <{BASE}ontology#lineStart> ?l }} }}""")
    graphs = {row["g"].value for row in cited}
    assert BASE + f"graph/doc/{SOURCE_STEM}" in graphs and BASE + f"graph/doc/{SOURCE_STEM}.md" in graphs
    parks = store.select(f"""SELECT ?o WHERE {{ GRAPH <{BASE}graph/doc/{SOURCE_STEM}> {{
        ?s ?p ?o FILTER(CONTAINS(STR(?o), "ParkNet")) }} }}""")
    assert not list(parks), "the .md's facts are in the .txt's graph"


def test_a_symlink_out_of_the_folder_is_not_followed(built):
    """A symlink to /etc/passwd was read and its first line served as a title over /sparql."""
    report, store = built
    assert any(line.startswith("passwd.txt: not ingested: is a symbolic link") for line in report.documents)
    leaked = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'root:')) } }")
    assert not list(leaked)


def test_two_files_of_one_name_in_one_ingest_lose_neither(tmp_path: Path):
    """``citykg ingest a/dup.txt b/dup.txt`` said "added" then "replaced": a was lost."""
    for folder, text in (("a", RIVER), ("b", PARKS)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "dup.txt").write_text(text, encoding="utf-8")
    inbox = tmp_path / "inbox"
    lines = add_to_inbox(inbox, [tmp_path / "a" / "dup.txt", tmp_path / "b" / "dup.txt"])
    assert lines[0] == "dup.txt: added"
    assert "not added" in lines[1] and "same name" in lines[1]
    assert (inbox / "dup.txt").read_text(encoding="utf-8") == RIVER


def test_a_symlink_is_not_copied_into_the_inbox(tmp_path: Path):
    (tmp_path / "link.txt").symlink_to("/etc/passwd")
    lines = add_to_inbox(tmp_path / "inbox", [tmp_path / "link.txt", tmp_path])
    assert all("symbolic link" in line for line in lines) and len(lines) == 2
    assert not list((tmp_path / "inbox").iterdir())


def ingest(path: Path, budget: Budget):
    return ingest_document(path, Gazetteer([]), Schema(load_ontology()), {}, budget=budget)


def test_a_document_over_its_size_budget_is_reported_and_skipped(tmp_path: Path):
    """A 4 MB text kept ``citykg validate`` busy past 300 s; a 45 MB one took 2.4 GB."""
    path = tmp_path / "long.txt"
    path.write_text(RIVER * 200, encoding="utf-8")
    result = ingest(path, Budget(max_chars=10_000))
    assert result.facts is None and "characters, above the 10000" in result.error


def test_a_document_over_its_time_budget_is_reported_and_skipped(tmp_path: Path):
    path = tmp_path / "dense.txt"
    path.write_text((RIVER + PARKS) * 400, encoding="utf-8")  # about 12 s of extraction
    result = ingest(path, Budget(seconds=0.5))
    assert result.facts is None and "longer than the 0.5 s" in result.error


def test_a_failed_document_does_not_fail_the_cli_build(tmp_path: Path, sources_dir: Path):
    """``citykg ingest "raport final.txt"`` exited 1 and left the file to break every build."""
    document = tmp_path / "raport final.txt"
    document.write_text(RIVER, encoding="utf-8")
    env = {**os.environ, "CITYKG_STORE": str(tmp_path / "store"), "CITYKG_SOURCES": str(sources_dir),
           "CITYKG_INBOX": str(tmp_path / "inbox"), "CITYKG_IMPORTS": str(tmp_path / "imports")}
    run = subprocess.run([sys.executable, "-m", "citykg.cli", "ingest", str(document)], env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"raport final\.txt: \d+ facts kept", run.stdout), run.stdout
