"""Read-only SQL for the sync audit endpoints, each scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.db.models import (
    Commune,
    Device,
    DossierAmendment,
    DossierRevision,
    SyncConflict,
    SyncLoser,
    SyncMutation,
)
from backend.lib.auth import Principal


def _scope(stmt: Any, model: Any, principal: Principal) -> Any:
    return where_visible(stmt, principal, model)


def _page(session: Session, stmt: Any, order: Any, offset: int, limit: int
          ) -> tuple[Sequence[Any], int]:
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    return session.exec(stmt.order_by(*order).offset(offset).limit(limit)).all(), int(total)


def conflicts(session: Session, principal: Principal, status: str | None,
              entity_id: str | None, offset: int, limit: int) -> tuple[Sequence[SyncConflict], int]:
    stmt = _scope(select(SyncConflict), SyncConflict, principal)
    if status:
        stmt = stmt.where(SyncConflict.status == status)
    if entity_id:
        stmt = stmt.where(SyncConflict.entity_id == entity_id)
    return _page(session, stmt, (col(SyncConflict.created_at), SyncConflict.id), offset, limit)


def losers(session: Session, principal: Principal, entity_id: str | None, offset: int,
           limit: int) -> tuple[Sequence[SyncLoser], int]:
    stmt = _scope(select(SyncLoser), SyncLoser, principal)
    if entity_id:
        stmt = stmt.where(SyncLoser.entity_id == entity_id)
    return _page(session, stmt, (col(SyncLoser.id),), offset, limit)


def amendments(session: Session, principal: Principal, status: str | None,
               dossier_id: str | None, offset: int, limit: int
               ) -> tuple[Sequence[DossierAmendment], int]:
    stmt = _scope(select(DossierAmendment), DossierAmendment, principal)
    if status:
        stmt = stmt.where(DossierAmendment.status == status)
    if dossier_id:
        stmt = stmt.where(DossierAmendment.dossier_id == dossier_id)
    return _page(session, stmt, (col(DossierAmendment.created_at), DossierAmendment.id),
                 offset, limit)


def mutations(session: Session, principal: Principal, entity_id: str, offset: int, limit: int
              ) -> tuple[Sequence[tuple[SyncMutation, Device]], int]:
    """Officers and admins only (the route guards it); officers see their commune's."""
    stmt = select(SyncMutation, Device).join(Device, col(Device.id) == SyncMutation.device_id
                                             ).where(SyncMutation.entity_id == entity_id)
    stmt = where_visible(stmt, principal, SyncMutation)
    return _page(session, stmt, (col(SyncMutation.received_at), SyncMutation.device_id,
                                 SyncMutation.n), offset, limit)


def revisions(session: Session, dossier_id: str) -> Sequence[tuple[DossierRevision, Device]]:
    return session.exec(
        select(DossierRevision, Device).join(Device, col(Device.id) == DossierRevision.device_id)
        .where(DossierRevision.dossier_id == dossier_id).order_by(col(DossierRevision.number))
    ).all()


def commune_ids(session: Session) -> list[str]:
    """Every commune (the published keys are public: no scope)."""
    return list(session.exec(select(Commune.id)).all())
