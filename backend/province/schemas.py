"""Request bodies of the province administrator's routes."""

from __future__ import annotations

import msgspec


class CommuneIn(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    name: str
    unit_code: str


class ProvinceUserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str
    full_name: str
    role: str
    commune_id: str | None = None
    village_codes: list[str] = msgspec.field(default_factory=list)


class ProcedureVersionIn(msgspec.Struct, forbid_unknown_fields=True):
    version: int | None  # None: follow the newest published version
