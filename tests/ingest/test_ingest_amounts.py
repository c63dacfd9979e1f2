"""Money amounts: Romanian and English number styles, scales, currencies, hedges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.amounts import find_amounts


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("un grant de 6 milioane de euro pentru", "6000000", "EUR"),
        ("suma de 500.000 euro", "500000", "EUR"),
        ("bugetul este 1.5 milioane euro.", "1500000", "EUR"),
        ("bugetul este 1,5 milioane euro", "1500000", "EUR"),
        ("alocă 360 milioane EUR pentru", "360000000", "EUR"),
        ("un total de 50 de milioane de euro", "50000000", "EUR"),
        ("un buget de aprox. 90 mil. EUR", "90000000", "EUR"),
        ("costă €2,5 mil. în total", "2500000", "EUR"),
        ("primește 4.000.000 lei", "4000000", "RON"),
        ("peste 2 mld. euro", "2000000000", "EUR"),
        ("doar 750 mii euro", "750000", "EUR"),
        ("a grant of EUR 3.2 million", "3200000", "EUR"),
        ("taxa de 12.500,50 lei", "12500.50", "RON"),
        ("peste 1 milion de euro", "1000000", "EUR"),
        ("valoare de 250 000 euro", "250000", "EUR"),
        ("a budget of $1,200,000", "1200000", "USD"),
        ("costs 2 million USD", "2000000", "USD"),
        ("contribuie cu 3 MEUR", "3000000", "EUR"),
        ("suma de 1.234.567,89 RON", "1234567.89", "RON"),
    ],
)
def test_amount_values(text: str, value: str, currency: str) -> None:
    [amount] = find_amounts(text)
    assert amount.value == Decimal(value)
    assert amount.currency == currency
    assert text[amount.start:amount.end] == amount.text


def test_text_is_the_amount_as_written() -> None:
    [amount] = find_amounts("Proiectul are o finanțare de 6 milioane de euro, în total.")
    assert amount.text == "6 milioane de euro"
    assert not amount.approximate and amount.bound is None


@pytest.mark.parametrize(
    ("text", "approximate", "bound", "qualifier"),
    [
        ("aprox. 90 mil. EUR", True, None, "aprox."),
        ("circa 10.000 euro", True, None, "circa"),
        ("peste 1 milion de euro", True, "lower", "peste"),
        ("de peste 300 mii lei", True, "lower", "peste"),
        ("până la 200.000 euro", False, "upper", "până la"),
        ("alocarea maximă de 500.000 euro", False, "upper", "maximă de"),
        ("approximately EUR 4 million", True, None, "approximately"),
    ],
)
def test_hedges(text: str, approximate: bool, bound: str | None, qualifier: str) -> None:
    [amount] = find_amounts(text)
    assert (amount.approximate, amount.bound, amount.qualifier) == (approximate, bound, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "au fost depuse 377 aplicații",
        "reducere cu 55% până în 2030",
        "în anul 2023 și în perioada 2021-2027",
        "telefon 0264 401 200 sau +40 722 123 456",
        "grant agreement n°101036519",
        "100 de orașe neutre climatic",
        "Sectorul 2 și cele 13 orașe",
        "Eurostat și europeni",
    ],
)
def test_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


def test_several_amounts_in_order() -> None:
    text = "Din bugetul de 2,4 milioane de euro, orașul primește 310.000 euro și 1.000.000 lei."
    values = [(a.value, a.currency) for a in find_amounts(text)]
    assert values == [(Decimal(2400000), "EUR"), (Decimal(310000), "EUR"), (Decimal(1000000), "RON")]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_and_spans_are_consistent(text: str) -> None:
    for amount in find_amounts(text):
        assert 0 <= amount.start < amount.end <= len(text)
        assert text[amount.start:amount.end] == amount.text
        assert amount.currency in ("EUR", "RON", "USD")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["6", "500.000", "1,5", "milioane", "mil.", "de", "euro", "EUR",
                                 "lei", "€", "peste", "aprox.", "2023", "%", "12.500,50", " "]),
                max_size=12).map(" ".join))
def test_amount_like_text_never_crashes(text: str) -> None:
    for amount in find_amounts(text):
        assert amount.value >= 0
