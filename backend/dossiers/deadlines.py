"""Legal deadlines in Vietnamese working days.

The rules live in `sync.working_days` (pure); this module supplies the calendar: public
holidays including Tết from the `holidays` package, the make-up Saturdays it knows
("làm bù"), and extra days off decreed later (LANGSO_EXTRA_HOLIDAYS, ISO dates).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import cache

import holidays

from sync.working_days import deadline_with_pauses


@cache
def calendar(
    first_year: int, last_year: int, extra: tuple[str, ...] = ()
) -> tuple[frozenset[date], frozenset[date]]:
    vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    days_off = set(vn.keys()) | {date.fromisoformat(d) for d in extra}
    workdays = frozenset(d for d in vn.weekend_workdays if first_year <= d.year <= last_year)
    return frozenset(days_off), workdays


def _extra() -> tuple[str, ...]:
    raw = os.environ.get("LANGSO_EXTRA_HOLIDAYS", "")
    return tuple(sorted(d.strip() for d in raw.split(",") if d.strip()))


def due_date(
    received_at: datetime, processing_days: int, pauses: list[tuple[datetime, datetime | None]]
) -> date | None:
    """The last day allowed; None while a supplement request is still open."""
    year = received_at.year
    days_off, workdays = calendar(year - 1, year + 3, _extra())
    return deadline_with_pauses(received_at, processing_days, pauses, days_off, workdays)
