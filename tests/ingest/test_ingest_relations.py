"""Facts from text: each rule on invented text, and a few facts of the real documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.amounts import AmountMention
from ingest.dates import DateMention
from ingest.gazetteer import Gazetteer, GazetteerEntry, ProposedEntity
from ingest.normalise import normalise
from ingest.readers import read_document
from ingest.relations import Extraction, Fact, extract, node_key

SOURCES = Path(__file__).resolve().parents[3] / "shared" / "sources"

GAZETTEER = Gazetteer([
    GazetteerEntry("ex:interreg", "Programme", ["Interreg Europe"]),
    GazetteerEntry("ex:iasi", "City", ["Iași"]),
    GazetteerEntry("ex:ro", "Country", ["România", "RO"]),
])


def run(*lines: str, gazetteer: Gazetteer = GAZETTEER, year: int | None = None) -> Extraction:
    return extract(normalise(list(lines)), gazetteer, default_year=year)


def name(value) -> str:
    if isinstance(value, ProposedEntity):
        return value.name
    if isinstance(value, AmountMention):
        return f"{value.value} {value.currency}"
    if isinstance(value, DateMention):
        return value.iso
    return value if isinstance(value, str) else value.text


def triples(extraction: Extraction, prop: str | None = None) -> set[tuple[str, str, str]]:
    return {(name(f.subject), f.property, name(f.object)) for f in extraction.facts
            if prop is None or f.property == prop}


def only(extraction: Extraction, prop: str) -> Fact:
    [fact] = [f for f in extraction.facts if f.property == prop]
    return fact


PRESS = [
    "## Iașiul intră într-un proiect european despre cartiere verzi",
    "",
    "Universitatea Tehnică „Gheorghe Asachi” din Iași (TUIASI) - partener în proiectul "
    "„Green Blocks for Towns”, coordonat de Primăria Municipiului Iași.",
    "",
    "În data de 14 martie 2024 a fost semnat contractul de finanțare nr. 4521/2024 pentru "
    "proiectul „Green Blocks for Towns”, finanțat prin programul Interreg Europe. Consorțiul",
    "este coordonat de către Primăria Municipiului Iași – în calitate de partener lider și din el",
    "fac parte: Universitatea Alexandru Ioan Cuza din Iași, Asociația Orașe Verzi, Clusterul "
    "Energetic Moldova – CEM, Fundația Comunitară Iași.",
    "",
    "Valoarea totală a proiectului este de 2,4 milioane de euro, din care Universitatea "
    "Alexandru Ioan Cuza din Iași are alocarea de 310.000 euro.",
    "",
    "Perioada de implementare: 1 aprilie 2024 – 31 martie 2027",
]


@pytest.fixture(scope="module")
def press() -> Extraction:
    return run(*PRESS)


def test_main_subject_is_the_most_mentioned_project(press: Extraction) -> None:
    assert name(press.main_subject) == "Green Blocks for Towns"


def test_roles(press: Extraction) -> None:
    project = "Green Blocks for Towns"
    assert (project, "coordinator", "Primăria Municipiului Iași") in triples(press)
    assert (project, "leadPartner", "Primăria Municipiului Iași") in triples(press)
    partners = {o for s, p, o in triples(press, "partner") if s == project}
    assert partners == {"Universitatea Tehnică „Gheorghe Asachi” din Iași",
                        "Universitatea Alexandru Ioan Cuza din Iași", "Asociația Orașe Verzi",
                        "Clusterul Energetic Moldova", "Fundația Comunitară Iași"}


def test_facts_cite_their_lines(press: Extraction) -> None:
    partner = next(f for f in press.facts if f.property == "partner"
                   and name(f.object) == "Fundația Comunitară Iași")
    assert partner.lines == (6, 7)  # from the cue "din el / fac parte" to the name
    assert partner.rule == "role.din_el_fac_parte"
    coordinator = next(f for f in press.facts if f.rule == "role.coordonat_de")
    assert coordinator.lines[0] == 3


def test_money(press: Extraction) -> None:
    budget = only(press, "budget")
    assert (budget.object.value, budget.object.currency) == (Decimal(2400000), "EUR")
    assert budget.lines == (9, 9)
    allocation = only(press, "allocation")
    assert allocation.object.value == Decimal(310000)
    assert name(allocation.participant) == "Universitatea Alexandru Ioan Cuza din Iași"
    assert allocation.kind == "amount"


def test_dates_and_numbers(press: Extraction) -> None:
    signed = only(press, "signedDate")
    assert (signed.object.iso, signed.lines, signed.kind) == ("2024-03-14", (5, 5), "date")
    assert name(only(press, "startDate").object) == "2024-04-01"
    assert name(only(press, "endDate").object) == "2027-03-31"
    grant = only(press, "grantAgreement")
    assert (grant.object, grant.kind) == ("4521/2024", "value")


def test_funding_uses_the_gazetteer(press: Extraction) -> None:
    funded = only(press, "fundedBy")
    assert funded.object.iri == "ex:interreg"
    assert funded.rule == "fund.finantat_prin"
    assert funded.kind == "relation"


def test_subject_falls_back_to_the_main_project_with_less_confidence() -> None:
    extraction = run("Proiectul ALFA-CITY începe anul acesta.", "",
                     "Consorțiul este coordonat de Agenția de Dezvoltare Regională Nord-Est.")
    fact = only(extraction, "coordinator")
    assert name(fact.subject) == "ALFA-CITY"
    assert name(fact.object) == "Agenția de Dezvoltare Regională Nord-Est"
    assert fact.confidence < 0.9


def test_no_project_no_role() -> None:
    assert run("Evenimentul este coordonat de Asociația Tinerilor din Arad.").facts == []


def test_partner_list_with_bullets_and_lead_partner() -> None:
    extraction = run(
        "RETRO-FIT, pe scurt:", "Orașe partenere:", ">> Graz (Austria) – partener lider",
        ">> Iași (România)", ">> Porto (Portugalia)", "", "Perioada de implementare:",
        "3 mai 2021 – 2 iunie 2023", "", "Proiectul RETRO-FIT reabilitează clădiri.")
    assert ("RETRO-FIT", "leadPartner", "Graz") in triples(extraction)
    assert ("RETRO-FIT", "partner", "Iași") in triples(extraction)
    assert ("RETRO-FIT", "partner", "Porto") in triples(extraction)
    iasi = next(f for f in extraction.facts if name(f.object) == "Iași")
    assert iasi.object.iri == "ex:iasi"
    assert ("RETRO-FIT", "startDate", "2021-05-03") in triples(extraction)


def test_partners_after_in_parteneriat_cu_and_printre_care() -> None:
    extraction = run(
        "Proiectul SOLAR-RO este coordonat de Universitatea din Craiova (UCV) în parteneriat cu "
        "Institutul de Energie Sud (IES), Primăria Municipiului Craiova și cu 3 companii, printre "
        "care Lumina Verde SRL și Nova Grid.")
    partners = {o for _, _, o in triples(extraction, "partner")}
    assert partners == {"Institutul de Energie Sud", "Primăria Municipiului Craiova",
                        "Lumina Verde SRL", "Nova Grid"}
    assert ("SOLAR-RO", "coordinator", "Universitatea din Craiova") in triples(extraction)


def test_call_dates_budget_and_programme() -> None:
    extraction = run(
        "Primul apel de proiecte în cadrul Programului Orașe Reziliente a fost lansat și este",
        "deschis în perioada 15 noiembrie - 28 februarie 2025, ora 16.00 CET. Bugetul total",
        "dedicat acestui apel este de 12 milioane de euro.", "",
        "În apelul suplimentar Green Schools Facility (GSF), școlile pot aplica. Deadline: 3 iunie "
        "2025 (12:00 CEST)")
    first = "Primul apel de proiecte în cadrul Programului Orașe Reziliente"
    assert (first, "openingDate", "2024-11-15") in triples(extraction)
    assert (first, "deadline", "2025-02-28T16:00:00+01:00") in triples(extraction)
    assert (first, "budget", "12000000 EUR") in triples(extraction)
    assert (first, "partOfProgramme", "Orașe Reziliente") in triples(extraction)
    assert ("Green Schools Facility", "deadline", "2025-06-03T12:00:00+02:00") in triples(extraction)


def test_project_funded_under_a_call() -> None:
    extraction = run("A fost semnat contractul de finanțare a proiectului PNRR apelul Școli "
                     "Verzi Durabile, intitulat ECO-SCHOOL - Energy for Schools.")
    assert ("ECO-SCHOOL", "fundedUnderCall", "Școli Verzi Durabile") in triples(extraction)
    assert ("ECO-SCHOOL", "fundedBy", "PNRR") in triples(extraction)


def test_grant_agreement_in_english_acknowledgement() -> None:
    extraction = run("Proiectul NEXUS-TOWN are parteneri în 5 țări.", "",
                     "This project has received funding from the European Union’s Horizon Europe "
                     "research and innovation programme under grant agreement No 101099999.")
    assert ("NEXUS-TOWN", "grantAgreement", "101099999") in triples(extraction)


def test_mission_cities() -> None:
    extraction = run(
        "Primăria Municipiului Deva și Primăria Sectorului 6 București sunt selectate în Misiunea "
        "orașelor neutre climatic.", "",
        "4 orașe selectate: Arad, Zalău (Sălaj), Iași", "",
        "2 candidate: Vaslui, Galați")
    selected = {o for _, p, o in triples(extraction, "selectedCity")}
    assert selected == {"Municipiul Deva", "Sectorul 6 București", "Arad", "Zalău", "Iași"}
    candidates = {o for _, p, o in triples(extraction, "candidateCity")}
    assert candidates == {"Vaslui", "Galați"}
    fact = next(f for f in extraction.facts if f.property == "candidateCity")
    assert fact.subject.type == "Mission" and fact.lines == (5, 5)


def test_countries_after_cue() -> None:
    extraction = run("Proiectul LINK-EU reunește:", "", "8 țări partenere", "",
                     "RO, BG, GR, HU,", "PL, CZ, SK, SI", "", "Supporting countries", "",
                     "MD, UA")
    core = {o for _, _, o in triples(extraction, "coreCountry")}
    assert core == {"RO", "BG", "HU", "PL", "CZ", "SK", "SI"} | {"GR"}
    assert {o for _, _, o in triples(extraction, "supportingCountry")} == {"MD", "UA"}
    ro = next(f for f in extraction.facts if name(f.object) == "RO")
    assert ro.object.iri == "ex:ro"
    ua = next(f for f in extraction.facts if name(f.object) == "UA")
    assert ua.lines == (8, 10)  # from the cue to the code


def test_events_with_dates() -> None:
    extraction = run("Proiectul CARE-NET organizează întâlniri.", "",
                     ">> 12-13 octombrie 2023 – Cluj (România)",
                     ">> 5 decembrie 2023 – atelier online pentru parteneri", "",
                     "Primul atelier a avut loc pe 3 martie online.", year=2023)
    assert ("Cluj (România)", "startDate", "2023-10-12") in triples(extraction)
    assert ("Cluj (România)", "endDate", "2023-10-13") in triples(extraction)
    assert ("Cluj (România)", "location", "Cluj-Napoca") in triples(extraction)
    assert ("atelier online pentru parteneri", "startDate", "2023-12-05") in triples(extraction)
    assert ("Primul atelier", "startDate", "2023-03-03") in triples(extraction)


def test_a_proposed_entity_keeps_every_way_the_document_writes_it() -> None:
    """The Mission written in full and as "Misiunea" is one proposal with both as aliases."""
    extraction = run("Orașul Brăila a intrat în Misiunea UE pentru orașe neutre climatic.",
                     "Misiunea îi oferă sprijin tehnic.", gazetteer=Gazetteer([]))
    [mission] = [p for p in extraction.proposals if p.type == "Mission"]
    assert {mission.text, *mission.aliases} >= {"Misiunea UE pentru orașe neutre climatic", "Misiunea"}

def test_every_fact_is_well_formed(press: Extraction) -> None:
    for fact in press.facts:
        assert 0 <= fact.start < fact.end
        assert 1 <= fact.lines[0] <= fact.lines[1] <= len(PRESS)
        assert 0 < fact.confidence <= 1
        assert fact.rule
        assert node_key(fact.subject)
    assert press.proposals and all(isinstance(p, ProposedEntity) for p in press.proposals)


# --------------------------------------------------------------------------- real documents


def real(prefix: str) -> Extraction:
    [path] = SOURCES.glob(f"{prefix}_*.txt")
    return extract(normalise(read_document(path).lines), Gazetteer([]))


def fact_about(extraction: Extraction, prop: str, value: str) -> Fact:
    return next(f for f in extraction.facts if f.property == prop and name(f.object) == value)


def test_real_000_budget_and_allocation() -> None:
    extraction = real("000")
    budget = fact_about(extraction, "budget", "6000000 EUR")
    assert budget.lines == (11, 11)
    allocation = fact_about(extraction, "allocation", "500000 EUR")
    assert allocation.lines == (11, 11)
    assert name(allocation.participant).startswith("Universitatea Tehnică din Cluj")
    assert fact_about(extraction, "signedDate", "2022-12-29").lines == (9, 9)


def test_real_001_grant_and_coordinator() -> None:
    extraction = real("001")
    assert fact_about(extraction, "grantAgreement", "101036519").lines == (24, 24)
    assert fact_about(extraction, "budget", "1500000 EUR").lines == (10, 10)
    assert fact_about(extraction, "signedDate", "2023-06-19").lines == (12, 12)


def test_real_002_mission_funding_and_cities() -> None:
    extraction = real("002")
    funding = fact_about(extraction, "funding", "360000000 EUR")
    assert funding.lines == (42, 42) and funding.subject.type == "Mission"
    assert "Municipiul Cluj-Napoca" in {name(f.object) for f in extraction.facts
                                         if f.property == "selectedCity"}


def test_real_003_co4cities_period_and_call() -> None:
    extraction = real("003")
    start = fact_about(extraction, "startDate", "2021-06-01")
    end = fact_about(extraction, "endDate", "2022-09-19")
    assert name(start.subject) == name(end.subject) == "CO4CITIES"
    assert 101 <= start.lines[0] and start.lines[1] <= 102
    deadline = fact_about(extraction, "deadline", "2023-01-19T14:00:00+01:00")
    assert deadline.subject.type == "Call"
    assert fact_about(extraction, "budget", "50000000 EUR").subject.type == "Call"


def test_real_004_countries_and_grant() -> None:
    extraction = real("004")
    assert name(extraction.main_subject) == "CapaCITIES"
    assert fact_about(extraction, "coreCountry", "RO").lines[1] == 9
    assert fact_about(extraction, "supportingCountry", "UA").lines[1] == 14
    assert fact_about(extraction, "grantAgreement", "101056927").lines[1] == 432
    candidates = {name(f.object) for f in extraction.facts if f.property == "candidateCity"}
    assert {"Alba Iulia", "Tulcea", "Râmnicu Vâlcea"} <= candidates  # the place gazetteer spells it


def test_english_acknowledgement_and_roles() -> None:
    extraction = run(
        "The GREEN-LOOP project, led by the City of Oradea (lead partner) together with the "
        "University of Oradea, received EUR 2.1 million under grant agreement No 101123456. "
        "The project runs from 1 September 2023 to 31 August 2026.")
    assert ("GREEN-LOOP", "coordinator", "City of Oradea") in triples(extraction)
    assert ("GREEN-LOOP", "leadPartner", "City of Oradea") in triples(extraction)
    assert ("GREEN-LOOP", "partner", "University of Oradea") in triples(extraction)
    assert ("GREEN-LOOP", "funding", "2100000 EUR") in triples(extraction)
    assert ("GREEN-LOOP", "startDate", "2023-09-01") in triples(extraction)


def test_programme_name_with_its_adjective_and_project_budget() -> None:
    extraction = run("Municipiul Galați a semnat contractul pentru proiectul „Parcul Dunării”, "
                     "finanțat prin Programul Regional Sud-Est 2021-2027, cu o valoare totală de "
                     "9.500.000 lei.", "",
                     "Galați este unul dintre orașele candidate din România la Misiunea UE.")
    assert ("Parcul Dunării", "fundedBy", "Programul Regional Sud-Est 2021-2027") in triples(extraction)
    assert ("Parcul Dunării", "budget", "9500000 RON") in triples(extraction)
    assert ("Municipiul Galați", "selectedCity", "Galați") not in triples(extraction)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PRESS + [
    "Orașe partenere:", ">> Graz (Austria) – partener lider", "Deadline: 3 iunie 2025",
    "8 țări partenere", "RO, BG, HU", "Proiectul X-RAY are 4 parteneri.", "", "  ",
    "3 orașe selectate: Arad, Iași", "Primul apel a avut un buget de 5 mil. EUR."]), max_size=15))
def test_extract_never_crashes_and_cites_real_lines(lines: list[str]) -> None:
    extraction = run(*lines)
    for fact in extraction.facts:
        assert 1 <= fact.lines[0] <= fact.lines[1] <= max(1, len(lines))


# --------------------------------------------------------------------------- regressions


def test_bug_budget_goes_to_the_project_the_sentence_names() -> None:
    """"Scopul proiectului ..., cu o finanțare de 2 milioane" gave the budget to a call the
    gazetteer saw in "domeniul Orașelor Verzi și Reziliente" instead of the project."""
    gazetteer = Gazetteer([GazetteerEntry("ex:alfa", "Project", ["ALFA-CITY"]),
                           GazetteerEntry("ex:call", "Call", ["Orașe verzi și reziliente"])])
    extraction = run("Proiectul ALFA-CITY pornește în Arad.", "",
                     "Scopul proiectului este un centru în domeniul Orașelor Verzi și Reziliente, "
                     "cu o finanțare de 2 milioane de euro.", gazetteer=gazetteer)
    assert triples(extraction, "budget") == {("ALFA-CITY", "budget", "2000000 EUR")}
    extraction = run("Apelul Orașe verzi și reziliente este deschis.", "",
                     "Bugetul acestui apel este de 7 milioane de euro.", gazetteer=gazetteer)
    assert triples(extraction, "budget") == {("Orașe verzi și reziliente", "budget", "7000000 EUR")}


def test_bug_branch_after_a_dash_is_part_of_the_partner() -> None:
    """"Ordinul Arhitecților din România – Filiala Banat" lost its branch: every item was cut
    at " – ", which should only split off an acronym ("Clusterul Solar – CS")."""
    extraction = run("Proiectul ALFA-CITY este coordonat de Primăria Municipiului Arad și din el "
                     "fac parte: Ordinul Arhitecților din România – Filiala Banat, Clusterul Solar "
                     "– CS, Asociația Pădurea Verde – partener.")
    partners = {o for _, _, o in triples(extraction, "partner")}
    assert "Ordinul Arhitecților din România – Filiala Banat" in partners
    assert "Ordinul Arhitecților din România" not in partners
    assert "Clusterul Solar" in partners
    assert not any("–" in p for p in partners - {"Ordinul Arhitecților din România – Filiala Banat"})


def test_bug_partner_named_before_a_verb_and_alaturi_de() -> None:
    """"X a fost alături de Y în proiectul Z" lost X: only spaces or quotes were allowed
    between the name and the cue."""
    extraction = run("Asociația Verde a fost alături de Primăria Municipiului Arad în proiectul "
                     "ALFA-CITY.")
    assert {o for _, _, o in triples(extraction, "partner")} == \
        {"Asociația Verde", "Primăria Municipiului Arad"}
    assert run("Primăria a fost alături de cetățeni în fiecare an.").facts == []


def test_bug_city_with_sector_in_brackets_is_the_district() -> None:
    """"București (Sector 6)" in a list of selected cities gave the city București, not the
    district the text names."""
    extraction = run("2 orașe selectate: București (Sector 6), Iași")
    selected = {f.object for f in extraction.facts if f.property == "selectedCity"}
    assert {name(o) for o in selected} == {"Sectorul 6 București", "Iași"}
    district = next(o for o in selected if name(o) == "Sectorul 6 București")
    assert district.type == "CityDistrict"
    known = Gazetteer([GazetteerEntry("ex:s6", "CityDistrict", ["Sectorul 6 București"]),
                       GazetteerEntry("ex:buc", "City", ["București"])])
    extraction = run("2 orașe selectate: București (Sector 6), Iași", gazetteer=known)
    assert "ex:s6" in {f.object.iri for f in extraction.facts if f.property == "selectedCity"}
    assert "ex:buc" not in {f.object.iri for f in extraction.facts}


def test_bug_call_named_after_its_programme() -> None:
    """"apel suplimentar Era-Net Cofund Green Towns (ENGT) ... Deadline" gave the deadline to
    the programme, which was taken for the call."""
    extraction = run("În acest apel suplimentar Era-Net Cofund Green Towns (ENGT), primăriile pot "
                     "propune proiecte de parcuri. Deadline: 3 iunie 2025")
    assert ("apel suplimentar ENGT", "partOfProgramme", "Era-Net Cofund Green Towns") in \
        triples(extraction)
    assert triples(extraction, "deadline") == {("apel suplimentar ENGT", "deadline", "2025-06-03")}
    known = Gazetteer([GazetteerEntry("ex:horizon", "Programme", ["Horizon Europe"])])
    extraction = run("Apelul Horizon Europe (HE), pentru orașe, se închide la 5 mai 2025.",
                     gazetteer=known)
    [fact] = [f for f in extraction.facts if f.property == "partOfProgramme"]
    assert (name(fact.subject), fact.object.iri) == ("apel HE", "ex:horizon")
    assert {name(f.subject) for f in extraction.facts if f.property == "deadline"} == {"apel HE"}


def test_bug_ordinal_call_keeps_its_owner() -> None:
    """"Primul apel de proiecte în cadrul EUI a fost lansat" named the owner in the call's
    name but gave no partOfProgramme."""
    extraction = run("Al doilea apel de proiecte în cadrul AVR a fost lansat pe 4 mai 2024.")
    assert ("Al doilea apel de proiecte în cadrul AVR", "partOfProgramme", "AVR") in \
        triples(extraction)


def test_bug_programme_before_apelul_owns_the_call() -> None:
    """"proiectului PNRR apelul X" gave fundedBy and fundedUnderCall but not X partOfProgramme
    PNRR."""
    extraction = run("S-a semnat contractul de finanțare a proiectului POR apelul Parcuri Urbane "
                     "Verzi, intitulat PARC-NORD - Parcul de Nord.")
    assert ("Parcuri Urbane Verzi", "partOfProgramme", "POR") in triples(extraction)
    assert ("PARC-NORD", "fundedUnderCall", "Parcuri Urbane Verzi") in triples(extraction)


def test_bug_this_call_named_after_its_programme_is_the_known_call_before() -> None:
    """"În acest apel suplimentar X Cofund (XC)" after a heading naming a known call: the
    deadline and the programme belong to that call, not to a new one or to the programme."""
    known = Gazetteer([GazetteerEntry("ex:call", "Call", ["Parcuri pentru Toți"])])
    extraction = run("PARCURI PENTRU TOȚI", "",
                     "În acest apel suplimentar Era-Net Cofund Green Towns (ENGT), primăriile "
                     "propun parcuri.", "Deadline: 3 iunie 2025", gazetteer=known)
    [owner] = [f for f in extraction.facts if f.property == "partOfProgramme"]
    assert (owner.subject.iri, name(owner.object)) == ("ex:call", "Era-Net Cofund Green Towns")
    [deadline] = [f for f in extraction.facts if f.property == "deadline"]
    assert deadline.subject.iri == "ex:call"


def test_bug_programme_period_in_brackets() -> None:
    """"Programului Interreg Europe (2021 – 2027)" gave fundedBy only, no start and end."""
    extraction = run("Proiectul ALFA-CITY este finanțat în cadrul Programului Interreg Europe "
                     "(2021 – 2027).")
    assert ("Interreg Europe", "startDate", "2021") in triples(extraction)
    assert ("Interreg Europe", "endDate", "2027") in triples(extraction)
    extraction = run("Ghidul apare în cadrul Programului Orașe Deschise, programul național pentru "
                     "spații publice (2022-2026), cu parteneri din 3 județe.")
    assert ("Orașe Deschise", "startDate", "2022") in triples(extraction)
    assert ("Orașe Deschise", "endDate", "2026") in triples(extraction)
    extraction = run("Proiectul ALFA-CITY (2021 – 2023) este finanțat de Interreg Europe.")
    assert not triples(extraction, "startDate") - {("ALFA-CITY", "startDate", "2021")}


def test_bug_mission_cities_listed_in_brackets() -> None:
    """"3 dintre orașele Misiunii (Arad, Iași și Deva)" gave no selected city, and the
    lowercase "misiunea 100cities" was not taken for the Mission."""
    extraction = run("Delegații din 3 dintre orașele Misiunii (Arad, Iași și Deva) au vizitat parcul.")
    assert {o for _, _, o in triples(extraction, "selectedCity")} == {"Arad", "Iași", "Deva"}
    extraction = run("Orașul participă la misiunea *100cities*, iar 2 dintre orașele *100cities* "
                     "(Lyon și Oradea) găzduiesc conferința.")
    facts = [f for f in extraction.facts if f.property == "selectedCity"]
    assert {name(f.object) for f in facts} == {"Lyon", "Oradea"}
    assert all(f.subject.type == "Mission" for f in facts)
    assert run("2 dintre orașele Misiunii (Arad, Iași și Deva) au semnat.").facts == []
    assert run("3 dintre orașele județului (Arad, Iași și Deva) au semnat.").facts == []


def test_bug_event_named_after_its_frame_gets_the_date() -> None:
    """"Proiectul „Parcul Verde” a fost prezentat în data de 3 martie 2024, în cadrul
    dezbaterii publice „Arad 2030”" gave no event: dates were read only after "a avut loc"."""
    extraction = run("Proiectul „Parcul Verde” a fost prezentat în data de 3 martie 2024, în "
                     "cadrul dezbaterii publice „Arad 2030”.")
    assert triples(extraction, "startDate") == {("Arad 2030", "startDate", "2024-03-03")}
    assert run("Proiectul „Parcul Verde” a fost prezentat în data de 3 martie 2024 primarului "
               "„Arad 2030”.").facts == []


