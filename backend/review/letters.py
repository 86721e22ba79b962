"""The one-stop letters (receipt, supplement, refusal, apology) as PDF and the apology draft
with its new appointment date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session

from backend.catalog.loader import Catalog
from backend.db.models import (
    Commune,
    Dossier,
    Household,
    Member,
    Village,
)
from backend.documents import letters
from backend.dossiers.service import supplement_pauses, visible_dossier
from backend.lib.auth import Principal
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.public_status.service import contact_phone
from backend.review import queries
from backend.review.common import (
    DEFAULT_APOLOGY_REASON,
    DOC_TITLES,
    _calendar,
    _is_overdue,
    display_code,
    procedure_of,
)
from backend.review.schemas import (
    ApologyDraft,
)
from sync.working_days import add_working_days
from sync.working_days import elapsed_working_days as core_elapsed_working_days

# --- deadlines ------------------------------------------------------------------------


def elapsed_working_days(
    received_at: datetime, today: date, pauses: Sequence[tuple[datetime, datetime | None]]
) -> int:
    """Working days counted against the deadline up to `today` (the core's rule WD5)."""
    off, work = _calendar(today.year)
    return core_elapsed_working_days(received_at, today, pauses, off, work)


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
