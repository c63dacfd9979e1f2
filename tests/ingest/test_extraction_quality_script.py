"""benchmarks/extraction_quality.py runs on the real documents and prints a well-formed report.

No quality threshold is asserted (the figures move as the extractor changes); the test fails
only when the script crashes, reports an error, or finds no true positive at all.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "extraction_quality.py"
FAMILIES = ("roles", "funding", "amounts", "dates", "mission", "grants", "countries")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("extraction_quality", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def check_score(row: dict) -> None:
    assert 0 <= row["tp"] <= min(row["expected"], row["extracted"])
    for key in ("precision", "recall", "f1"):
        assert 0.0 <= row[key] <= 1.0, (key, row)


@pytest.mark.parametrize("gazetteer", ["kb", "none"])
def test_json_report_is_well_formed(script, sources_dir: Path, gazetteer: str, capsys) -> None:
    assert script.main(["--sources", str(sources_dir), "--gazetteer", gazetteer, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["gazetteer"] == gazetteer
    assert report["knowledge_base_facts"] is False
    assert report["errors"] == []
    assert set(FAMILIES) <= set(report["families"])
    for family in FAMILIES:
        check_score(report["families"][family])
        assert report["families"][family]["expected"] > 0
    check_score(report["overall"])
    assert report["overall"]["expected"] == sum(r["expected"] for r in report["families"].values())
    assert report["overall"]["tp"] == sum(r["tp"] for r in report["families"].values())
    assert report["overall"]["tp"] > 0
    assert len(report["documents"]) == 5
    assert report["machine"]["cpu_count"] and report["machine"]["python"]
    assert report["seconds"]["total"] >= report["seconds"]["extraction"] >= 0


def test_text_report_lists_families_machine_and_run_time(script, sources_dir: Path,
                                                         capsys) -> None:
    assert script.main(["--sources", str(sources_dir), "--verbose"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    for family in (*FAMILIES, "overall"):
        expected, extracted, tp, precision, recall, f1 = rows[family]
        assert int(tp) <= int(expected)
        assert all(0.0 <= float(x) <= 1.0 for x in (precision, recall, f1))
    assert int(rows["overall"][2]) > 0
    assert "machine:" in out and "run time:" in out
    assert "misses (" in out and "false positives (" in out


def test_missing_sources_folder_is_reported_not_raised(script, tmp_path: Path, capsys) -> None:
    assert script.main(["--sources", str(tmp_path / "nowhere")]) == 0
    assert "no such folder" in capsys.readouterr().err


def test_matching_folds_names_and_respects_cased_entities(script) -> None:
    entity = script.Entity("x", "NetZeRoCities", True,
                           frozenset({script.name_key("NetZeRoCities", True)}))
    assert entity.matches(["NetZeRoCities"])
    assert not entity.matches(["NetZeroCities"])
    assert script.name_key("Universitatea „Ștefan cel Mare” din Suceava") == \
        script.name_key('Universitatea "Stefan cel Mare" din Suceava')
    assert script.name_key("Cluj- Napoca") == script.name_key("Cluj-Napoca") == "cluj napoca"
