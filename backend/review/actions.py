"""Review actions (receive, refuse, request a supplement, approve, reject, stop, apologise)
and the `task` entities they announce to the volunteers' devices.

Invariants:
- A review action is one transaction: the state transition and its audit event
  (`apply_action`), the supplement request row, the pull announcements of the dossier and of
  the task, then one commit. A failure leaves nothing behind.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from backend.catalog.loader import Catalog
from backend.catalog.model import Procedure
from backend.changelog.changes import announce, record_rest_change
from backend.db.models import (
    Dossier,
    DossierEvent,
    SupplementRequest,
)
from backend.dossiers.service import apply_action, visible_dossier
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.push.notify import notify_after_commit
from backend.review import queries
from backend.review.common import (
    DOC_TITLES,
    EXTRA_ACTIONS,
    MAX_ITEMS,
    MAX_PROBLEM,
    OFFICER_ACTIONS,
    _names,
    procedure_of,
)
from backend.review.letters import (
    apology_draft,
)
from backend.review.schemas import (
    ActionOut,
    DocumentLink,
    ReviewActionIn,
    SupplementItemIn,
)
from sync.states import LABELS_VI


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def task_data(req: SupplementRequest, d: Dossier, officer_name: str) -> dict[str, Any]:
    """The `task` entity a volunteer's device pulls (docs/review-api.md, "Pull entities")."""
    return {
        "kind": "supplement_request",
        "dossier_id": d.id,
        "official_code": d.official_code,
        "status": req.status,
        "reason": req.reason,
        "items": list(req.items),
        "requested_at": _iso(req.requested_at),
        "requested_by_name": officer_name,
        "closed_at": _iso(req.closed_at),
    }


# --- actions --------------------------------------------------------------------------


def _check_items(
    items: Sequence[SupplementItemIn] | None, procedure: Procedure | None
) -> list[dict[str, Any]]:
    if not items:
        raise AppError("items_required",
                       "Yêu cầu bổ sung cần liệt kê ít nhất một thành phần hoặc trường cần sửa.",
                       "A supplement request lists at least one component or field.", 422)
    if len(items) > MAX_ITEMS:
        raise AppError("too_many_items", f"Tối đa {MAX_ITEMS} mục.",
                       f"At most {MAX_ITEMS} items.", 422)
    comps = {c.code: c.name.vi for c in procedure.components} if procedure else {}
    fields = {f.key: f.label.vi for f in procedure.form.fields} if procedure else {}
    out: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        problem = _nfc(item.problem)[:MAX_PROBLEM]
        if (item.component_code is None) == (item.field is None):
            errors.append({"field": f"items[{i}]", "code": "one_target",
                           "message_vi": "Mỗi mục chỉ ra đúng một thành phần hoặc một trường.",
                           "message_en": "Give exactly one of component_code or field."})
            continue
        if not problem:
            errors.append({"field": f"items[{i}].problem", "code": "required",
                           "message_vi": "Cần mô tả vấn đề.", "message_en": "Describe it."})
            continue
        if item.component_code is not None:
            if item.component_code not in comps:
                errors.append({"field": f"items[{i}].component_code", "code": "unknown",
                               "message_vi": "Thủ tục không có thành phần này.",
                               "message_en": "Unknown component."})
                continue
            out.append({"component_code": item.component_code,
                        "label_vi": comps[item.component_code], "problem": problem})
        else:
            top = (item.field or "").split(".", 1)[0]
            if top not in fields:
                errors.append({"field": f"items[{i}].field", "code": "unknown",
                               "message_vi": "Biểu mẫu không có trường này.",
                               "message_en": "Unknown form field."})
                continue
            out.append({"field": item.field, "label_vi": fields[top], "problem": problem})
    if errors:
        raise AppError("invalid_items", "Danh sách cần bổ sung chưa hợp lệ.",
                       "The supplement items are not valid.", 422, errors=errors)
    return out


def close_tasks(
    session: Session, d: Dossier, now: datetime, actor_id: str | None,
    keep: str | None = None,
) -> None:
    """Closes the dossier's open supplement requests (except `keep`) that are over: the
    volunteer supplied the dossier after the request ("answered"), or the dossier left
    `supplement_requested` without one ("cancelled"). Each change is announced to pulls.
    Idempotent; cheap when nothing is open."""
    requests = [r for r in queries.supplement_requests_of(session, d.id)
                if r.status == "open" and r.id != keep]
    if not requests:
        return
    supplied = [e.at for e in queries.events_of(session, d.id) if e.action == "supplement"]
    names = _names(session, [r.requested_by for r in requests])
    for req in requests:
        answered = any(at >= req.requested_at for at in supplied)
        if not answered and d.status == "supplement_requested" and keep is None:
            continue
        req.status = "answered" if answered else "cancelled"
        req.closed_at = now
        req.version += 1
        session.add(req)
        announce(session, "task", req.id, req.version,
                 task_data(req, d, names.get(req.requested_by, "")),
                 (d.commune_id, d.village_id), actor_id, now)


