"""The ROR importer on the real Romanian records of /work/shared/data/ror and on bad files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.config import PROJECT_ROOT
from ingest.ror import RecordError, import_ror, normalise_record

ROR_FILE = PROJECT_ROOT.parent / "shared" / "data" / "ror" / "ror_RO_records.jsonl"
KG = "https://w3id.org/citykg/"
PREFIX = ("PREFIX ckg: <https://w3id.org/citykg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def records() -> list[dict]:
    return [json.loads(line) for line in ROR_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def record(ror_id: str) -> dict:
    return next(r for r in records() if r["id"].endswith(ror_id))


def ask(path: Path, where: str) -> bool:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return bool(store.query(PREFIX + "ASK { " + where + " }", use_default_graph_as_union=True))


def test_ror_v2_record_normalised():
    rec = normalise_record(record("03r8nwp71"))  # Technical University of Cluj-Napoca
    assert rec["id"] == "03r8nwp71" and rec["country"] == "RO" and rec["city"] == "Cluj-Napoca"
    assert "education" in rec["types"] and rec["wikidata"]
    assert rec["display"][0] and rec["acronyms"] == ["UTC-N"]


def test_ror_v1_record_normalised():
    rec = normalise_record(record("009maf963"))  # a v1-schema record
    assert rec["display"] == ("Universitatea Petru Maior din Tîrgu Mureş", None)
    assert rec["city"] == "Târgu Mureş" and rec["country"] == "RO" and rec["types"] == ["education"]


def test_ror_real_file_imported(tmp_path):
    report = import_ror(ROR_FILE, tmp_path)
    assert report.bad == []
    assert report.counts["organisations"] + report.counts["withdrawn (skipped)"] == 182
    out = report.output
    # names in several languages, types, city, country, Wikidata id, website
    assert ask(out, f"""<{KG}org/ror-02rmd1t30> a ckg:University, ckg:Organisation ;
        ckg:ror <https://ror.org/02rmd1t30> ; ckg:country <{KG}country/ro> ; ckg:wikidata ?q ; ckg:homepage ?h ;
        ckg:city ?city . ?city skos:prefLabel "Cluj-Napoca" .""")
    assert ask(out, f"""<{KG}org/ror-02rmd1t30> skos:prefLabel ?en, ?ro .
        FILTER(LANG(?en) = "en" && LANG(?ro) = "ro")""")
    assert ask(out, f"""?e ckg:method "import.ror" ; ckg:lineStart 88 ;
        <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{KG}org/ror-02rmd1t30> .""")
    # each identifier and place cites the record's lines, not just the ROR id
    for prop in ("ror", "wikidata", "homepage", "country", "city"):
        assert ask(out, f"""<{KG}org/ror-02rmd1t30> ckg:{prop} ?o .
            ?e ckg:method "import.ror" ; ckg:lineStart 88 ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>
               <{KG}org/ror-02rmd1t30> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ckg:{prop} ;
               <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o .""" ), prop


def test_ror_json_array_and_zip(tmp_path):
    sample = records()[:3]
    array = tmp_path / "dump.json"
    array.write_text(json.dumps(sample, indent=2), encoding="utf-8")
    report = import_ror(array, tmp_path / "a")
    assert report.counts["organisations"] == 3 and report.bad == []
    with zipfile.ZipFile(tmp_path / "dump.zip", "w") as z:
        z.write(array, "v1.99-ror-data_schema_v2.json")
    assert import_ror(tmp_path / "dump.zip", tmp_path / "z").counts["organisations"] == 3


def test_ror_bad_lines_listed_and_the_rest_imported(tmp_path):
    lines = ROR_FILE.read_text(encoding="utf-8").splitlines()[:4]
    lines.insert(1, '{"id": "https://ror.org/03r8nwp71", "names": [')  # line 2: cut short
    lines.insert(3, '{"id": "not-a-ror-id", "names": []}')  # line 4
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_ror(path, tmp_path / "imports")
    assert [b.line() for b in report.bad] == [
        "broken.jsonl:2: not JSON: Expecting value at column 47",
        "broken.jsonl:4: id 'not-a-ror-id' is not a ROR id",
    ]
    assert report.counts["organisations"] == 4
    assert "broken.jsonl:2" in (tmp_path / "imports" / "ror-report.md").read_text()


def test_ror_file_that_is_not_json(tmp_path):
    imports = tmp_path / "imports"
    import_ror(ROR_FILE, imports)
    before = (imports / "ror.nq").read_bytes()
    path = tmp_path / "records.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"records.csv:1: not JSON"):
        import_ror(path, imports)
    assert (imports / "ror.nq").read_bytes() == before
    assert not [p for p in imports.iterdir() if p.name.startswith(".")]
