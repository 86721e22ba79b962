"""Wire shapes for devices."""

from __future__ import annotations

from datetime import datetime

import msgspec

from backend.accounts.schemas import UserOut


class EnrolIn(msgspec.Struct, forbid_unknown_fields=True):
    alg: str
    public_key: str
    proof: str
    label: str = ""


class TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    volunteer_username: str


class TicketOut(msgspec.Struct):
    ticket: str
    expires_at: datetime
    volunteer_username: str
    qr: str


class TicketEnrolIn(msgspec.Struct, forbid_unknown_fields=True):
    ticket: str
    alg: str
    public_key: str
    proof: str
    label: str = ""


class RevokeIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str
    # True for a lost or stolen device: the phone wipes its keys and data at its next contact.
    wipe: bool = False


class DeviceStatusOut(msgspec.Struct):
    """What a device asks at each sync run (docs/protocol.md, "Device status and wipe")."""

    device_id: str
    revoked: bool
    wipe: bool
    # Retention on the phone: a closed dossier is purged from the device after this many days.
    closed_dossier_days: int


class DeviceOut(msgspec.Struct):
    id: str
    user_id: str
    commune_id: str | None
    alg: str
    public_key: str
    key_id: str
    label: str
    enrolled_via: str
    last_n: int
    last_hash: str
    created_at: datetime
    last_push_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str
    # The owner, so a list can name them; empty where the caller did not look them up.
    username: str = ""
    full_name: str = ""
    wipe_ordered_at: datetime | None = None
    wiped_at: datetime | None = None


class TicketEnrolOut(msgspec.Struct):
    device: DeviceOut
    token: str
    user: UserOut


class DevicePage(msgspec.Struct):
    items: list[DeviceOut]
    total: int
    page: int
    page_size: int
