"""Public status look-up: the official dossier code plus the last four digits of the
contact phone given IN the dossier (the catalogue's `result.contact_phone` field; the
applicant's household phone only when the dossier holds none) reveal the status in plain
words, the dates, and — while a supplement is requested — what to bring. Nothing else (no
names, no procedure details, no ids).

A wrong code and a wrong phone are indistinguishable: both give `None`, after the same
queries (a missing dossier still costs a member look-up) and a constant-time comparison.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.db.models import CitizenRating, Dossier, DossierEvent, Member, SupplementRequest
from backend.lib.vntime import local_date
from sync.states import LABELS_EN, LABELS_VI

CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9.\-]{2,47}")
PHONE4_RE = re.compile(r"[0-9]{4}")
_NO_MEMBER = "00000000-0000-0000-0000-000000000000"


# What each state means for the citizen, in plain words (Vietnamese, English).
PLAIN: dict[str, tuple[str, str]] = {
    "draft": ("Hồ sơ đang được chuẩn bị, chưa nộp.", "The dossier is being prepared."),
    "submitted": ("Hồ sơ đã được gửi lên xã, đang chờ cán bộ tiếp nhận.",
                  "Sent to the commune; waiting to be received."),
    "received": ("Xã đã nhận hồ sơ và sẽ giải quyết trước ngày hẹn trả.",
                 "The commune received it and will decide by the due date."),
    "not_received": ("Xã không tiếp nhận hồ sơ. Vui lòng liên hệ cán bộ thôn hoặc xã.",
                     "The commune did not accept it. Please contact the village volunteer."),
    "processing": ("Cán bộ xã đang giải quyết hồ sơ.", "An officer is working on it."),
    "supplement_requested": ("Hồ sơ cần bổ sung. Vui lòng chuẩn bị các giấy tờ dưới đây.",
                             "Something is missing; please bring what is listed below."),
    "done": ("Đã có kết quả. Cán bộ thôn sẽ mang kết quả đến hoặc bạn nhận tại xã.",
             "The result is ready for you."),
    "result_returned": ("Bạn đã nhận kết quả.", "The result has been handed to you."),
    "withdrawn": ("Hồ sơ đã được rút.", "The dossier was withdrawn."),
    "stopped": ("Xã đã dừng giải quyết hồ sơ.", "The commune stopped processing it."),
}


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).upper()


@dataclass(frozen=True)
class PublicStatus:
    status: str
    label_vi: str
    label_en: str
    received_date: date | None
    due_date: date | None
    finished_date: date | None
    to_bring: tuple[str, ...] = ()
    can_rate: bool = False
    rated: bool = False

    def as_json(self) -> dict[str, object]:
        vi, en = PLAIN.get(self.status, (self.label_vi, self.label_en))
        return {
            "status": self.status,
            "status_label_vi": self.label_vi,
            "status_label_en": self.label_en,
            "explanation_vi": vi,
            "explanation_en": en,
            "received_date": _d(self.received_date),
            "due_date": _d(self.due_date),
            "finished_date": _d(self.finished_date),
            "to_bring": list(self.to_bring),
            "can_rate": self.can_rate,
            "rated": self.rated,
        }


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def contact_phone(catalog: Catalog, dossier: Dossier, member: Member | None) -> str:
    """The phone given in the dossier, else the applicant's household phone, else ""."""
    try:
        procedure = catalog.get(dossier.procedure_code, dossier.procedure_version)
        given = procedure.contact_phone(dossier.form_data or {})
    except ProcedureNotFound:
        given = None
    return given or ((member.phone or "") if member is not None else "")


def find(session: Session, catalog: Catalog, code: str, phone4: str) -> Dossier | None:
    """The dossier with this code whose contact phone ends in `phone4`, else None. A wrong
    code and a wrong phone cost the same queries and the same constant-time comparison."""
    dossier = None
    if CODE_RE.fullmatch(code):
        dossier = session.exec(select(Dossier).where(Dossier.official_code == code)).first()
    member = session.get(Member, dossier.applicant_member_id if dossier else _NO_MEMBER)
    phone = "".join(ch for ch in contact_phone(catalog, dossier, member) if ch.isdigit()) \
        if dossier is not None else ""
    digits = phone[-4:] if len(phone) >= 4 else "----"
    matches = hmac.compare_digest(digits.encode(), phone4.encode())
    return dossier if dossier is not None and matches else None


def lookup(session: Session, catalog: Catalog, code: str, phone4: str) -> PublicStatus | None:
    """The dossier's public status, or None when the code or the phone digits do not match."""
    dossier = find(session, catalog, code, phone4)
    if dossier is None:
        return None
    to_bring: tuple[str, ...] = ()
    if dossier.status == "supplement_requested":
        open_requests = session.exec(select(SupplementRequest).where(
            SupplementRequest.dossier_id == dossier.id, SupplementRequest.status == "open")).all()
        to_bring = tuple(f"{item.get('label_vi', '')}: {item.get('problem', '')}"
                         for r in open_requests for item in r.items)
    rated = session.exec(select(CitizenRating).where(
        CitizenRating.dossier_id == dossier.id)).first() is not None
    finished: datetime | None = session.exec(
        select(func.min(DossierEvent.at)).where(
            DossierEvent.dossier_id == dossier.id, DossierEvent.to_status == "done"
        )
    ).one()
    return PublicStatus(
        status=dossier.status,
        label_vi=LABELS_VI.get(dossier.status, dossier.status),  # type: ignore[call-overload]
        label_en=LABELS_EN.get(dossier.status, dossier.status),  # type: ignore[call-overload]
        received_date=local_date(dossier.received_at) if dossier.received_at else None,
        due_date=dossier.due_date,
        finished_date=local_date(_aware(finished)) if finished else None,
        to_bring=to_bring,
        can_rate=dossier.status == "result_returned" and not rated,
        rated=rated,
    )


def _aware(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
