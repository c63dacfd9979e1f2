"""Search by name on the real build: Romanian spelling variants, inflection, typos, prefixes,
and resolving filter values (id, IRI, name) to one entity."""

from __future__ import annotations

import doctest

import pytest

from citykg import entity_search
from citykg.entity_search import MAX_QUERY_CHARS, LabelIndex, label_index, search
from citykg.errors import AmbiguousParameterError, InvalidParameterError


@pytest.fixture(scope="module")
def index(built_store) -> LabelIndex:
    return label_index(built_store)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the spelling variants
        ("Politehnica Bucuresti", "org/upb"),
        ("UPB", "org/upb"),
        ("universitatea politehnica din bucurești", "org/upb"),
        ("Timisoara", "city/timisoara"),
        ("Timişoara", "city/timisoara"),  # s-cedilla (ş), not the comma-below ș of the name
        ("Municipiului Cluj-Napoca", "city/cluj-napoca"),  # genitive of the alias "Municipiul Cluj-Napoca"
        # more of the same kinds
        ("upb", "org/upb"),
        ("UNIVERSITATEA POLITEHNICĂ DIN BUCUREŞTI", "org/upb"),
        ("Universității Tehnice din Cluj-Napoca", "org/utcn"),  # genitive-dative
        ("Primăria Municipiului Timişoara", "org/primaria-timisoara"),
        ("Primaria Sectorului 2 Bucuresti", "org/primaria-sector-2"),
        ("Babes-Bolyai", "org/ubb"),
        ("Romania", "country/ro"),
        # typos
        ("Timsoara", "city/timisoara"),
        ("Politehnca Bucuresti", "org/upb"),
        ("Universitatea Tehnica din Clj-Napoca", "org/utcn"),
    ],
)
def test_spelling_variants_find_the_entity(index, query, expected):
    hits = index.search(query)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].id == expected, [(h.id, h.score) for h in hits]


def test_case_and_diacritics_do_not_matter(index):
    forms = ["Timișoara", "Timişoara", "timisoara", "TIMISOARA", "Timisoara"]
    assert {index.search(form)[0].id for form in forms} == {"city/timisoara"}
    forms = ["Brașov", "Braşov", "brasov"]
    assert {index.search(form)[0].id for form in forms} == {"city/brasov"}


def test_a_whole_name_ranks_above_a_longer_name_that_contains_it(index):
    ids = [h.id for h in index.search("Municipiului Cluj-Napoca")]
    assert ids[:2] == ["city/cluj-napoca", "org/primaria-cluj-napoca"]
    assert [h.id for h in index.search("Timisoara")][0] == "city/timisoara"


def test_the_last_word_may_be_unfinished(index):
    assert index.search("Timi")[0].id == "city/timisoara"
    assert index.search("Politehn")[0].id == "org/upb"
    assert index.search("Universitatea Babe")[0].id == "org/ubb"


def test_types_restrict_the_hits(index):
    organisations = {h.id for h in index.search("Cluj", types={"Organisation"}, limit=None)}
    assert {"org/utcn", "org/primaria-cluj-napoca", "org/zona-metropolitana-cluj"} <= organisations
    assert "city/cluj-napoca" not in organisations
    assert {h.id for h in index.search("Cluj", types={"City"}, limit=None)} == {"city/cluj-napoca"}


def test_an_id_finds_its_entity_first(index):
    assert index.search("org/utcn")[0].id == "org/utcn"


