"""Public (no login) status look-up: JSON API and a tiny HTML page that works without JS."""

from __future__ import annotations

import html
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from sqlmodel import Session

from backend.lib.client_address import client_address
from backend.lib.clock import utcnow
from backend.lib.errors import AppError
from backend.public_status import rate_limit
from backend.public_status.service import PHONE4_RE, PublicStatus, lookup, normalise_code

NOT_FOUND = AppError(
    "status_not_found",
    "Không tìm thấy hồ sơ khớp với mã hồ sơ và 4 số cuối điện thoại đã nhập.",
    "No dossier matches this code and these phone digits.",
    404,
)
NO_STORE = {"Cache-Control": "no-store"}


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return client_address(request) or "unknown"


def _checked_lookup(db: Session, state: State, ip: str, code: str, phone4: str
                    ) -> PublicStatus:
    """Rate-limit first (every attempt counts, per client IP and per code), then look up."""
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
    found = lookup(db, code, phone4)
    if found is None:
        raise NOT_FOUND
    return found


class PublicStatusController(Controller):
    path = "/"
    tags = ["public"]

    @get("/api/public/status", sync_to_thread=True, opt={"public": True})
    def status(self, request: Request[Any, Any, Any], db: Session, state: State, code: str,
               phone4: str) -> Response[dict[str, Any]]:
        """Status and dates of a dossier, by official code and the last four digits of the
        applicant's phone. Rate-limited per client IP and per code (429 + Retry-After)."""
        found = _checked_lookup(db, state, _client_ip(request), code, phone4)
        return Response(found.as_json(), headers=NO_STORE)

    @get("/tra-cuu", sync_to_thread=True, opt={"public": True}, include_in_schema=False)
    def page(self, request: Request[Any, Any, Any], db: Session, state: State,
             code: str | None = None, phone4: str | None = None) -> Response[str]:
        result = ""
        status_code = 200
        if code is not None or phone4 is not None:
            try:
                found = _checked_lookup(db, state, _client_ip(request), code or "",
                                        phone4 or "")
                result = _result_html(found)
            except AppError as exc:
                status_code = exc.status
                result = (f'<p class="err" role="alert">{html.escape(exc.message_vi)}<br>'
                          f"<small>{html.escape(exc.message_en)}</small></p>")
        body = PAGE.format(code=html.escape(code or "", quote=True),
                           phone4=html.escape(phone4 or "", quote=True), result=result)
        return Response(body, media_type="text/html; charset=utf-8", status_code=status_code,
                        headers={**NO_STORE, "Content-Security-Policy":
                                 "default-src 'none'; style-src 'unsafe-inline'; "
                                 "form-action 'self'"})


def _result_html(s: PublicStatus) -> str:
    def row(vi: str, en: str, value: str | None) -> str:
        return (f"<tr><th>{vi}<br><small>{en}</small></th>"
                f"<td>{html.escape(value or '—')}</td></tr>")

    j = s.as_json()
    return (
        '<table class="res">'
        + row("Trạng thái", "Status",
              f"{j['status_label_vi']} ({j['status_label_en']})")
        + row("Ngày tiếp nhận", "Received", j["received_date"])
        + row("Hạn giải quyết", "Due", j["due_date"])
        + row("Ngày có kết quả", "Finished", j["finished_date"])
        + "</table>"
    )


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tra cứu hồ sơ — Làng Số</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:32rem;margin:1rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}} input{{font-size:1.2rem;padding:.5rem;width:100%}}
button{{font-size:1.2rem;padding:.6rem 1.2rem;margin-top:1rem}}
.err{{color:#a00}} table.res{{margin-top:1rem;border-collapse:collapse}}
.res th{{text-align:left;padding:.4rem 1rem .4rem 0}} small{{color:#555}}
</style></head><body>
<h1>Tra cứu tình trạng hồ sơ <small>Dossier status</small></h1>
<form method="get" action="/tra-cuu">
<label for="code">Mã hồ sơ <small>Dossier code</small></label>
<input id="code" name="code" value="{code}" required maxlength="48" autocomplete="off">
<label for="phone4">4 số cuối điện thoại người nộp <small>Last 4 digits of the phone</small></label>
<input id="phone4" name="phone4" value="{phone4}" required inputmode="numeric"
 pattern="[0-9]{{4}}" maxlength="4" autocomplete="off">
<button type="submit">Tra cứu / Look up</button>
</form>
{result}
</body></html>
"""
