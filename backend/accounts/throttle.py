"""Slows down password guessing: failed logins are counted per username and per client
address in the database (so every worker sees the same counts); past the limit the login is
refused with 429 and `Retry-After` before any password is checked."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from backend.db.models import PublicLookupAttempt
from backend.lib.errors import AppError

WINDOW = timedelta(minutes=15)
MAX_PER_USER = 10
MAX_PER_ADDRESS = 50


def _buckets(username: str, address: str) -> tuple[str, str]:
    return f"login-user:{username[:60]}", f"login-ip:{address[:60]}"


def check(session: Session, username: str, address: str, now: datetime) -> None:
    since = now - WINDOW
    for bucket, limit in zip(
        _buckets(username, address), (MAX_PER_USER, MAX_PER_ADDRESS), strict=True
    ):
        count, oldest = session.exec(
            select(func.count(), func.min(PublicLookupAttempt.at)).where(
                PublicLookupAttempt.bucket == bucket, col(PublicLookupAttempt.at) >= since
            )
        ).one()
        if count >= limit:
            oldest_at = (
                oldest if isinstance(oldest, datetime) else datetime.fromisoformat(str(oldest))
            )
            if oldest_at.tzinfo is None:
                oldest_at = oldest_at.replace(tzinfo=UTC)
            wait = max(1, math.ceil((oldest_at + WINDOW - now).total_seconds()))
            raise AppError(
                "too_many_attempts",
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {math.ceil(wait / 60)} phút.",
                "Too many failed logins; try again later.",
                429,
                headers={"Retry-After": str(wait)},
            )


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    session.execute(delete(PublicLookupAttempt).where(col(PublicLookupAttempt.at) < now - WINDOW))
    for bucket in _buckets(username, address):
        session.add(PublicLookupAttempt(bucket=bucket, at=now))
    session.commit()


def forget(session: Session, username: str, address: str) -> None:
    """A successful login clears that username's failures (not the address's)."""
    session.execute(
        delete(PublicLookupAttempt).where(
            col(PublicLookupAttempt.bucket) == _buckets(username, address)[0]
        )
    )
