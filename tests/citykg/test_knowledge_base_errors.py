"""Bad knowledge-base entries stop the build with a message naming file, entry and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from citykg.build import KNOWLEDGE_DIR, load_ontology
from citykg.errors import KnowledgeBaseError
from ingest.knowledge_base import load_knowledge_base

# A document of our own, in the shape of the real ones (numbered lines, blank lines between).
DOCUMENT = """Comunicat de presă

Primăria Municipiului Exemplu și Universitatea din Exemplu au semnat pe 3 martie 2024
un contract de finanțare de 2 milioane de euro pentru proiectul GreenTest.
"""


@pytest.fixture()
def tiny_kb(tmp_path: Path) -> tuple[Path, Path]:
    """A valid knowledge base of one document, two entities and three facts."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "doc_a.txt").write_text(DOCUMENT, encoding="utf-8")
    kb = tmp_path / "knowledge"
    (kb / "entities").mkdir(parents=True)
    (kb / "facts").mkdir()
    (kb / "documents.yaml").write_text(yaml.safe_dump([{"key": "a", "file": "doc_a.txt"}]))
    entities = [
        {"id": "org/ux", "type": "University", "name": "Universitatea din Exemplu", "mentions": ["a:3"]},
        {"id": "project/greentest", "type": "Project", "name": "GreenTest", "mentions": ["a:4"]},
    ]
    (kb / "entities" / "all.yaml").write_text(yaml.safe_dump(entities, allow_unicode=True))
    facts = [
        {"participation": {"project": "project/greentest", "participant": "org/ux", "role": "partner"}, "source": "a:3-4"},
        {"subject": "project/greentest", "property": "signedDate", "value": "2024-03-03", "text": "3 martie 2024", "source": "a:3"},
        {"subject": "project/greentest", "property": "budget", "amount": {"value": 2000000, "currency": "EUR", "text": "2 milioane de euro"}, "source": "a:4"},
    ]
    (kb / "facts" / "a.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True))
    return kb, sources


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def problems(kb: Path, sources: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(kb, sources, load_ontology())
    return str(caught.value)


def test_tiny_knowledge_base_loads(tiny_kb):
    kb, sources = tiny_kb
    loaded = load_knowledge_base(kb, sources, load_ontology())
    assert sum(len(g) for g in loaded.graphs.values()) > 20


def test_missing_document(tiny_kb):
    kb, sources = tiny_kb
    (sources / "doc_a.txt").unlink()
    message = problems(kb, sources)
    assert "documents.yaml entry 1" in message and "'doc_a.txt' is not in" in message


def test_line_out_of_range(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[1].update(source="a:40"))
    message = problems(kb, sources)
    assert "facts/a.yaml entry 2" in message and "cites lines 40-40 but doc_a.txt has 4 lines" in message


def test_blank_line_cited(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[1].update(source="a:2"))
    assert "cites only blank lines" in problems(kb, sources)


def test_unknown_type(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "entities" / "all.yaml", lambda d: d[0].update(type="Universe"))
    message = problems(kb, sources)
    assert "entities/all.yaml entry 1 (id 'org/ux')" in message and "unknown type 'Universe'" in message


def test_duplicate_id(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "entities" / "all.yaml", lambda d: d.append(dict(d[0])))
    assert "entry 3 (id 'org/ux'): duplicate id 'org/ux'" in problems(kb, sources)


def test_amount_without_currency(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[2]["amount"].pop("currency"))
    message = problems(kb, sources)
    assert "facts/a.yaml entry 3" in message and "has no ISO currency" in message


def test_date_that_is_not_a_date(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[1].update(value="2024-02-30"))
    assert "signedDate value '2024-02-30' is not a date" in problems(kb, sources)


def test_unknown_property_is_caught(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[1].update(property="signedOn"))
    assert "unknown property 'signedOn'" in problems(kb, sources)


def test_undefined_entity(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[0]["participation"].update(participant="org/nobody"))
    assert "refers to 'org/nobody', which no entity file defines" in problems(kb, sources)


def test_text_must_stand_in_the_cited_lines(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d[2]["amount"].update(text="3 milioane de euro"))
    assert "text '3 milioane de euro' does not appear in the cited lines" in problems(kb, sources)


def test_all_problems_reported_at_once(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: (d[1].update(value="soon"), d[2]["amount"].pop("currency")))
    message = problems(kb, sources)
    assert "2 problem(s)" in message


def test_real_knowledge_base_dir_exists():
    assert (KNOWLEDGE_DIR / "documents.yaml").is_file()


def test_related_to_is_refused_where_a_specific_property_fits(tiny_kb):
    """An organisation tied to a project can be a member of it or contribute to it: saying only
    ``relatedTo`` hides which, so the build names the properties to choose from."""
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d.append(
        {"subject": "org/ux", "property": "relatedTo", "object": "project/greentest", "source": "a:3-4"}))
    message = problems(kb, sources)
    assert "facts/a.yaml entry 4" in message and "relatedTo where a specific property" in message
    assert "contributesTo" in message and "memberOf" in message


def test_count_must_say_what_it_counts(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d.append(
        {"subject": "project/greentest", "property": "count", "count": {"value": 2, "counts": "apples"}, "source": "a:3"}))
    message = problems(kb, sources)
    assert "facts/a.yaml entry 4" in message and "count counts 'apples'; one of" in message and "'applications'" in message


def test_count_value_must_be_a_whole_number(tiny_kb):
    kb, sources = tiny_kb
    edit(kb / "facts" / "a.yaml", lambda d: d.append(
        {"subject": "project/greentest", "property": "count", "count": {"value": "two", "counts": "selected"}, "source": "a:3"}))
    assert "count value 'two' is not a whole number" in problems(kb, sources)
