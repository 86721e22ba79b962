"""The officer console: the review queue, the dossier view, review actions, the one-stop
letters and the apology draft. Each function is one transaction (reads or read-write).

Invariants:
- Every route reaches a dossier through `backend.dossiers.service.visible_dossier`, so an
  officer of commune A gets 403 for any dossier of commune B before anything else happens.
- Signatures are re-verified from the stored payload bytes on every read
  (`signature_check.check_revision`); nothing stored says "valid".
- A review action is one transaction: the state transition and its audit event
  (`apply_action`), the supplement request row, the pull announcements of the dossier and of
  the task, then one commit. A failure leaves nothing behind.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.catalog.model import FormField, Procedure
from backend.changelog.changes import announce, record_rest_change
from backend.db.models import (
    Blob,
    Commune,
    Dossier,
    DossierEvent,
    DossierResult,
    DossierRevision,
    Household,
    Member,
    SupplementRequest,
    Village,
)
from backend.documents import letters
from backend.dossiers import deadlines
from backend.dossiers.service import apply_action, supplement_pauses, visible_dossier
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError
from backend.lib.pagination import check_page
from backend.lib.vntime import local_date
from backend.public_status.service import contact_phone
from backend.push.notify import notify_after_commit
from backend.results.out import result_out
from backend.review import queries
from backend.review.diffs import diff_revisions, readable_change
from backend.review.queries import QueueFilters
from backend.review.schemas import (
    ActionOut,
    ApologyDraft,
    DocumentLink,
    DossierView,
    QueueFlags,
    QueueItem,
    QueuePage,
    ReviewActionIn,
    SupplementItemIn,
)
from backend.review.signature_check import SignatureCheck, check_revision
from sync.forms import visible_fields
from sync.states import LABELS_VI, STATES, allowed_actions
from sync.working_days import (
    add_working_days,
    is_working_day,
    next_working_day,
    receipt_day,
)

OFFICER_ACTIONS = ("receive", "refuse", "request_supplement", "approve", "reject", "stop")
EXTRA_ACTIONS = ("apologise",)
MAX_ITEMS = 30
MAX_PROBLEM = 500
DOC_TITLES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
}
DEFAULT_APOLOGY_REASON = "Hồ sơ cần thêm thời gian xác minh, giải quyết."


# --- calendar -------------------------------------------------------------------------


def _calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    return deadlines.calendar(year - 1, year + 3, deadlines._extra())


def next_working(today: date) -> date:
    off, work = _calendar(today.year)
    return next_working_day(today, off, work)


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


# --- helpers over one dossier ---------------------------------------------------------


def procedure_of(catalog: Catalog, d: Dossier) -> Procedure | None:
    try:
        return catalog.get(d.procedure_code, d.procedure_version)
    except ProcedureNotFound:
        return None


def _receipt_code(rev: DossierRevision | None) -> str | None:
    if rev is None or not rev.receipt:
        return None
    try:
        code = json.loads(rev.receipt.get("payload", "{}")).get("receipt_code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def display_code(d: Dossier, rev: DossierRevision | None) -> str:
    return d.official_code or _receipt_code(rev) or d.id[:8]


def _hashes(components: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for value in components.values():
        if isinstance(value, list):
            out.extend(h for h in value if isinstance(h, str))
    return out


def attachments_complete(
    d: Dossier, procedure: Procedure | None, present: Mapping[str, Blob],
    extra_hashes: Iterable[str] = (),
) -> bool:
    comps = d.components or {}
    if any(h not in present for h in [*_hashes(comps), *extra_hashes]):
        return False
    if procedure is None:
        return True
    for c in procedure.components:
        if c.required and len(comps.get(c.code) or []) < c.min_count:
            return False
    return True


def _consent_hash(check: SignatureCheck | None) -> list[str]:
    if check is None or not check.valid:
        return []
    consent = check.fields.get("consent")
    if isinstance(consent, dict) and isinstance(consent.get("signature_sha256"), str):
        return [consent["signature_sha256"]]
    return []


def _is_overdue(d: Dossier, today: date) -> bool:
    return d.status in queries.RUNNING and d.due_date is not None and d.due_date < today


def _is_due_soon(d: Dossier, today: date, nxt: date) -> bool:
    return (d.status in queries.RUNNING and d.due_date is not None
            and today <= d.due_date <= nxt)


# --- queue ----------------------------------------------------------------------------


def queue(
    session: Session,
    principal: Principal,
    catalog: Catalog,
    filters: QueueFilters,
    page: int,
    page_size: int,
    now: datetime,
) -> QueuePage:
    offset, limit = check_page(page, page_size)
    if filters.status and filters.status not in STATES:
        raise AppError("bad_status", "Trạng thái không hợp lệ.", "Unknown status.", 400)
    if filters.commune_id and not principal.can_see_commune(filters.commune_id):
        raise AppError("forbidden", "Bạn không có quyền truy cập dữ liệu này.",
                       "You are not allowed to access this resource.", 403)
    today = local_date(now)
    nxt = next_working(today)
    total, rows = queries.queue_page(session, principal, filters, today, nxt, offset, limit)
    dossiers: list[Dossier] = [r[0] for r in rows]
    revs = queries.latest_revisions(session, (d.id for d in dossiers))
    devices = queries.devices_by_id(session, (r.device_id for r in revs.values()))
    checks = {did: check_revision(rev, devices.get(rev.device_id)) for did, rev in revs.items()}
    hashes = [h for d in dossiers for h in _hashes(d.components or {})]
    hashes += [h for c in checks.values() for h in _consent_hash(c)]
    present = queries.blobs_by_hash(session, hashes)
    items = []
    for d, applicant, village, volunteer, conflict, duplicate in rows:
        procedure = procedure_of(catalog, d)
        check = checks.get(d.id)
        rev = revs.get(d.id)
        items.append(QueueItem(
            id=d.id,
            code=display_code(d, rev),
            official_code=d.official_code,
            procedure_code=d.procedure_code,
            procedure_name=procedure.name.vi if procedure else d.procedure_code,
            applicant_name=applicant,
            village_id=d.village_id,
            village_name=village,
            volunteer_id=d.prepared_by,
            volunteer_name=volunteer,
            status=d.status,
            status_label_vi=LABELS_VI.get(d.status, d.status),
            received_at=d.received_at,
            due_date=d.due_date,
            submitted_at=rev.created_at if rev else None,
            flags=QueueFlags(
                overdue=_is_overdue(d, today),
                due_soon=_is_due_soon(d, today, nxt),
                has_conflict=bool(conflict),
                possible_duplicate=bool(duplicate),
                signature_valid=check.valid if check else None,
                attachments_complete=attachments_complete(d, procedure, present,
                                                          _consent_hash(check)),
            ),
            version=d.version,
        ))
    return QueuePage(items=items, total=total, page=page, page_size=page_size, today=today)


# --- dossier view ---------------------------------------------------------------------


def _display(field: FormField, value: Any, members: Mapping[str, Member]) -> Any:
    if value is None:
        return None
    if field.type == "select" and field.options:
        for o in field.options:
            if o.value == value:
                return o.label.vi
    if field.type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if field.type == "member" and isinstance(value, str):
        m = members.get(value)
        return m.full_name if m else value
    if field.type == "repeat" and isinstance(value, list):
        return [form_rows(field.fields or [], item if isinstance(item, dict) else {}, members)
                for item in value]
    return value


def _conflict_label(path: str, fields: Mapping[str, FormField]) -> str:
    field = fields.get(path.removeprefix("form_data."))
    return field.label.vi if field else path


def _conflict_texts(c: Any, fields: Mapping[str, FormField],
                    member_names: Mapping[str, str]) -> dict[str, str]:
    change = {"path": c.field if c.field.startswith("form_data.") else f"form_data.{c.field}"}
    out = {}
    for key in ("base_value", "current_value", "proposed_value", "resolved_value"):
        out[key.replace("_value", "_text")] = readable_change(
            {**change, "before": getattr(c, key)}, fields, member_names, {})["before_text"]
    return out


def form_rows(
    fields: Sequence[FormField], data: Mapping[str, Any], members: Mapping[str, Member],
    schema: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Catalogue order; every field listed (absent values are null), then keys the catalogue
    does not know (e.g. from an older procedure version) with their raw key as label. With
    the form `schema`, each row says whether the form shows it (`visible`): a field hidden by
    its condition is not missing."""
    shown = set(visible_fields(schema, data)) if schema is not None else None
    rows = []
    for f in fields:
        value = data.get(f.key)
        rows.append({
            "key": f.key,
            "label_vi": f.label.vi,
            "label_en": f.label.en,
            "type": f.type,
            "required": f.required,
            "value": value,
            "display": _display(f, value, members),
            "visible": shown is None or f.key in shown,
        })
    known = {f.key for f in fields}
    for key in sorted(set(data) - known):
        rows.append({"key": key, "label_vi": key, "label_en": key, "type": "unknown",
                     "required": False, "value": data[key], "display": data[key],
                     "visible": True})
    return rows


