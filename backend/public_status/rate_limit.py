"""A sliding-window limit on public look-ups, kept in the database so that every server worker
counts the same attempts.

Each attempt is written (and committed) BEFORE it is counted: two concurrent requests then
each see at least their own row and every row committed before it, so a burst spread over
workers cannot slip past the limit together. Rows older than the window are pruned as we go.
Buckets never hold the raw dossier code: codes are hashed (HMAC with the server secret).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from backend.db.engine import ensure_writable
from backend.db.models import PublicLookupAttempt

WINDOW = timedelta(minutes=10)
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the oldest counted attempt leaves the window


def ip_bucket(ip: str) -> str:
    return "ip:" + ip[:64]


def code_bucket(secret: bytes, code: str) -> str:
    digest = hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()[:40]
    return "code:" + digest


def hit(session: Session, buckets: list[str], now: datetime, limit: int = MAX_ATTEMPTS,
        window: timedelta = WINDOW) -> Verdict:
    """Record one attempt in every bucket, then refuse if any bucket is over `limit`."""
    since = now - window
    ensure_writable(session)  # a GET's reader session: this is its one write
    session.execute(delete(PublicLookupAttempt).where(col(PublicLookupAttempt.at) < since))
    for bucket in buckets:
        session.add(PublicLookupAttempt(bucket=bucket, at=now))
    session.commit()
    retry_after = 0
    for bucket in buckets:
        count, oldest = session.exec(
            select(func.count(), func.min(PublicLookupAttempt.at)).where(
                PublicLookupAttempt.bucket == bucket, col(PublicLookupAttempt.at) >= since
            )
        ).one()
        if count > limit:
            oldest_at = _aware(oldest) if oldest is not None else now
            left = math.ceil((oldest_at + window - now).total_seconds())
            retry_after = max(retry_after, left, 1)
    return Verdict(retry_after == 0, retry_after)


def _aware(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
