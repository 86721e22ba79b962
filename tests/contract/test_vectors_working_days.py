"""Runs sync/vectors/working_days.json against the Python core."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from sync.errors import WorkingDaysError
from sync.working_days import (
    add_working_days,
    deadline_with_pauses,
    elapsed_working_days,
    receipt_day,
)

from .conftest import case_ids, load_vectors

CASES = load_vectors("working_days")


def _dates(items: list[str]) -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in items)


def _run(case: dict[str, Any]) -> str | int | None:
    hol, work = _dates(case["holidays"]), _dates(case["workdays"])
    op = case["op"]
    if op == "add_working_days":
        start = date.fromisoformat(case["start"])
        return add_working_days(start, case["days"], hol, work).isoformat()
    received = datetime.fromisoformat(case["received_at"])
    if op == "receipt_day":
        return receipt_day(received, hol, work).isoformat()
    pauses = [
        (datetime.fromisoformat(s), None if e is None else datetime.fromisoformat(e))
        for s, e in case["pauses"]
    ]
    if op == "elapsed":
        return elapsed_working_days(received, date.fromisoformat(case["today"]), pauses,
                                    hol, work)
    result = deadline_with_pauses(received, case["days"], pauses, hol, work)
    return None if result is None else result.isoformat()


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_working_days_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(WorkingDaysError) as info:
            _run(case)
        assert info.value.code == case["error"]
    else:
        assert _run(case) == case["expected"]
