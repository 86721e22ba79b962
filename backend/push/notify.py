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

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from pywebpush import WebPushException, webpush
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from backend.db.models import Dossier, PushSubscription, User
from backend.push import vapid

log = logging.getLogger("langso.push")
SessionFactory = Callable[[], Session]


@dataclass(frozen=True)
class EventSpec:
    audience: str  # "volunteer" (dossier.prepared_by) | "officers" (of dossier.commune_id)
    ttl: int  # seconds the push service keeps an undelivered message
    urgency: str  # RFC 8030 §5.3: very-low | low | normal | high


EVENTS: dict[str, EventSpec] = {
    "supplement_requested": EventSpec("volunteer", 7 * 86400, "high"),
    "result_issued": EventSpec("volunteer", 7 * 86400, "normal"),
    "dossier_submitted": EventSpec("officers", 86400, "normal"),
    "due_soon": EventSpec("officers", 12 * 3600, "high"),
}
SEND_TIMEOUT = 10.0
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="langso-push")
_pending: set[Future[Any]] = set()
_queued: dict[tuple[int, str], Future[Any]] = {}  # kick(): deliveries not started yet
_ROUND = 20  # notices claimed per transaction
_MAX_ROUNDS = 50  # per delivery job; what is left waits for the next commit or the worker
_lock = threading.Lock()


def payload(event_name: str, dossier_id: str, audience: str) -> dict[str, Any]:
    url = f"/officer/dossiers/{dossier_id}" if audience == "officers" else f"/dossiers/{dossier_id}"
    return {"v": 1, "type": event_name, "dossier_id": dossier_id, "url": url}


def recipients(session: Session, spec: EventSpec, dossier: Dossier) -> list[str]:
    if spec.audience == "volunteer":
        return [dossier.prepared_by]
    rows = session.exec(
        select(User.id).where(User.role == "officer", User.commune_id == dossier.commune_id,
                              col(User.is_active))
    ).all()
    return list(rows)


@dataclass
class Delivery:
    sent: int = 0
    removed: int = 0
    failed: int = 0


def send_to_users(session: Session, data_dir: Path, user_ids: list[str], body: dict[str, Any],
                  ttl: int, urgency: str, now: datetime | None = None) -> Delivery:
    """Send `body` to every subscription of `user_ids`, synchronously. Updates and deletes
    subscriptions according to the answers, then commits. Never raises for a send failure."""
    result = Delivery()
    if not user_ids:
        return result
    subs = session.exec(
        select(PushSubscription).where(col(PushSubscription.user_id).in_(sorted(set(user_ids))))
    ).all()
    if not subs:
        return result
    signer = vapid.signer(data_dir)
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    now = now or datetime.now(UTC)
    with requests.Session() as http:
        for sub in subs:
            status = _send_one(http, signer, sub, data, ttl, urgency)
            if status in (404, 410):
                session.delete(sub)
                result.removed += 1
                log.info("push subscription %s gone (%s): removed", sub.id, status)
            elif status is not None and 200 <= status < 300:
                sub.last_success_at, sub.failures = now, 0
                session.add(sub)
                result.sent += 1
            else:
                sub.failures += 1
                session.add(sub)
                result.failed += 1
    session.commit()
    return result


def _send_one(http: requests.Session, signer: Any, sub: PushSubscription, data: str, ttl: int,
              urgency: str) -> int | None:
    try:
        response = webpush(
            {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
            data=data,
            vapid_private_key=signer,
            vapid_claims={"sub": vapid.subject()},  # a fresh dict: webpush() fills in aud/exp
            content_encoding="aes128gcm",
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=SEND_TIMEOUT,
            requests_session=http,
        )
        return int(response.status_code)  # type: ignore[union-attr]
    except WebPushException as exc:
        code = exc.status_code
        if code not in (404, 410):
            log.warning("push to subscription %s failed: %s", sub.id, code)
        return code
    except requests.RequestException as exc:
        log.warning("push to subscription %s failed: %s", sub.id, type(exc).__name__)
        return None


def deliver(session: Session, data_dir: Path, event_name: str, dossier_id: str) -> Delivery:
    """Resolve the audience of `event_name` for the dossier and send, synchronously."""
    spec = EVENTS[event_name]
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        return Delivery()
    users = recipients(session, spec, dossier)
    return send_to_users(session, data_dir, users, payload(event_name, dossier_id, spec.audience),
                         spec.ttl, spec.urgency)


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


def notify_after_commit(session: Session, event_name: str, *, dossier_id: str,
                        data_dir: Path) -> None:
    """Write a durable notice (`push_outbox`) into `session`'s transaction: it exists only if
    the transaction commits. After the commit this process tries to deliver it at once (a
    background thread); `langso worker` delivers whatever is still due (backend/push/outbox.py).
    """
    from backend.lib.clock import utcnow
    from backend.push.outbox import enqueue

    if not session.in_transaction():
        session.begin()
    enqueue(session, event_name, dossier_id, utcnow())
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
    if not pending:
        return
    bind = session.get_bind()
    engine: Engine = bind if isinstance(bind, Engine) else bind.engine
    kick(engine, pending[0])


def kick(engine: Engine, data_dir: Path) -> Future[Any]:
    """Deliver due notices now, in the background (tracked by `drain`)."""
    from backend.lib.clock import utcnow
    from backend.push.outbox import deliver_due

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
                handled = deliver_due(engine, data_dir, utcnow(), _ROUND)
                done += handled
                if handled < _ROUND:
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
    from backend.dossiers.deadlines import _extra, calendar
    from backend.lib.vntime import local_date
    from sync.working_days import next_working_day

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
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from backend.db.models import PushNotice

    if engine is None or data_dir is None:
        from backend.db.engine import make_engine
        from backend.settings import Settings

        settings = Settings.from_env()
        engine = engine or make_engine(settings.database_url)
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
                .on_conflict_do_nothing().returning(PushNotice.id)  # type: ignore[attr-defined]
            ).first()
            if claimed is None:
                session.commit()
                continue  # already told (possibly by a concurrent run)
            from backend.push.outbox import enqueue

            enqueue(session, "due_soon", d.id, now)  # with the claim, in one transaction
            session.commit()
            count += 1
    if count:
        from backend.push.outbox import deliver_due

        deliver_due(engine, data_dir, now, limit=max(20, count))
    return count
