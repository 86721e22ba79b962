"""The officer's dossier view: form, attachments, signatures, history, audit and the actions
the officer may take. One read transaction.

Invariants:
- Every route reaches a dossier through `backend.dossiers.service.visible_dossier`, so an
  officer of commune A gets 403 for any dossier of commune B before anything else happens.
- Signatures are re-verified from the stored payload bytes on every read
  (`signature_check.check_revision`); nothing stored says "valid".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from backend.catalog.loader import Catalog
from backend.catalog.model import FormField
from backend.db.models import (
    Dossier,
    DossierResult,
    Household,
    Member,
    SupplementRequest,
    Village,
)
from backend.dossiers.service import visible_dossier
from backend.lib.auth import Principal
from backend.lib.vntime import local_date
from backend.public_status.service import contact_phone
from backend.results.out import result_out
from backend.review import queries
from backend.review.common import (
    DOC_TITLES,
    OFFICER_ACTIONS,
    _consent_hash,
    _hashes,
    _is_due_soon,
    _is_overdue,
    _names,
    _receipt_code,
    attachments_complete,
    display_code,
    next_working,
    procedure_of,
)
from backend.review.diffs import diff_revisions, readable_change
from backend.review.schemas import (
    DocumentLink,
    DossierView,
    QueueFlags,
)
from backend.review.signature_check import check_revision
from sync.forms import visible_fields
from sync.states import LABELS_VI, allowed_actions

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


def _amendment_rows(amended: Mapping[str, Any], current: Mapping[str, Any],
                    fields: Mapping[str, FormField], member_names: Mapping[str, str]
                    ) -> list[dict[str, str]]:
    """What an amendment would change, in words: one row per form field whose value differs
    from the dossier's current one (label, before, after, as the history reads)."""
    rows = []
    proposed = amended.get("form_data")
    if isinstance(proposed, Mapping):
        for key, value in proposed.items():
            before = current.get(key)
            if value == before:
                continue
            change = readable_change({"path": f"form_data.{key}", "before": before,
                                      "after": value}, fields, member_names, {})
            rows.append({"label_vi": _conflict_label(f"form_data.{key}", fields),
                         "before_text": change["before_text"],
                         "after_text": change["after_text"]})
    return rows


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
                     "rows": _amendment_rows(a.fields or {}, d.form_data or {}, form_fields,
                                             member_names),
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
