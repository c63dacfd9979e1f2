"""Linking before minting: a name the extractor proposes becomes a known entity when the
knowledge base already names that thing in other words.

"Primul apel de proiecte în cadrul EUI" is the reviewed "Primul apel de proiecte EUI – Acțiuni
Inovatoare": every distinctive word of the proposal is in the known name, the types agree and
so do the ordinals. When several known entities fit ("Primul apel" fits every first call) the
proposal is an open question for the reviewer, never a guess; the one Mission is "Misiunea"
whatever the words.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterable

from ingest.gazetteer import Gazetteer, GazetteerEntry, ProposedEntity
from ingest.normalise import fold, stem

_WORD = re.compile(r"[^\W_]+")
#: words that say what kind of thing a name is, not which one
_GENERIC = {stem(w) for w in (
    "apel apelul apelului proiect proiecte proiectul proiectului program programul programului "
    "cadrul in de din al a la pentru si cu prin privind pe the of for and in call calls proposals "
    "project projects programme program first second third primul prima doilea doua treilea treia "
    "lansat european europene uniunii ue eu "
    # head words: what kind of organisation, not which one
    "universitatea universitatii university primaria primariei municipiul municipiului consiliul "
    "consiliului judetean local ministerul ministerului agentia agentiei institutul institutului "
    "centrul centrului asociatia asociatiei fundatia fundatiei clusterul clusterului compania "
    "societatea city council municipality agency foundation association institute ministry centre "
    "center misiunea misiunii mission reteaua network webinar sesiune sesiunea eveniment event").split()}
_ORDINALS = {"primul": 1, "prima": 1, "first": 1, "1st": 1, "doilea": 2, "doua": 2, "second": 2,
             "2nd": 2, "treilea": 3, "treia": 3, "third": 3, "3rd": 3}


def _words(name: str) -> list[str]:
    return _WORD.findall(fold(name))


def distinctive(name: str) -> frozenset[str]:
    """The stems of a name's words that tell one entity of its kind from another."""
    return frozenset(stem(w) for w in _words(name)
                     if stem(w) not in _GENERIC and w not in _ORDINALS and (not w.isdigit() or len(w) == 4))


def ordinal(name: str) -> int | None:
    return next((_ORDINALS[w] for w in _words(name) if w in _ORDINALS), None)


class ProposalLinker:
    """The known entities by type, each with the distinctive words of its names."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.by_type: dict[str, list[tuple[str, list[tuple[frozenset[str], int | None]]]]] = defaultdict(list)
        for entry in entries:
            names = [(distinctive(label), ordinal(label)) for label in entry.labels]
            self.by_type[entry.type].append((entry.iri, names))

    def candidates(self, proposal: ProposedEntity) -> list[str]:
        """The IRIs of the known entities the proposal may be: one links it, several are an
        open question, none mints a new entity."""
        known = self.by_type.get(proposal.type or "", [])
        if proposal.type == "Mission":
            return [iri for iri, _ in known]
        words = distinctive(proposal.name) | distinctive(proposal.text)
        if proposal.acronym:
            words |= distinctive(proposal.acronym)
        rank = ordinal(proposal.name) or ordinal(proposal.text)
        if not words and rank is None:
            return []
        return [iri for iri, names in known
                if any(words <= label and (rank is None or rank == n) for label, n in names)]


_LINKERS: weakref.WeakKeyDictionary[Gazetteer, ProposalLinker] = weakref.WeakKeyDictionary()


def linker_for(gazetteer: Gazetteer) -> ProposalLinker:
    """One linker per gazetteer, made the first time a document needs it."""
    if gazetteer not in _LINKERS:
        _LINKERS[gazetteer] = ProposalLinker(gazetteer.entries)
    return _LINKERS[gazetteer]
