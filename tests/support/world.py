"""A small two-commune world for integration tests: commune A and commune B, each with
villages, an officer and volunteers. Passwords are hashed once per process (argon2 is slow
on purpose)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Engine
from sqlmodel import Session

from backend.db.models import Commune, Province, User, UserVillage, Village
from backend.lib.passwords import hash_password

PASSWORD = "Kiểm-thử-2026!"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@cache
def _hash() -> str:
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class World:
    commune_a: str = "99001"
    commune_b: str = "99002"
    village_a1: str = "00000000-0000-4000-8000-0000000000a1"
    village_a2: str = "00000000-0000-4000-8000-0000000000a2"
    village_b1: str = "00000000-0000-4000-8000-0000000000b1"
    province: str = "99"
    # A second province with one commune, for the province roles' cross-scope tests.
    province_2: str = "98"
    commune_c: str = "98001"


WORLD = World()

USERS = {
    # username: (role, commune, villages)
    "admin": ("admin", None, []),
    "officer_a": ("officer", WORLD.commune_a, []),
    "officer_b": ("officer", WORLD.commune_b, []),
    "vol_a1": ("volunteer", WORLD.commune_a, [WORLD.village_a1]),
    "vol_a2": ("volunteer", WORLD.commune_a, [WORLD.village_a2]),
    "vol_b1": ("volunteer", WORLD.commune_b, [WORLD.village_b1]),
    "prov_mon": ("province_monitor", None, []),
    "prov_admin": ("province_admin", None, []),
    "prov2_mon": ("province_monitor", None, []),
}
PROVINCE_OF = {"prov_mon": WORLD.province, "prov_admin": WORLD.province,
               "prov2_mon": WORLD.province_2}


def user_id(username: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"langso-test-user:{username}"))


def build_world(engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Province(id="99", name="Tỉnh Thử Nghiệm"))
        s.add(Province(id=WORLD.province_2, name="Tỉnh Thứ Hai"))
        s.flush()
        s.add(Commune(id=WORLD.commune_c, province_id=WORLD.province_2, name="Xã C",
                      unit_code="000.98.01.H98"))
        s.add(Commune(id=WORLD.commune_a, province_id="99", name="Xã A", unit_code="000.99.01.H99"))
        s.add(Commune(id=WORLD.commune_b, province_id="99", name="Xã B", unit_code="000.99.02.H99"))
        s.flush()
        s.add(Village(id=WORLD.village_a1, commune_id=WORLD.commune_a, code="A1", name="Bản A Một"))
        s.add(Village(id=WORLD.village_a2, commune_id=WORLD.commune_a, code="A2", name="Bản A Hai"))
        s.add(Village(id=WORLD.village_b1, commune_id=WORLD.commune_b, code="B1", name="Bản B Một"))
        s.flush()
        for username, (role, commune, villages) in USERS.items():
            s.add(
                User(
                    id=user_id(username),
                    username=username,
                    full_name=username.replace("_", " ").title(),
                    password_hash=_hash(),
                    role=role,
                    commune_id=commune,
                    province_id=PROVINCE_OF.get(username),
                    created_at=NOW,
                )
            )
            s.flush()
            for v in villages:
                s.add(UserVillage(user_id=user_id(username), village_id=v))
        s.commit()
