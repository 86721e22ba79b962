"""Read-only SQL for administrative units, scoped to the caller."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.db.models import Commune, Province, Village
from backend.lib.auth import Principal


def villages(session: Session, principal: Principal
             ) -> Sequence[tuple[Village, Commune, Province]]:
    stmt = (
        select(Village, Commune, Province)
        .join(Commune, col(Commune.id) == Village.commune_id)
        .join(Province, col(Province.id) == Commune.province_id)
    )
    stmt = where_visible(stmt, principal, Village)
    rows: Sequence[tuple[Village, Commune, Province]] = session.exec(
        stmt.order_by(Village.name)).all()
    return rows


def communes(session: Session, principal: Principal) -> Sequence[Commune]:
    stmt = where_visible(select(Commune), principal, Commune)
    rows: Sequence[Commune] = session.exec(stmt.order_by(Commune.name)).all()
    return rows
