"""Household and member mutations: create and update (merge per field, SPEC MRG)."""

from __future__ import annotations

from typing import Any

from backend.changelog.changes import changed_clocks
from backend.changelog.context import (
    Applied,
    Ctx,
    Reject,
    check_fields,
    forbidden,
    merge_extra,
    not_found,
    really_changed,
    record_merge_side_effects,
    three_way,
)
from backend.changelog.entities import RULES, WRITABLE, household_data, member_data
from backend.changelog.registry import Registration
from backend.db.models import Household, Member, Village
from backend.households.queries import household_search_key, members_of
from backend.households.validation import clean_household, clean_member
from sync.hlc import is_uuid
from sync.identity import search_key
from sync.mutations import Mutation


def _invalid(issues: list[dict[str, str]]) -> Reject:
    fields = ", ".join(sorted({i["field"] for i in issues}))
    return Reject("invalid_fields", f"Thông tin chưa hợp lệ: {fields}. "
                  + " ".join(i["message_vi"] for i in issues),
                  f"Invalid fields: {fields}.", errors=issues)


def _issue(field: str, vi: str, en: str) -> dict[str, str]:
    return {"field": field, "code": "invalid", "message_vi": vi, "message_en": en}


def _clean_household(values: dict[str, Any]) -> dict[str, Any]:
    text, issues = clean_household(values)
    head = values.get("head_member_id")
    if head is not None and not is_uuid(head):
        issues.append(_issue("head_member_id", "Mã chủ hộ phải là UUID.", "Head id: a uuid."))
    members = values.get("members")
    if members is not None and (not isinstance(members, list)
                                or not all(is_uuid(x) for x in members)):
        issues.append(_issue("members", "Danh sách nhân khẩu phải là các UUID.",
                             "members: a list of uuids."))
    if issues:
        raise _invalid(issues)
    return {"address": text["address"], "notes": text["notes"], "head_member_id": head,
            "members": sorted(set(members or []))}


def _visible(ctx: Ctx, village_id: str, commune_id: str) -> None:
    if not ctx.principal.can_see_village(village_id, commune_id):
        raise forbidden()


def _write(ctx: Ctx, entity: str, row: Any, data: dict[str, Any], clocks: dict[str, str]) -> None:
    assert ctx.mutation is not None
    ctx.versions.write(entity, row.id, row.version, data, clocks, (row.commune_id, row.village_id),
                       ctx.now, mutation_id=ctx.mutation.id, actor_id=ctx.principal.user_id)


