"""Errors as RFC 9457 problem+json, with a machine-readable code and a Vietnamese message.

Services raise `AppError`; the app turns it, and Litestar's own HTTP errors, into one shape:
`{"type", "title", "status", "detail", "code", "message_vi", "message_en", "errors"?}`.
`detail` carries the Vietnamese message because the people reading it speak Vietnamese.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """An expected failure, explained to the user. `errors` lists per-item details."""

    def __init__(
        self,
        code: str,
        message_vi: str,
        message_en: str,
        status: int = 400,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.status = status
        self.errors = errors
        self.headers = headers or {}


def not_found(what_vi: str, what_en: str) -> AppError:
    return AppError("not_found", f"Không tìm thấy {what_vi}.", f"{what_en} not found.", 404)


def forbidden() -> AppError:
    return AppError(
        "forbidden",
        "Bạn không có quyền truy cập dữ liệu này.",
        "You are not allowed to access this resource.",
        403,
    )


def problem(
    status: int,
    code: str,
    message_vi: str,
    message_en: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"https://langso.invalid/problems/{code}",
        "title": message_en,
        "status": status,
        "detail": message_vi,
        "code": code,
        "message_vi": message_vi,
        "message_en": message_en,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def app_error_handler(_: Request[Any, Any, Any], exc: AppError) -> Response[dict[str, Any]]:
    return problem(exc.status, exc.code, exc.message_vi, exc.message_en, exc.errors, exc.headers)


_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    401: ("not_authenticated", "Bạn cần đăng nhập.", "Authentication required."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này.", "Forbidden."),
    404: ("not_found", "Không tìm thấy.", "Not found."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    413: ("body_too_large", "Dữ liệu gửi lên quá lớn.", "Request body too large."),
    415: (
        "unsupported_media_type",
        "Định dạng dữ liệu không được hỗ trợ.",
        "Unsupported media type.",
    ),
    429: ("rate_limited", "Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests."),
}


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if isinstance(exc, ValidationException) or status == 400:
        errors = exc.extra if isinstance(exc.extra, list) else None
        return problem(
            400,
            "invalid_request",
            "Dữ liệu gửi lên không hợp lệ: " + _short(exc.detail),
            "Invalid request: " + _short(exc.detail),
            errors=errors,
        )
    if isinstance(exc, NotAuthorizedException):
        status = 401
    elif isinstance(exc, PermissionDeniedException):
        status = 403
    elif isinstance(exc, NotFoundException):
        status = 404
    code, vi, en = _HTTP_MESSAGES.get(status, ("http_error", "Lỗi yêu cầu.", "Request error."))
    if status >= 500:
        code, vi, en = "server_error", "Lỗi máy chủ, vui lòng thử lại.", "Server error."
    return problem(status, code, vi, en, headers=exc.headers or None)


def _short(text: str) -> str:
    return text if len(text) < 300 else text[:297] + "…"


def internal_error_handler(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    # The type and the stack find the bug; the message is left out because it may quote the
    # input (names, CCCD, SQL parameters) and logs must hold no personal data.
    stack = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    logging.getLogger("langso").error(
        "unhandled %s on %s %s\n%s", type(exc).__qualname__, request.method, request.url.path,
        stack,
    )
    return problem(
        500, "server_error", "Lỗi máy chủ, vui lòng thử lại sau.", "Internal server error."
    )


# Litestar decodes every multipart field sent without a filename as text; bytes that are not
# UTF-8 raise UnicodeDecodeError from inside its request parsing, before any handler runs.
_MULTIPART_PARSER = "litestar/_multipart.py"


def decode_error_handler(
    request: Request[Any, Any, Any], exc: UnicodeDecodeError
) -> Response[dict[str, Any]]:
    """Undecodable text in the request itself is the client's mistake (400); anywhere else it
    is still a server bug and is reported as one."""
    paths = [f.filename.replace("\\", "/") for f in traceback.extract_tb(exc.__traceback__)]
    if not any(path.endswith(_MULTIPART_PARSER) for path in paths):
        return internal_error_handler(request, exc)
    return problem(
        400,
        "bad_encoding",
        "Dữ liệu gửi lên có phần văn bản không phải UTF-8 hợp lệ "
        "(tệp cần gửi kèm tên tệp).",
        "A text field of the request is not valid UTF-8 (files must be sent with a filename).",
    )
