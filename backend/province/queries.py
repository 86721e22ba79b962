"""SQL of the province view: sums of rollup rows, never a scan of every dossier."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from backend.db.models import Commune, Dossier, DossierEvent, DossierRollup, Rating
from backend.lib.vntime import VN
from backend.monitoring.index766 import COUNT_FIELDS, Counts

R = DossierRollup


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(R, name)), 0) for name in COUNT_FIELDS]


def _counts(row: Any, offset: int) -> Counts:
    return Counts(**{name: int(row[offset + i]) for i, name in enumerate(COUNT_FIELDS)})


def communes_of(session: Session, province_id: str) -> list[Commune]:
    return list(session.exec(select(Commune).where(Commune.province_id == province_id)
                             .order_by(col(Commune.id))).all())


def counts_by_commune(session: Session, commune_ids: list[str], start: date, end: date
                      ) -> dict[str, Counts]:
    stmt = (columns(col(R.commune_id), *_sums())
            .where(col(R.commune_id).in_(commune_ids), col(R.day) >= start, col(R.day) <= end)
            .group_by(col(R.commune_id)))
    return {row[0]: _counts(row, 1) for row in session.execute(stmt)}


def counts_by_procedure(session: Session, commune_id: str, start: date, end: date
                        ) -> dict[str, Counts]:
    stmt = (columns(col(R.procedure_code), *_sums())
            .where(col(R.commune_id) == commune_id, col(R.day) >= start, col(R.day) <= end)
            .group_by(col(R.procedure_code)))
    return {row[0]: _counts(row, 1) for row in session.execute(stmt)}


def counts_by_day(session: Session, commune_ids: list[str], start: date, end: date
                  ) -> list[tuple[date, Counts]]:
    stmt = (columns(col(R.day), *_sums())
            .where(col(R.commune_id).in_(commune_ids), col(R.day) >= start, col(R.day) <= end)
            .group_by(col(R.day)).order_by(col(R.day)))
    return [(row[0], _counts(row, 1)) for row in session.execute(stmt)]


def overdue_open(session: Session, commune_ids: list[str], today: date) -> dict[str, int]:
    """Dossiers still being handled past their due date (live: a function of today)."""
    stmt = (columns(col(Dossier.commune_id), func.count())
            .where(col(Dossier.commune_id).in_(commune_ids),
                   col(Dossier.status).in_(("processing", "received")),
                   col(Dossier.due_date) < today)
            .group_by(col(Dossier.commune_id)))
    return {c: int(n) for c, n in session.execute(stmt)}


DOSSIER_COLUMNS = (col(Dossier.id), col(Dossier.official_code), col(Dossier.procedure_code),
                   col(Dossier.status), col(Dossier.outcome), col(Dossier.received_at),
                   col(Dossier.due_date))
DOSSIER_KEYS = ("id", "official_code", "procedure_code", "status", "outcome", "received_at",
                "due_date")
DECISIONS = ("approve", "reject")


def _local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants bounding local (UTC+7) days start..end inclusive."""
    lo = datetime.combine(start, time(), VN).astimezone(UTC)
    return lo, datetime.combine(end + timedelta(days=1), time(), VN).astimezone(UTC)


