"""Finding known entities (inflection, case, acronyms, typos) and proposing new ones."""

from __future__ import annotations

import random

import pytest

from ingest.gazetteer import Gazetteer, GazetteerEntry, propose_entities
from ingest.mission import MISSION_NAME

ENTRIES = [
    GazetteerEntry("ex:tuiasi", "University",
                   ["Universitatea Tehnică „Gheorghe Asachi” din Iași", "TUIASI"]),
    GazetteerEntry("ex:uvt", "University", ["Universitatea de Vest din Timișoara", "UVT"]),
    GazetteerEntry("ex:iasi", "City", ["Municipiul Iași", "Iași"]),
    GazetteerEntry("ex:iasi-hall", "CityHall", ["Primăria Municipiului Iași"]),
    GazetteerEntry("ex:roman", "City", ["Roman"]),
    GazetteerEntry("ex:mdlpa", "Ministry",
                   ["Ministerul Dezvoltării, Lucrărilor Publice și Administrației", "MDLPA"]),
    GazetteerEntry("ex:greenway", "Project", ["GreenWay", "GreenWay Mobility Pilots"]),
    GazetteerEntry("ex:horizon", "Programme", ["Orizont Europa", "Horizon Europe"]),
    GazetteerEntry("ex:ro", "Country", ["România", "RO"]),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(ENTRIES)


def found(gazetteer: Gazetteer, text: str) -> list[tuple[str | None, str, str]]:
    return [(m.iri, m.text, m.how) for m in gazetteer.find(text)]


def test_exact_and_folded(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Universitatea de Vest din Timișoara organizează") == \
        [("ex:uvt", "Universitatea de Vest din Timișoara", "exact")]
    assert found(gazetteer, "la UNIVERSITATEA DE VEST DIN TIMISOARA") == \
        [("ex:uvt", "UNIVERSITATEA DE VEST DIN TIMISOARA", "folded")]


def test_inflected_forms(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "studenții Universității de Vest din Timișoara") == \
        [("ex:uvt", "Universității de Vest din Timișoara", "inflected")]
    assert found(gazetteer, "proiectul Primăriei Municipiului Iași este") == \
        [("ex:iasi-hall", "Primăriei Municipiului Iași", "inflected")]
    assert found(gazetteer, "bugetul Municipiului Iași crește") == \
        [("ex:iasi", "Municipiului Iași", "inflected")]
    assert found(gazetteer, "finanțare de la Ministerului Dezvoltării, Lucrărilor Publice și "
                            "Administrației")[0][0] == "ex:mdlpa"


def test_quotes_inside_a_name_do_not_matter(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "la Universitatea Tehnică Gheorghe Asachi din Iași")[0][:2] == \
        ("ex:tuiasi", "Universitatea Tehnică Gheorghe Asachi din Iași")


def test_longest_match_wins_and_mentions_do_not_overlap(gazetteer: Gazetteer) -> None:
    result = found(gazetteer, "Primăria Municipiului Iași și Municipiul Iași")
    assert result == [("ex:iasi-hall", "Primăria Municipiului Iași", "exact"),
                      ("ex:iasi", "Municipiul Iași", "exact")]


def test_acronyms_are_case_sensitive_whole_words(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "TUIASI și UVT, iar UVT-ul crește") == [
        ("ex:tuiasi", "TUIASI", "acronym"), ("ex:uvt", "UVT", "acronym"), ("ex:uvt", "UVT", "acronym")]
    assert found(gazetteer, "tuiasi și uvt sau UVTX") == []
    assert found(gazetteer, "membri din RO și din România")[0] == ("ex:ro", "RO", "acronym")


def test_capitalised_names_need_capitals(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "un roman polițist") == []
    assert found(gazetteer, "orașul Roman are") == [("ex:roman", "Roman", "exact")]
    assert found(gazetteer, "în România") == [("ex:ro", "România", "exact")]


def test_mixed_case_names_keep_their_case(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "proiectul GreenWay pornește") == [("ex:greenway", "GreenWay", "exact")]
    assert found(gazetteer, "a greenway along the river, a Greenway") == []


def test_names_do_not_run_across_commas_or_paragraphs(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Orizont, Europa") == []
    assert found(gazetteer, "Orizont\n\nEuropa") == []


def test_fuzzy_only_for_long_names(gazetteer: Gazetteer) -> None:
    [mention] = gazetteer.find("la Universitatea de Vest din Timisoraa anul acesta")
    assert (mention.iri, mention.how) == ("ex:uvt", "fuzzy")
    assert mention.score < 0.85
    assert found(gazetteer, "orașul Romn și TUIASl") == []


def test_ambiguous_name_has_no_iri() -> None:
    gazetteer = Gazetteer([GazetteerEntry("ex:a", "City", ["Victoria"]),
                           GazetteerEntry("ex:b", "City", ["Victoria"])])
    [mention] = gazetteer.find("orașul Victoria")
    assert mention.iri is None
    assert set(mention.candidates) == {"ex:a", "ex:b"}


def test_lookup_of_a_whole_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Universității de Vest din Timișoara").iri == "ex:uvt"
    assert gazetteer.lookup("Universitatea de Vest") is None


def test_finds_the_right_entity_among_100_000() -> None:
    """Correct at the size of CORDIS's organisations (speed is measured in benchmarks/)."""
    rng = random.Random(7)
    syllables = ["ra", "mo", "ti", "lu", "ca", "ne", "vi", "sa", "po", "de", "ri", "na"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()

    heads = ["Universitatea", "Primăria Municipiului", "Asociația", "Institutul", "Agenția"]
    entries = [GazetteerEntry(f"ex:{i}", "Organisation", [f"{rng.choice(heads)} {word()} {word()}"])
               for i in range(100_000)]
    entries.append(ENTRIES[1])
    gazetteer = Gazetteer(entries)
    text = ("Universitatea de Vest din Timișoara și Asociația locală, împreună cu Institutul "
            "de cercetare și Primăria Municipiului, semnează. ") * 200
    mentions = gazetteer.find(text)
    assert sum(m.iri == "ex:uvt" for m in mentions) == 200


# --------------------------------------------------------------------------- proposals


def proposals(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(p.name, p.type, p.acronym) for p in propose_entities(text)]


def test_acronym_in_brackets_after_a_name() -> None:
    assert proposals("proiect realizat cu Centrul Regional de Studii Urbane (CRSU), care") == [
        ("Centrul Regional de Studii Urbane", "Organisation", "CRSU")]
    assert proposals("un Plan de Mobilitate Urbană Durabilă (PMUD) nou") == [
        ("Plan de Mobilitate Urbană Durabilă", None, "PMUD")]


def test_acronym_must_fit_the_name() -> None:
    assert proposals("vorbim de Orașele Verzi Unite (XYZ) azi") == []


def test_head_words_give_type_and_nominative_name() -> None:
    text = ("Rectorul Universității Tehnice din Iași și reprezentanții Primăriei Municipiului "
            "Brăila au semnat cu Ministerului Investițiilor și Proiectelor Europene un acord.")
    assert proposals(text) == [
        ("Universitatea Tehnică din Iași", "University", None),
        ("Primăria Municipiului Brăila", "CityHall", None),
        ("Ministerul Investițiilor și Proiectelor Europene", "Ministry", None),
    ]


def test_feminine_genitive_adjectives_return_to_nominative() -> None:
    assert proposals("experții Agenției Naționale pentru Locuințe vin")[0][:2] == \
        ("Agenția Națională pentru Locuințe", "Agency")
    assert proposals("sediul Asociației Europene a Orașelor Verzi este")[0][0] == \
        "Asociația Europeană a Orașelor Verzi"


def test_name_stops_at_comma_verb_and_lowercase_words() -> None:
    assert proposals("Universitatea de Vest din Timișoara, alături de Fundația Comunitară "
                     "Timiș organizează")[:2] == [
        ("Universitatea de Vest din Timișoara", "University", None),
        ("Fundația Comunitară Timiș", "NGO", None)]
    assert proposals("Universitatea Tehnică are 9 proiecte") == [
        ("Universitatea Tehnică", "University", None)]
    assert proposals("Primăria și partenerii ei") == []


def test_two_names_joined_by_and_stay_two() -> None:
    assert [p[0] for p in proposals("Consiliul Județean Cluj și Consiliul Local Dej")] == [
        "Consiliul Județean Cluj", "Consiliul Local Dej"]


def test_commas_continue_a_list_of_genitives() -> None:
    assert proposals("cu sprijinul Ministerului Cercetării, Inovării și Digitalizării.") == [
        ("Ministerul Cercetării, Inovării și Digitalizării", "Ministry", None)]


def test_quoted_part_of_a_name() -> None:
    assert proposals("la Universitatea „Lucian Blaga” din Sibiu (ULBS) a") == [
        ("Universitatea „Lucian Blaga” din Sibiu", "University", "ULBS")]


def test_types_of_other_heads() -> None:
    text = ("Clusterul Regional de Energie, Camera de Comerț Bihor, Federația Asociațiilor "
            "Locale, Ordinul Arhitecților Banat, Institutul de Geografie, Centrul de Cercetare "
            "Urbană, Consiliul Județean Alba, Municipiul Turda, Sectorul 4.")
    assert [p.type for p in propose_entities(text)] == [
        "Cluster", "ProfessionalBody", "Association", "ProfessionalBody", "ResearchInstitute",
        "ResearchInstitute", "PublicAuthority", "City", "CityDistrict"]


def test_company_forms() -> None:
    assert proposals("furnizor: Electrica Furnizare SA și Verde Construct S.R.L. din Arad") == [
        ("Electrica Furnizare SA", "Company", None), ("Verde Construct S.R.L.", "Company", None),
        ("Arad", "City", None)]


def test_gazetteer_filters_known_proposals(gazetteer: Gazetteer) -> None:
    text = "Universitatea de Vest din Timișoara și Universitatea Babeș-Bolyai din Cluj-Napoca."
    assert [p.name for p in gazetteer.propose_entities(text)] == [
        "Universitatea Babeș-Bolyai din Cluj-Napoca"]
    assert [p.name for p in gazetteer.propose_entities("Universității de Vest din Timișoara")] == []


def test_bug_inflected_title_case_phrase_is_not_a_sentence_case_name() -> None:
    """A call labelled "Orașe verzi și reziliente" was found in the ordinary phrase "în
    domeniul Orașelor Verzi și Reziliente" (inflected and recapitalised at once)."""
    gazetteer = Gazetteer([GazetteerEntry("ex:call", "Call", ["Orașe verzi și reziliente"])])
    assert found(gazetteer, "un centru în domeniul Orașelor Verzi și Reziliente") == []
    assert found(gazetteer, "apelul Orașe verzi și reziliente")[0][0] == "ex:call"
    assert found(gazetteer, "apelul Orașe Verzi și Reziliente")[0][0] == "ex:call"
    assert found(gazetteer, "câștigătorii apelului Orașelor verzi și reziliente")[0][0] == "ex:call"


def test_bug_quoted_part_of_a_name_matches_the_unquoted_label() -> None:
    """lookup('Universitatea "Babeș-Bolyai"') found nothing: the mention stopped before the
    closing quote, so it was not the whole name."""
    gazetteer = Gazetteer([GazetteerEntry("ex:ubb", "University", ["Universitatea Babeș-Bolyai"])])
    for written in ('Universitatea "Babeș-Bolyai"', "Universitatea „Babeș-Bolyai”",
                    "„Universitatea Babeș-Bolyai”"):
        assert gazetteer.lookup(written) is not None and gazetteer.lookup(written).iri == "ex:ubb"
    assert found(gazetteer, "la Universitatea „Babeș-Bolyai” din oraș")[0][:2] == \
        ("ex:ubb", "Universitatea „Babeș-Bolyai”")


def test_heads_of_public_bodies_and_networks_in_the_genitive() -> None:
    text = ("Sprijinul Comisiei Europene și al Uniunii Europene ajunge prin Autoritatea Națională "
            "de Reglementare, iar Rețeaua Orașelor Reci are membri noi.")
    assert [(p.name, p.type) for p in propose_entities(text)] == [
        ("Comisia Europeană", "PublicAuthority"), ("Uniunea Europeană", "Association"),
        ("Autoritatea Națională de Reglementare", "PublicAuthority"),
        ("Rețeaua Orașelor Reci", "Network")]


def test_foreign_heads_with_their_own_connectors() -> None:
    text = ("Parteneri: Instituto de Estudos Urbanos do Douro; Gemeente Westerhaven; Comune di "
            "Montalto; Fundación Ciudad Fresca; Hochschule Nordheim für Technik.")
    assert [(p.name, p.type) for p in propose_entities(text)] == [
        ("Instituto de Estudos Urbanos do Douro", "ResearchInstitute"),
        ("Gemeente Westerhaven", "CityHall"), ("Comune di Montalto", "CityHall"),
        ("Fundación Ciudad Fresca", "NGO"), ("Hochschule Nordheim für Technik", "University")]


def test_names_whose_head_comes_last() -> None:
    text = ("Led by Sector 4 City Hall with Nordby kommune, the Baltic Clean Streets Network and "
            "the European Commission. A European Partnership pays; the Agency decides.")
    assert [(p.name, p.type) for p in propose_entities(text)] == [
        ("Sector 4 City Hall", "CityHall"), ("Nordby kommune", "CityHall"),
        ("Baltic Clean Streets Network", "Network"), ("European Commission", "PublicAuthority")]


def test_english_ministry_names_a_list_of_fields_but_not_a_list_of_cities() -> None:
    assert proposals("funded by the Ministry of Energy, Transport and Housing and the City of "
                     "Brăila, Galați and Tulcea.")[:2] == [
        ("Ministry of Energy, Transport and Housing", "Ministry", None), ("City of Brăila", "City", None)]


def test_european_company_forms_and_no_number_before_the_name() -> None:
    assert [p.name for p in propose_entities(
        "sume: 95 000 Termo Nord SRL; Fjellby Kraft AS; Stadtwerk\nOstheim GmbH; ALFA DATE SA")] == [
        "Termo Nord SRL", "Fjellby Kraft AS", "Stadtwerk Ostheim GmbH", "ALFA DATE SA"]


def test_name_stops_at_field_label_second_number_and_document_word() -> None:
    assert [p.name for p in propose_entities(
        "Operator: Ministerul Apelor Promotor (coordonator): Primăria Sectorului 3 12 mai 2024 "
        "CONSILIUL LOCAL AL MUNICIPIULUI DEJ HOTĂRÂRE privind")] == [
        "Ministerul Apelor", "Primăria Sectorului 3", "CONSILIUL LOCAL AL MUNICIPIULUI DEJ"]


def test_genitive_list_after_comma_and_a() -> None:
    assert proposals("Unitatea Executivă pentru Finanțarea Școlilor, a Cercetării și Inovării "
                     "(UEFSCI) anunță")[0] == (
        "Unitatea Executivă pentru Finanțarea Școlilor, a Cercetării și Inovării", "Agency", "UEFSCI")


def test_a_name_in_capitals_ends_where_the_capitals_end() -> None:
    assert proposals("Coordinated by UNIVERSITATEA DIN NORDHEIM Germany Net EU contribution")[0] == \
        ("UNIVERSITATEA DIN NORDHEIM", "University", None)


def test_a_place_head_goes_on_only_into_a_genitive_head() -> None:
    assert [p.name for p in propose_entities(
        "Sectorul 4 al Municipiului București și Municipiul Turda în Adunarea Generală")] == [
        "Sectorul 4 al Municipiului București", "Municipiul Turda"]


def test_bare_acronyms_written_twice_or_named_in_brackets() -> None:
    text = ("Agenția Locală de Energie (ALE) lucrează cu ALE și cu CNCS. CNCS finanțează. "
            "Costul: 500 EUR, adică EUR 500. Programul IV. Apelul DUT 2024 și DUT 2025.")
    assert [(p.name, p.rule) for p in propose_entities(text) if p.type is None] == [
        ("ALE", "propose.bare_acronym"), ("CNCS", "propose.bare_acronym"),
        ("CNCS", "propose.bare_acronym")]


def test_capitals_of_a_heading_are_not_acronyms() -> None:
    assert propose_entities("BUGET INDICATIV TOTAL\nBUGET INDICATIV TOTAL\nDetalii") == []


def test_regional_development_agency_by_its_acronym() -> None:
    assert [(p.name, p.type, p.text) for p in propose_entities(
        "Apelul lansat de ADR Sud-Est, împreună cu ADR CENTRU.")] == [
        ("Agenția pentru Dezvoltare Regională Sud-Est", "Agency", "ADR Sud-Est"),
        ("Agenția pentru Dezvoltare Regională Centru", "Agency", "ADR CENTRU")]


def test_the_mission_in_any_wording_is_one_entity() -> None:
    text = ("Orașul vrea în Misiunea celor 100 de orașe neutre climatic; a aderat la Misiunii UE "
            "privind orașele inteligente și neutre climatic. The EU Mission for Climate-Neutral and "
            "Smart Cities. #CitiesMission")
    found = [(p.name, p.type, p.text) for p in propose_entities(text) if p.type == "Mission"]
    assert {name for name, _, _ in found} == {MISSION_NAME}
    assert [t for _, _, t in found] == [
        "Misiunea celor 100 de orașe neutre climatic",
        "Misiunii UE privind orașele inteligente și neutre climatic",
        "EU Mission for Climate-Neutral and Smart Cities", "CitiesMission"]


def test_a_name_that_runs_into_the_missions_name_takes_all_of_it() -> None:
    assert [(p.name, p.type) for p in propose_entities(
        "Orașul a primit Eticheta Misiunii UE pentru orașe neutre climatic, iar Hub-ului "
        "Național al Misiunii „Orașe neutre climatic” i se alătură.")] == [
        ("Eticheta Misiunii UE pentru orașe neutre climatic", "Initiative"),
        ("Hub-ul Național al Misiunii „Orașe neutre climatic”", "Hub")]


def test_events_and_funds_by_head_without_where_they_are_held() -> None:
    assert [(p.name, p.type) for p in propose_entities(
        "Participanții Conferinței Naționale „Apa în Oraș” din Brăila și Forumul Urban Nord, "
        "finanțate prin Fondul Social European.")] == [
        ("Conferința Națională „Apa în Oraș”", "Event"), ("Brăila", "City"),
        ("Forumul Urban Nord", "Event"), ("Fondul Social European", "Programme")]


def test_quoted_names_run_through_commas_and_end_at_the_closing_quote() -> None:
    assert [p.name for p in propose_entities(
        "Atelierul „Orașe calde, orașe reci” Brăila și Universitatea „Ion Ionescu” din Iași.")] == [
        "Atelierul „Orașe calde, orașe reci”", "Brăila", "Universitatea „Ion Ionescu” din Iași"]


def test_foreign_names_do_not_take_romanian_connectors() -> None:
    assert [p.name for p in propose_entities(
        "Partener: Hochschule Nordheim für Technik din Germania")] == [
        "Hochschule Nordheim für Technik", "Germania"]


def test_a_generic_head_before_a_code_name_gives_the_code_name_as_alias() -> None:
    [platform] = propose_entities("Datele sunt pe Platforma DateVerde din martie.")
    assert (platform.name, platform.aliases) == ("Platforma DateVerde", ("DateVerde",))


def test_funding_programmes_by_name_in_any_case_and_language() -> None:
    text = ("Proiectul, finanțat prin Programului Orizont Europa, apoi din Fondului European de "
            "Dezvoltare Regională și din Horizon Europe, nu din URBACT IV.")
    assert [(p.name, p.text) for p in propose_entities(text) if p.type == "Programme"] == [
        ("Orizont Europa", "Orizont Europa"),
        ("Fondul European de Dezvoltare Regională", "Fondului European de Dezvoltare Regională"),
        ("Orizont Europa", "Horizon Europe"), ("URBACT IV", "URBACT IV")]


def test_a_programme_the_graph_knows_is_not_proposed() -> None:
    known = Gazetteer([GazetteerEntry("ex:he", "Programme", ["Orizont Europa", "Horizon Europe"])])
    assert [p for p in known.propose_entities("Finanțare din Horizon Europe.") if p.type == "Programme"] == []


def test_mixed_case_made_names_but_not_common_tools() -> None:
    assert [(p.name, p.rule) for p in propose_entities(
        "Datele sunt pe DateVerde, rețeaua GreenLoop Nord le folosește; anunț pe LinkedIn "
        "și #CityLab.")] == [("DateVerde", "propose.camel_case"), ("GreenLoop Nord", "propose.camel_case")]


def test_a_company_name_does_not_take_the_full_stop_after_it() -> None:
    assert [p.text for p in propose_entities("Contract cu Termo Vest SRL. Apoi firma Alfa S.A. a semnat.")] == [
        "Termo Vest SRL", "Alfa S.A."]
