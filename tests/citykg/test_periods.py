"""The period a date value denotes, at each precision the documents write dates in."""

from __future__ import annotations

from datetime import date

import pytest

from citykg.periods import Period, period_of


@pytest.mark.parametrize("lexical,datatype,expected", [
    ("2021", "gYear", Period(date(2021, 1, 1), date(2021, 12, 31), "year")),
    ("2023-07", "gYearMonth", Period(date(2023, 7, 1), date(2023, 7, 31), "month")),
    ("2024-02", "gYearMonth", Period(date(2024, 2, 1), date(2024, 2, 29), "month")),  # leap year
    ("2023-02", "gYearMonth", Period(date(2023, 2, 1), date(2023, 2, 28), "month")),
    ("2022-12-29", "date", Period(date(2022, 12, 29), date(2022, 12, 29), "day")),
    ("2023-01-19T14:00:00+01:00", "dateTime", Period(date(2023, 1, 19), date(2023, 1, 19), "time")),
])
def test_period_of_each_precision(lexical, datatype, expected):
    assert period_of(lexical, datatype) == expected


@pytest.mark.parametrize("lexical,datatype", [("2023-13", "gYearMonth"), ("soon", "date"), ("2021", "string")])
def test_what_is_not_a_date_has_no_period(lexical, datatype):
    assert period_of(lexical, datatype) is None
