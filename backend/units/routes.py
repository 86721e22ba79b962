"""Administrative units visible to the caller."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.db.models import Commune, Province, Village
from backend.lib.auth import Principal


class UnitController(Controller):
    path = "/api/units"
    tags = ["units"]

    @get("/villages", sync_to_thread=True)
    def villages(self, db: Session, principal: Principal) -> list[dict[str, Any]]:
        stmt = (
            select(Village, Commune, Province)
            .join(Commune, col(Commune.id) == Village.commune_id)
            .join(Province, col(Province.id) == Commune.province_id)
        )
        stmt = where_visible(stmt, principal, Village)
        rows = db.exec(stmt.order_by(Village.name)).all()
        return [
            {
                "id": v.id,
                "code": v.code,
                "name": v.name,
                "commune_id": c.id,
                "commune_name": c.name,
                "province_id": p.id,
                "province_name": p.name,
            }
            for v, c, p in rows
        ]

    @get("/communes", sync_to_thread=True)
    def communes(self, db: Session, principal: Principal) -> list[dict[str, Any]]:
        stmt = where_visible(select(Commune), principal, Commune)
        return [
            {"id": c.id, "name": c.name, "province_id": c.province_id, "unit_code": c.unit_code}
            for c in db.exec(stmt.order_by(Commune.name))
        ]
