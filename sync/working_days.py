"""Working-day arithmetic for legal deadlines (SPEC §WD). Pure: holidays are parameters.

A working day is Monday–Friday that is not in ``holidays``, plus any date in ``workdays``
(Saturdays the government designates as make-up working days, "làm bù"). ``workdays`` wins
over ``holidays`` if a date is in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone

from sync.errors import WorkingDaysError

VN_TZ = timezone(timedelta(hours=7))
"""Vietnam time (UTC+7, no daylight saving)."""
CUTOFF = time(16, 0)
"""Receipts at or after 16:00 local time count from the next working day (WD3)."""
MAX_DAYS = 3660

_ONE = timedelta(days=1)
_EMPTY: frozenset[date] = frozenset()


def is_working_day(d: date, holidays: frozenset[date], workdays: frozenset[date] = _EMPTY) -> bool:
    if d in workdays:
        return True
    return d.weekday() < 5 and d not in holidays


def next_working_day(
    d: date, holidays: frozenset[date], workdays: frozenset[date] = _EMPTY
) -> date:
    """The first working day strictly after ``d``."""
    d += _ONE
    while not is_working_day(d, holidays, workdays):
        d += _ONE
    return d


def _check_days(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise WorkingDaysError(
            f"Số ngày làm việc phải từ 0 đến {MAX_DAYS} / days must be 0..{MAX_DAYS}: {days!r}",
            code="bad_days",
        )


def add_working_days(
    start: date, days: int, holidays: frozenset[date], workdays: frozenset[date] = _EMPTY
) -> date:
    """The ``days``-th working day strictly after ``start`` (WD2); ``start`` itself is never
    counted and ``days == 0`` returns ``start``. Raises ``bad_days`` outside 0..3660.
    """
    _check_days(days)
    d = start
    for _ in range(days):
        d = next_working_day(d, holidays, workdays)
    return d


def local_time(received_at: datetime) -> datetime:
    """``received_at`` as naive Vietnam local time: aware values are converted to UTC+7,
    naive values are taken to be Vietnam local time already.
    """
    if received_at.tzinfo is None:
        return received_at
    return received_at.astimezone(VN_TZ).replace(tzinfo=None)


def receipt_day(
    received_at: datetime, holidays: frozenset[date], workdays: frozenset[date] = _EMPTY
) -> date:
    """The day the dossier counts as received (WD3): the local date if it is a working day
    and the local time is before 16:00, otherwise the next working day.
    """
    local = local_time(received_at)
    d = local.date()
    if is_working_day(d, holidays, workdays) and local.time() < CUTOFF:
        return d
    return next_working_day(d, holidays, workdays)


def _pause_days(
    pauses: Iterable[tuple[datetime, datetime | None]],
) -> list[tuple[date, date | None]]:
    spans: list[tuple[date, date | None]] = []
    for start, end in pauses:
        s = local_time(start).date()
        e = None if end is None else local_time(end).date()
        if end is not None and local_time(end) < local_time(start):
            raise WorkingDaysError(
                "Khoảng tạm dừng kết thúc trước khi bắt đầu / pause ends before it starts",
                code="bad_pause",
            )
        spans.append((s, e))
    return spans


def deadline_with_pauses(
    received_at: datetime,
    days: int,
    pauses: Sequence[tuple[datetime, datetime | None]],
    holidays: frozenset[date],
    workdays: frozenset[date] = _EMPTY,
) -> date | None:
    """Last day of a ``days``-working-day deadline with supplement pauses (WD4).

    Counting starts after :func:`receipt_day`. A pause ``(start, end)`` (the dossier entered
    ``supplement_requested`` at ``start`` and left it at ``end``) removes every day ``D`` with
    ``date(start) < D <= date(end)`` from the count: the request day still counts, the day the
    supplement arrives does not. ``end = None`` is a pause still open: if the count has not
    finished before it begins the deadline is unknown and ``None`` is returned.
    """
    _check_days(days)
    spans = _pause_days(pauses)
    d = receipt_day(received_at, holidays, workdays)
    remaining = days
    while remaining > 0:
        d = next_working_day(d, holidays, workdays)
        paused = False
        for s, e in spans:
            if s < d and (e is None or d <= e):
                if e is None:
                    return None
                paused = True
        if not paused:
            remaining -= 1
    return d


def elapsed_working_days(
    received_at: datetime,
    today: date,
    pauses: Sequence[tuple[datetime, datetime | None]],
    holidays: frozenset[date],
    workdays: frozenset[date] = _EMPTY,
) -> int:
    """WD5: the working days counted against the deadline from the day after
    :func:`receipt_day` up to and including ``today``, without the days WD4 pauses (an open
    pause pauses every day after it begins). 0 when ``today`` is not after the receipt day."""
    spans = _pause_days(pauses)
    d = receipt_day(received_at, holidays, workdays)
    count = 0
    while True:
        d = next_working_day(d, holidays, workdays)
        if d > today:
            return count
        if not any(s < d and (e is None or d <= e) for s, e in spans):
            count += 1
