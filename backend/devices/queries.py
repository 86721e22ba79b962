"""SQL for devices, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.db.models import Device
from backend.lib.auth import Principal


def list_devices(session: Session, principal: Principal, offset: int, limit: int
                 ) -> tuple[Sequence[Device], int]:
    stmt = where_visible(select(Device), principal, Device)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(Device.created_at).desc(), Device.id).offset(offset).limit(limit)
    ).all()
    return rows, int(total)