def _local_day(session: Session, at: Any) -> Any:
    """SQL for the Vietnam day of a stored UTC instant (UTC+7 all year, as vntime.local_date);
    SQLite stores naive UTC text and dates as ISO text, so the two compare as text."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Ho_Chi_Minh", at))
    return func.date(at, "+7 hours")


def dossiers_behind(session: Session, commune_id: str, procedure_code: str | None,
                    metric: str, start: date, end: date, today: date, limit: int
                    ) -> list[dict[str, Any]]:
    """The dossiers behind a number, newest first. `metric`: received | finished | late
    (decided after the due date, by the Vietnam day) | overdue (still open past it, whatever
    the period) | not_satisfied. The period bounds the day the rollups count them on."""
    lo, hi = _local_bounds(start, end)
    if metric == "late":
        return _late(session, commune_id, procedure_code, lo, hi, limit)
    stmt: Any
    if metric == "overdue":
        stmt = columns(*DOSSIER_COLUMNS, col(Dossier.received_at)).where(
            col(Dossier.commune_id) == commune_id,
            col(Dossier.status).in_(("processing", "received")), col(Dossier.due_date) < today)
        if procedure_code:
            stmt = stmt.where(col(Dossier.procedure_code) == procedure_code)
        stmt = stmt.order_by(col(Dossier.due_date))
    elif metric == "not_satisfied":
        stmt = columns(*DOSSIER_COLUMNS, col(Rating.rated_at)).join(
            Rating, col(Rating.dossier_id) == col(Dossier.id)).where(
            col(Dossier.commune_id) == commune_id, col(Rating.rating) == "not_satisfied",
            col(Rating.rated_at) >= lo, col(Rating.rated_at) < hi)
        if procedure_code:
            stmt = stmt.where(col(Dossier.procedure_code) == procedure_code)
        stmt = stmt.order_by(col(Rating.rated_at).desc())
    else:
        stmt = columns(*DOSSIER_COLUMNS, col(DossierEvent.at)).join(
            DossierEvent, col(DossierEvent.dossier_id) == col(Dossier.id)).where(
            col(Dossier.commune_id) == commune_id,
            col(DossierEvent.action).in_(("receive",) if metric == "received" else DECISIONS),
            col(DossierEvent.at) >= lo, col(DossierEvent.at) < hi)
        if procedure_code:
            stmt = stmt.where(col(Dossier.procedure_code) == procedure_code)
        stmt = stmt.order_by(col(DossierEvent.at).desc())
    return _items(session.execute(stmt.limit(limit)).all())


def _late(session: Session, commune_id: str, procedure_code: str | None, lo: datetime,
          hi: datetime, limit: int) -> list[dict[str, Any]]:
    """Decided after the due date, newest first: a backward walk of `ix_dossiers_decided`
    (commune, decided_at, due_date) that stops at `limit`, lateness judged from the index."""
    decided = col(Dossier.decided_at)
    stmt = columns(*DOSSIER_COLUMNS, decided).where(
        col(Dossier.commune_id) == commune_id, decided >= lo, decided < hi,
        _local_day(session, decided) > col(Dossier.due_date))
    if procedure_code:
        stmt = stmt.where(col(Dossier.procedure_code) == procedure_code)
    return _items(session.execute(stmt.order_by(decided.desc()).limit(limit)).all())


def _items(rows: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in rows:
        item = dict(zip(DOSSIER_KEYS, r[:-1], strict=True))
        item["at"] = r[-1]
        out.append(item)
    return out


def finished_in(session: Session, commune_ids: list[str], start: date, end: date
                ) -> list[tuple[Any, ...]]:
    """(commune, official code, procedure, due date, decided at) of every decision in the
    period, for the late list of the monthly report (late is judged by the caller)."""
    lo, hi = _local_bounds(start, end)
    stmt = (columns(col(Dossier.commune_id), col(Dossier.official_code),
                    col(Dossier.procedure_code), col(Dossier.due_date), col(DossierEvent.at),
                    col(Dossier.id))
            .join(DossierEvent, col(DossierEvent.dossier_id) == col(Dossier.id))
            .where(col(Dossier.commune_id).in_(commune_ids),
                   col(DossierEvent.action).in_(("approve", "reject")),
                   col(DossierEvent.at) >= lo, col(DossierEvent.at) < hi)
            .order_by(col(DossierEvent.at)))
    return [tuple(r) for r in session.execute(stmt)]


def apologies_in(session: Session, commune_ids: list[str], start: date, end: date
                 ) -> dict[str, tuple[datetime, dict[str, Any]]]:
    """The latest apology letter (event `apologise`) of each dossier in the period."""
    lo, hi = _local_bounds(start, end)
    stmt = (columns(col(DossierEvent.dossier_id), col(DossierEvent.at), col(DossierEvent.data))
            .join(Dossier, col(Dossier.id) == col(DossierEvent.dossier_id))
            .where(col(Dossier.commune_id).in_(commune_ids),
                   col(DossierEvent.action) == "apologise",
                   col(DossierEvent.at) >= lo, col(DossierEvent.at) < hi)
            .order_by(col(DossierEvent.at)))
    return {did: (at, data or {}) for did, at, data in session.execute(stmt)}
