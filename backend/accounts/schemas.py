"""What goes over the wire for accounts."""

from __future__ import annotations

import msgspec


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: str = msgspec.field()
    password: str = msgspec.field()


class UserOut(msgspec.Struct):
    id: str
    username: str
    full_name: str
    role: str
    commune_id: str | None
    village_ids: list[str]
    province_id: str | None = None  # province roles only


class LoginResponse(msgspec.Struct):
    token: str
    expires_at: str
    user: UserOut
    # branch vault: key that wraps the phone's data key ("forgot PIN"); only on password login.
    escrow_key: str = ""


class UserListItem(msgspec.Struct):
    """An account as officers see it in pickers (no contact data, no password state)."""

    id: str
    username: str
    full_name: str
    role: str
    commune_id: str | None
    village_ids: list[str]


class UserPage(msgspec.Struct):
    items: list[UserListItem]
    total: int
    page: int
    page_size: int