def household_members(session: Session, household_id: str) -> dict[str, Member]:
    rows = session.exec(select(Member).where(Member.household_id == household_id)).all()
    return {m.id: m for m in rows}


def member_json(m: Member | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"id": m.id, "full_name": m.full_name, "date_of_birth": m.date_of_birth,
            "sex": m.sex, "cccd": m.cccd, "phone": m.phone, "relationship": m.relationship,
            "ethnicity": m.ethnicity}


def _names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    return {uid: u.full_name for uid, u in queries.users_by_id(
        session, (i for i in ids if i)).items()}


def _document_links(session: Session, d: Dossier) -> list[DocumentLink]:
    kinds = []
    if d.received_at is not None:
        kinds.append("receipt")
    if queries.supplement_requests_of(session, d.id):
        kinds.append("supplement")
    if queries.last_event(session, d.id, "refuse") is not None:
        kinds.append("refusal")
    if d.received_at is not None and (
        d.status in ("received", "processing", "supplement_requested")
        or queries.last_event(session, d.id, "apologise") is not None
    ):
        kinds.append("apology")
    return [DocumentLink(kind=k, title_vi=DOC_TITLES[k],
                         url=f"/api/review/dossiers/{d.id}/documents/{k}.pdf") for k in kinds]


def officer_actions(d: Dossier, result: DossierResult | None) -> list[str]:
    out: list[str] = [a for a in allowed_actions(d.status) if a in OFFICER_ACTIONS]
    if d.received_at is not None and d.status in ("received", "processing",
                                                  "supplement_requested"):
        out.append("apologise")
    if d.status == "done" and result is None:
        out.append("issue_result")
    return out


