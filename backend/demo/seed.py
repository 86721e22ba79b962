"""Writes the demo commune (from `generate_demo`) into the database, once.

Only this module may create the well-known weak demo passwords (`demo`); `create-user`
enforces the real password policy.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from backend.accounts.service import create_user
from backend.changelog.changes import backfill
from backend.db.models import Commune, Household, Member, Province, Village
from backend.demo.generate import generate_demo
from backend.households.queries import household_search_key
from backend.lib.clock import utcnow
from backend.lib.vntime import local_date
from sync.identity import search_key

DEMO_PASSWORD = "demo"
_NS = uuid.UUID("6f1d3c2a-9b7e-4c1a-8d2f-3e4b5a6c7d8e")


def village_id(code: str) -> str:
    return str(uuid.uuid5(_NS, f"village:{code}"))


def seed_demo(engine: Engine, now: datetime | None = None) -> bool:
    """Returns False (and writes nothing) when the demo commune already exists."""
    now = now or utcnow()
    demo = generate_demo(as_of=local_date(now))
    with Session(engine, expire_on_commit=False) as s:
        if s.get(Commune, demo.commune_code) is not None:
            return False
        if s.get(Province, demo.province_code) is None:
            s.add(Province(id=demo.province_code, name=demo.province_name))
            s.flush()
        s.add(
            Commune(
                id=demo.commune_code,
                province_id=demo.province_code,
                name=demo.commune_name,
                unit_code=f"{demo.province_code}.{demo.commune_code}",
            )
        )
        s.flush()
        for v in demo.villages:
            s.add(
                Village(
                    id=village_id(v.code), commune_id=demo.commune_code, code=v.code, name=v.name
                )
            )
        s.flush()
        households: dict[str, Household] = {}
        for h in demo.households:
            row = Household(
                id=str(h.id),
                village_id=village_id(h.village_code),
                commune_id=demo.commune_code,
                address=h.address,
                head_member_id=str(h.head_member_id),
                created_at=now,
                updated_at=now,
            )
            households[row.id] = row
            s.add(row)
        s.flush()
        by_household: dict[str, list[Member]] = {}
        for m in demo.members:
            hh = households[str(m.household_id)]
            member = Member(
                id=str(m.id),
                household_id=hh.id,
                village_id=hh.village_id,
                commune_id=demo.commune_code,
                full_name=m.full_name,
                search_key=search_key(m.full_name),
                date_of_birth=m.date_of_birth,
                sex=m.sex,
                cccd=m.cccd,
                phone=m.phone,
                relationship=m.relationship,
                ethnicity=m.ethnicity,
                created_at=now,
                updated_at=now,
            )
            by_household.setdefault(hh.id, []).append(member)
            s.add(member)
        for hid, row in households.items():
            row.search_key = household_search_key(row, by_household.get(hid, []))
        s.flush()
        codes = [v.code for v in demo.villages]
        accounts = [
            ("admin", "Quản trị hệ thống", "admin", None, []),
            ("officer", "Lò Văn Tuấn (cán bộ một cửa)", "officer", demo.commune_code, []),
            (
                "volunteer1",
                "Giàng A Sử (thanh niên xung kích)",
                "volunteer",
                demo.commune_code,
                [codes[0]],
            ),
            (
                "volunteer2",
                "Vàng Thị Mai (thanh niên xung kích)",
                "volunteer",
                demo.commune_code,
                [codes[1]],
            ),
            (
                "volunteer3",
                "Tẩn Văn Phin (thanh niên xung kích)",
                "volunteer",
                demo.commune_code,
                [codes[2]],
            ),
        ]
        # branch province: a province monitor sees every commune of the demo province
        s.flush()
        create_user(s, username="tinh", password=DEMO_PASSWORD,
                    full_name="Sở Nội vụ (giám sát cấp tỉnh)", role="province_monitor",
                    commune_id=None, village_codes=[], now=now, enforce_policy=False,
                    province_id=demo.province_code)
        for username, full_name, role, commune, villages in accounts:
            create_user(
                s,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                commune_id=commune,
                village_codes=villages,
                now=now,
                enforce_policy=False,
            )
        s.flush()
        backfill(s, now)
        s.commit()
    return True