def test_bug_events_laid_out_as_slides() -> None:
    """Under "Next events", a title, a description and a date alone on a line gave nothing."""
    gap = ["", ""]  # slides: paragraphs apart by two blank lines
    extraction = run("Evenimentele următoare", *gap, "Atelier de mobilitate urbană pentru primării",
                     *gap, "Discuții despre piste de biciclete. Studii de caz din trei orașe.",
                     *gap, "14 mai 2024", *gap, "Webinar despre acoperișuri verzi", *gap,
                     "Iulie 2024", *gap, "Proiectul continuă cu o conferință finală.")
    assert ("Atelier de mobilitate urbană pentru primării", "startDate", "2024-05-14") in \
        triples(extraction)
    assert ("Webinar despre acoperișuri verzi", "startDate", "2024-07") in triples(extraction)
    assert len(triples(extraction, "startDate")) == 2
    # a dateline under a document title is not an event
    assert run("## Parcul Verde se deschide", "", "14 mai 2024", "",
               "Primăria a deschis parcul.").facts == []


def test_bug_event_title_keeps_the_quote_it_closes() -> None:
    """A slide title ending in a quoted part lost its closing quote with the punctuation."""
    gap = ["", ""]
    extraction = run("Upcoming events", *gap, "Forumul „Orașe care respiră”", *gap, "3 iunie 2024")
    assert triples(extraction, "startDate") == {("Forumul „Orașe care respiră”", "startDate",
                                                 "2024-06-03")}


def test_a_denied_or_planned_relation_is_not_a_fact():
    said = run("Proiectul SOLVERDE este coordonat de Universitatea din Iași.")
    assert ("SOLVERDE", "coordinator", "Universitatea din Iași") in triples(said)
    denied = run("Proiectul SOLVERDE nu este coordonat de Universitatea din Iași.")
    assert not triples(denied, "coordinator")
    planned = run("Proiectul SOLVERDE va fi coordonat de Universitatea din Iași.")
    assert not triples(planned, "coordinator")
