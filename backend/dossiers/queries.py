"""Read-only SQL for dossiers over REST."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.db.models import Dossier
from backend.lib.auth import Principal
from backend.lib.errors import AppError
from sync.states import STATES


def list_dossiers(session: Session, principal: Principal, status: str | None,
                  village_id: str | None, procedure_code: str | None, offset: int,
                  limit: int) -> tuple[Sequence[Dossier], int]:
    """One page of the dossiers the caller may see, newest change first, and their total."""
    stmt = where_visible(select(Dossier), principal, Dossier)
    if status:
        if status not in STATES:
            raise AppError("bad_status", "Trạng thái không hợp lệ.", "Unknown status.")
        stmt = stmt.where(Dossier.status == status)
    if village_id:
        stmt = stmt.where(Dossier.village_id == village_id)
    if procedure_code:
        stmt = stmt.where(Dossier.procedure_code == procedure_code)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(Dossier.updated_at).desc(), Dossier.id).offset(offset).limit(limit)
    ).all()
    return rows, int(total)
