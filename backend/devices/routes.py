"""Devices over REST: enrol (session or one-time ticket), list, revoke."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, get, post
from litestar.datastructures import State

from backend.accounts import queries as user_queries
from backend.accounts.schemas import UserOut
from backend.db.models import Device
from backend.devices import queries, service
from backend.devices.schemas import (
    DeviceOut,
    DevicePage,
    DeviceStatusOut,
    EnrolIn,
    RevokeIn,
    TicketEnrolIn,
    TicketEnrolOut,
    TicketIn,
    TicketOut,
)
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.pagination import Page, PageSize, check_page


def device_out(d: Device, owner: tuple[str, str] = ("", "")) -> DeviceOut:
    return DeviceOut(
        id=d.id, user_id=d.user_id, commune_id=d.commune_id, alg=d.alg,
        public_key=d.public_key, key_id=d.key_id, label=d.label, enrolled_via=d.enrolled_via,
        last_n=d.last_n, last_hash=d.last_hash, created_at=d.created_at,
        last_push_at=d.last_push_at, revoked_at=d.revoked_at, revoke_reason=d.revoke_reason,
        username=owner[0], full_name=owner[1], wipe_ordered_at=d.wipe_ordered_at,
        wiped_at=d.wiped_at,
    )


class DeviceController(Controller):
    path = "/api/devices"
    tags = ["devices"]

    @post("/", sync_to_thread=True, status_code=201)
    def enrol(self, data: EnrolIn, db: Session, principal: Principal) -> DeviceOut:
        return device_out(service.enrol(db, principal, data.alg, data.public_key, data.label,
                                        data.proof, utcnow()))

    @get("/", sync_to_thread=True)
    def list_devices(self, db: Session, principal: Principal, page: Page = 1,
                     page_size: PageSize = 50) -> DevicePage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.list_devices(db, principal, offset, limit)
        names = user_queries.names_of(db, [d.user_id for d in rows])
        return DevicePage(items=[device_out(d, names.get(d.user_id, ("", ""))) for d in rows],
                          total=total, page=page, page_size=page_size)

    @post("/tickets", sync_to_thread=True, status_code=201,
          guards=[require_roles("officer", "admin")])
    def issue_ticket(self, data: TicketIn, db: Session, principal: Principal,
                     state: State) -> TicketOut:
        code, ticket, user = service.issue_ticket(db, principal, state.server_keys.ticket,
                                                  data.volunteer_username, utcnow())
        return TicketOut(ticket=code, expires_at=ticket.expires_at,
                         volunteer_username=user.username, qr=f"langso-enrol:1:{code}")

    @post("/enrol-with-ticket", sync_to_thread=True, status_code=201, opt={"public": True})
    def enrol_with_ticket(self, data: TicketEnrolIn, db: Session,
                          state: State) -> TicketEnrolOut:
        ttl = timedelta(hours=state.settings.session_ttl_hours)
        device, token, principal = service.enrol_with_ticket(
            db, state.server_keys.ticket, data.ticket, data.alg, data.public_key, data.label,
            data.proof, utcnow(), ttl, token_secret=state.session_secret)
        return TicketEnrolOut(device=device_out(device), token=token,
                              user=UserOut(**principal.as_json()))

    @post("/{device_id:str}/revoke", sync_to_thread=True, status_code=200)
    def revoke(self, device_id: str, data: RevokeIn, db: Session,
               principal: Principal) -> DeviceOut:
        return device_out(service.revoke(db, principal, device_id, data.reason, utcnow(),
                                         wipe=data.wipe))

    @get("/{device_id:str}/status", sync_to_thread=True)
    def status(self, device_id: str, db: Session, principal: Principal,
               state: State) -> DeviceStatusOut:
        device = service.own_device(db, principal, device_id)
        return DeviceStatusOut(device_id=device.id, revoked=device.revoked_at is not None,
                               wipe=device.wipe_ordered_at is not None,
                               closed_dossier_days=state.settings.device_closed_dossier_days)

    @post("/{device_id:str}/wiped", sync_to_thread=True, status_code=200)
    def wiped(self, device_id: str, db: Session, principal: Principal) -> DeviceOut:
        return device_out(service.confirm_wiped(db, principal, device_id, utcnow()))
