"""SQL behind the officer console. No commits here: the service owns the transaction.

Every statement that lists dossiers is scoped by `scope_filter` first; the flag filters
(`has_conflict`, `possible_duplicate`, `overdue`, `due_soon`) are SQL expressions so that
pagination and totals stay correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from backend.access.scope import visible_clause
from backend.db.models import (
    Blob,
    Device,
    Dossier,
    DossierAmendment,
    DossierEvent,
    DossierResult,
    DossierRevision,
    Member,
    SupplementRequest,
    SyncConflict,
    User,
    Village,
)
from backend.lib.auth import Principal
from sync.states import TERMINAL

# States in which the legal clock runs (sync.states.CLOCK == "running").
RUNNING = ("received", "processing")



@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None
    procedure_code: str | None = None
    village_id: str | None = None
    volunteer: str | None = None
    commune_id: str | None = None
    due_soon: bool = False
    overdue: bool = False
    has_conflict: bool = False
    possible_duplicate: bool = False


def scope_filter(principal: Principal) -> ColumnElement[bool] | None:
    """The dossiers `principal` sees (backend/access/scope.py); the routes' guard admits
    officers and admins only."""
    return visible_clause(principal, Dossier)


def conflict_expr() -> ColumnElement[bool]:
    open_conflict = exists().where(
        col(SyncConflict.entity) == "dossier",
        col(SyncConflict.entity_id) == Dossier.id,
        col(SyncConflict.status) == "open",
    )
    pending_amendment = exists().where(
        col(DossierAmendment.dossier_id) == Dossier.id,
        col(DossierAmendment.status) == "pending",
    )
    return or_(open_conflict, pending_amendment)


def duplicate_expr() -> ColumnElement[bool]:
    """This dossier is still open and another non-terminal dossier of the same procedure in the same commune for the same
    applicant member, or for a member with the same CCCD (the person recorded twice)."""
    other = aliased(Dossier)
    other_member = aliased(Member)
    me = aliased(Member)
    same_cccd = exists().where(
        col(me.id) == Dossier.applicant_member_id,
        col(other_member.id) == other.applicant_member_id,
        col(me.cccd_bidx).is_not(None),
        col(other_member.cccd_bidx) == me.cccd_bidx,
    ).correlate(Dossier, other)  # two levels up: auto-correlation stops at the nearest one
    return and_(col(Dossier.status).not_in(sorted(TERMINAL)), exists().where(
        col(other.id) != Dossier.id,
        col(other.commune_id) == Dossier.commune_id,
        col(other.procedure_code) == Dossier.procedure_code,
        col(other.status).not_in(sorted(TERMINAL)),
        or_(col(other.applicant_member_id) == Dossier.applicant_member_id, same_cccd),
    ))


def overdue_expr(today: date) -> ColumnElement[bool]:
    return and_(
        col(Dossier.status).in_(RUNNING),
        col(Dossier.due_date).is_not(None),
        col(Dossier.due_date) < today,
    )


def due_soon_expr(today: date, next_working_day: date) -> ColumnElement[bool]:
    return and_(
        col(Dossier.status).in_(RUNNING),
        col(Dossier.due_date) >= today,
        col(Dossier.due_date) <= next_working_day,
    )


def queue_page(
    session: Session,
    principal: Principal,
    f: QueueFilters,
    today: date,
    next_working_day: date,
    offset: int,
    limit: int,
) -> tuple[int, list[tuple[Any, ...]]]:
    """(total, rows of (Dossier, applicant name, village name, volunteer name, has_conflict,
    possible_duplicate)), sorted by due date (none last), then receipt, then creation."""
    conflict = conflict_expr()
    duplicate = duplicate_expr()
    stmt = (
        select(  # type: ignore[call-overload]
            Dossier,
            Member.full_name,
            Village.name,
            User.full_name,
            conflict.label("has_conflict"),
            duplicate.label("possible_duplicate"),
        )
        .join(Member, col(Member.id) == Dossier.applicant_member_id)
        .join(Village, col(Village.id) == Dossier.village_id)
        .join(User, col(User.id) == Dossier.prepared_by)
    )
    scope = scope_filter(principal)
    if scope is not None:
        stmt = stmt.where(scope)
    if f.commune_id:
        stmt = stmt.where(col(Dossier.commune_id) == f.commune_id)
    if f.status:
        stmt = stmt.where(col(Dossier.status) == f.status)
    else:
        stmt = stmt.where(col(Dossier.status) != "draft")  # drafts are the volunteer's work
    if f.procedure_code:
        stmt = stmt.where(col(Dossier.procedure_code) == f.procedure_code)
    if f.village_id:
        stmt = stmt.where(col(Dossier.village_id) == f.village_id)
    if f.volunteer:
        stmt = stmt.where(col(Dossier.prepared_by) == f.volunteer)
    if f.overdue:
        stmt = stmt.where(overdue_expr(today))
    if f.due_soon:
        stmt = stmt.where(due_soon_expr(today, next_working_day))
    if f.has_conflict:
        stmt = stmt.where(conflict)
    if f.possible_duplicate:
        stmt = stmt.where(duplicate)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    ordered = stmt.order_by(
        case((col(Dossier.due_date).is_(None), 1), else_=0),
        col(Dossier.due_date),
        col(Dossier.received_at),
        col(Dossier.created_at),
        col(Dossier.id),
    )
    rows = session.exec(ordered.offset(offset).limit(limit)).all()
    return int(total), [tuple(r) for r in rows]


def duplicates_of(session: Session, d: Dossier) -> list[tuple[Dossier, str, str]]:
    """(dossier, applicant name, match: member|cccd) for the duplicate warning."""
    me = session.get(Member, d.applicant_member_id)
    stmt = (
        select(Dossier, Member.full_name)
        .join(Member, col(Member.id) == Dossier.applicant_member_id)
        .where(
            col(Dossier.id) != d.id,
            col(Dossier.commune_id) == d.commune_id,
            col(Dossier.procedure_code) == d.procedure_code,
            col(Dossier.status).not_in(sorted(TERMINAL)),
        )
    )
    same_member = col(Dossier.applicant_member_id) == d.applicant_member_id
    if me is not None and me.cccd_bidx:
        stmt = stmt.where(or_(same_member, col(Member.cccd_bidx) == me.cccd_bidx))
    else:
        stmt = stmt.where(same_member)
    out = []
    for other, name in session.exec(stmt.order_by(col(Dossier.created_at))).all():
        match = "member" if other.applicant_member_id == d.applicant_member_id else "cccd"
        out.append((other, name, match))
    return out


def revisions_of(session: Session, dossier_id: str) -> list[DossierRevision]:
    return list(
        session.exec(
            select(DossierRevision)
            .where(col(DossierRevision.dossier_id) == dossier_id)
            .order_by(col(DossierRevision.number))
        ).all()
    )


def latest_revisions(session: Session, dossier_ids: Iterable[str]) -> dict[str, DossierRevision]:
    ids = sorted(set(dossier_ids))
    if not ids:
        return {}
    latest = (
        select(DossierRevision.dossier_id, func.max(DossierRevision.number).label("n"))
        .where(col(DossierRevision.dossier_id).in_(ids))
        .group_by(col(DossierRevision.dossier_id))
        .subquery()
    )
    rows = session.exec(
        select(DossierRevision).join(
            latest,
            and_(
                col(DossierRevision.dossier_id) == latest.c.dossier_id,
                col(DossierRevision.number) == latest.c.n,
            ),
        )
    ).all()
    return {r.dossier_id: r for r in rows}


def devices_by_id(session: Session, ids: Iterable[str]) -> dict[str, Device]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {d.id: d for d in session.exec(select(Device).where(col(Device.id).in_(wanted))).all()}


def users_by_id(session: Session, ids: Iterable[str]) -> dict[str, User]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted))).all()}


def blobs_by_hash(session: Session, hashes: Iterable[str]) -> dict[str, Blob]:
    wanted = sorted({h for h in hashes if isinstance(h, str)})
    if not wanted:
        return {}
    rows = session.exec(select(Blob).where(col(Blob.sha256).in_(wanted))).all()
    return {b.sha256: b for b in rows}


def open_conflicts(session: Session, dossier_id: str) -> list[SyncConflict]:
    return list(
        session.exec(
            select(SyncConflict)
            .where(
                col(SyncConflict.entity) == "dossier",
                col(SyncConflict.entity_id) == dossier_id,
            )
            .order_by(col(SyncConflict.created_at))
        ).all()
    )


def amendments_of(session: Session, dossier_id: str) -> list[DossierAmendment]:
    return list(
        session.exec(
            select(DossierAmendment)
            .where(col(DossierAmendment.dossier_id) == dossier_id)
            .order_by(col(DossierAmendment.created_at))
        ).all()
    )


def events_of(session: Session, dossier_id: str) -> list[DossierEvent]:
    return list(
        session.exec(
            select(DossierEvent)
            .where(col(DossierEvent.dossier_id) == dossier_id)
            .order_by(col(DossierEvent.id))
        ).all()
    )


def last_event(session: Session, dossier_id: str, action: str) -> DossierEvent | None:
    return session.exec(
        select(DossierEvent)
        .where(col(DossierEvent.dossier_id) == dossier_id, col(DossierEvent.action) == action)
        .order_by(col(DossierEvent.id).desc())
        .limit(1)
    ).first()


def supplement_requests_of(session: Session, dossier_id: str) -> list[SupplementRequest]:
    return list(
        session.exec(
            select(SupplementRequest)
            .where(col(SupplementRequest.dossier_id) == dossier_id)
            .order_by(col(SupplementRequest.requested_at))
        ).all()
    )


def result_of(session: Session, dossier_id: str) -> DossierResult | None:
    return session.exec(
        select(DossierResult).where(col(DossierResult.dossier_id) == dossier_id)
    ).first()
