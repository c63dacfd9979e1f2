"""The Cities Mission named in full, Romanian and English."""

from __future__ import annotations

from ingest.mission import mission_phrases


def phrases(text: str) -> list[str]:
    return [text[a:b] for a, b in mission_phrases(text)]


def test_romanian_wordings_in_every_case_and_without_diacritics() -> None:
    assert phrases("Proiectele Misiunii UE pentru orașe inteligente și neutre climatic până în "
                   "2030 și ale Misiunea orașelor neutre climatic; misiunea celor 100 de orase "
                   "neutre climatic") == [
        "Misiunii UE pentru orașe inteligente și neutre climatic până în 2030",
        "Misiunea orașelor neutre climatic", "misiunea celor 100 de orase neutre climatic"]


def test_quoted_name_keeps_its_quotes_and_english_word_orders() -> None:
    assert phrases("aderarea la Misiunii „Orașe inteligente și neutre climatic”. The Climate-"
                   "Neutral and Smart Cities Mission and the EU Mission on Climate-Neutral and "
                   "Smart Cities #MissionCities") == [
        "Misiunii „Orașe inteligente și neutre climatic”", "Climate-Neutral and Smart Cities Mission",
        "EU Mission on Climate-Neutral and Smart Cities", "MissionCities"]


def test_a_bare_mission_word_or_another_mission_is_not_the_cities_mission() -> None:
    assert phrases("Misiunea noastră este clară. The Mission on Soil Health.") == []
