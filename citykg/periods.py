"""The span of days a date value denotes, so dates of mixed precision compare and subtract.

A year ``2021`` is 2021-01-01..2021-12-31, a month ``2023-07`` is 2023-07-01..2023-07-31, a day
is itself, a moment (``2023-01-19T14:00:00+01:00``) is its day in its own time zone.

>>> period_of("2024-02", "gYearMonth")
Period(start=datetime.date(2024, 2, 1), end=datetime.date(2024, 2, 29), precision='month')
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

PRECISIONS = {"gYear": "year", "gYearMonth": "month", "date": "day", "dateTime": "time"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    precision: str  # year | month | day | time


def period_of(lexical: str, datatype: str) -> Period | None:
    """The period of an ``xsd:gYear``, ``gYearMonth``, ``date`` or ``dateTime`` value (the local
    name of its datatype); None for any other datatype or a value that is not a date."""
    try:
        if datatype == "gYear":
            year = int(lexical[:4])
            return Period(date(year, 1, 1), date(year, 12, 31), "year")
        if datatype == "gYearMonth":
            year, month = int(lexical[:4]), int(lexical[5:7])
            return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")
        if datatype == "date":
            day = date.fromisoformat(lexical[:10])
            return Period(day, day, "day")
        if datatype == "dateTime":
            day = datetime.fromisoformat(lexical).date()
            return Period(day, day, "time")
    except ValueError:
        return None
    return None
