"""Who is asking, and what they may see.

A session token is accepted from the `Authorization: Bearer` header (API clients, the
PWA's sync loop) or from the HttpOnly `langso_session` cookie (the web UI). Only an HMAC
of the token is stored, keyed with the server's session secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.access import scope
from backend.db.engine import read_session
from backend.db.models import AuthToken, Commune, User, UserVillage, Village
from backend.lib.errors import AppError

COOKIE_NAME = "langso_session"
ROLES = ("admin", "officer", "volunteer", "province_monitor", "province_admin")
PROVINCE_ROLES = frozenset({"province_monitor", "province_admin"})
# Province roles change data only through the province's own routes (the administrator's
# management of communes, users and catalogue versions); everything else is read-only to them.
PROVINCE_WRITE_PREFIX = "/api/province/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    """The authenticated user and the scope of their data, resolved once per request."""

    user_id: str
    username: str
    full_name: str
    role: str
    commune_id: str | None
    village_ids: frozenset[str] = field(default_factory=frozenset)
    token_hash: str = ""
    province_id: str | None = None
    # Province roles: the communes of their province, resolved once per request.
    commune_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_province(self) -> bool:
        return self.role in PROVINCE_ROLES

    def can_see_village(self, village_id: str, commune_id: str) -> bool:
        return scope.sees_village(self, village_id, commune_id)  # the one rule

    def can_see_commune(self, commune_id: str) -> bool:
        return scope.sees_commune(self, commune_id)

    def can_see_province(self, province_id: str) -> bool:
        return self.role == "admin" or (self.is_province and province_id == self.province_id)

    def may_request(self, method: str, path: str) -> bool:
        """The one write rule for province roles: a monitor never writes; an administrator
        writes only through the province routes (their service checks the scope)."""
        if not self.is_province or method.upper() in READ_METHODS:
            return True
        if path == "/api/auth/logout":
            return True
        return self.role == "province_admin" and path.startswith(PROVINCE_WRITE_PREFIX)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "username": self.username,
            "full_name": self.full_name,
            "role": self.role,
            "commune_id": self.commune_id,
            "village_ids": sorted(self.village_ids),
            "province_id": self.province_id,
        }


def token_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def issue_token(
    session: Session, secret: bytes, user_id: str, now: datetime, ttl: timedelta
) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_hash=token_hash(secret, token),
            user_id=user_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token


def load_principal(session: Session, user: User, token_hash_: str = "") -> Principal:
    if user.role == "volunteer":
        rows = session.exec(select(UserVillage.village_id).where(UserVillage.user_id == user.id))
        villages = frozenset(rows.all())
    elif user.role == "officer" and user.commune_id:
        rows2 = session.exec(select(Village.id).where(Village.commune_id == user.commune_id))
        villages = frozenset(rows2.all())
    else:
        villages = frozenset()
    communes: frozenset[str] = frozenset()
    if user.role in PROVINCE_ROLES and user.province_id:
        rows3 = session.exec(select(Commune.id).where(Commune.province_id == user.province_id))
        communes = frozenset(rows3.all())
    return Principal(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        commune_id=user.commune_id,
        village_ids=villages,
        token_hash=token_hash_,
        province_id=user.province_id,
        commune_ids=communes,
    )


def token_from_connection(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return connection.cookies.get(COOKIE_NAME) or None


NOT_AUTHENTICATED = AppError(
    "not_authenticated",
    "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
    "Not authenticated, or the session has expired.",
    401,
)


def authenticate(engine: Engine, secret: bytes, token: str | None, now: datetime) -> Principal:
    if not token:
        raise NOT_AUTHENTICATED
    digest = token_hash(secret, token)
    with read_session(engine) as session:  # a read: never SQLite's write lock
        row = session.get(AuthToken, digest)
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise NOT_AUTHENTICATED
        user = session.get(User, row.user_id)
        if user is None or not user.is_active:
            raise NOT_AUTHENTICATED
        return load_principal(session, user, digest)


def require_roles(*roles: str) -> Any:
    """A guard: the route is open only to these roles (authentication is checked first)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = connection.scope.get("user")
        if not isinstance(principal, Principal):
            raise NOT_AUTHENTICATED
        if principal.role not in roles:
            raise AppError(
                "forbidden_role",
                "Vai trò của bạn không được phép thực hiện thao tác này.",
                "Your role may not do this.",
                403,
            )

    return guard


READ_ONLY = AppError(
    "read_only_role",
    "Vai trò cấp tỉnh chỉ được xem, không được sửa dữ liệu ở đây.",
    "Province roles may only read here.",
    403,
)
