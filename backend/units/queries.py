"""Read-only SQL for administrative units, scoped to the caller."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from backend.db.models import Commune, Province, Village
from backend.lib.auth import Principal


def villages(session: Session, principal: Principal
             ) -> Sequence[tuple[Village, Commune, Province]]:
    stmt = (
        select(Village, Commune, Province)
        .join(Commune, col(Commune.id) == Village.commune_id)
        .join(Province, col(Province.id) == Commune.province_id)
    )
    if principal.role == "officer":
        stmt = stmt.where(Village.commune_id == principal.commune_id)
    elif principal.role == "volunteer":
        stmt = stmt.where(col(Village.id).in_(sorted(principal.village_ids)))
    elif principal.is_province:
        stmt = stmt.where(col(Village.commune_id).in_(sorted(principal.commune_ids)))
    return session.exec(stmt.order_by(Village.name)).all()


def communes(session: Session, principal: Principal) -> Sequence[Commune]:
    stmt = select(Commune)
    if principal.is_province:
        stmt = stmt.where(col(Commune.id).in_(sorted(principal.commune_ids)))
    elif principal.role != "admin":
        stmt = stmt.where(Commune.id == principal.commune_id)
    return session.exec(stmt.order_by(Commune.name)).all()