def test_nothing_and_markup_find_nothing(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("<script>alert(1)</script>") == []
    assert index.search("Atlantis Xyzzy") == []


def test_a_very_long_query_is_refused_naming_the_parameter(index, built_store):
    with pytest.raises(InvalidParameterError) as raised:
        index.search("x" * 10_000)
    assert raised.value.parameter == "q"
    with pytest.raises(InvalidParameterError) as raised:
        search(built_store, "")
    assert raised.value.parameter == "q"
    assert len(index.search("a" * MAX_QUERY_CHARS)) == 0


@pytest.mark.parametrize(
    ("value", "types", "expected"),
    [
        ("org/utcn", None, "org/utcn"),
        ("https://w3id.org/citykg/org/utcn", None, "org/utcn"),
        ("UTCN", None, "org/utcn"),
        ("RO", {"Country"}, "country/ro"),
        ("România", {"Country"}, "country/ro"),
        ("URBACT", {"Programme"}, "programme/urbact"),
        ("Horizon 2020", {"Programme"}, "programme/horizon-2020"),
        ("Primăria Cluj-Napoca", {"Organisation", "City"}, "org/primaria-cluj-napoca"),
        # issue 19: names of every kind, for every entity parameter
        ("CO4CITIES", {"Project"}, "project/co4cities"),
        ("Cluj-Napoca", None, "city/cluj-napoca"),
        ("Clujului", {"City"}, "city/cluj-napoca"),  # inflected
        ("primaria cluj", None, "org/primaria-cluj-napoca"),  # unaccented, part of the name
        ("Cities Mission", {"Project", "Initiative"}, "initiative/cities-mission"),
    ],
)
def test_resolve_a_filter_value(index, value, types, expected):
    assert index.resolve(value, parameter="x", types=types).id == expected


@pytest.mark.parametrize(
    ("value", "types", "words"),
    [
        ("Atlantis", {"Country"}, "no country is called 'Atlantis'"),
        ("country/atlantis", {"Country"}, "no country with the id"),
        ("org/utcn", {"Country"}, "org/utcn is a University, not a country"),
        ("netzerocities", {"Project"}, "project/netzerocities-h2020"),  # two projects, once folded
        ("Cities Mission", {"Project"}, "initiative/cities-mission (Misiunea"),  # not CapaCITIES, quietly
        ("", {"Country"}, "give a country"),
    ],
)
def test_resolve_refuses_naming_the_parameter(index, value, types, words):
    with pytest.raises(InvalidParameterError) as raised:
        index.resolve(value, parameter="country", types=types, what="country" if "Country" in types else "project")
    assert raised.value.parameter == "country"
    assert words in str(raised.value)


def test_the_index_is_kept_per_build(built_store):
    assert label_index(built_store) is label_index(built_store)


def test_the_docstring_example_runs():
    assert doctest.testmod(entity_search).failed == 0


_KG = "https://w3id.org/citykg/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"


def _index(labels: dict[str, list[tuple[str, str]]]) -> LabelIndex:
    """An index of organisations with these (property, text) labels, written for the test."""
    rows = []
    for slug, names in labels.items():
        rows.append((_KG + "org/" + slug, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", _KG + "ontology#Organisation"))
        rows += [(_KG + "org/" + slug, _SKOS + prop if prop != "acronym" else _KG + "ontology#acronym", text)
                 for prop, text in names]
    return LabelIndex.from_rows(rows)


def test_each_entity_is_shown_by_its_best_label():
    index = _index({
        # the same word as the query, as typed, beats the name that only contains it
        "typed": [("prefLabel", "Green Energy Agency"), ("altLabel", "Energy")],
        # folded to the query (case), it is exact but not as typed
        "folded": [("prefLabel", "Northern Grid Company"), ("altLabel", "ENERGY")],
        # two labels that score alike: the preferred name stands for it
        "preferred": [("prefLabel", "Energy Lab"), ("altLabel", "Energy Lab")],
        # two alternative labels that score alike: the shorter one
        "shorter": [("prefLabel", "Harbour Works"), ("altLabel", "Energy Wind Lab"), ("altLabel", "Energy Lab")],
    })
    hits = {h.id: h for h in index.search("Energy", limit=None)}
    assert (hits["org/typed"].label, hits["org/typed"].exact) == ("Energy", 2)
    assert (hits["org/folded"].label, hits["org/folded"].exact) == ("ENERGY", 1)
    assert (hits["org/preferred"].label, hits["org/preferred"].property) == ("Energy Lab", "prefLabel")
    assert hits["org/shorter"].label == "Energy Lab"
    # exact as typed, then exact once folded, then by score
    assert [h.id for h in index.search("Energy", limit=2)] == ["org/typed", "org/folded"]
    # candidates whose every label scores below the cutoff are no hits (and no error)
    assert index._score("qqqq", "qqqq", [0, 1], 1.0) == []


def test_a_word_in_more_names_than_are_scored_keeps_the_shortest():
    """Beyond MAX_CANDIDATES names with the word, the ones scored are the shortest: the name that
    is just the word is found even when it comes last in the index."""
    from citykg.entity_search import MAX_CANDIDATES

    index = _index({f"n{n:05d}": [("prefLabel", f"Energy Cooperative Works {n}")] for n in range(MAX_CANDIDATES + 500)}
                   | {"plain": [("prefLabel", "Energy")], "short": [("prefLabel", "Energy Hub")]})
    hits = index.search("energy", limit=3)
    assert [h.id for h in hits[:2]] == ["org/plain", "org/short"]
    assert len(index.search("energy", limit=None)) == MAX_CANDIDATES


def test_a_word_in_thousands_of_names_scores_each_by_its_own_label():
    index = _index({f"n{n:05d}": [("prefLabel", f"Energy {'Cooperative ' * (n % 3)}Works {n}")] for n in range(3000)}
                   | {"plain": [("prefLabel", "Energy")]})
    hits = index.search("energy", limit=None)
    assert len(hits) == 3001
    assert hits[0].id == "org/plain" and hits[0].exact == 1
    by_id = {h.id: h for h in hits}
    for n in (0, 1, 2, 2998):  # each is shown by its own name; a longer name of the same words scores no higher
        assert by_id[f"org/n{n:05d}"].label == f"Energy {'Cooperative ' * (n % 3)}Works {n}"
    assert by_id["org/n00000"].score >= by_id["org/n00001"].score >= by_id["org/n00002"].score


@pytest.mark.parametrize("value", ["NetZeroCities", "NetZeRoCities", "netzerocities"])
def test_a_name_two_projects_bear_up_to_case_is_ambiguous_and_lists_both(index, value):
    """Issue 19: ``NetZeroCities`` picked the H2020 project and ``NetZeRoCities`` the PNRR one, by
    the case of one letter, and nothing said which; now neither is picked and both are listed."""
    with pytest.raises(AmbiguousParameterError) as raised:
        index.resolve(value, parameter="project", types={"Project"}, what="project")
    assert {c["id"] for c in raised.value.candidates} == {"project/netzerocities-h2020", "project/netzerocities-pnrr"}
    assert all(c["name"] and c["type"] == "Project" for c in raised.value.candidates)


def test_an_unknown_name_lists_the_closest_names(index):
    with pytest.raises(InvalidParameterError) as raised:
        index.resolve("Politehnica Timisoara", parameter="near", types={"Organisation"}, what="organisation")
    assert "no organisation is called" in str(raised.value)
    assert not isinstance(raised.value, AmbiguousParameterError)
