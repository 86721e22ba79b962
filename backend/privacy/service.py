"""The data subject's rights and the retention purge (Law 91/2025; docs/privacy.md).

- `export_person`: everything held about a person, as one JSON document.
- `record_request`: erasure, restriction or consent withdrawal. Data outside legally
  retained dossiers is anonymised at once; retained dossiers wait for their retention end,
  when `purge_retention` (the `langso purge-retention` command, or the worker) purges them
  and finishes the erasure. The request row keeps that it happened, not the data.
- Corrections go through the normal flow (PATCH /api/members/{id}, a versioned change that
  phones pull); `record_request(kind="correction")` notes that the person asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.access.scope import get_visible
from backend.catalog.loader import Catalog
from backend.changelog.changes import record_rest_change
from backend.db.models import (
    Dossier,
    DossierEvent,
    Household,
    Member,
    MemberRestriction,
    PrivacyRequest,
)
from backend.lib.auth import Principal
from backend.lib.clock import new_id, utcnow
from backend.lib.errors import AppError, forbidden
from backend.privacy import access, queries
from backend.settings import Settings

KINDS = ("erasure", "restriction", "consent_withdrawal", "correction")
ERASED_NAME = "(đã xoá theo yêu cầu)"
# Fields a person gives by consent (not required by the procedures): dropped on withdrawal.
CONSENT_FIELDS = ("phone", "ethnicity", "notes")


def visible_person(session: Session, principal: Principal, member_id: str) -> Member:
    m = get_visible(session, principal, Member, member_id, "người", "Person")
    if principal.role not in ("officer", "admin"):
        raise forbidden()
    return m


def log_read(session: Session, principal: Principal, action: str, member: Member,
             reason: str | None) -> None:
    """Exports and summaries are reads outside any queue: always with a reason."""
    refused = access.reason_error(reason)
    if refused is not None:
        raise refused
    subject = access.Subject("member", member.id, member.commune_id, [member.id], False)
    access.record(session, principal, action, subject, reason or "")


def _member_json(m: Member) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in m.model_dump().items() if k not in ("search_key", "cccd_bidx")}


def sensitive_keys(catalog: Catalog | None, code: str, version: int) -> list[str]:
    if catalog is None:
        return []
    try:
        proc = catalog.get(code, version)
    except Exception:  # an unknown procedure version: nothing to mark
        return []
    out: list[str] = []

    def walk(fields: Any, prefix: str) -> None:
        for f in fields or []:
            if f.sensitive:
                out.append(prefix + f.key)
            walk(f.fields, f"{prefix}{f.key}[].")

    walk(proc.form.fields, "")
    return out


def export_person(session: Session, member: Member, catalog: Catalog | None = None
                  ) -> dict[str, Any]:
    household = session.get(Household, member.household_id)
    dossiers = queries.dossiers_of_member(session, member)
    ids = [d.id for d in dossiers]
    events = queries.events_of(session, ids)
    results = queries.results_of(session, ids)
    restriction = queries.restriction_of(session, member.id)
    return {
        "format": "langso-person-export/1",
        "generated_at": utcnow().isoformat(),
        "person": _member_json(member),
        "household": None if household is None else {
            "id": household.id, "address": household.address, "village_id": household.village_id,
            "commune_id": household.commune_id, "is_head": household.head_member_id == member.id},
        "dossiers": [{
            "id": d.id, "procedure_code": d.procedure_code, "status": d.status,
            "outcome": d.outcome, "official_code": d.official_code, "role":
            "applicant" if d.applicant_member_id == member.id else "named_in_form",
            "form_data": d.form_data,
            "sensitive_fields": sensitive_keys(catalog, d.procedure_code, d.procedure_version),
            "created_at": d.created_at.isoformat(),
            "updated_at": d.updated_at.isoformat(),
            "events": [{"action": e.action, "to_status": e.to_status, "at": e.at.isoformat(),
                        "actor_role": e.actor_role, "reason": e.reason}
                       for e in events if e.dossier_id == d.id],
            "result": next(({"document_kind": r.document_kind, "document_number":
                             r.document_number, "summary": r.summary,
                             "issued_at": r.issued_at.isoformat()}
                            for r in results if r.dossier_id == d.id), None),
        } for d in dossiers],
        "record_history": [{"version": v.version, "data": v.data}
                           for v in queries.versions_of(session, "member", member.id)],
        "access_log": [{"at": a.at.isoformat(), "actor_id": a.actor_id, "actor_role":
                        a.actor_role, "action": a.action, "reason": a.reason,
                        "in_queue": a.in_queue} for a in queries.access_of(session, member.id)],
        "requests": [{"kind": r.kind, "status": r.status, "recorded_at":
                      r.recorded_at.isoformat(), "outcome": r.outcome}
                     for r in queries.requests_of(session, member.id)],
        "restriction": None if restriction is None else {
            "kind": restriction.kind, "since": restriction.since.isoformat()},
    }


@dataclass(frozen=True)
class Retention:
    closed_days: int
    rejected_days: int
    access_log_days: int

    @staticmethod
    def of(settings: Settings) -> Retention:
        return Retention(settings.retain_closed_dossier_days,
                         settings.retain_rejected_dossier_days, settings.retain_access_log_days)

    def ends(self, d: Dossier) -> datetime:
        days = self.rejected_days if d.outcome == "rejected" else self.closed_days
        return d.updated_at + timedelta(days=days)


def is_retained(d: Dossier) -> bool:
    """Received by the commune at some point: an administrative record kept by law."""
    return d.received_at is not None or d.status not in ("draft", "submitted", "withdrawn")


def _anonymise_member(session: Session, m: Member, actor_id: str | None, now: datetime) -> None:
    m.full_name = ERASED_NAME
    m.search_key = ""
    m.date_of_birth = None
    m.sex = None
    m.cccd = None
    m.phone = None
    m.ethnicity = ""
    m.notes = ""
    queries.scrub_entity_history(session, "member", m.id, "erased")
    m.version += 1
    m.updated_at = now
    session.add(m)
    record_rest_change(session, "member", m, actor_id, now)


def _purge_dossier(session: Session, d: Dossier, actor_id: str | None, now: datetime,
                   why: str) -> None:
    d.form_data = {"_purged": True}
    d.components = {}
    queries.scrub_entity_history(session, "dossier", d.id, "purged")
    for e in queries.events_of(session, [d.id]):
        e.data = {}
        session.add(e)
    for r in queries.results_of(session, [d.id]):
        r.content = {"_purged": True}
        session.add(r)
    session.add(DossierEvent(dossier_id=d.id, action="data_purged", from_status=d.status,
                             to_status=d.status, actor_id=actor_id, actor_role="system"
                             if actor_id is None else "officer", at=now, reason=why))
    session.add(d)


def record_request(session: Session, principal: Principal, member: Member, kind: str,
                   note: str, now: datetime) -> PrivacyRequest:
    if kind not in KINDS:
        raise AppError("unknown_request_kind", "Loại yêu cầu không hợp lệ.",
                       f"kind must be one of {', '.join(KINDS)}.", 422)
    note = " ".join(note.split())[:1000]
    outcome: dict[str, Any] = {}
    status = "done"
    if kind == "erasure":
        dossiers = queries.dossiers_of_member(session, member)
        kept = [d for d in dossiers if is_retained(d)]
        for d in dossiers:
            if not is_retained(d):
                _purge_dossier(session, d, principal.user_id, now, "erasure request")
        outcome = {"dossiers_erased": len(dossiers) - len(kept), "dossiers_retained":
                   [d.id for d in kept]}
        if kept:
            status = "retained"
            _restrict(session, member.id, "erasure", now, erase_later=True)
        else:
            _restrict(session, member.id, "erased", now, erase_later=False)
            session.flush()
            _anonymise_member(session, member, principal.user_id, now)
            outcome["person"] = "anonymised"
    elif kind == "consent_withdrawal":
        for name in CONSENT_FIELDS:
            setattr(member, name, None if name == "phone" else "")
        member.version += 1
        member.updated_at = now
        session.add(member)
        record_rest_change(session, "member", member, principal.user_id, now)
        _restrict(session, member.id, "consent_withdrawn", now, erase_later=False)
        session.flush()
        outcome = {"fields_cleared": list(CONSENT_FIELDS)}
    elif kind == "restriction":
        _restrict(session, member.id, "restriction", now, erase_later=False)
    req = PrivacyRequest(id=new_id(), member_id=member.id, commune_id=member.commune_id,
                         kind=kind, status=status, note=note, outcome=outcome,
                         recorded_by=principal.user_id, recorded_at=now)
    session.add(req)
    session.commit()
    return req


def _restrict(session: Session, member_id: str, kind: str, now: datetime,
              *, erase_later: bool) -> None:
    row = session.get(MemberRestriction, member_id)
    if row is None:
        row = MemberRestriction(member_id=member_id, kind=kind, since=now)
    row.kind = kind if not row.erase_when_released else row.kind
    row.erase_when_released = row.erase_when_released or erase_later
    session.add(row)


def purge_retention(engine: Engine, settings: Settings, now: datetime | None = None
                    ) -> dict[str, int]:
    """The retention job: a plain function the worker (branch fleet) can schedule.

    Closed dossiers whose retention period has ended lose their personal data (the dossier
    row, its state and an event saying it was purged stay); people whose erasure waited only
    for such dossiers are anonymised; access-log entries past their period are deleted."""
    now = now or utcnow()
    keep = Retention.of(settings)
    counts = {"dossiers": 0, "people": 0, "access_log": 0}
    with Session(engine) as session:
        for outcome, days in (("rejected", keep.rejected_days), (None, keep.closed_days)):
            for d in queries.purgeable_dossiers(session, queries.CLOSED, outcome,
                                                now - timedelta(days=days)):
                _purge_dossier(session, d, None, now, "retention period ended")
                counts["dossiers"] += 1
        session.flush()
        for r in queries.pending_erasures(session):
            m = session.get(Member, r.member_id)
            if m is None:
                continue
            live = [d for d in queries.dossiers_of_member(session, m)
                    if is_retained(d) and not d.form_data.get("_purged")]
            if not live:
                _anonymise_member(session, m, None, now)
                r.erase_when_released = False
                r.kind = "erased"
                session.add(r)
                for req in queries.requests_of(session, m.id):
                    if req.kind == "erasure" and req.status == "retained":
                        req.status = "done"
                        req.outcome = {**req.outcome, "person": "anonymised",
                                       "completed_at": now.isoformat()}
                        session.add(req)
                counts["people"] += 1
        counts["access_log"] = queries.delete_access_log_before(
            session, now - timedelta(days=keep.access_log_days))
        session.commit()
    return counts


def person_summary_lines(export: dict[str, Any]) -> list[tuple[str, str]]:
    p = export["person"]
    sex = {"male": "Nam", "female": "Nữ"}.get(p.get("sex") or "", "—")
    return [
        ("Họ và tên", p["full_name"]), ("Ngày sinh", p.get("date_of_birth") or "—"),
        ("Giới tính", sex), ("Số CCCD", p.get("cccd") or "—"),
        ("Số điện thoại", p.get("phone") or "—"), ("Dân tộc", p.get("ethnicity") or "—"),
        ("Quan hệ với chủ hộ", p.get("relationship") or "—"),
        ("Địa chỉ hộ", (export.get("household") or {}).get("address") or "—"),
    ]


def all_members(session: Session, ids: list[str]) -> list[Member]:
    return list(session.exec(select(Member).where(col(Member.id).in_(ids))))
