"""Dates, date ranges, precision and vagueness."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.dates import DateMention, DateRange, find_dates


def single(text: str, **kwargs) -> DateMention:
    [found] = find_dates(text, **kwargs)
    assert isinstance(found, DateMention)
    assert text[found.start:found.end] == found.text
    return found


def one_range(text: str, **kwargs) -> DateRange:
    [found] = find_dates(text, **kwargs)
    assert isinstance(found, DateRange)
    return found


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("semnat pe 20 iunie 2023 la Iași", "2023-06-20", "day"),
        ("Conferința din 3 Martie 2024", "2024-03-03", "day"),
        ("ședința din 7 DECEMBRIE 2022", "2022-12-07", "day"),
        ("pe 15 septembrie, 2021 a fost", "2021-09-15", "day"),
        ("termen 1 febr. 2025", "2025-02-01", "day"),
        ("din 12 sept. 2022", "2022-09-12", "day"),
        ("pe 5 noiembrie 2020", "2020-11-05", "day"),
        ("data 14.02.2024 și", "2024-02-14", "day"),
        ("data 2024-02-14 și", "2024-02-14", "day"),
        ("on June 1, 2023 the call", "2023-06-01", "day"),
        ("on 3rd October 2022", "2022-10-03", "day"),
        ("lansat în august 2022 de", "2022-08", "month"),
        ("Sesiunea de Iune 2024", "2024-06", "month"),
        ("raport ian. 2023", "2023-01", "month"),
        ("până în 2030 orașele", "2030", "year"),
        ("pe 15 mai 2023 și mai mult", "2023-05-15", "day"),
    ],
)
def test_single_dates(text: str, iso: str, precision: str) -> None:
    found = single(text)
    assert (found.iso, found.precision, found.partial) == (iso, precision, False)


def test_time_of_day_with_timezone() -> None:
    found = single("Deadline: 25 aprilie 2023 (14:00 CET)")
    assert found.precision == "datetime"
    assert found.iso == "2023-04-25T14:00:00+01:00"
    assert found.text == "25 aprilie 2023 (14:00 CET)"
    found = single("până la 3 martie 2024, ora 17.00 EET")
    assert found.iso == "2024-03-03T17:00:00+02:00"


@pytest.mark.parametrize(
    ("text", "iso", "qualifier"),
    [
        ("la finalul anului 2022 un proiect", "2022", "end"),
        ("la începutul anului 2025", "2025", "start"),
        ("se va lansa în toamna 2023.", "2023", "autumn"),
        ("în primăvara anului 2026", "2026", "spring"),
        ("în trimestrul III 2024", "2024", "Q3"),
        ("by the end of 2027", "2027", "end"),
    ],
)
def test_vague_years(text: str, iso: str, qualifier: str) -> None:
    found = single(text)
    assert (found.iso, found.precision, found.vague, found.qualifier) == (iso, "year", True, qualifier)


def test_vague_month_without_year() -> None:
    found = single("a avut loc la sfârșitul lunii martie și")
    assert (found.iso, found.precision, found.vague, found.qualifier, found.partial) == \
        ("--03", "month", True, "end", True)
    assert found.value is None
    found = single("a avut loc la sfârșitul lunii martie și", default_year=2024)
    assert found.value == date(2024, 3, 1) and found.iso == "2024-03" and found.partial


def test_day_without_year_is_partial() -> None:
    found = single("webinarul a avut loc pe 20 martie online")
    assert (found.value, found.iso, found.partial) == (None, "--03-20", True)
    found = single("webinarul a avut loc pe 20 martie online", default_year=2023)
    assert (found.value, found.iso, found.partial) == (date(2023, 3, 20), "2023-03-20", True)


def test_full_range() -> None:
    found = one_range("Perioada de implementare: 1 iunie 2021 – 19 septembrie 2022")
    assert (found.start.iso, found.end.iso) == ("2021-06-01", "2022-09-19")
    assert found.text == "1 iunie 2021 – 19 septembrie 2022"


def test_range_start_year_inferred_from_end() -> None:
    found = one_range("deschis în perioada 10 octombrie - 19 ianuarie 2023, ora 14.00 CET.")
    assert found.start.iso == "2022-10-10"
    assert found.end.iso == "2023-01-19T14:00:00+01:00"
    assert not found.start.partial
    found = one_range("între 3 martie - 20 mai 2024")
    assert found.start.iso == "2024-03-03"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("pe 6-7 decembrie 2022 la Viena", "2022-12-06", "2022-12-07"),
        ("29-30 noiembrie 2022 – Sofia", "2022-11-29", "2022-11-30"),
        ("în perioada 2021-2022 au fost", "2021", "2022"),
        ("perioada 2022-2023", "2022", "2023"),
        ("în perioada 2017-2020 de", "2017", "2020"),
        ("programul 2021 – 2027 al UE", "2021", "2027"),
        ("din martie 2022 până în mai 2023", "2022-03", "2023-05"),
        ("între 01.03.2024 - 30.06.2024", "2024-03-01", "2024-06-30"),
    ],
)
def test_ranges(text: str, start: str, end: str) -> None:
    found = one_range(text)
    assert (found.start.iso, found.end.iso) == (start, end)
    assert found.span == (found.start.start, found.end.end)


def test_range_without_any_year() -> None:
    found = one_range("între 10 octombrie - 19 ianuarie")
    assert found.start.partial and found.end.partial
    assert found.start.value is None
    found = one_range("între 10 octombrie - 19 ianuarie", default_year=2024)
    assert (found.start.iso, found.end.iso) == ("2023-10-10", "2024-01-19")


@pytest.mark.parametrize(
    "text",
    [
        "o finanțare de 4.000.000 lei și 12.500,50 euro",
        "grant agreement no 101056927",
        "100 de orașe și 377 aplicații",
        "finanțat prin Horizon 2020",
        "peste 2000 de participanți",
        "sursa: https://exemplu.eu/call_2022/",
        "mai multe orașe, mai mult decât în mai",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_dates_in_order_with_several_kinds() -> None:
    text = "Semnat la 29 decembrie 2022, lansat în august 2023, încheiat la finalul anului 2024."
    isos = [d.iso for d in find_dates(text)]
    assert isos == ["2022-12-29", "2023-08", "2024"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes(text: str) -> None:
    for found in find_dates(text, default_year=2023):
        start, end = found.span
        assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "31", "29", "februarie", "mai", "Iune", "2023", "-", "–",
                                 "ora", "14.00", "CET", "(", ")", "perioada", "finalul",
                                 "anului", "toamna", "lunii", "martie", "12.05.2024", "de"]),
                max_size=14).map(" ".join))
def test_date_like_text_never_crashes(text: str) -> None:
    for found in find_dates(text):
        parts = [found.start, found.end] if isinstance(found, DateRange) else [found]
        for part in parts:
            assert text[part.start:part.end] == part.text
            assert part.precision in ("day", "month", "year", "datetime")
