"""Dossier lifecycle through REST: drafts, state transitions, audit. Every transition goes
through `sync.states.transition` and appends one `DossierEvent` in the same transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from backend.access.scope import get_visible
from backend.attachments.service import DEFAULT_MAX_DOSSIER_BYTES, check_dossier_budget
from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.changelog.changes import record_rest_change
from backend.db.models import Commune, Dossier, DossierEvent, Household, Member
from backend.db.new_rows import new_row, plain_row
from backend.dossiers import codes, deadlines
from backend.households.service import visible_member
from backend.households.validation import valid_uuid
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError
from backend.lib.sync_errors import from_sync_error
from backend.lib.vntime import local_date
from backend.monitoring import decided, rollups  # noqa: F401  (register their hooks on flush)
from backend.province.catalogue import version_for
from sync.errors import SyncError
from sync.states import transition

_HEX64 = re.compile(r"[0-9a-f]{64}")
ROLE_TO_ACTOR = {"volunteer": "volunteer", "officer": "officer", "admin": "officer"}


def visible_dossier(session: Session, principal: Principal, dossier_id: str) -> Dossier:
    return get_visible(session, principal, Dossier, dossier_id, "hồ sơ", "Dossier")


def create_draft(
    session: Session, principal: Principal, catalog: Catalog, data: dict[str, Any], now: datetime,
    max_dossier_bytes: int = DEFAULT_MAX_DOSSIER_BYTES,
) -> Dossier:
    if principal.role != "volunteer":
        raise AppError(
            "volunteers_only",
            "Chỉ tình nguyện viên lập hồ sơ cho người dân.",
            "Only volunteers prepare dossiers.",
            403,
        )
    try:
        procedure = catalog.get(data["procedure_code"], data.get("procedure_version")
                                or version_for(session, principal, data["procedure_code"]))
    except ProcedureNotFound as exc:
        raise AppError(
            "unknown_procedure",
            f"Không có thủ tục {data['procedure_code']}.",
            f"Unknown procedure {data['procedure_code']}.",
            422,
        ) from exc
    applicant = visible_member(session, principal, data["applicant_member_id"])
    dossier_id = data.get("id") or new_id()
    if not valid_uuid(dossier_id):
        raise AppError("bad_id", "Mã hồ sơ phải là UUID.", "Dossier id must be a UUID.", 422)
    if session.get(Dossier, dossier_id) is not None:
        raise AppError("already_exists", "Hồ sơ đã tồn tại.", "Dossier exists.", 409)
    components = dict(data.get("components") or {})
    if not all(isinstance(h, str) and _HEX64.fullmatch(h) for v in components.values() for h in v):
        raise AppError(
            "invalid_fields",
            "Mỗi thành phần hồ sơ là danh sách mã SHA-256.",
            "components: lists of lowercase SHA-256 hex digests.",
            422,
            errors=[{"field": "components", "code": "invalid"}],
        )
    check_dossier_budget(session, [h for v in components.values() for h in v], max_dossier_bytes)
    dossier = Dossier(
        id=dossier_id,
        procedure_code=procedure.code,
        procedure_version=procedure.version,
        applicant_member_id=applicant.id,
        household_id=applicant.household_id,
        village_id=applicant.village_id,
        commune_id=applicant.commune_id,
        prepared_by=principal.user_id,
        status="draft",
        form_data=dict(data.get("form_data") or {}),
        components=components,
        created_at=now,
        updated_at=now,
    )
    session.add(dossier)
    session.flush()
    _audit(session, dossier, "create", None, "draft", principal, now, "")
    record_rest_change(session, "dossier", dossier, principal.user_id, now)
    session.commit()
    return dossier


@dataclass
class Held:
    """A dossier the caller holds outside the session and writes itself (a push batch changing
    a row it has not inserted yet), with the audit events the action adds, as plain rows for
    the caller's bulk insert. The caller checked the dossier's visibility."""

    dossier: Dossier
    events: list[dict[str, Any]] = field(default_factory=list)


def _audit(
    session: Session,
    dossier: Dossier,
    action: str,
    source: str | None,
    target: str,
    principal: Principal | None,
    now: datetime,
    reason: str,
    data: dict[str, Any] | None = None,
    held: Held | None = None,
) -> None:
    values = {
        "dossier_id": dossier.id, "action": action, "from_status": source, "to_status": target,
        "actor_id": principal.user_id if principal else None,
        "actor_role": principal.role if principal else "system", "at": now, "reason": reason,
        "data": data or {},
    }
    if held is not None:
        held.events.append(plain_row(DossierEvent, **values))
    else:
        session.add(new_row(DossierEvent, **values))


REASON_REQUIRED = {"refuse", "request_supplement", "reject", "stop", "withdraw"}


def apply_action(
    session: Session,
    principal: Principal,
    catalog: Catalog,
    dossier_id: str,
    action: str,
    reason: str,
    now: datetime,
    expected_version: int | None = None,
    commit: bool = True,
    audit_data: dict[str, Any] | None = None,
    held: Held | None = None,
) -> Dossier:
    """Apply one state-machine action. Officers act only inside their commune; volunteers only
    on dossiers of their villages. `expected_version` guards against acting on a stale view.
    `audit_data` is stored with the action's audit event (e.g. supplement items). `held` is the
    dossier when the caller holds it outside the session (a push changing a row it has not
    written yet): the caller checked its visibility and writes it itself."""
    assert held is None or not commit, "a held dossier is written by its holder"
    dossier = held.dossier if held is not None else visible_dossier(session, principal, dossier_id)
    if expected_version is not None and expected_version != dossier.version:
        raise AppError(
            "stale_version",
            "Hồ sơ vừa được người khác cập nhật, vui lòng tải lại.",
            "The dossier changed meanwhile; reload it.",
            409,
        )
    reason = " ".join(reason.split())
    if action in REASON_REQUIRED and not reason:
        raise AppError(
            "reason_required",
            "Thao tác này cần ghi rõ lý do.",
            "This action needs a reason.",
            422,
        )
    actor = ROLE_TO_ACTOR[principal.role]
    try:
        step = transition(dossier.status, action, actor)
    except SyncError as exc:
        raise from_sync_error(exc, 409 if exc.kind == "illegal_transition" else 403) from exc
    data: dict[str, Any] = {}
    source = dossier.status
    dossier.status = step.target
    if step.outcome:
        dossier.outcome = step.outcome
    if action == "receive":
        commune = session.get(Commune, dossier.commune_id)
        assert commune is not None
        day = local_date(now)
        sequence = codes.next_sequence(session, commune.id, day)
        dossier.official_code = codes.official_code(commune.unit_code, day, sequence)
        dossier.received_at = now
        procedure = catalog.get(dossier.procedure_code, dossier.procedure_version)
        dossier.due_date = deadlines.due_date(now, procedure.processing_days, [])
        due = dossier.due_date
        data = {
            "official_code": dossier.official_code,
            "due_date": due.isoformat() if due else None,
        }
    _audit(session, dossier, action, source, step.target, principal, now, reason,
           {**(audit_data or {}), **data}, held)
    if action == "receive":
        # Receipt starts processing at once: the clock runs from receipt (system step).
        started = transition(dossier.status, "start", "system")
        _audit(session, dossier, "start", dossier.status, started.target, None, now, "",
               held=held)
        dossier.status = started.target
    if dossier.received_at is not None and source == "supplement_requested":
        # Leaving a pause: the days spent waiting for the supplement do not count.
        procedure = catalog.get(dossier.procedure_code, dossier.procedure_version)
        pauses = supplement_pauses(session, dossier.id, now)
        dossier.due_date = deadlines.due_date(
            dossier.received_at, procedure.processing_days, pauses
        )
    dossier.version += 1
    dossier.updated_at = now
    if held is None:
        session.add(dossier)
    if commit:  # commit=False: the sync push records the version and commits the batch
        record_rest_change(session, "dossier", dossier, principal.user_id, now)
        session.commit()
    return dossier


def supplement_pauses(
    session: Session, dossier_id: str, now: datetime
) -> list[tuple[datetime, datetime | None]]:
    """Periods spent in supplement_requested, from the audit log (the source of truth)."""
    events = session.exec(
        select(DossierEvent)
        .where(DossierEvent.dossier_id == dossier_id)
        .order_by(col(DossierEvent.id))
    ).all()
    pauses: list[tuple[datetime, datetime | None]] = []
    start: datetime | None = None
    for e in events:
        if e.to_status == "supplement_requested" and start is None:
            start = e.at
        elif start is not None and e.to_status != "supplement_requested":
            pauses.append((start, e.at))
            start = None
    if start is not None:
        pauses.append((start, None))
    return pauses


def audit_log(session: Session, principal: Principal, dossier_id: str) -> list[DossierEvent]:
    visible_dossier(session, principal, dossier_id)
    return list(
        session.exec(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(col(DossierEvent.id))
        ).all()
    )


def applicant_and_household(
    session: Session, dossier: Dossier
) -> tuple[Member | None, Household | None]:
    return session.get(Member, dossier.applicant_member_id), session.get(
        Household, dossier.household_id
    )