def _request_json(r: SupplementRequest, names: Mapping[str, str]) -> dict[str, Any]:
    return {"id": r.id, "status": r.status, "reason": r.reason, "items": r.items,
            "requested_at": r.requested_at, "requested_by": r.requested_by,
            "requested_by_name": names.get(r.requested_by, ""), "closed_at": r.closed_at}


def dossier_view(
    session: Session, principal: Principal, catalog: Catalog, dossier_id: str, now: datetime
) -> DossierView:
    d = visible_dossier(session, principal, dossier_id)
    procedure = procedure_of(catalog, d)
    applicant = session.get(Member, d.applicant_member_id)
    household = session.get(Household, d.household_id)
    village = session.get(Village, d.village_id)
    members = household_members(session, d.household_id)
    revisions = queries.revisions_of(session, d.id)
    devices = queries.devices_by_id(session, (r.device_id for r in revisions))
    checks = [check_revision(r, devices.get(r.device_id)) for r in revisions]
    latest_check = checks[-1] if checks else None
    comps = d.components or {}
    consent = latest_check.fields.get("consent") if latest_check and latest_check.valid else None
    present = queries.blobs_by_hash(session, [*_hashes(comps), *_consent_hash(latest_check)])
    events = queries.events_of(session, d.id)
    requests = queries.supplement_requests_of(session, d.id)
    result = queries.result_of(session, d.id)
    conflicts = queries.open_conflicts(session, d.id)
    amendments = queries.amendments_of(session, d.id)
    duplicates = queries.duplicates_of(session, d)
    names = _names(session, [d.prepared_by, *(e.actor_id for e in events),
                             *(r.requested_by for r in requests),
                             *(dev.user_id for dev in devices.values()),
                             *(a.decided_by for a in amendments),
                             *(c.resolved_by for c in conflicts)])
    today = local_date(now)
    nxt = next_working(today)
    last_rev = revisions[-1] if revisions else None
    form_labels = {f.key: f.label.vi for f in procedure.form.fields} if procedure else {}
    comp_labels = {c.code: c.name.vi for c in procedure.components} if procedure else {}

    def attachment(h: str) -> dict[str, Any]:
        b = present.get(h)
        return {"sha256": h, "present": b is not None,
                "content_type": b.content_type if b else None, "size": b.size if b else None,
                "width": b.width if b else None, "height": b.height if b else None,
                "url": f"/api/attachments/{h}"}

    components = []
    seen: set[str] = set()
    for c in procedure.components if procedure else []:
        seen.add(c.code)
        hashes = [h for h in comps.get(c.code) or [] if isinstance(h, str)]
        atts = [attachment(h) for h in hashes]
        components.append({
            "code": c.code, "name_vi": c.name.vi, "name_en": c.name.en,
            "required": c.required, "min_count": c.min_count, "attachments": atts,
            "missing_count": sum(1 for a in atts if not a["present"]),
            "complete": (not c.required or len(hashes) >= c.min_count)
            and all(a["present"] for a in atts),
        })
    for code in sorted(set(comps) - seen):
        atts = [attachment(h) for h in comps.get(code) or [] if isinstance(h, str)]
        components.append({"code": code, "name_vi": code, "name_en": code, "required": False,
                           "min_count": 0, "attachments": atts,
                           "missing_count": sum(1 for a in atts if not a["present"]),
                           "complete": all(a["present"] for a in atts)})

    signature: dict[str, Any] | None = None
    if latest_check is not None and last_rev is not None:
        dev = devices.get(last_rev.device_id)
        signed = latest_check.fields
        matches = None
        if latest_check.valid:
            signed_form = {k: v for k, v in (signed.get("form_data") or {}).items()
                           if v is not None}
            matches = signed_form == (d.form_data or {}) and (signed.get("components") or {}) \
                == comps
        signature = {
            **latest_check.as_json(),
            "device_label": dev.label if dev else None,
            "device_revoked_at": dev.revoked_at if dev else None,
            "volunteer_id": dev.user_id if dev else None,
            "volunteer_name": names.get(dev.user_id, "") if dev else None,
            "matches_current_data": matches,
        }

    history = []
    previous_fields: dict[str, Any] = {}
    form_fields = {f.key: f for f in procedure.form.fields} if procedure else {}
    member_names = {mid: m.full_name for mid, m in members.items()}
    all_hashes = {h for check in checks if check.valid
                  for hs in (check.fields.get("components") or {}).values()
                  if isinstance(hs, list) for h in hs if isinstance(h, str)}
    kinds = {h: b.content_type for h, b in queries.blobs_by_hash(session, all_hashes).items()}
    for rev, check in zip(revisions, checks, strict=True):
        changes = None
        if check.valid:
            changes = [readable_change(c, form_fields, member_names, kinds)
                       for c in diff_revisions(previous_fields, check.fields, form_labels,
                                               comp_labels)]
            previous_fields = check.fields
        dev = devices.get(rev.device_id)
        history.append({
            "number": rev.number, "hash": rev.hash, "kind": rev.kind,
            "prev_revision": rev.prev_revision, "created_at": rev.created_at,
            "device_id": rev.device_id,
            "volunteer_name": names.get(dev.user_id, "") if dev else None,
            "signature": check.as_json(), "receipt_code": _receipt_code(rev),
            "changes": changes,
        })

    audit = [{"id": e.id, "action": e.action, "from_status": e.from_status,
              "to_status": e.to_status, "actor_id": e.actor_id,
              "actor_name": names.get(e.actor_id or "", ""), "actor_role": e.actor_role,
              "at": e.at, "reason": e.reason, "data": e.data} for e in events]
    consent_json = None
    if isinstance(consent, dict):
        sha = consent.get("signature_sha256")
        consent_json = {**consent, "present": sha in present,
                        "url": f"/api/attachments/{sha}" if sha else None}
    return DossierView(
        dossier={
            "id": d.id, "code": display_code(d, last_rev), "official_code": d.official_code,
            "receipt_code": _receipt_code(last_rev), "status": d.status,
            "status_label_vi": LABELS_VI.get(d.status, d.status),  # type: ignore[call-overload]
            "outcome": d.outcome, "received_at": d.received_at, "due_date": d.due_date,
            "created_at": d.created_at, "updated_at": d.updated_at, "version": d.version,
            "commune_id": d.commune_id, "procedure_version": d.procedure_version,
            "contact_phone": contact_phone(catalog, d, applicant) or None,
        },
        procedure={
            "code": d.procedure_code, "version": d.procedure_version,
            "name_vi": procedure.name.vi if procedure else d.procedure_code,
            "name_en": procedure.name.en if procedure else d.procedure_code,
            "processing_days": procedure.processing_days if procedure else None,
        },
        applicant=member_json(applicant),
        household={"id": household.id, "address": household.address} if household else None,
        village={"id": d.village_id, "name": village.name if village else ""},
        volunteer={"id": d.prepared_by, "name": names.get(d.prepared_by, "")},
        flags=QueueFlags(
            overdue=_is_overdue(d, today),
            due_soon=_is_due_soon(d, today, nxt),
            has_conflict=any(c.status == "open" for c in conflicts)
            or any(a.status == "pending" for a in amendments),
            possible_duplicate=bool(duplicates),
            signature_valid=latest_check.valid if latest_check else None,
            attachments_complete=attachments_complete(d, procedure, present,
                                                      _consent_hash(latest_check)),
        ),
        form=form_rows(procedure.form.fields if procedure else [], d.form_data or {}, members,
                       procedure.form_schema() if procedure else None),
        components=components,
        consent=consent_json,
        signature=signature,
        revisions=history,
        conflicts=[{"id": c.id, "field": c.field, "status": c.status,
                    "label_vi": _conflict_label(c.field, form_fields),
                    **_conflict_texts(c, form_fields, member_names),
                    "base_value": c.base_value, "current_value": c.current_value,
                    "proposed_value": c.proposed_value, "created_at": c.created_at,
                    "resolved_value": c.resolved_value, "resolved_at": c.resolved_at,
                    "resolved_by_name": names.get(c.resolved_by or "", "")}
                   for c in conflicts],
        amendments=[{"id": a.id, "status": a.status, "fields": a.fields,
                     "base_version": a.base_version, "created_at": a.created_at,
                     "decided_at": a.decided_at,
                     "decided_by_name": names.get(a.decided_by or "", ""),
                     "reason": a.reason} for a in amendments],
        supplement_requests=[_request_json(r, names) for r in requests],
        result=result_out(result) if result else None,
        audit=audit,
        duplicates=[{"id": o.id, "code": o.official_code or o.id[:8], "status": o.status,
                     "status_label_vi": LABELS_VI.get(o.status, o.status),  # type: ignore[call-overload]
                     "applicant_name": name, "match": match, "created_at": o.created_at}
                    for o, name, match in duplicates],
        allowed_actions=officer_actions(d, result),
        documents=_document_links(session, d),
    )


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


