"""5xx the fuzzer may find that other branches of issue 8 are fixing. Each rule excuses one
known cause, in exactly its own shape, so that the lead can delete it after merging that
branch; an excused answer is still printed. Everything else must be below 500.

- issue 8, item 2 (branch `poison`): a member with an invalid `sex` and a CCCD raises an
  unhandled error in households validation → 500 on the three REST routes that take members.
- issue 8, item 2 (branch `poison`): a NUL character in text cannot be stored by PostgreSQL
  → 500 on any route that writes the text.
(The database-locking 500s of item 1, branch `crowd`, need concurrent writers; the fuzzer
sends one request at a time and has never hit them, so no rule excuses them.)
"""

from __future__ import annotations

import json
from typing import Any

MEMBER_ROUTES = {
    ("POST", "/api/households"),
    ("POST", "/api/households/{household_id}/members"),
    ("PATCH", "/api/members/{member_id}"),
}
SEXES = ("male", "female")


def _members(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    found = [body] if "sex" in body else []
    members = body.get("members")
    if isinstance(members, list):
        found += [m for m in members if isinstance(m, dict)]
    return found


def _invalid_sex_with_cccd(case: Any) -> bool:
    if (case.operation.method.upper(), case.operation.path) not in MEMBER_ROUTES:
        return False
    return any(m.get("sex") not in (None, *SEXES) and m.get("cccd") for m in _members(case.body))


def _has_nul(case: Any) -> bool:
    parts = [case.body, case.query, case.path_parameters, case.headers]
    return any("\\u0000" in json.dumps(part, default=str) for part in parts if part)


def known_issue(case: Any, response: Any, database: str) -> str | None:
    """The name of the known cause of this 5xx, or None when it is not a known one."""
    reason = None
    if _invalid_sex_with_cccd(case):
        reason = "issue 8 item 2 (poison): invalid sex on a member with a CCCD"
    elif database == "postgres" and _has_nul(case):
        reason = "issue 8 item 2 (poison): NUL character in text on PostgreSQL"
    if reason:
        print(f"EXCUSED {response.status_code} {case.operation.label}: {reason}")
    return reason
