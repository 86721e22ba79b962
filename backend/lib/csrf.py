"""Cross-site request refusal, in front of every state-changing route.

Who can be tricked: a browser that holds the `langso_session` cookie (the web UI). A request
carrying `Authorization: Bearer` cannot be forged by another site (it would have to know the
token), so it passes unchanged. For the others, on POST/PUT/PATCH/DELETE:

- a request the browser marks as cross-site is refused (403 `cross_site_request`), logged in
  or not — this also stops "login CSRF" on the public forms. `Sec-Fetch-Site` decides when
  present (every current browser sends it); otherwise `Origin` must name this host.
- a cookie-authenticated request (a route behind the login, with the cookie) must show it came from this origin (one of the two headers
  present and same-origin): browsers always send one on such requests; scripts use bearer.
- a cookie-authenticated request to a route that takes a JSON body must say
  `Content-Type: application/json` (415 otherwise): a cross-site HTML form cannot send that
  type without a CORS preflight, which this server never grants.

Multipart and raw-body routes (the /verify form, CSV import, upload chunks) rely on the
origin checks alone: a form can send those types, so the origin is what protects them.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.lib.auth import COOKIE_NAME
from backend.lib.errors import AppError
from backend.lib.openapi_problems import SAFE_METHODS, takes_json_body

SAME_SITE_VALUES = frozenset({"same-origin", "none"})  # "none": typed or bookmarked by the user

CROSS_SITE = AppError(
    "cross_site_request",
    "Yêu cầu bị từ chối vì được gửi từ một trang web khác.",
    "Refused: this request was sent from another site.",
    403,
)
ORIGIN_REQUIRED = AppError(
    "origin_required",
    "Yêu cầu dùng cookie đăng nhập phải gửi từ chính ứng dụng (thiếu Origin).",
    "A cookie-authenticated request must come from this site (no Origin header); "
    "API clients use Authorization: Bearer.",
    403,
)
JSON_REQUIRED = AppError(
    "json_required",
    "Dữ liệu phải gửi dạng JSON (Content-Type: application/json).",
    "This route takes JSON: send Content-Type: application/json.",
    415,
)


def _has_session_cookie(cookie_header: str) -> bool:
    if COOKIE_NAME not in cookie_header:
        return False
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return True  # unparsable but names our cookie: treat as cookie-authenticated
    return bool(jar.get(COOKIE_NAME) and jar[COOKIE_NAME].value)


def same_origin(headers: Headers) -> bool | None:
    """True/False when the browser said where the request comes from; None when it did not."""
    site = headers.get("sec-fetch-site")
    if site:
        return site.strip().lower() in SAME_SITE_VALUES
    origin = headers.get("origin")
    if not origin or origin.strip().lower() == "null":
        return None  # an opaque origin is not proof either way
    host = (headers.get("host") or "").strip().lower()
    return bool(host) and urlsplit(origin.strip()).netloc.lower() == host


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and
                                            media.endswith("+json"))


def check_request(method: str, headers: Headers, handler: Any) -> None:
    if method in SAFE_METHODS:
        return
    if headers.get("authorization", "").lower().startswith("bearer "):
        return
    verdict = same_origin(headers)
    if verdict is False:
        raise CROSS_SITE
    public = isinstance(handler, HTTPRouteHandler) and bool(handler.opt.get("public"))
    if public or not _has_session_cookie(headers.get("cookie", "")):
        return  # nothing to forge: the cookie would not authenticate this request
    if verdict is None:
        raise ORIGIN_REQUIRED
    if (isinstance(handler, HTTPRouteHandler) and takes_json_body(handler)
            and not _is_json(headers.get("content-type"))):
        raise JSON_REQUIRED


class CrossSiteRefusal(ASGIMiddleware):
    """Runs before authentication: a forged request costs no database work."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        check_request(str(scope.get("method", "GET")), Headers.from_scope(scope),
                      scope.get("route_handler"))
        await next_app(scope, receive, send)