# --- deadlines ------------------------------------------------------------------------


def elapsed_working_days(
    received_at: datetime, today: date, pauses: Sequence[tuple[datetime, datetime | None]]
) -> int:
    """Working days counted against the deadline from the day after receipt up to `today`,
    excluding days spent waiting for a supplement (same rule as sync.working_days WD4)."""
    off, work = _calendar(today.year)
    start = receipt_day(received_at, off, work)
    spans = [(local_date(s), local_date(e) if e else None) for s, e in pauses]
    count = 0
    day = start + timedelta(days=1)
    while day <= today:
        if is_working_day(day, off, work) and not any(
            s < day and (e is None or day <= e) for s, e in spans
        ):
            count += 1
        day += timedelta(days=1)
    return count


def apology_draft(
    session: Session, principal: Principal, catalog: Catalog, dossier_id: str, now: datetime,
    reason: str = "",
) -> ApologyDraft:
    d = visible_dossier(session, principal, dossier_id)
    if d.received_at is None:
        raise AppError("not_received", "Hồ sơ chưa được tiếp nhận.",
                       "The dossier has not been received.", 409)
    procedure = procedure_of(catalog, d)
    days = procedure.processing_days if procedure else 1
    today = local_date(now)
    elapsed = elapsed_working_days(d.received_at, today, supplement_pauses(session, d.id, now))
    remaining = max(1, days - elapsed)
    off, work = _calendar(today.year)
    proposed = add_working_days(today, remaining, off, work)
    letter = _letter_data(session, catalog, d, "apology", now,
                          new_date=proposed, reason=reason or DEFAULT_APOLOGY_REASON,
                          issued_on=today)
    return ApologyDraft(
        dossier_id=d.id, official_code=d.official_code, due_date=d.due_date,
        overdue=_is_overdue(d, today), processing_days=days, elapsed_working_days=elapsed,
        remaining_working_days=remaining, proposed_date=proposed,
        reason=letter.reason, text=letters.apology_text(letter),
        pdf_url=f"/api/review/dossiers/{d.id}/documents/apology.pdf")


