"""A newborn added to the household while its birth registration was filed stays
``pending_birth`` until the commune issues the approved result; then it becomes ``active`` and
the change is pulled by every device of the village like any member change."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from backend.changelog.changes import announce
from backend.changelog.entities import member_data
from backend.db.models import Dossier, Member


def confirm_births(session: Session, dossier: Dossier, actor_id: str | None,
                   now: datetime) -> list[str]:
    """Make the members pending on ``dossier`` active when its outcome is approved; their ids."""
    if dossier.outcome != "approved":
        return []
    rows = session.exec(
        select(Member)
        .where(col(Member.source_dossier_id) == dossier.id, col(Member.status) == "pending_birth")
        .with_for_update()
    ).all()
    for member in rows:
        member.status = "active"
        member.version += 1
        member.updated_at = now
        session.add(member)
        session.flush()
        announce(session, "member", member.id, member.version, member_data(member),
                 (member.commune_id, member.village_id), actor_id, now)
    return [m.id for m in rows]
