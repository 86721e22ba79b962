"""People deciding what the merge could not: resolving conflicts (SPEC MRG10) and accepting or
rejecting dossier amendments. Each decision creates a new entity version, is logged, and keeps
the value that was not chosen in `sync_losers`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from backend.access.scope import get_visible
from backend.changelog.changes import Versions
from backend.changelog.clock import server_tick
from backend.changelog.context import Reject
from backend.changelog.entities import FORM_PREFIX, data_of, flatten, scope_of, unflatten
from backend.db.models import (
    Dossier,
    DossierAmendment,
    DossierEvent,
    Household,
    Member,
    SyncConflict,
    SyncLoser,
)
from backend.dossiers.handlers import EDITABLE
from backend.households.handlers import _clean_household, _member_fields
from backend.lib.auth import Principal
from backend.lib.errors import AppError, forbidden
from backend.lib.vntime import local_date
from sync.errors import ConflictStale
from sync.merge import Conflict, json_equal, resolve_conflict

MODELS: dict[str, Any] = {"household": Household, "member": Member, "dossier": Dossier}


def _as_app_error(exc: Reject) -> AppError:
    return AppError(exc.code, exc.vi, exc.en, 422, errors=exc.errors)


def _set_fields(session: Session, entity: str, row: Any, values: dict[str, Any],
                changed: set[str], now: datetime) -> None:
    """Write the changed fields of `values` (a flat view) to `row`, validating as a push does."""
    if entity == "household":
        clean = _clean_household(values)
        for name in changed & {"address", "notes", "head_member_id"}:
            setattr(row, name, clean[name])
    elif entity == "member":
        clean = _member_fields(values, local_date(now), changed)
        for name in changed:
            setattr(row, name, clean[name])
    else:
        if row.status not in EDITABLE:
            raise Reject("dossier_not_editable",
                         "Hồ sơ đã nộp: hãy dùng đề nghị bổ sung thay vì sửa trực tiếp.",
                         f"The dossier is {row.status}; resolve it through an amendment.")
        new = unflatten(values)
        row.form_data = new["form_data"]
        row.applicant_member_id = new["applicant_member_id"]
        row.components = new["components"]


def resolve(session: Session, principal: Principal, conflict_id: str, chosen: Any,
            now: datetime) -> SyncConflict:
    c = get_visible(session, principal, SyncConflict, conflict_id, "xung đột", "Conflict",
                    lock=True)
    if c.status != "open":
        raise AppError("conflict_closed", "Xung đột này đã được giải quyết.",
                       "This conflict is already closed.", 409)
    row = session.get(MODELS[c.entity], c.entity_id, with_for_update=True)
    assert row is not None
    versions = Versions(session)
    current = flatten(data_of(session, c.entity, row))
    latest = versions.latest(c.entity, row.id)
    hlc = server_tick(session, c.commune_id, now)
    conflict = Conflict(c.field, c.base_value, c.current_value, c.proposed_value, c.current_hlc,
                        c.proposed_hlc)
    try:
        values, clocks = resolve_conflict(conflict, current, latest.clocks if latest else {},
                                          chosen, hlc)
    except ConflictStale as exc:
        raise AppError("conflict_stale", exc.message.partition(" / ")[0],
                       exc.message.partition(" / ")[2], 409,
                       errors=[{"field": c.field, "current": current.get(c.field)}]) from exc
    try:
        _set_fields(session, c.entity, row, values, {c.field}, now)
    except Reject as exc:
        raise _as_app_error(exc) from exc
    row.version += 1
    row.updated_at = now
    scope = scope_of(c.entity, row)
    others = list(session.exec(select(SyncConflict).where(
        SyncConflict.entity == c.entity, SyncConflict.entity_id == c.entity_id,
        SyncConflict.field == c.field, SyncConflict.status == "open",
        SyncConflict.id != c.id)).all())
    for closing, status in [(c, "resolved"), *((o, "superseded") for o in others)]:
        for value, hlc_of in ((closing.current_value, closing.current_hlc),
                              (closing.proposed_value, closing.proposed_hlc)):
            if not json_equal(value, chosen):
                session.add(SyncLoser(
                    conflict_id=closing.id, mutation_id=closing.mutation_id, entity=c.entity,
                    entity_id=c.entity_id, field=c.field, losing_value=value,
                    winning_value=chosen, losing_hlc=hlc_of, winning_hlc=hlc, rule="identity",
                    commune_id=scope[0], village_id=scope[1], created_at=now))
        closing.status = status
        closing.resolved_value = chosen
        closing.resolved_by = principal.user_id
        closing.resolved_at = now
        closing.resolved_version = row.version
        session.add(closing)
    session.flush()
    data = data_of(session, c.entity, row)
    if c.entity == "household" and c.field == "members":
        data["members"] = sorted(set(values.get("members") or []) | set(data["members"]))
    versions.write(c.entity, row.id, row.version, data, clocks, scope, now,
                   actor_id=principal.user_id)
    versions.flush()
    session.commit()
    return c


def dismiss(session: Session, principal: Principal, conflict_id: str, reason: str,
            now: datetime) -> SyncConflict:
    """Close an open conflict without changing the record: the current value stays, the
    proposed value is kept as a loser. The way out of a conflict gone stale (the field changed
    again since it opened, so `resolve` refuses)."""
    c = get_visible(session, principal, SyncConflict, conflict_id, "xung đột", "Conflict",
                    lock=True)
    if c.status != "open":
        raise AppError("conflict_closed", "Xung đột này đã được giải quyết.",
                       "This conflict is already closed.", 409)
    reason = " ".join(reason.split())
    if not reason:
        raise AppError("reason_required", "Hãy ghi lý do bỏ qua xung đột.",
                       "A reason is required.", 422)
    row = session.get(MODELS[c.entity], c.entity_id)
    assert row is not None
    current = flatten(data_of(session, c.entity, row)).get(c.field)
    session.add(SyncLoser(
        conflict_id=c.id, mutation_id=c.mutation_id, entity=c.entity, entity_id=c.entity_id,
        field=c.field, losing_value=c.proposed_value, winning_value=current,
        losing_hlc=c.proposed_hlc, winning_hlc=c.current_hlc, rule="identity",
        commune_id=c.commune_id, village_id=c.village_id, created_at=now))
    c.status = "dismissed"
    c.resolution_note = reason
    c.resolved_value = current
    c.resolved_by = principal.user_id
    c.resolved_at = now
    c.resolved_version = row.version
    session.add(c)
    session.commit()
    return c


def decide_amendment(session: Session, principal: Principal, amendment_id: str, accept: bool,
                     reason: str, now: datetime) -> DossierAmendment:
    a = get_visible(session, principal, DossierAmendment, amendment_id, "đề nghị sửa đổi",
                    "Amendment", lock=True)
    if principal.role not in ("officer", "admin"):
        raise forbidden()
    if a.status != "pending":
        raise AppError("amendment_closed", "Đề nghị này đã được xử lý.",
                       "This amendment was already decided.", 409)
    a.status = "accepted" if accept else "rejected"
    a.decided_by = principal.user_id
    a.decided_at = now
    a.reason = " ".join(reason.split())[:2000]
    session.add(a)
    if accept:
        d = session.get(Dossier, a.dossier_id, with_for_update=True)
        assert d is not None
        versions = Versions(session)
        before = flatten(data_of(session, "dossier", d))
        form = dict(d.form_data or {})
        for key, value in (a.fields.get("form_data") or {}).items():
            if value is None:
                form.pop(key, None)
            else:
                form[key] = value
        d.form_data = form
        if "components" in a.fields:
            d.components = a.fields["components"]
        if "applicant_member_id" in a.fields:
            d.applicant_member_id = a.fields["applicant_member_id"]
        d.version += 1
        d.updated_at = now
        session.add(DossierEvent(dossier_id=d.id, action="amend", from_status=d.status,
                                 to_status=d.status, actor_id=principal.user_id,
                                 actor_role=principal.role, at=now, reason=a.reason,
                                 data={"amendment_id": a.id}))
        session.flush()
        data = data_of(session, "dossier", d)
        latest = versions.latest("dossier", d.id)
        clocks = dict(latest.clocks) if latest else {}
        hlc = server_tick(session, d.commune_id, now)
        for name, value in flatten(data).items():
            if not json_equal(before.get(name), value):
                clocks[name] = hlc
        versions.write("dossier", d.id, d.version, data, clocks, scope_of("dossier", d), now,
                       actor_id=principal.user_id)
        versions.flush()
    session.commit()
    return a


__all__ = ["FORM_PREFIX", "decide_amendment", "resolve"]