# --- documents ------------------------------------------------------------------------


def _letter_data(
    session: Session,
    catalog: Catalog,
    d: Dossier,
    kind: str,
    now: datetime,
    *,
    issued_on: date | None = None,
    officer_id: str | None = None,
    reason: str = "",
    items: Sequence[str] = (),
    new_date: date | None = None,
) -> letters.LetterData:
    procedure = procedure_of(catalog, d)
    commune = session.get(Commune, d.commune_id)
    applicant = session.get(Member, d.applicant_member_id)
    household = session.get(Household, d.household_id)
    village = session.get(Village, d.village_id)
    rev = queries.revisions_of(session, d.id)
    if officer_id is None:
        received = queries.last_event(session, d.id, "receive")
        officer_id = received.actor_id if received else None
    people = queries.users_by_id(session, [i for i in (officer_id, d.prepared_by) if i])
    comp_names = []
    for c in procedure.components if procedure else []:
        n = len((d.components or {}).get(c.code) or [])
        if n:
            comp_names.append(f"{c.name.vi} ({n:02d} tệp ảnh/PDF)")
    address = household.address if household else ""
    if village and village.name and village.name not in address:
        address = f"{address}, {village.name}" if address else village.name
    return letters.LetterData(
        commune_name=commune.name if commune else d.commune_id,
        dossier_code=display_code(d, rev[-1] if rev else None),
        applicant_name=applicant.full_name if applicant else "",
        applicant_address=address,
        applicant_phone=contact_phone(catalog, d, applicant),
        procedure_name=procedure.name.vi if procedure else d.procedure_code,
        processing_days=procedure.processing_days if procedure else 0,
        issued_on=issued_on or local_date(now),
        officer_name=people[officer_id].full_name if officer_id in people else "",
        received_at=d.received_at,
        due_date=d.due_date,
        components=comp_names,
        reason=reason,
        items=list(items),
        new_date=new_date,
        volunteer_name=people[d.prepared_by].full_name if d.prepared_by in people else "",
    )


