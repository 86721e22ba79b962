"""Public (no login) status look-up: JSON API and a tiny HTML page that works without JS."""

from __future__ import annotations

import html
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body

from backend.lib.client_address import client_address
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.wire import to_wire
from backend.monitoring.ratings import RATINGS, RatingRefused, rate_from_web
from backend.public_status import rate_limit
from backend.public_status.pages import RATING_WORDS, page_html, result_html
from backend.public_status.schemas import RatedOut, RatingForm, RatingIn, StatusOut
from backend.public_status.service import (
    PHONE4_RE,
    PublicStatus,
    find,
    lookup,
    normalise_code,
)

NOT_FOUND = AppError(
    "status_not_found",
    "Không tìm thấy hồ sơ khớp với mã hồ sơ và 4 số cuối điện thoại đã nhập.",
    "No dossier matches this code and these phone digits.",
    404,
)
NO_STORE = {"Cache-Control": "no-store"}


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return client_address(request) or "unknown"


def _rate_limited(db: Session, state: State, ip: str, code: str, phone4: str) -> str:
    """Rate-limit first (every attempt counts, per client IP and per code); the clean code."""
    code = normalise_code(code)[:64]
    buckets = [rate_limit.ip_bucket(ip)]
    if code:
        buckets.append(rate_limit.code_bucket(state.session_secret, code))
    verdict = rate_limit.hit(db, buckets, utcnow())
    if not verdict.allowed:
        raise AppError(
            "rate_limited",
            f"Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau {verdict.retry_after} giây.",
            f"Too many look-ups. Try again in {verdict.retry_after} seconds.",
            429,
            headers={"Retry-After": str(verdict.retry_after), **NO_STORE},
        )
    if not PHONE4_RE.fullmatch(phone4):
        raise AppError("invalid_phone4", "Cần nhập đúng 4 chữ số cuối của số điện thoại.",
                       "phone4 must be exactly four digits.", 400)
    return code


def _checked_lookup(db: Session, state: State, ip: str, code: str, phone4: str
                    ) -> PublicStatus:
    code = _rate_limited(db, state, ip, code, phone4)
    found = lookup(db, state.catalog, code, phone4)
    if found is None:
        raise NOT_FOUND
    return found


class PublicStatusController(Controller):
    path = "/"
    tags = ["public"]

    @get("/api/public/status", sync_to_thread=True, opt={"public": True})
    def status(self, request: Request[Any, Any, Any], db: Session, state: State, code: str,
               phone4: str) -> Response[StatusOut]:
        """Status and dates of a dossier, by official code and the last four digits of the
        applicant's phone. Rate-limited per client IP and per code (429 + Retry-After)."""
        found = _checked_lookup(db, state, _client_ip(request), code, phone4)
        return Response(to_wire(found.as_json(), StatusOut), headers=NO_STORE)

    @get("/tra-cuu", sync_to_thread=True, opt={"public": True}, include_in_schema=False)
    def page(self, request: Request[Any, Any, Any], db: Session, state: State,
             code: str | None = None, phone4: str | None = None) -> Response[str]:
        result = ""
        status_code = 200
        if code is not None or phone4 is not None:
            try:
                found = _checked_lookup(db, state, _client_ip(request), code or "",
                                        phone4 or "")
                result = result_html(found, code or "", phone4 or "")
            except AppError as exc:
                status_code = exc.status
                result = _error_html(exc.message_vi, exc.message_en)
        return _page(code, phone4, result, status_code)

    @post("/api/public/rating", sync_to_thread=True, status_code=201, opt={"public": True})
    def rate_json(self, request: Request[Any, Any, Any], db: Session, state: State,
                  data: RatingIn) -> RatedOut:
        """The citizen's satisfaction, once the result is handed over: `{code, phone4,
        rating, comment?}`. Same rate limits and the same 404 as the look-up; one rating
        per dossier (409 `rating_exists`)."""
        _rate(db, state, _client_ip(request), data.code, data.phone4, data.rating,
              data.comment or "")
        return RatedOut(rated=True)

    @post("/tra-cuu/danh-gia", sync_to_thread=True, status_code=200, opt={"public": True},
          include_in_schema=False)
    def rate_form(self, request: Request[Any, Any, Any], db: Session, state: State,
                  data: Annotated[RatingForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
                  ) -> Response[str]:
        """The same rating as a plain form post (works without JavaScript)."""
        try:
            _rate(db, state, _client_ip(request), data.code, data.phone4, data.rating,
                  data.comment)
        except AppError as exc:
            return _page(data.code, data.phone4, _error_html(exc.message_vi, exc.message_en),
                         exc.status)
        found = lookup(db, state.catalog, normalise_code(data.code), data.phone4)
        thanks = ('<p class="ok" role="status">Cảm ơn bạn đã đánh giá!'
                  "<br><small>Thank you for your rating.</small></p>")
        return _page(data.code, data.phone4,
                     thanks + (result_html(found, data.code, data.phone4) if found else ""), 200)


def _rate(db: Session, state: State, ip: str, code: str, phone4: str, rating: str,
          comment: str) -> None:
    clean = _rate_limited(db, state, ip, code, phone4)
    dossier = find(db, state.catalog, clean, phone4)
    if dossier is None:
        raise NOT_FOUND
    if rating not in RATINGS:
        raise AppError("invalid_rating", "Vui lòng chọn một mức đánh giá.",
                       f"rating must be one of {', '.join(RATING_WORDS)}.", 400)
    try:
        rate_from_web(db, dossier, rating, comment[:2000], utcnow())
    except RatingRefused as exc:
        raise AppError(exc.code, exc.vi, exc.en,
                       409 if exc.status == "conflict" or exc.code == "rating_too_early"
                       else 400) from exc


def _error_html(vi: str, en: str) -> str:
    return f'<p class="err" role="alert">{html.escape(vi)}<br><small>{html.escape(en)}</small></p>'


def _page(code: str | None, phone4: str | None, result: str, status_code: int) -> Response[str]:
    body = page_html(code or "", phone4 or "", result)
    return Response(body, media_type="text/html; charset=utf-8", status_code=status_code,
                    headers={**NO_STORE, "Content-Security-Policy":
                             "default-src 'none'; style-src 'self'; img-src 'self'; "
                             "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"})
