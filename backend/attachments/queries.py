"""SQL for blobs and uploads. No commits here: the service owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from backend.db.models import Blob, Upload


def get_blob(session: Session, sha256: str) -> Blob | None:
    return session.get(Blob, sha256)


def present_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    wanted = sorted(set(hashes))
    if not wanted:
        return set()
    rows = session.exec(select(Blob.sha256).where(col(Blob.sha256).in_(wanted)))
    return set(rows.all())


def total_size(session: Session, hashes: Iterable[str]) -> int:
    wanted = sorted(set(hashes))
    if not wanted:
        return 0
    total = session.exec(
        select(func.coalesce(func.sum(Blob.size), 0)).where(col(Blob.sha256).in_(wanted))
    ).one()
    return int(total)


def get_upload(session: Session, sha256: str, user_id: str, *, lock: bool = False) -> Upload | None:
    """With `lock`, takes a row lock on PostgreSQL (FOR UPDATE); SQLite's writer lock is
    already held: the engine opens every write transaction with BEGIN IMMEDIATE."""
    stmt = select(Upload).where(Upload.sha256 == sha256, Upload.user_id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def advance_offset(
    session: Session, sha256: str, user_id: str, expected: int, new: int, now: datetime
) -> bool:
    """Compare-and-set: moves the offset only if nobody moved it since we read it."""
    result = session.execute(
        update(Upload)
        .where(
            col(Upload.sha256) == sha256,
            col(Upload.user_id) == user_id,
            col(Upload.upload_offset) == expected,
        )
        .values(upload_offset=new, updated_at=now)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def open_upload_count(session: Session, user_id: str) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Upload).where(Upload.user_id == user_id)
        ).one()
    )


def stale_uploads(session: Session, updated_before: datetime) -> list[Upload]:
    return list(session.exec(select(Upload).where(col(Upload.updated_at) < updated_before)).all())

