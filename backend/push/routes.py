"""Web Push: the VAPID public key (public) and the caller's subscriptions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State

from backend.lib.auth import Principal
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.push import service, vapid
from backend.push.schemas import SubscriptionIn, SubscriptionOut, VapidKeyOut


def _out(row: Any) -> SubscriptionOut:
    return SubscriptionOut(id=row.id, endpoint=row.endpoint,
                           created_at=row.created_at.isoformat().replace("+00:00", "Z"),
                           updated_at=row.updated_at.isoformat().replace("+00:00", "Z"))


class PushController(Controller):
    path = "/api/push"
    tags = ["push"]

    @get("/vapid-public-key", sync_to_thread=True, opt={"public": True})
    def public_key(self, state: State) -> VapidKeyOut:
        """The `applicationServerKey` for `pushManager.subscribe` (base64url P-256 point)."""
        return VapidKeyOut(public_key=vapid.public_key_b64(state.settings.data_dir))

    @get("/subscriptions", sync_to_thread=True)
    def list_mine(self, db: Session, principal: Principal) -> list[SubscriptionOut]:
        return [_out(row) for row in service.mine(db, principal)]

    @post("/subscriptions", sync_to_thread=True)
    def subscribe(self, db: Session, principal: Principal,
                  data: SubscriptionIn) -> Response[SubscriptionOut]:
        """Register (or refresh) this browser's subscription for the caller: 201 when new,
        200 when the endpoint was known."""
        row, created = service.upsert(db, principal, data.endpoint, data.keys.p256dh,
                                      data.keys.auth, utcnow())
        return Response(_out(row), status_code=201 if created else 200)

    @delete("/subscriptions", sync_to_thread=True, status_code=204)
    def unsubscribe(self, db: Session, principal: Principal, endpoint: str) -> None:
        """Remove the caller's subscription for `?endpoint=`."""
        service.remove(db, principal, endpoint)
