"""The durable push outbox: notices written with their cause, delivered by claim.

`enqueue` adds a notice to the caller's transaction. `deliver_due` claims due notices (a lease
committed before any sending; PostgreSQL skips rows another worker holds) and sends each to
every subscription of its recipients that has not had it yet, recording each answer at once.
A notice with failures is retried with exponential back-off (30 s, 1 min, 2 min, … capped at
1 h) and given up after MAX_ATTEMPTS. `langso worker` runs `deliver_due` in a loop; a server
process also runs it right after committing a notice, so a single machine without a worker
still notifies at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import requests
from sqlalchemy import Engine, update
from sqlmodel import Session, col, or_, select

from backend.db.models import Dossier, PushDelivery, PushOutbox, PushSubscription
from backend.db.new_rows import new_row, plain_row
from backend.push import vapid
from backend.push.sending import EVENTS, payload, recipients, send_one

log = logging.getLogger("langso.push")
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    return min(MAX_DELAY, BASE_DELAY * (1 << max(0, attempts - 1)))


OUTBOX = PushOutbox.__table__  # type: ignore[attr-defined]


def enqueue(session: Session, event_name: str, dossier_id: str, now: datetime,
            defer: Callable[[Any, dict[str, Any]], None] | None = None) -> None:
    """Add a notice to `session`'s transaction: it exists if and only if the cause commits.
    With `defer`, the row is handed to it (a bulk insert in the same transaction)."""
    if event_name not in EVENTS:
        log.error("unknown push event %r", event_name)
        return
    values = {"event": event_name, "dossier_id": dossier_id, "created_at": now,
              "next_attempt_at": now}
    if defer is not None:
        defer(OUTBOX, plain_row(PushOutbox, **values))
    else:
        session.add(new_row(PushOutbox, **values))


def claim(engine: Engine, now: datetime, limit: int = 20) -> list[tuple[int, str]]:
    """Lease up to `limit` due notices to the caller; committed before returning."""
    return _claim(engine, now, limit, close_idle=False)[1]


def _claim(engine: Engine, now: datetime, limit: int, close_idle: bool, scan: int | None = None
           ) -> tuple[int, list[tuple[int, str]]]:
    """(how many due notices were taken, those leased to the caller: at most `limit`). With
    `close_idle`, the notices nobody is subscribed to are finished in the same transaction
    instead of leased, among the first `scan` due ones (default `limit`): a push batch's
    hundred notices for a commune without subscriptions close in one transaction, not five."""
    with Session(engine) as session:
        due = (select(PushOutbox.id, PushOutbox.event)
               .where(col(PushOutbox.done_at).is_(None),
                      col(PushOutbox.next_attempt_at) <= now,
                      or_(col(PushOutbox.locked_until).is_(None),
                          col(PushOutbox.locked_until) < now))
               .order_by(col(PushOutbox.id)).limit(max(limit, scan or 0) if close_idle
                                                   else limit))
        if engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = [(i, e) for i, e in session.exec(due).all() if i is not None]
        taken = len(rows)
        if rows and close_idle:
            busy = close_unsubscribed(session, [i for i, _ in rows], now)
            rows = [(i, e) for i, e in rows if i in busy][:limit]
        if rows:
            session.execute(update(PushOutbox).where(col(PushOutbox.id).in_([i for i, _ in rows]))
                            .values(locked_until=now + LEASE))
        session.commit()
        return taken, rows


@dataclass
class Outcome:
    sent: int = 0
    removed: int = 0
    failed: int = 0


def deliver_notice(engine: Engine, data_dir: Path, notice_id: int, now: datetime) -> Outcome:
    """Send one claimed notice to the subscriptions that have not had it; then mark it done
    or schedule the next attempt."""
    out = Outcome()
    with Session(engine, expire_on_commit=False) as session:
        notice = session.get(PushOutbox, notice_id)
        if notice is None or notice.done_at is not None:
            return out
        spec = EVENTS[notice.event]
        dossier = session.get(Dossier, notice.dossier_id)
        users = recipients(session, spec, dossier) if dossier is not None else []
        subs = list(session.exec(select(PushSubscription).where(
            col(PushSubscription.user_id).in_(sorted(set(users)))).order_by(
            col(PushSubscription.id))).all()) if users else []
        done = set(session.exec(select(PushDelivery.subscription_id).where(
            PushDelivery.notice_id == notice_id)).all())
        body = json.dumps(payload(notice.event, notice.dossier_id, spec.audience),
                          separators=(",", ":"), ensure_ascii=False)
        signer = vapid.signer(data_dir) if subs else None
        with requests.Session() as http:
            for sub in subs:
                if sub.id in done:
                    continue
                status = send_one(http, signer, sub, body, spec.ttl, spec.urgency)
                if status is not None and (200 <= status < 300 or status in (404, 410)):
                    session.add(PushDelivery(notice_id=notice_id, subscription_id=sub.id,
                                             status=status, delivered_at=now))
                    if status in (404, 410):
                        session.delete(sub)
                        out.removed += 1
                    else:
                        sub.last_success_at, sub.failures = now, 0
                        session.add(sub)
                        out.sent += 1
                else:
                    sub.failures += 1
                    session.add(sub)
                    out.failed += 1
                session.commit()  # record each answer at once: a retry skips it
        notice.attempts += 1
        notice.locked_until = None
        if out.failed and notice.attempts < MAX_ATTEMPTS:
            notice.next_attempt_at = now + backoff(notice.attempts)
            notice.last_error = f"{out.failed} subscription(s) failed"
        else:
            notice.done_at = now
            notice.last_error = f"gave up: {out.failed} failed" if out.failed else ""
        session.add(notice)
        session.commit()
    return out


class _Addressee(NamedTuple):
    prepared_by: str
    commune_id: str


def close_unsubscribed(session: Session, notice_ids: list[int], now: datetime) -> set[int]:
    """Finish, in the claim's transaction, the due notices none of whose recipients has a
    subscription (what `deliver_notice` does for them: one more attempt, no lease, done, no
    error) and return the others, which are leased and go through `deliver_notice`. Why: a
    notice nobody can receive took a write transaction of its own (on SQLite, the server's
    one write lock) twenty times per push."""
    # Columns, not objects: loading a dossier would decrypt its form data for nothing.
    notices = session.exec(select(PushOutbox.id, PushOutbox.event, PushOutbox.dossier_id).where(
        col(PushOutbox.id).in_(notice_ids), col(PushOutbox.done_at).is_(None))).all()
    dossiers = {i: _Addressee(p, c) for i, p, c in session.exec(
        select(Dossier.id, Dossier.prepared_by, Dossier.commune_id).where(
            col(Dossier.id).in_(sorted({d for _, _, d in notices})))).all()}
    audiences: dict[tuple[str, str], list[str]] = {}
    wanted: dict[int, list[str]] = {}
    for notice_id, event_name, dossier_id in notices:
        spec, dossier = EVENTS[event_name], dossiers.get(dossier_id)
        if dossier is None:
            users: list[str] = []
        else:
            key = (spec.audience, dossier.prepared_by if spec.audience == "volunteer"
                   else dossier.commune_id)
            if key not in audiences:
                audiences[key] = recipients(session, spec, dossier)
            users = audiences[key]
        wanted[notice_id or 0] = users
    everyone = sorted({u for users in wanted.values() for u in users})
    subscribed = set(session.exec(select(PushSubscription.user_id).where(
        col(PushSubscription.user_id).in_(everyone))).all()) if everyone else set()
    idle = [i for i, users in wanted.items() if not subscribed.intersection(users)]
    if idle:
        session.execute(update(PushOutbox).where(
            col(PushOutbox.id).in_(idle), col(PushOutbox.done_at).is_(None)).values(
            attempts=PushOutbox.attempts + 1, locked_until=None, done_at=now,
            last_error=""))
    return set(notice_ids) - set(idle)


def deliver_due(engine: Engine, data_dir: Path, now: datetime, limit: int = 20,
                scan: int | None = None) -> int:
    """Claim and deliver up to `limit` due notices, closing those nobody is subscribed to
    among the first `scan`; returns how many due notices were taken."""
    taken, claimed = _claim(engine, now, limit, close_idle=True, scan=scan)
    for notice_id, event_name in claimed:
        try:
            deliver_notice(engine, data_dir, notice_id, now)
        except Exception:  # one bad notice must not stop the others; its lease runs out
            log.exception("push notice %s for notice %s failed", event_name, notice_id)
    return taken