def _unavailable(kind: str) -> AppError:
    return AppError("document_not_available",
                    f"Chưa có dữ liệu để lập {DOC_TITLES[kind].lower()}.",
                    f"The {kind} document does not apply to this dossier yet.", 409)


def document_pdf(
    session: Session,
    principal: Principal,
    catalog: Catalog,
    dossier_id: str,
    kind: str,
    now: datetime,
    appointment_date: date | None = None,
    reason: str = "",
) -> tuple[bytes, str]:
    """(PDF bytes, file name). Deterministic: the letter prints the data of the event it
    documents (receipt → receipt time; supplement → the latest request; refusal → the refuse
    event; apology → the latest recorded apology, else today's draft)."""
    if kind not in letters.KINDS:
        raise AppError("unknown_document", "Không có loại giấy tờ này.",
                       f"Unknown document kind {kind!r}.", 404)
    d = visible_dossier(session, principal, dossier_id)
    if kind == "receipt":
        if d.received_at is None:
            raise _unavailable(kind)
        data = _letter_data(session, catalog, d, kind, now, issued_on=local_date(d.received_at))
    elif kind == "supplement":
        requests = queries.supplement_requests_of(session, d.id)
        if not requests:
            raise _unavailable(kind)
        req = requests[-1]
        data = _letter_data(
            session, catalog, d, kind, now, issued_on=local_date(req.requested_at),
            officer_id=req.requested_by, reason=req.reason,
            items=[f"{i['label_vi']}: {i['problem']}" for i in req.items])
    elif kind == "refusal":
        ev = queries.last_event(session, d.id, "refuse")
        if ev is None:
            raise _unavailable(kind)
        data = _letter_data(session, catalog, d, kind, now, issued_on=local_date(ev.at),
                            officer_id=ev.actor_id, reason=ev.reason)
    else:
        if d.received_at is None:
            raise _unavailable(kind)
        ev = queries.last_event(session, d.id, "apologise")
        if ev is not None and appointment_date is None and not reason:
            data = _letter_data(
                session, catalog, d, kind, now, issued_on=local_date(ev.at),
                officer_id=ev.actor_id, reason=ev.reason,
                new_date=date.fromisoformat(ev.data["appointment_date"]))
        else:
            draft = apology_draft(session, principal, catalog, d.id, now, reason)
            data = _letter_data(session, catalog, d, kind, now, issued_on=local_date(now),
                                officer_id=principal.user_id, reason=draft.reason,
                                new_date=appointment_date or draft.proposed_date)
    code = (d.official_code or d.id[:8]).replace(".", "-")
    return letters.render(kind, data), f"{kind}-{code}.pdf"

