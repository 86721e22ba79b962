"""Household and member changes through the REST API, and CSV import.

Each change bumps the entity's `version` so offline clients can merge against it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from backend.access.scope import get_visible
from backend.changelog.changes import record_rest_change
from backend.db.models import Household, Member, Village
from backend.households import queries
from backend.households.validation import clean_household, clean_id, clean_member, valid_uuid
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError
from sync.identity import search_key


def _invalid(issues: list[dict[str, str]], prefix: str = "") -> AppError:
    fields = ", ".join(sorted({prefix + i["field"] for i in issues}))
    return AppError(
        "invalid_fields",
        f"Thông tin chưa hợp lệ: {fields}. " + " ".join(i["message_vi"] for i in issues),
        f"Invalid fields: {fields}.",
        422,
        errors=[{**i, "field": prefix + i["field"]} for i in issues],
    )


# Path and body ids go through `clean_id` first: PostgreSQL refuses NUL even in a lookup.
def visible_village(session: Session, principal: Principal, village_id: str) -> Village:
    return get_visible(session, principal, Village, clean_id(village_id), "thôn/bản", "Village")


def visible_household(session: Session, principal: Principal, household_id: str) -> Household:
    return get_visible(session, principal, Household, clean_id(household_id), "hộ gia đình",
                       "Household")


def visible_member(session: Session, principal: Principal, member_id: str) -> Member:
    return get_visible(session, principal, Member, clean_id(member_id), "nhân khẩu", "Member")


def _new_id(client_id: str | None, what: str) -> str:
    if client_id is None:
        return new_id()
    if not valid_uuid(client_id):
        raise AppError(
            "bad_id", f"Mã {what} phải là UUID viết thường.", f"{what} id must be a lowercase UUID."
        )
    return client_id


def refresh_search_key(session: Session, household: Household) -> None:
    members = queries.members_of(session, [household.id])[household.id]
    household.search_key = queries.household_search_key(household, members)


def create_household(
    session: Session, principal: Principal, data: dict[str, Any], now: datetime
) -> Household:
    village = visible_village(session, principal, data["village_id"])
    hid = _new_id(data.get("id"), "hộ")
    if session.get(Household, hid) is not None:
        raise AppError("already_exists", "Hộ gia đình đã tồn tại.", "Household exists.", 409)
    text, issues = clean_household(data)
    if issues:
        raise _invalid(issues)
    household = Household(
        id=hid,
        village_id=village.id,
        commune_id=village.commune_id,
        address=text["address"],
        notes=text["notes"],
        created_at=now,
        updated_at=now,
    )
    session.add(household)
    session.flush()
    members = data.get("members") or []
    heads = [m for m in members if m.get("relationship") == "chu_ho"]
    if members and len(heads) != 1:
        raise AppError(
            "one_head_required",
            "Mỗi hộ phải có đúng một chủ hộ.",
            "A household needs exactly one head.",
            422,
        )
    for index, m in enumerate(members):
        member = _build_member(session, household, m, now, prefix=f"members[{index}].")
        if member.relationship == "chu_ho":
            household.head_member_id = member.id
    refresh_search_key(session, household)
    _record(session, principal, now, household, *queries.members_of(session, [hid])[hid])
    session.commit()
    return household


def _build_member(
    session: Session, household: Household, fields: dict[str, Any], now: datetime, prefix: str = ""
) -> Member:
    clean, issues = clean_member(fields, now.date())
    if issues:
        raise _invalid(issues, prefix)
    mid = _new_id(fields.get("id"), "nhân khẩu")
    if session.get(Member, mid) is not None:
        raise AppError("already_exists", "Nhân khẩu đã tồn tại.", "Member exists.", 409)
    member = Member(
        id=mid,
        household_id=household.id,
        village_id=household.village_id,
        commune_id=household.commune_id,
        search_key=search_key(clean["full_name"]),
        created_at=now,
        updated_at=now,
        **clean,
    )
    session.add(member)
    session.flush()
    return member


def add_member(
    session: Session, principal: Principal, household_id: str, fields: dict[str, Any], now: datetime
) -> Member:
    household = visible_household(session, principal, household_id)
    member = _build_member(session, household, fields, now)
    if member.relationship == "chu_ho":
        if household.head_member_id:
            raise AppError(
                "head_exists", "Hộ đã có chủ hộ.", "The household already has a head.", 409
            )
        household.head_member_id = member.id
    household.version += 1
    household.updated_at = now
    refresh_search_key(session, household)
    _record(session, principal, now, member, household)
    session.commit()
    return member


def update_member(
    session: Session, principal: Principal, member_id: str, patch: dict[str, Any], now: datetime
) -> Member:
    member = visible_member(session, principal, member_id)
    current = member.model_dump()
    merged = {**current, **patch}
    clean, issues = clean_member(merged, now.date())
    issues = [i for i in issues if i["field"] in patch or i["field"] == "cccd"]
    if issues:
        raise _invalid(issues)
    for key in patch:
        setattr(member, key, clean[key])
    if "full_name" in patch:
        member.search_key = search_key(member.full_name)
    member.version += 1
    member.updated_at = now
    household = session.get(Household, member.household_id)
    assert household is not None
    refresh_search_key(session, household)
    _record(session, principal, now, member)
    session.commit()
    return member


def update_household(
    session: Session, principal: Principal, household_id: str, patch: dict[str, Any], now: datetime
) -> Household:
    household = visible_household(session, principal, household_id)
    text, issues = clean_household(patch, partial=True)
    if issues:
        raise _invalid(issues)
    for name, value in text.items():
        setattr(household, name, value)
    if "head_member_id" in patch:
        head_id = clean_id(patch["head_member_id"])
        head = session.get(Member, head_id) if head_id is not None else None
        if head is None or head.household_id != household.id:
            raise AppError(
                "bad_head", "Chủ hộ phải là nhân khẩu của hộ.", "Head must be a member.", 422
            )
        household.head_member_id = head.id
    household.version += 1
    household.updated_at = now
    refresh_search_key(session, household)
    _record(session, principal, now, household)
    session.commit()
    return household


def _record(session: Session, principal: Principal, now: datetime, *rows: Household | Member) -> None:
    # Sync: store the new versions and announce them to pulls (last step before commit).
    for row in rows:
        entity = "household" if isinstance(row, Household) else "member"
        record_rest_change(session, entity, row, principal.user_id, now)


def head_names(session: Session, households: list[Household]) -> dict[str, str]:
    ids = [h.head_member_id for h in households if h.head_member_id]
    if not ids:
        return {}
    rows = session.exec(select(Member.id, Member.full_name).where(col(Member.id).in_(ids)))
    return {mid: name for mid, name in rows}
