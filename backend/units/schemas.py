"""Wire shapes for administrative units."""

from __future__ import annotations

import msgspec


class VillageOut(msgspec.Struct):
    id: str
    code: str
    name: str
    commune_id: str
    commune_name: str
    province_id: str
    province_name: str


class CommuneOut(msgspec.Struct):
    id: str
    name: str
    province_id: str
    unit_code: str
