"""Places from the shipped gazetteer: countries, Romanian localities and counties, European
cities, in their inflected and English forms, with the cues small places need."""

from __future__ import annotations

from ingest.gazetteer import propose_entities
from ingest.places import PLACES_PATH, Place, Places, find_places


def places(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.place.name, m.place.type) for m in find_places(text)]


def test_countries_in_romanian_and_english_get_the_romanian_name() -> None:
    assert places("Partenerii vin din Germania, Țările de Jos și Franța.") == [
        ("Germania", "Germania", "Country"), ("Țările de Jos", "Țările de Jos", "Country"),
        ("Franța", "Franța", "Country")]
    assert places("Teams from Germany and the Netherlands apply.") == [
        ("Germany", "Germania", "Country"), ("Netherlands", "Țările de Jos", "Country")]


def test_inflected_romanian_forms_find_the_nominative() -> None:
    text = "Strategia Clujului, parcurile Timișoarei, industria Germaniei, orașele Țărilor de Jos, " \
           "gara Sucevei, centrul Iașului, Sibiul vechi."
    assert [(t, n) for t, n, _ in places(text)] == [
        ("Clujului", "Cluj-Napoca"), ("Timișoarei", "Timișoara"), ("Germaniei", "Germania"),
        ("Țărilor de Jos", "Țările de Jos"), ("Sucevei", "Suceava"), ("Iașului", "Iași"),
        ("Sibiul", "Sibiu")]


def test_a_lookalike_word_is_not_an_inflection() -> None:
    """Stems of short words collide ("Cele" and "Celle"): only real case endings count."""
    assert places("Am vizitat, la Cele trei, orașul.") == []


def test_spellings_without_diacritics_cedilla_and_capitals() -> None:
    assert [n for _, n, _ in places("Timisoara, Bucureşti, BRAŞOV şi Alba-Iulia")] == \
        ["Timișoara", "București", "Brașov", "Alba Iulia"]


def test_headings_in_capitals_must_be_the_name_itself() -> None:
    assert places("PARTENERI ROMÂNI ÎN PROIECT") == []
    assert places("ROMÂNIA\nJUDEȚUL CLUJ") == [("ROMÂNIA", "România", "Country"),
                                              ("JUDEȚUL CLUJ", "Județul Cluj", "Region")]


def test_european_cities_in_romanian_and_english() -> None:
    assert places("Întâlnirea de la Viena, apoi Bruxelles.") == [
        ("Viena", "Viena", "City"), ("Bruxelles", "Bruxelles", "City")]
    assert places("The meeting in Vienna and Brussels.") == [
        ("Vienna", "Viena", "City"), ("Brussels", "Bruxelles", "City")]


def test_small_localities_need_a_place_cue() -> None:
    """A village named like a common word or a person is a place only after din / în / la."""
    assert places("Unirea celor două echipe a fost rapidă.") == []
    assert places("Școala din Unirea a primit fonduri.") == [("Unirea", "Unirea", "City")]


def test_a_foreign_city_first_in_a_sentence_needs_a_cue() -> None:
    assert places("Reading the call text is hard. We met in Reading.") == [
        ("Reading", "Reading", "City")]


def test_districts_regions_and_counties() -> None:
    assert places("Școlile din Sectorul 2, Regiunea Nord-Est și județul Suceava") == [
        ("Sectorul 2", "Sector 2", "CityDistrict"), ("Regiunea Nord-Est", "Regiunea Nord-Est", "Region"),
        ("Suceava", "Suceava", "City")]
    assert places("Județul Suceava") == [("Județul Suceava", "Județul Suceava", "Region")]


def test_place_names_become_proposals_unless_inside_an_organisation_name() -> None:
    proposed = [(p.name, p.type, p.text) for p in propose_entities(
        "Universitatea de Vest din Timișoara lucrează cu parteneri din Portugalia.")]
    assert ("Portugalia", "Country", "Portugalia") in proposed
    assert not any(name == "Timișoara" for name, _, _ in proposed)


def test_every_romanian_county_and_the_gazetteer_size() -> None:
    rows = [line.split("\t") for line in PLACES_PATH.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    counties = {r[0] for r in rows if r[1] == "Region" and r[0].startswith("Județul ")}
    assert len(counties) == 41
    assert sum(1 for r in rows if r[1] == "City" and r[2] == "RO") > 7000
    assert sum(1 for r in rows if r[1] == "Country") > 200


def test_a_name_shared_by_several_places_is_the_biggest() -> None:
    """Many villages share a name; a name is read as the most populous place that has it."""
    index = Places([(Place("Suceava", "City", "RO", 84308), ["Suceava"]),
                    (Place("Suceava", "City", "RO", 900), ["Suceava"])])
    assert index.find("în Suceava")[0].place.population == 84308
