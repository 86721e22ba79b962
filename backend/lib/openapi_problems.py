"""Makes the OpenAPI document say what the server really answers.

Error responses: one rule for every route (no route repeats it) — the statuses follow from
what the operation is (public or behind a login, safe or state-changing, with or without
input), plus the few operations that check credentials or are rate-limited. Litestar's own
generated 400 (its internal error shape) is replaced by the problem document the app really
sends (`backend.lib.errors.problem`).

Success responses: the handlers that answer something other than JSON (CSV, PDF, an event
stream, photos, a body-less status) are listed once here, so clients and the schema fuzzer
(tests/fuzz) can hold every answer to its declared media type.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from litestar import Litestar
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)
from litestar.routes import HTTPRoute

from backend.lib.errors import PROBLEM_JSON

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Operations with a per-client or per-account budget (429 + Retry-After).
RATE_LIMITED = frozenset(
    {
        ("POST", "/api/auth/login"),
        ("GET", "/api/public/status"),
        ("POST", "/api/public/rating"),  # the look-up's budget (public_status/routes.py)
        ("POST", "/api/uploads"),
    }
)

# Public operations that check a secret the caller sends (password, enrolment ticket).
CHECKS_CREDENTIALS = frozenset(
    {("POST", "/api/auth/login"), ("POST", "/api/devices/enrol-with-ticket")}
)

# Reads of a person or a dossier that an officer makes outside their own queue need a reason
# (428 when missing, 422 when blank or too long): the access log of backend/privacy/access.py.
REASON_LOGGED_READS = (
    "/api/members/{", "/api/households/{", "/api/dossiers/{", "/api/review/dossiers/{",
    "/api/privacy/people/{",
)

_BINARY = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
_PHOTOS_AND_PDF = ("image/jpeg", "image/png", "image/webp", "application/pdf")
# Success answers that are not the handler's JSON; None: the answer has no body.
SUCCESS_MEDIA: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("GET", "/api/monitoring/dashboard.csv"): ("text/csv",),
    ("GET", "/api/monitoring/dossiers.csv"): ("text/csv",),
    ("GET", "/api/live/dossiers"): ("text/event-stream",),
    ("GET", "/api/results/{name}"): ("application/json", "application/pdf"),
    ("GET", "/api/review/dossiers/{dossier_id}/documents/{name}"): ("application/pdf",),
    ("GET", "/api/attachments/{sha256}"): _PHOTOS_AND_PDF,
    ("HEAD", "/api/uploads/{sha256}"): None,
}

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    description="RFC 9457 problem details; `detail` repeats the Vietnamese message.",
    required=["type", "title", "status", "detail", "code", "message_vi", "message_en"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER, minimum=400, maximum=599),
        "detail": Schema(type=OpenAPIType.STRING),
        "code": Schema(type=OpenAPIType.STRING),
        "message_vi": Schema(type=OpenAPIType.STRING),
        "message_en": Schema(type=OpenAPIType.STRING),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            items=Schema(type=OpenAPIType.OBJECT),
            description="Per-field or per-item details, when there are several.",
        ),
    },
)


def takes_json_body(handler: HTTPRouteHandler) -> bool:
    """The handler declares a `data` body decoded as JSON (not a form, not raw bytes)."""
    field = handler.parsed_data_field
    if field is None:
        return False
    media_type = getattr(field.kwarg_definition, "media_type", None)
    return media_type in (None, RequestEncodingType.JSON)


def problem_statuses(method: str, path: str, handler: HTTPRouteHandler, op: Operation) -> set[int]:
    public = bool(handler.opt.get("public"))
    unsafe = method not in SAFE_METHODS
    takes_input = bool(op.parameters) or op.request_body is not None or unsafe
    statuses: set[int] = set()
    if takes_input:
        statuses |= {400, 422}
    if not public:
        # no or expired session; wrong role, scope or cross-site; an id that is not visible
        statuses |= {401, 403, 404}
    else:
        if unsafe:
            statuses.add(403)  # refused as a cross-site request (backend.lib.csrf)
        if op.parameters:
            statuses.add(404)
    if unsafe:
        statuses |= {413, 415}
        if not public:
            statuses.add(409)  # the state no longer allows it, or it already exists
    if (method, path) in CHECKS_CREDENTIALS:
        statuses.add(401)
    if (method, path) in RATE_LIMITED:
        statuses.add(429)
    if method == "GET" and path.startswith(REASON_LOGGED_READS):
        statuses |= {422, 428}
    return statuses


def _problem_response(status: int) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=HTTPStatus(status).phrase + " (problem+json)",
        content={
            PROBLEM_JSON: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
        },
    )


def _fix_success_media(method: str, path: str, responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if not status.startswith("2") or not isinstance(response, OpenAPIResponse):
            continue
        if status == "204" or ((method, path) in SUCCESS_MEDIA and
                               SUCCESS_MEDIA[(method, path)] is None):
            response.content = None
            continue
        media = SUCCESS_MEDIA.get((method, path))
        if media is None:
            continue
        json_part = (response.content or {}).get("application/json")
        response.content = {
            m: json_part if m == "application/json" and json_part else OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING) if m.startswith("text/") else _BINARY)
            for m in media
        }


def declare_problems(app: Litestar) -> None:
    """Adds the error responses to the app's (cached) OpenAPI document, once, at start-up."""
    openapi = app.openapi_schema
    if openapi.components.schemas is None:
        openapi.components.schemas = {}
    openapi.components.schemas["Problem"] = PROBLEM_SCHEMA
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path_item = (openapi.paths or {}).get(route.path_format or "/")
        if path_item is None:
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                op = getattr(path_item, method.lower(), None)
                if not isinstance(op, Operation):
                    continue
                responses = op.responses if op.responses is not None else {}
                _fix_success_media(method, route.path_format, responses)
                for status in problem_statuses(method, route.path_format, handler, op):
                    responses[str(status)] = _problem_response(status)
                op.responses = responses
