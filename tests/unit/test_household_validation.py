"""backend/households/validation: the member/household checks shared by REST, CSV and sync
never raise for bad data (issue 8: an invalid sex next to a CCCD used to raise)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.households.validation import clean_household, clean_id, clean_member
from sync.text import TEXT_LIMITS

TODAY = date(2026, 12, 6)
GOOD: dict[str, Any] = {"full_name": "Giàng A Páo", "relationship": "chu_ho",
                        "date_of_birth": "1990-05-12", "sex": "male", "cccd": "012090123456",
                        "ethnicity": "Mông"}


def fields_of(issues: list[dict[str, str]]) -> dict[str, str]:
    return {i["field"]: i["code"] for i in issues}


def test_good_member_is_clean() -> None:
    clean, issues = clean_member(dict(GOOD), TODAY)
    assert issues == [] and clean["date_of_birth"] == date(1990, 5, 12)


@pytest.mark.parametrize("sex", ["F", "", 0, ["male"], {"x": 1}, True])
def test_invalid_sex_next_to_a_cccd_is_an_issue_not_an_exception(sex: Any) -> None:
    _, issues = clean_member(dict(GOOD, sex=sex), TODAY)
    assert fields_of(issues) == {"sex": "bad_sex"}


@pytest.mark.parametrize("dob", ["2015-W01-1", "20150101", "1990-02-30", 19900512, [1990]])
def test_dates_are_yyyy_mm_dd_only(dob: Any) -> None:
    _, issues = clean_member(dict(GOOD, date_of_birth=dob), TODAY)
    assert fields_of(issues)["date_of_birth"] == "bad_date"


@pytest.mark.parametrize("field", ["full_name", "ethnicity", "notes", "phone", "cccd"])
def test_control_characters_are_refused_in_every_member_text(field: str) -> None:
    _, issues = clean_member(dict(GOOD, **{field: "Mông\u0000"}), TODAY)
    assert fields_of(issues)[field] == "control_char"


def test_ethnicity_limit_is_the_shared_one() -> None:
    limit = TEXT_LIMITS["member.ethnicity"]
    assert clean_member(dict(GOOD, ethnicity="M" * limit), TODAY)[1] == []
    _, issues = clean_member(dict(GOOD, ethnicity="M" * (limit + 1)), TODAY)
    assert fields_of(issues) == {"ethnicity": "too_long"}


def test_household_text() -> None:
    clean, issues = clean_household({"address": "  Bản   Nậm ", "notes": "a\n\tb"})
    assert issues == [] and clean == {"address": "Bản Nậm", "notes": "a\n\tb"}
    _, issues = clean_household({"address": "Bản\u0085", "notes": 5})
    assert fields_of(issues) == {"address": "control_char", "notes": "wrong_type"}
    assert clean_household({"notes": "x"}, partial=True) == ({"notes": "x"}, [])


def test_ids_with_control_characters_are_not_looked_up() -> None:
    assert clean_id("00000000-0000-4000-8000-0000000000a1") is not None
    assert clean_id("a\u0000") is None and clean_id(5) is None and clean_id("x" * 65) is None
