"""Login, logout, "who am I", and the account list officers pick volunteers from."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, State

from backend.accounts import service
from backend.accounts.schemas import (
    LoginRequest,
    LoginResponse,
    UserListItem,
    UserOut,
    UserPage,
)
from backend.devices.service import escrow_key
from backend.lib.auth import COOKIE_NAME, Principal, require_roles
from backend.lib.client_address import client_address
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.pagination import Page, PageSize, check_page


def _user_out(p: Principal) -> UserOut:
    return UserOut(**p.as_json())


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", opt={"public": True}, sync_to_thread=True, status_code=200)
    def login(
        self, data: LoginRequest, db: Session, state: State, request: Request[Any, Any, Any]
    ) -> Response[LoginResponse]:
        settings = state.settings
        ttl = timedelta(hours=settings.session_ttl_hours)
        token, principal, expires = service.login(
            db,
            state.session_secret,
            data.username,
            data.password,
            utcnow(),
            ttl,
            address=client_address(request),
        )
        body = LoginResponse(token=token, expires_at=expires.isoformat(), user=_user_out(principal),
                             escrow_key=escrow_key(state.session_secret, principal.user_id))
        cookie = Cookie(
            key=COOKIE_NAME,
            value=token,
            httponly=True,
            samesite="strict",
            # HTTPS seen directly, or told by a trusted proxy (LANGSO_TRUSTED_PROXIES sets the
            # scheme from X-Forwarded-Proto); plain HTTP on 127.0.0.1 in development
            secure=request.url.scheme == "https",
            max_age=int(ttl.total_seconds()),
            path="/",
        )
        return Response(body, cookies=[cookie])

    @post("/logout", sync_to_thread=True, status_code=204)
    def logout(
        self, db: Session, principal: Principal, request: Request[Any, Any, Any]
    ) -> Response[None]:
        service.logout(db, principal, utcnow())
        gone = Cookie(key=COOKIE_NAME, value="", max_age=0, path="/", httponly=True,
                      samesite="strict", secure=request.url.scheme == "https")
        return Response(None, status_code=204, cookies=[gone])

    @get("/me", sync_to_thread=False)
    def me(self, principal: Principal, request: Request[Any, Any, Any]) -> UserOut:
        return _user_out(principal)


class UserController(Controller):
    path = "/api/users"
    tags = ["accounts"]

    @get("/", sync_to_thread=True, guards=[require_roles("officer", "admin")])
    def list_users(
        self,
        db: Session,
        principal: Principal,
        role: str = "volunteer",
        commune_id: str | None = None,
        page: Page = 1,
        page_size: PageSize = 200,
    ) -> UserPage:
        """Active accounts of one role (default `volunteer`): id, username, full name, villages.
        Officers: their own commune only (another `commune_id` → 403). Admins: all, or one
        commune with `commune_id`."""
        offset, limit = check_page(page, page_size)
        rows, total = service.list_users(db, principal, role, commune_id, offset, limit)
        items = [
            UserListItem(id=u.id, username=u.username, full_name=u.full_name, role=u.role,
                         commune_id=u.commune_id, village_ids=villages)
            for u, villages in rows
        ]
        return UserPage(items=items, total=total, page=page, page_size=page_size)
