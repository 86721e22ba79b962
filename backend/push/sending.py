"""Sending one push message: the events and their audiences, the Web Push call and what an
answer does to a subscription. Used by the immediate path (notify.py) and the durable outbox
(outbox.py), which is why it is its own module: the outbox must not import notify.py."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import requests
from pywebpush import WebPushException, webpush
from sqlmodel import Session, col, select

from backend.db.models import Dossier, PushSubscription, User
from backend.push import vapid

log = logging.getLogger("langso.push")


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


def payload(event_name: str, dossier_id: str, audience: str) -> dict[str, Any]:
    url = f"/officer/dossiers/{dossier_id}" if audience == "officers" else f"/dossiers/{dossier_id}"
    return {"v": 1, "type": event_name, "dossier_id": dossier_id, "url": url}


class Addressed(Protocol):
    """What `recipients` reads of a dossier (a `Dossier`, or a row of just these columns)."""

    @property
    def prepared_by(self) -> str: ...

    @property
    def commune_id(self) -> str: ...


def recipients(session: Session, spec: EventSpec, dossier: Addressed) -> list[str]:
    if spec.audience == "volunteer":
        return [dossier.prepared_by]
    rows = session.exec(
        select(User.id).where(User.role == "officer", User.commune_id == dossier.commune_id,
                              col(User.is_active))
    ).all()
    return list(rows)


def anyone_subscribed(session: Session, spec: EventSpec, dossier: Addressed) -> bool:
    """Whether a notice of `spec` about `dossier` has anybody to reach right now (a recipient
    with a push subscription)."""
    users = recipients(session, spec, dossier)
    return bool(users) and session.exec(select(PushSubscription.id).where(
        col(PushSubscription.user_id).in_(sorted(set(users)))).limit(1)).first() is not None


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
            status = send_one(http, signer, sub, data, ttl, urgency)
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


def send_one(http: requests.Session, signer: Any, sub: PushSubscription, data: str, ttl: int,
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
        return int(response.status_code)
    except WebPushException as exc:
        code: int | None = exc.status_code
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
