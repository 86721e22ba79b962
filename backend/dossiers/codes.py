"""Official dossier codes: `<unit code>-<YYMMDD of receipt>-<4-digit daily sequence>`.

The sequence is per commune and per day, taken with one atomic upsert so that two
officers receiving at the same moment never get the same number.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from backend.db.models import DossierCodeCounter


def next_sequence(session: Session, commune_id: str, day: date) -> int:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = DossierCodeCounter.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(commune_id=commune_id, day=day, last=1)
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c.commune_id, table.c.day], set_={"last": table.c.last + 1}
    ).returning(table.c.last)
    return int(session.execute(upsert).scalar_one())


def official_code(unit_code: str, day: date, sequence: int) -> str:
    return f"{unit_code}-{day:%y%m%d}-{sequence:04d}"