def act(
    session: Session,
    principal: Principal,
    catalog: Catalog,
    dossier_id: str,
    data: ReviewActionIn,
    now: datetime,
    data_dir: Path | None = None,
) -> ActionOut:
    """One review action in one transaction. With `data_dir`, a supplement request also
    queues a Web Push notice to the volunteer, sent only if the transaction commits."""
    if data.action not in OFFICER_ACTIONS + EXTRA_ACTIONS:
        raise AppError("unknown_action", f"Thao tác không hợp lệ: {data.action}.",
                       f"Unknown review action {data.action!r}.", 422)
    d = visible_dossier(session, principal, dossier_id)
    reason = _nfc(data.reason)
    if data.action == "apologise":
        return _apologise(session, principal, catalog, d, reason, data, now)
    procedure = procedure_of(catalog, d)
    audit_data: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    if data.action == "request_supplement":
        items = _check_items(data.items, procedure)
        audit_data["items"] = items
    elif data.items:
        raise AppError("items_not_allowed", "Chỉ yêu cầu bổ sung mới kèm danh sách mục.",
                       "Only request_supplement takes items.", 422)
    if data.appointment_date is not None:
        audit_data["appointment_date"] = data.appointment_date.isoformat()
    d = apply_action(session, principal, catalog, d.id, data.action, reason, now,
                     data.expected_version, commit=False, audit_data=audit_data)
    request_id = None
    if data.action == "request_supplement":
        req = SupplementRequest(
            id=new_id(), dossier_id=d.id, commune_id=d.commune_id, village_id=d.village_id,
            requested_by=principal.user_id, requested_at=now, reason=reason, items=items)
        session.add(req)
        session.flush()
        request_id = req.id
        announce(session, "task", req.id, req.version,
                 task_data(req, d, principal.full_name), (d.commune_id, d.village_id),
                 principal.user_id, now)
    close_tasks(session, d, now, principal.user_id, keep=request_id)
    if request_id is not None and data_dir is not None:
        notify_after_commit(session, "supplement_requested", dossier_id=d.id, data_dir=data_dir)
    record_rest_change(session, "dossier", d, principal.user_id, now)
    session.commit()
    docs = {"receive": "receipt", "refuse": "refusal", "request_supplement": "supplement"}
    links = [DocumentLink(kind=docs[data.action], title_vi=DOC_TITLES[docs[data.action]],
                          url=f"/api/review/dossiers/{d.id}/documents/{docs[data.action]}.pdf")
             ] if data.action in docs else []
    return _action_out(d, links, request_id)


def _action_out(d: Dossier, links: list[DocumentLink], request_id: str | None) -> ActionOut:
    return ActionOut(
        id=d.id, status=d.status,
        status_label_vi=LABELS_VI.get(d.status, d.status),  # type: ignore[call-overload]
        official_code=d.official_code, due_date=d.due_date, version=d.version,
        documents=links, supplement_request_id=request_id)


def _apologise(
    session: Session, principal: Principal, catalog: Catalog, d: Dossier, reason: str,
    data: ReviewActionIn, now: datetime,
) -> ActionOut:
    """Records that the commune apologised and set a new appointment date (Decree
    118/2025/NĐ-CP). Not a state transition: the legal due date stays, so on-time figures
    still measure against it; the apology letter prints the new date."""
    if d.received_at is None or d.status not in ("received", "processing",
                                                 "supplement_requested"):
        raise AppError("apology_not_applicable",
                       "Chỉ xin lỗi, hẹn lại với hồ sơ đang giải quyết.",
                       "An apology applies only to a dossier being processed.", 409)
    if data.expected_version is not None and data.expected_version != d.version:
        raise AppError("stale_version", "Hồ sơ vừa được người khác cập nhật, vui lòng tải lại.",
                       "The dossier changed meanwhile; reload it.", 409)
    if not reason:
        raise AppError("reason_required", "Thao tác này cần ghi rõ lý do.",
                       "This action needs a reason.", 422)
    draft = apology_draft(session, principal, catalog, d.id, now)
    new_date = data.appointment_date or draft.proposed_date
    if new_date <= local_date(now):
        raise AppError("bad_appointment_date", "Ngày hẹn mới phải sau hôm nay.",
                       "The new appointment date must be after today.", 422)
    session.add(DossierEvent(
        dossier_id=d.id, action="apologise", from_status=d.status, to_status=d.status,
        actor_id=principal.user_id, actor_role=principal.role, at=now, reason=reason,
        data={"appointment_date": new_date.isoformat(),
              "previous_due_date": d.due_date.isoformat() if d.due_date else None}))
    session.commit()
    link = DocumentLink(kind="apology", title_vi=DOC_TITLES["apology"],
                        url=f"/api/review/dossiers/{d.id}/documents/apology.pdf")
    return _action_out(d, [link], None)
