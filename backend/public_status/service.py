"""Public status look-up: the official dossier code plus the last four digits of the
applicant's phone reveal the status label and four dates, nothing else (no names, no
procedure details, no ids).

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

from backend.db.models import Dossier, DossierEvent, Member
from backend.lib.vntime import local_date
from sync.states import LABELS_EN, LABELS_VI

CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9.\-]{2,47}")
PHONE4_RE = re.compile(r"[0-9]{4}")
_NO_MEMBER = "00000000-0000-0000-0000-000000000000"


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

    def as_json(self) -> dict[str, str | None]:
        return {
            "status": self.status,
            "status_label_vi": self.label_vi,
            "status_label_en": self.label_en,
            "received_date": _d(self.received_date),
            "due_date": _d(self.due_date),
            "finished_date": _d(self.finished_date),
        }


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def lookup(session: Session, code: str, phone4: str) -> PublicStatus | None:
    """The dossier's public status, or None when the code or the phone digits do not match."""
    dossier = None
    if CODE_RE.fullmatch(code):
        dossier = session.exec(select(Dossier).where(Dossier.official_code == code)).first()
    member = session.get(Member, dossier.applicant_member_id if dossier else _NO_MEMBER)
    phone = (member.phone or "") if member is not None else ""
    digits = phone[-4:] if len(phone) >= 4 else "----"
    matches = hmac.compare_digest(digits.encode(), phone4.encode())
    if dossier is None or not matches:
        return None
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
    )


def _aware(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
