"""Push subscriptions: validation, upsert per endpoint, removal.

The server will POST to the endpoint a browser hands us, so endpoints are checked against
the push services browsers use (HTTPS on a known host suffix) plus origins an operator lists
in LANGSO_PUSH_EXTRA_ORIGINS (comma-separated, e.g. `http://127.0.0.1:8089` for a test push
service). Anything else is refused: a subscription must not turn the server into a proxy to
internal addresses.
"""

from __future__ import annotations

import base64
import binascii
import os
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from backend.db.models import PushSubscription
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError, not_found

PUSH_HOST_SUFFIXES = (
    ".googleapis.com",  # Chrome, Edge on Android (FCM)
    ".push.services.mozilla.com",  # Firefox
    ".push.apple.com",  # Safari
    ".notify.windows.com",  # Edge on Windows (WNS)
)
MAX_ENDPOINT = 1000


def _invalid(field: str, vi: str, en: str) -> AppError:
    return AppError("invalid_subscription", vi, en, 422,
                    errors=[{"field": field, "code": "invalid", "message_vi": vi,
                             "message_en": en}])


def extra_origins() -> frozenset[str]:
    raw = os.environ.get("LANGSO_PUSH_EXTRA_ORIGINS", "")
    return frozenset(o.strip().rstrip("/").lower() for o in raw.split(",") if o.strip())


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_endpoint(endpoint: str) -> str:
    if len(endpoint) > MAX_ENDPOINT:
        raise _invalid("endpoint", "Địa chỉ nhận thông báo quá dài.", "endpoint is too long.")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        _ = parts.port
    except ValueError as exc:
        raise _invalid("endpoint", "Địa chỉ nhận thông báo không hợp lệ.",
                       "endpoint is not a valid URL.") from exc
    if parts.username or parts.password or parts.fragment:
        raise _invalid("endpoint", "Địa chỉ nhận thông báo không hợp lệ.",
                       "endpoint must not carry credentials or a fragment.")
    if origin_of(endpoint) in extra_origins():
        return endpoint
    if parts.scheme != "https" or not host.endswith(PUSH_HOST_SUFFIXES):
        raise _invalid("endpoint", "Dịch vụ nhận thông báo không được hỗ trợ.",
                       "endpoint is not a known Web Push service.")
    return endpoint


def _b64url(value: str) -> bytes:
    if not value or any(c in value for c in "+/= \n"):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    try:
        point = _b64url(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError("not an uncompressed point")
    except (ValueError, binascii.Error) as exc:
        raise _invalid("keys.p256dh", "Khoá p256dh không hợp lệ.",
                       "keys.p256dh must be a base64url uncompressed P-256 point.") from exc
    try:
        secret = _b64url(auth)
    except (ValueError, binascii.Error) as exc:
        raise _invalid("keys.auth", "Khoá auth không hợp lệ.",
                       "keys.auth must be base64url.") from exc
    if len(secret) != 16:
        raise _invalid("keys.auth", "Khoá auth phải dài 16 byte.", "keys.auth: 16 bytes.")
    return p256dh, auth


def upsert(session: Session, principal: Principal, endpoint: str, p256dh: str, auth: str,
           now: datetime) -> tuple[PushSubscription, bool]:
    """One row per endpoint: a browser re-subscribing (or another user logging in on the same
    browser) updates the row and takes it over. Returns (row, created). Commits."""
    check_endpoint(endpoint)
    check_keys(p256dh, auth)
    row = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).first()
    created = row is None
    if row is None:
        row = PushSubscription(id=new_id(), endpoint=endpoint, p256dh=p256dh, auth=auth,
                               user_id=principal.user_id, created_at=now, updated_at=now)
    else:
        row.p256dh, row.auth, row.user_id, row.updated_at = p256dh, auth, principal.user_id, now
        row.failures = 0
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # the same endpoint arrived twice at once: update the winner
        session.rollback()
        return upsert(session, principal, endpoint, p256dh, auth, now)
    return row, created


def remove(session: Session, principal: Principal, endpoint: str) -> None:
    """Delete the caller's subscription for `endpoint` (another user's reads as not found)."""
    row = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    ).first()
    if row is None or row.user_id != principal.user_id:
        raise not_found("đăng ký nhận thông báo", "Subscription")
    session.delete(row)
    session.commit()


def mine(session: Session, principal: Principal) -> list[PushSubscription]:
    return list(session.exec(
        select(PushSubscription).where(PushSubscription.user_id == principal.user_id)
        .order_by(col(PushSubscription.created_at))
    ).all())
