"""Linking before minting: a proposed name that the knowledge base already knows in other
words is linked, an ambiguous one is asked about, and only a new one is minted."""

from __future__ import annotations

from pathlib import Path

from citykg.build import assemble
from ingest.entity_linking import ProposalLinker
from ingest.gazetteer import GazetteerEntry, ProposedEntity

KNOWN = ProposalLinker([
    GazetteerEntry("call/alfa-1", "Call", ["Primul apel ALFA – Orașe verzi"]),
    GazetteerEntry("call/beta-1", "Call", ["Primul apel de proiecte BETA"]),
    GazetteerEntry("call/beta-2", "Call", ["Al doilea apel BETA"]),
    GazetteerEntry("initiative/mission", "Mission", ["Misiunea pentru orașe neutre climatic"]),
    GazetteerEntry("org/ut-x", "University", ["Universitatea Tehnică din Xville"]),
    GazetteerEntry("org/ut-y", "University", ["Universitatea Tehnică din Yburg"]),
])


def proposal(name: str, type_: str) -> ProposedEntity:
    return ProposedEntity(name, type_, name, 0, len(name))


def test_a_call_named_in_other_words_is_the_known_call():
    assert KNOWN.candidates(proposal("Primul apel de proiecte în cadrul ALFA", "Call")) == ["call/alfa-1"]
    assert KNOWN.candidates(proposal("al doilea apel al programului BETA", "Call")) == ["call/beta-2"]


def test_a_name_that_fits_several_is_a_question_and_a_new_one_is_new():
    assert sorted(KNOWN.candidates(proposal("Primul apel", "Call"))) == ["call/alfa-1", "call/beta-1"]
    assert sorted(KNOWN.candidates(proposal("Universitatea Tehnică", "University"))) == ["org/ut-x", "org/ut-y"]
    assert KNOWN.candidates(proposal("Apelul GAMMA", "Call")) == []
    assert KNOWN.candidates(proposal("Universitatea", "University")) == []


def test_the_mission_is_the_one_mission():
    assert KNOWN.candidates(proposal("Misiunea UE pentru 100 de orașe", "Mission")) == ["initiative/mission"]


def test_the_seed_build_holds_no_second_mission_and_no_copy_of_a_known_call(sources_dir: Path):
    assembly = assemble(sources_dir)
    proposed = [(e.type, e.name) for r in assembly.documents for e in r.facts.proposed.values()]
    assert not [p for p in proposed if p[0] in ("Mission", "Call")], proposed
