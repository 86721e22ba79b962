"""Administrative units visible to the caller."""

from __future__ import annotations

from litestar import Controller, get

from backend.lib.auth import Principal
from backend.lib.deps import Session
from backend.units import queries
from backend.units.schemas import CommuneOut, VillageOut


class UnitController(Controller):
    path = "/api/units"
    tags = ["units"]

    @get("/villages", sync_to_thread=True)
    def villages(self, db: Session, principal: Principal) -> list[VillageOut]:
        return [
            VillageOut(id=v.id, code=v.code, name=v.name, commune_id=c.id, commune_name=c.name,
                       province_id=p.id, province_name=p.name)
            for v, c, p in queries.villages(db, principal)
        ]

    @get("/communes", sync_to_thread=True)
    def communes(self, db: Session, principal: Principal) -> list[CommuneOut]:
        return [
            CommuneOut(id=c.id, name=c.name, province_id=c.province_id, unit_code=c.unit_code)
            for c in queries.communes(db, principal)
        ]
