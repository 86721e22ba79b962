"""Wire shapes of Web Push subscriptions."""

from __future__ import annotations

import msgspec


class KeysIn(msgspec.Struct):
    p256dh: str
    auth: str


class SubscriptionIn(msgspec.Struct):
    """The browser's `PushSubscription.toJSON()` (`expirationTime` is accepted and ignored)."""

    endpoint: str
    keys: KeysIn
    expirationTime: float | None = None  # the browser's own spelling


class VapidKeyOut(msgspec.Struct):
    public_key: str


class SubscriptionOut(msgspec.Struct):
    id: str
    endpoint: str
    created_at: str  # RFC 3339 UTC with "Z", as the service has always written it
    updated_at: str
