"""What the review modules share about one dossier: the officer actions and letter titles,
the working-day calendar, the display code, attachment completeness and deadline flags."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlmodel import Session

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.catalog.model import Procedure
from backend.db.models import (
    Blob,
    Dossier,
    DossierRevision,
)
from backend.dossiers import deadlines
from backend.review import queries
from backend.review.signature_check import SignatureCheck
from sync.working_days import (
    next_working_day,
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


def _names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    return {uid: u.full_name for uid, u in queries.users_by_id(
        session, (i for i in ids if i)).items()}
