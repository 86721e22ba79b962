"""Runs sync/vectors/records.json against the Python core (SPEC-records §REC) and checks that
the REST/sync adapter and the CSV import take their rules from it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.households import csv_import
from backend.households.validation import clean_member
from sync.records import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    RELATIONSHIPS,
    check_household,
    check_member,
    max_length,
)
from sync.text import TEXT_LIMITS

from .conftest import case_ids, load_vectors

CASES = load_vectors("records")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_records_vector(case: dict[str, Any]) -> None:
    if case["op"] == "schema":
        got: object = {"member": [dict(f) for f in MEMBER_FIELDS],
                       "household": [dict(f) for f in HOUSEHOLD_FIELDS]}
    elif case["op"] == "check_member":
        clean, issues = check_member(case["fields"], case["today"], case["partial"])
        got = {"clean": clean, "issues": issues}
    else:
        assert case["op"] == "check_household"
        clean, issues = check_household(case["fields"], case["partial"])
        got = {"clean": clean, "issues": issues}
    assert got == case["expected"]


def test_the_rest_adapter_gives_the_core_verdict_with_dates() -> None:
    case = next(c for c in CASES if c["comment"].startswith("date of birth tomorrow"))
    fields = {**case["fields"], "date_of_birth": date.fromisoformat(case["fields"]["date_of_birth"])}
    _, issues = clean_member(fields, date.fromisoformat(case["today"]))
    assert issues == case["expected"]["issues"]


def test_csv_import_takes_codes_and_limits_from_the_core() -> None:
    assert csv_import.RELATIONSHIP_CODES == RELATIONSHIPS
    assert csv_import.MAX_LENGTHS["ethnicity"] == max_length(MEMBER_FIELDS, "ethnicity") == 40
    assert csv_import.MAX_LENGTHS["address"] == TEXT_LIMITS["household.address"]
