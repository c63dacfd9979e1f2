"""Adding documents to the served graph replaces their graphs only, in a copy swapped in whole."""

from __future__ import annotations

import shutil
from pathlib import Path

from citykg.build import add_documents, build
from citykg.config import Settings
from citykg.store import EmbeddedStore

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DOC = "https://w3id.org/citykg/graph/doc/"


def sizes(store: EmbeddedStore) -> dict[str, int]:
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


def test_an_added_document_changes_its_own_graphs_and_nothing_else(tmp_path: Path, sources_dir: Path):
    settings = Settings(store=tmp_path / "store", sources=sources_dir, inbox=tmp_path / "inbox",
                        imports=tmp_path / "imports")
    build(settings)
    store = EmbeddedStore(settings.store)
    before, served = sizes(store), store.current_build()
    settings.inbox.mkdir()
    added = shutil.copy(CORPUS / "02_utcn_urbnexus_stire.txt", settings.inbox)
    report = add_documents(settings, [Path(added)])
    after = sizes(store)
    assert store.current_build() != served and report.triples > 0
    new = {g for g in after if g not in before}
    assert DOC + "02_utcn_urbnexus_stire" in new
    assert all(g.endswith("02_utcn_urbnexus_stire") for g in new)
    assert {g: n for g, n in after.items() if g in before and not g.endswith("/build")} == \
        {g: n for g, n in before.items() if not g.endswith("/build")}
    assert "02_utcn_urbnexus_stire" in report.review.read_text(encoding="utf-8")
    again = add_documents(settings, [Path(added)])  # the same document again: the same graphs
    assert sizes(store) == after and again.build_id != report.build_id
