"""Sending Web Push notices, best effort and never in the way of the write that caused them.

Hooks for other services (call them; they never raise):

- `notify_after_commit(session, event, dossier_id=..., data_dir=...)`: write a durable notice
  into the service's transaction (`push_outbox`, dropped on rollback), delivered after the
  commit by this process at once and by `langso worker` until it is through (retries with
  back-off; see backend/push/outbox.py). Use this inside a service transaction.
- `notify(session_factory, event, dossier_id=..., data_dir=...)`: send now, in a background
  thread with its own session. Use it after a commit you have already made.

Events (who is told; TTL; Urgency):
  supplement_requested → the volunteer who prepared the dossier; 7 days; high
  result_issued        → the volunteer who prepared the dossier; 7 days; normal
  dossier_submitted    → the officers of the dossier's commune; 1 day; normal
  due_soon             → the officers of the dossier's commune; 12 hours; high

Payloads carry no personal data: `{"v": 1, "type", "dossier_id", "url"}` only; the PWA
fetches the details over its authenticated API. Every message has an explicit TTL and
Urgency header. A 404 or 410 from the push service deletes the subscription; other failures
are logged and counted on the subscription.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from backend.db.engine import make_engine
from backend.db.models import Dossier, PushNotice
from backend.dossiers.deadlines import _extra, calendar
from backend.lib.clock import utcnow
from backend.lib.vntime import local_date
from backend.push.outbox import deliver_due, enqueue
from backend.push.sending import EVENTS, Delivery, deliver
from backend.settings import Settings
from sync.working_days import next_working_day

log = logging.getLogger("langso.push")
SessionFactory = Callable[[], Session]


_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="langso-push")
_pending: set[Future[Any]] = set()
_queued: dict[tuple[int, str], Future[Any]] = {}  # kick(): deliveries not started yet
_ROUND = 20  # notices leased per transaction
_SCAN = 500  # due notices looked at per transaction (those nobody can receive are closed)
_MAX_ROUNDS = 50  # per delivery job; what is left waits for the next commit or the worker
_lock = threading.Lock()


def notify(session_factory: SessionFactory, event_name: str, *, dossier_id: str,
           data_dir: Path) -> Future[Any] | None:
    """Queue a notice for background sending; returns at once (None for an unknown event).
    Failures are logged, never raised."""
    if event_name not in EVENTS:
        log.error("unknown push event %r", event_name)
        return None

    def job() -> Delivery | None:
        try:
            with session_factory() as session:
                return deliver(session, data_dir, event_name, dossier_id)
        except Exception:
            log.exception("push notice %s for dossier %s failed", event_name, dossier_id)
            return None

    future = _executor.submit(job)
    with _lock:
        _pending.add(future)
    future.add_done_callback(_forget)
    return future


def _forget(future: Future[Any]) -> None:
    with _lock:
        _pending.discard(future)


_INFO_KEY = "langso_push_pending"
_inline = [True]  # LANGSO_PUSH_INLINE, set by create_app


def deliver_inline(on: bool) -> None:
    """Whether this process delivers a committed notice at once (the single machine), or
    leaves every notice to `langso worker` (a fleet whose nodes should not send)."""
    _inline[0] = on


def notify_after_commit(session: Session, event_name: str, *, dossier_id: str,
                        data_dir: Path,
                        defer: Callable[[Any, dict[str, Any]], None] | None = None) -> None:
    """Write a durable notice (`push_outbox`) into `session`'s transaction: it exists only if
    the transaction commits. After the commit this process tries to deliver it at once (a
    background thread); `langso worker` delivers whatever is still due (backend/push/outbox.py).
    With `defer` (a push batch's bulk insert, `Ctx.defer`) the notice is handed over as a plain
    row instead of an ORM object.
    """

    if not session.in_transaction():
        session.begin()
    enqueue(session, event_name, dossier_id, utcnow(), defer)
    pending: list[Path] | None = session.info.get(_INFO_KEY)
    if pending is None:
        pending = []
        session.info[_INFO_KEY] = pending
        event.listen(session, "after_commit", _on_commit)
    pending.append(data_dir)


def _on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the notice is not committed yet
    pending = session.info.get(_INFO_KEY) or []
    session.info[_INFO_KEY] = []
    if not pending or not _inline[0]:
        return
    bind = session.get_bind()
    engine: Engine = bind if isinstance(bind, Engine) else bind.engine
    kick(engine, pending[0])


def kick(engine: Engine, data_dir: Path) -> Future[Any]:
    """Deliver due notices now, in the background (tracked by `drain`)."""

    # One queued delivery per engine and data dir: a burst of pushes used to queue one job
    # per commit, each a claim transaction for a SQLite server's single write lock. A job
    # that has not started yet will see every notice committed before it starts, so a later
    # commit joins it; once started, the job takes everything due, batch after batch.
    key = (id(engine), str(data_dir))

    def job() -> int:
        with _lock:
            _queued.pop(key, None)
        done = 0
        try:
            for _ in range(_MAX_ROUNDS):
                handled = deliver_due(engine, data_dir, utcnow(), _ROUND, _SCAN)
                done += handled
                if handled < _SCAN:
                    break
        except Exception:
            log.exception("push outbox delivery failed")
        return done

    with _lock:
        queued = _queued.get(key)
        if queued is not None:
            return queued
        future = _executor.submit(job)
        _queued[key] = future
        _pending.add(future)
    future.add_done_callback(_forget)
    return future


def drain(timeout: float = 10.0) -> bool:
    """Wait for queued notices (tests, CLI). True when everything finished in time."""
    with _lock:
        futures = list(_pending)
    _, not_done = wait_futures(futures, timeout=timeout)
    return not not_done


# --- deadlines ---------------------------------------------------------------------------

CLOCK_RUNNING = ("received", "processing")


def due_soon_dossiers(session: Session, now: datetime) -> list[Dossier]:
    """Dossiers whose clock is running and whose due date is today or the next working day
    (Vietnam dates, public holidays and make-up Saturdays included)."""

    today = local_date(now)
    days_off, workdays = calendar(today.year - 1, today.year + 1, _extra())
    horizon = next_working_day(today, days_off, workdays)
    return list(session.exec(
        select(Dossier).where(col(Dossier.status).in_(CLOCK_RUNNING),
                              col(Dossier.due_date).is_not(None),
                              col(Dossier.due_date) >= today,
                              col(Dossier.due_date) <= horizon)
        .order_by(col(Dossier.due_date), col(Dossier.id))
    ).all())


def notify_due_soon(now: datetime, engine: Engine | None = None,
                    data_dir: Path | None = None) -> int:
    """Tell officers about dossiers due within one working day, once per dossier and due date
    (`push_notices` remembers what was sent). Synchronous; returns the number of dossiers
    notified. Defaults read the settings from the environment (the CLI case)."""


    if engine is None or data_dir is None:

        settings = Settings.from_env()
        engine = engine or make_engine(settings.database_url, settings=settings)
        data_dir = data_dir or settings.data_dir
    count = 0
    with Session(engine) as session:
        dossiers = due_soon_dossiers(session, now)
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        for d in dossiers:
            key = d.due_date.isoformat() if d.due_date else ""
            claimed = session.execute(
                insert(PushNotice).values(event="due_soon", dossier_id=d.id, key=key,
                                          created_at=now)
                .on_conflict_do_nothing().returning(col(PushNotice.id))
            ).first()
            if claimed is None:
                session.commit()
                continue  # already told (possibly by a concurrent run)

            enqueue(session, "due_soon", d.id, now)  # with the claim, in one transaction
            session.commit()
            count += 1
    if count:

        deliver_due(engine, data_dir, now, limit=max(20, count))
    return count
