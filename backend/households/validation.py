"""Household and member fields for the REST routes, CSV import and sync: the rules are the
pure core's (sync/records.py, SPEC-records §REC); this adapter only turns `date` values into
the core's ISO strings and back.

Returns cleaned values (NFC names, normalised phones) or a list of issues, each with a
field, a machine code and Vietnamese/English messages. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sync.records import MEMBER_STATUSES, RELATIONSHIPS, SEXES, Issue, issue, valid_uuid
from sync.records import check_household as _check_household
from sync.records import check_member as _check_member
from sync.text import text_issue

__all__ = ["MEMBER_STATUSES", "RELATIONSHIPS", "SEXES", "Issue", "bad_text", "clean_household",
           "clean_id", "clean_member", "issue", "valid_uuid"]


def bad_text(value: str, field: str, issues: list[Issue]) -> bool:
    """SPEC TXT1/TXT2 (sync/text.py): no control characters but tab and newline."""
    found = text_issue(value)
    if found is not None:
        issues.append(issue(field, found.code, found.message_vi, found.message_en))
    return found is not None


def clean_member(
    fields: dict[str, Any], today: date, partial: bool = False
) -> tuple[dict[str, Any], list[Issue]]:
    """Validate member fields (REC1–REC6). With `partial`, only the fields present are checked,
    except that CCCD consistency always uses the full record the caller merged in."""
    dob = fields.get("date_of_birth")
    if isinstance(dob, date):
        fields = {**fields, "date_of_birth": dob.isoformat()}
    out, issues = _check_member(fields, today.isoformat(), partial)
    if isinstance(out.get("date_of_birth"), str):
        out["date_of_birth"] = date.fromisoformat(out["date_of_birth"])
    return out, issues


def clean_household(
    fields: dict[str, Any], partial: bool = False
) -> tuple[dict[str, Any], list[Issue]]:
    """Validate household text fields (address, notes); with `partial` only those present."""
    return _check_household(fields, partial)


def clean_id(value: Any) -> str | None:
    """A path or body id usable in a lookup: text that obeys the text rule (PostgreSQL refuses
    NUL in a query parameter), else None (the caller answers "not found")."""
    if not isinstance(value, str) or len(value) > 64 or text_issue(value) is not None:
        return None
    return value
