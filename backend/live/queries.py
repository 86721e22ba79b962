"""Read-only SQL of the live feed: the newest change and the dossier changes after a seq,
in a commune, a province's communes, or all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import col, select

from backend.db.engine import read_session
from backend.db.models import Dossier, SyncChange

BATCH = 200

Communes = str | frozenset[str] | None  # one commune, a province's communes, or all


def _in_scope(stmt: Any, communes: Communes) -> Any:
    if isinstance(communes, str):
        return stmt.where(SyncChange.commune_id == communes)
    if communes is not None:
        return stmt.where(col(SyncChange.commune_id).in_(sorted(communes)))
    return stmt


def latest_seq(engine: Engine, commune_id: Communes) -> int:
    with read_session(engine) as s:
        stmt = _in_scope(select(func.max(SyncChange.seq)), commune_id)
        return int(s.exec(stmt).one() or 0)


def poll(engine: Engine, commune_id: Communes, after: int) -> list[dict[str, Any]]:
    with read_session(engine) as s:
        stmt = (
            select(SyncChange, Dossier.status)
            .join(Dossier, col(Dossier.id) == col(SyncChange.entity_id), isouter=True)
            .where(SyncChange.entity == "dossier", col(SyncChange.seq) > after)
        )
        stmt = _in_scope(stmt, commune_id)
        rows = s.exec(stmt.order_by(col(SyncChange.seq)).limit(BATCH)).all()
        return [
            {"seq": c.seq, "dossier_id": c.entity_id, "version": c.version,
             "commune_id": c.commune_id, "village_id": c.village_id, "deleted": c.deleted,
             "status": status}
            for c, status in rows
        ]
