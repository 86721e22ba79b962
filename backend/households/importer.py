"""CSV import of households into the database: all rows or none.

Parsing and per-row checks are pure (`csv_import.parse_households_csv`); this module adds
the checks that need the database (CCCD already registered in the commune) and writes
everything in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.changelog.changes import backfill
from backend.db.models import Commune, Household, Member, Village
from backend.households.csv_import import RowError, parse_households_csv
from backend.households.queries import household_search_key
from backend.lib.clock import new_id, utcnow
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.privacy.lookup import cccd_index
from sync.identity import search_key


def _refusal(errors: list[RowError]) -> AppError:
    rows = sorted({e.row_number for e in errors if e.row_number is not None})
    listed = ", ".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
    return AppError(
        "csv_rejected",
        f"Tệp có {len(errors)} lỗi (dòng {listed}); không nhập hộ nào. Sửa các dòng lỗi rồi nhập lại."
        if rows
        else "Tệp không hợp lệ; không nhập hộ nào.",
        f"The file has {len(errors)} error(s); nothing was imported.",
        422,
        errors=[
            {
                "row": e.row_number,
                "column": e.column,
                "code": e.code,
                "message_vi": e.message_vi,
                "message_en": e.message_en,
            }
            for e in errors
        ],
    )


def import_into(session: Session, data: bytes, commune_id: str, now: datetime) -> dict[str, int]:
    if session.get(Commune, commune_id) is None:
        raise AppError("unknown_commune", "Không có xã này.", "Unknown commune.", 404)
    villages = {
        v.code: v for v in session.exec(select(Village).where(Village.commune_id == commune_id))
    }
    parsed = parse_households_csv(data, set(villages), today=local_date(now))
    errors = list(parsed.errors)
    if not errors:
        # CCCDs are sealed: compare their blind indexes (backend/privacy).
        cccds = {m.cccd: m.row_number for h in parsed.households for m in h.members if m.cccd}
        by_index = {cccd_index(session, c): c for c in cccds}
        if cccds:
            taken_ix = session.exec(
                select(Member.cccd_bidx).where(
                    Member.commune_id == commune_id, col(Member.cccd_bidx).in_(list(by_index))
                )
            ).all()
            for cccd in sorted(by_index[i] for i in taken_ix if i):
                errors.append(
                    RowError(
                        cccds[cccd],
                        "cccd",
                        "cccd_already_registered",
                        f"Số CCCD {cccd} đã có trong dữ liệu của xã.",
                        f"CCCD {cccd} is already registered in this commune.",
                    )
                )
    if errors:
        raise _refusal(errors)
    member_count = 0
    for h in parsed.households:
        village = villages[h.village_code]
        household = Household(
            id=new_id(),
            village_id=village.id,
            commune_id=commune_id,
            address=h.address,
            created_at=now,
            updated_at=now,
        )
        session.add(household)
        session.flush()
        members: list[Member] = []
        for m in h.members:
            member = Member(
                id=new_id(),
                household_id=household.id,
                village_id=village.id,
                commune_id=commune_id,
                full_name=m.full_name,
                search_key=search_key(m.full_name),
                date_of_birth=m.date_of_birth,
                sex=m.sex,
                cccd=m.cccd,
                phone=m.phone,
                relationship=m.relationship,
                ethnicity=m.ethnicity or "",
                created_at=now,
                updated_at=now,
            )
            members.append(member)
            session.add(member)
            if m.relationship == "chu_ho":
                household.head_member_id = member.id
        household.search_key = household_search_key(household, members)
        member_count += len(members)
    # Announce the new records to devices that already hold a pull cursor.
    session.flush()
    backfill(session, now)
    session.commit()
    return {"households": len(parsed.households), "members": member_count}


def import_households(engine: Engine, data: bytes, commune_id: str) -> dict[str, Any]:
    with Session(engine, expire_on_commit=False) as session:
        return import_into(session, data, commune_id, utcnow())
