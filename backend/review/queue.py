"""The officer's review queue: one page of dossiers with their flags. One read transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from backend.catalog.loader import Catalog
from backend.db.models import (
    Dossier,
)
from backend.lib.auth import Principal
from backend.lib.errors import AppError
from backend.lib.pagination import check_page
from backend.lib.vntime import local_date
from backend.review import queries
from backend.review.common import (
    _consent_hash,
    _hashes,
    _is_due_soon,
    _is_overdue,
    attachments_complete,
    display_code,
    next_working,
    procedure_of,
)
from backend.review.queries import QueueFilters
from backend.review.schemas import (
    QueueFlags,
    QueueItem,
    QueuePage,
)
from backend.review.signature_check import check_revision
from sync.states import LABELS_VI, STATES

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
