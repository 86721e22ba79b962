"""Results over HTTP: reading a result (JSON, PDF) and the public verification endpoints."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from backend.documents.letters import commune_place
from backend.dossiers.receipts import published_keys
from backend.lib.auth import Principal
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.wire import to_wire
from backend.results import queries, service
from backend.results.schemas import ResultKeys, VerdictOut
from backend.results.verify_page import link_page, page

MAX_QR = 2000
PDF_HEADERS = {
    "Cache-Control": "private, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}
HTML_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
# /v: its own script checks the signature (no inline script); it may fetch the key list and
# the register answer, and install its service worker.
LINK_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; worker-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
STATIC_DIR = Path(__file__).resolve().parent.parent / "public_status" / "static"
ASSETS = {"v.js": ("verify.js", "text/javascript; charset=utf-8"),
          "v-sw.js": ("v-sw.js", "text/javascript; charset=utf-8"),
          "public.css": ("public.css", "text/css; charset=utf-8")}


class ResultController(Controller):
    path = "/api/results"
    tags = ["results"]

    @get("/{name:str}", sync_to_thread=True, opt={"skip_compression": True})
    def read(
        self, name: str, db: Session, principal: Principal, state: State
    ) -> Response[Any]:
        """`/api/results/{id}` → the result (JSON); `/api/results/{id}.pdf` → the issued PDF.
        Officers of the commune, admins and volunteers of the dossier's village."""
        if name.endswith(".pdf"):
            r = service.readable_result(db, principal, name[: -len(".pdf")])
            filename = f"ket-qua-{r.official_code.replace('.', '-')}.pdf"
            return Response(service.pdf_bytes(db, state.settings.data_dir, r),
                            media_type="application/pdf",
                            headers={**PDF_HEADERS,
                                     "Content-Disposition": f'inline; filename="{filename}"'})
        return Response(service.result_out(service.readable_result(db, principal, name)))


class VerifyIn(msgspec.Struct, forbid_unknown_fields=True):
    qr: str | None = None
    pdf_base64: str | None = None


@dataclass
class VerifyForm:
    qr: str = ""
    pdf: UploadFile | None = None


def _asset(name: str) -> Response[bytes]:
    file, media_type = ASSETS[name]
    return Response((STATIC_DIR / file).read_bytes(), media_type=media_type,
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def _pdf_from_b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AppError("bad_pdf", "Tệp PDF (base64) không hợp lệ.",
                       "pdf_base64 is not valid base64.", 400) from exc


class PublicVerifyController(Controller):
    """Anyone may verify; no login. Answers hold no personal data."""

    path = "/"
    tags = ["public"]

    @post("/api/public/verify", sync_to_thread=True, status_code=200, opt={"public": True})
    def verify_json(self, data: VerifyIn, db: Session, state: State) -> VerdictOut:
        """Body: `{"qr": "LSR1.…"}` or `{"pdf_base64": "…"}`. Always 200 with `valid`."""
        data_dir = state.settings.data_dir
        if data.qr is not None and data.pdf_base64 is None:
            return to_wire(service.verify_qr(db, data_dir, data.qr[:MAX_QR]).as_json(),
                           VerdictOut)
        if data.pdf_base64 is not None and data.qr is None:
            verdict = service.verify_pdf(db, data_dir, _pdf_from_b64(data.pdf_base64))
            return to_wire(verdict.as_json(), VerdictOut)
        raise AppError("qr_or_pdf", "Gửi đúng một trong hai: mã QR hoặc tệp PDF.",
                       "Send exactly one of qr or pdf_base64.", 400)

    @get("/verify", sync_to_thread=True, opt={"public": True}, media_type=MediaType.HTML,
         include_in_schema=True)
    def verify_page(self, db: Session, state: State, r: str | None = None) -> Response[str]:
        """The public page. `?r=LSR1.…` checks a code straight from a link."""
        verdict = service.verify_qr(db, state.settings.data_dir, r[:MAX_QR]).as_json() \
            if r else None
        return Response(page(verdict, r or ""), media_type=MediaType.HTML,
                        headers=HTML_HEADERS)

    @get("/v", sync_to_thread=False, opt={"public": True}, media_type=MediaType.HTML,
         include_in_schema=False)
    def verify_link(self) -> Response[str]:
        """What a result's QR code opens: `/v#LSR1.…` (the record stays in the fragment)."""
        return Response(link_page(), media_type=MediaType.HTML, headers=LINK_PAGE_HEADERS)

    @get("/v.js", sync_to_thread=False, opt={"public": True}, include_in_schema=False)
    def verify_script(self) -> Response[bytes]:
        return _asset("v.js")

    @get("/v-sw.js", sync_to_thread=False, opt={"public": True}, include_in_schema=False)
    def verify_worker(self) -> Response[bytes]:
        return _asset("v-sw.js")

    @get("/public.css", sync_to_thread=False, opt={"public": True}, include_in_schema=False)
    def public_style(self) -> Response[bytes]:
        return _asset("public.css")

    @get("/v/keys.json", sync_to_thread=True, opt={"public": True})
    def keys(self, db: Session, state: State) -> Response[ResultKeys]:
        """The communes' result-signing keys with the communes' names, for /v."""
        names = queries.commune_names(db)
        body = published_keys(db, state.settings.data_dir, list(names))
        for key in body["keys"]:
            key["commune_name"] = commune_place(names.get(key["commune_id"], ""))
        return Response(to_wire(body, ResultKeys), headers={"Cache-Control": "no-cache"})

    @post("/verify", sync_to_thread=True, status_code=200, opt={"public": True},
          media_type=MediaType.HTML)
    def verify_form(
        self,
        db: Session,
        state: State,
        data: Annotated[VerifyForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[str]:
        data_dir = state.settings.data_dir
        pdf = data.pdf.file.read() if data.pdf is not None else b""
        qr = (data.qr or "").strip()[:MAX_QR]
        if pdf:
            verdict = service.verify_pdf(db, data_dir, pdf).as_json()
        elif qr:
            verdict = service.verify_qr(db, data_dir, qr).as_json()
        else:
            verdict = None
        return Response(page(verdict, qr), media_type=MediaType.HTML, headers=HTML_HEADERS)