def create_household(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, WRITABLE["household"])
    village_id = m.fields.get("village_id")
    village = ctx.get(Village, village_id) if isinstance(village_id, str) else None
    if village is None:
        raise not_found("thôn/bản", "Village")
    _visible(ctx, village.id, village.commune_id)
    if ctx.exists("household", m.entity_id):
        raise Reject("already_exists", "Hộ gia đình đã tồn tại.", "Household exists.")
    clean = _clean_household(m.fields)
    h = Household(id=m.entity_id, village_id=village.id, commune_id=village.commune_id,
                  address=clean["address"], notes=clean["notes"],
                  head_member_id=clean["head_member_id"], version=1,
                  created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(h)
    ctx.session.flush()
    ctx.created.add(("household", h.id))
    h.search_key = household_search_key(h, [])
    data = household_data(ctx.session, h, clean["members"])
    _write(ctx, "household", h, data, changed_clocks(None, data, m.hlc))
    return Applied("applied", 1)


def update_household(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, WRITABLE["household"])
    h = ctx.session.get(Household, m.entity_id, with_for_update=True)
    if h is None:
        raise not_found("hộ gia đình", "Household")
    _visible(ctx, h.village_id, h.commune_id)
    latest = ctx.versions.latest("household", h.id)
    current = household_data(ctx.session, h, latest.data.get("members") if latest else None)
    outcome, _ = three_way(ctx, m, "household", h.version, current, RULES["household"])
    if outcome.verdict == "rejected":
        raise Reject("server_field", "Không được thay đổi trường do máy chủ quản lý.",
                     f"Server-managed fields: {', '.join(outcome.rejected)}.")
    changed = really_changed(outcome, current)
    clean = _clean_household(outcome.values) if changed else {}
    if "head_member_id" in changed and clean["head_member_id"] is not None:
        head = ctx.session.get(Member, clean["head_member_id"])
        if head is not None and head.household_id != h.id:
            raise Reject("bad_head", "Chủ hộ phải là nhân khẩu của hộ.",
                         "The head must be a member of the household.")
    scope = (h.commune_id, h.village_id)
    conflicts = record_merge_side_effects(ctx, m, "household", outcome, scope)
    if changed:
        for name in ("address", "notes", "head_member_id"):
            if name in changed:
                setattr(h, name, clean[name])
        h.version += 1
        h.updated_at = ctx.now
        h.search_key = household_search_key(h, members_of(ctx.session, [h.id])[h.id])
        data = household_data(ctx.session, h, clean["members"])
        _write(ctx, "household", h, data, dict(outcome.clocks))
    return Applied(outcome.verdict, h.version, merge_extra(outcome, conflicts))


def _member_fields(values: dict[str, Any], today: Any, only: set[str] | None) -> dict[str, Any]:
    clean, issues = clean_member(dict(values), today)
    if only is not None:
        issues = [i for i in issues if i["field"] in only or i["field"] == "cccd"]
    if issues:
        raise _invalid(issues)
    return clean


def create_member(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, WRITABLE["member"])
    hid = m.fields.get("household_id")
    # No FOR UPDATE: the push locked the households of its member mutations up front, in the
    # global order (service.lock_rows); a household of this batch is in the identity map.
    h = ctx.get(Household, hid) if isinstance(hid, str) else None
    if h is None:
        raise not_found("hộ gia đình", "Household")
    _visible(ctx, h.village_id, h.commune_id)
    if ctx.exists("member", m.entity_id):
        raise Reject("already_exists", "Nhân khẩu đã tồn tại.", "Member exists.")
    clean = _member_fields(m.fields, ctx.today, None)
    member = Member(id=m.entity_id, household_id=h.id, village_id=h.village_id,
                    commune_id=h.commune_id, search_key=search_key(clean["full_name"]),
                    version=1, created_at=ctx.now, updated_at=ctx.now, **clean)
    ctx.session.add(member)
    ctx.session.flush()
    ctx.created.add(("member", member.id))
    data = member_data(member)
    _write(ctx, "member", member, data, changed_clocks(None, data, m.hlc))
    # The household's roster gains the member: a new household version (union, MRG7).
    latest = ctx.versions.latest("household", h.id)
    h.version += 1
    h.updated_at = ctx.now
    # The member is flushed above; the household's own pending change (version, search key)
    # does not alter which members it has, so these reads need not flush it first.
    with ctx.session.no_autoflush:
        h.search_key = household_search_key(h, members_of(ctx.session, [h.id])[h.id])
        hdata = household_data(ctx.session, h, latest.data.get("members") if latest else None)
    clocks = dict(latest.clocks) if latest else {}
    clocks["members"] = ctx.server_hlc
    _write(ctx, "household", h, hdata, clocks)
    return Applied("applied", 1)


def update_member(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, WRITABLE["member"])
    member = ctx.session.get(Member, m.entity_id, with_for_update=True)
    if member is None:
        raise not_found("nhân khẩu", "Member")
    _visible(ctx, member.village_id, member.commune_id)
    current = member_data(member)
    outcome, _ = three_way(ctx, m, "member", member.version, current, RULES["member"])
    if outcome.verdict == "rejected":
        raise Reject("server_field", "Không được thay đổi trường do máy chủ quản lý.",
                     f"Server-managed fields: {', '.join(outcome.rejected)}.")
    changed = really_changed(outcome, current)
    clean = _member_fields(outcome.values, ctx.today, set(changed)) if changed else {}
    scope = (member.commune_id, member.village_id)
    conflicts = record_merge_side_effects(ctx, m, "member", outcome, scope)
    if changed:
        for name in changed:
            setattr(member, name, clean[name])
        if "full_name" in changed:
            member.search_key = search_key(member.full_name)
        member.version += 1
        member.updated_at = ctx.now
        if "full_name" in changed:
            h = ctx.session.get(Household, member.household_id)
            if h is not None:
                h.search_key = household_search_key(h, members_of(ctx.session, [h.id])[h.id])
        _write(ctx, "member", member, member_data(member), dict(outcome.clocks))
    return Applied(outcome.verdict, member.version, merge_extra(outcome, conflicts))


HANDLERS = (
    Registration("household", "create", create_household),
    Registration("household", "update", update_household),
    Registration("member", "create", create_member),
    Registration("member", "update", update_member),
)
