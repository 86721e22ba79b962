"""The text rule (sync/SPEC.md TXT) at the edge of every REST route, in one place.

Why here: PostgreSQL cannot hold NUL in text or JSONB and refuses it even as a query parameter,
so a NUL that reaches any query is a 500; and no person types control characters into a name,
a note or a reason. Checking the decoded path, the query string and every JSON body before a
handler runs gives one clear answer for all routes: a path that holds one names nothing (404),
a query or body value that holds one is a 422 `bad_text` naming where it sits.

The push endpoint is not checked here: its items are signed, so a bad value is a per-item
rejection that takes its place in the device chain (backend/changelog/context.check_text).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from backend.lib.errors import AppError
from sync.text import TextIssue, find_bad_text, text_issue

UNCHECKED_BODIES = frozenset({"/api/sync/push"})
_decode = msgspec.json.Decoder().decode


def _bad_text(where: str, found: TextIssue) -> AppError:
    return AppError(
        "bad_text",
        f"«{where}»: {found.message_vi}",
        f"'{where}': {found.message_en}",
        422,
        errors=[{"field": where, "code": found.code, "index": found.index,
                 "message_vi": found.message_vi, "message_en": found.message_en}],
    )


def _printable(text: str) -> str:
    # The name of the offending key may itself hold the character: never echo it.
    return "".join(ch if text_issue(ch) is None else "\ufffd" for ch in text[:200])


def _is_json(request: Request[Any, Any, Any]) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


async def refuse_control_text(request: Request[Any, Any, Any]) -> None:
    """Litestar `before_request` hook."""
    path = request.scope["path"]
    if text_issue(path) is not None:
        raise AppError("not_found", "Không tìm thấy.", "Not found.", 404)
    for key, value in request.query_params.multi_items():
        found = text_issue(key) or text_issue(value)
        if found is not None:
            raise _bad_text(_printable(key), found)
    if (request.method in ("POST", "PUT", "PATCH") and path not in UNCHECKED_BODIES
            and _is_json(request) and "content-encoding" not in request.headers):
        try:
            doc = _decode(await request.body())
        except (msgspec.DecodeError, ValueError, RecursionError):
            return  # not JSON: the route's own decoding answers
        found = find_bad_text(doc)
        if found is not None:
            raise _bad_text(_printable(found.path) or "body", found)
