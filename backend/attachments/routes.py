"""Attachment and upload endpoints (the protocol is in docs/attachments-protocol.md)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, head, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter

from backend.attachments import service
from backend.attachments.schemas import MissingIn, MissingOut, UploadIn, UploadOut
from backend.attachments.storage import BlobStore
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError

CHUNK_MEDIA_TYPE = "application/offset+octet-stream"
# A chunk plus headroom; larger bodies are cut off by Litestar before any handler runs.
PATCH_MAX_BODY = 300 * 1024
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
_NO_STORE = {"Cache-Control": "no-store"}

uploaders = require_roles("volunteer", "officer")


def _store(state: State) -> BlobStore:
    return state.blob_store  # type: ignore[no-any-return]


def _out(s: service.UploadState) -> UploadOut:
    return UploadOut(
        sha256=s.sha256,
        size=s.size,
        offset=s.offset,
        complete=s.complete,
        upload_url=None if s.complete else service.upload_url(s.sha256),
        declared_type=s.declared_type,
        content_type=s.content_type,
    )


def _offset_headers(s: service.UploadState) -> dict[str, str]:
    return {"Upload-Offset": str(s.offset), "Upload-Length": str(s.size), **_NO_STORE}


async def provide_chunk(request: Request[Any, Any, Any]) -> bytes:
    """The raw PATCH body. Litestar would parse `data` as JSON; a chunk is opaque bytes.
    Read here (async) so the handler itself can run in a thread; the route's body limit
    still applies."""
    return await request.body()


def _parse_offset(raw: str | None) -> int:
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 15:
        raise AppError(
            "invalid_upload_offset",
            "Thiếu hoặc sai tiêu đề Upload-Offset (số nguyên không âm).",
            "Missing or invalid Upload-Offset header (a non-negative integer).",
            400,
        )
    return int(raw)


class AttachmentController(Controller):
    path = "/api"
    tags = ["attachments"]

    @post("/attachments/missing", sync_to_thread=True, status_code=200, guards=[uploaders])
    def missing(self, db: Session, data: MissingIn) -> MissingOut:
        """Which of these SHA-256 hashes has the server no verified blob for (≤ 500)."""
        return MissingOut(missing=service.missing_blobs(db, data.hashes))

    @post("/uploads", sync_to_thread=True, guards=[uploaders], status_code=201,
          responses={200: ResponseSpec(UploadOut, description="An upload resumed, or the blob "
                                       "is already stored (`complete: true`).")})
    def create_upload(
        self, db: Session, principal: Principal, state: State, data: UploadIn
    ) -> Response[UploadOut]:
        """Start (201) or resume (200) an upload; 200 with `complete: true` if the blob exists."""
        s = service.create_upload(
            db,
            _store(state),
            service.limits_from(state.settings),
            principal,
            data.sha256,
            data.size,
            data.content_type,
            utcnow(),
        )
        headers = _offset_headers(s)
        if not s.complete:
            headers["Location"] = service.upload_url(s.sha256)
        return Response(_out(s), status_code=201 if s.created else 200, headers=headers)

    @head("/uploads/{sha256:str}", sync_to_thread=True, guards=[uploaders])
    def upload_offset(self, db: Session, principal: Principal, sha256: str) -> Response[None]:
        """`Upload-Offset` / `Upload-Length` headers; offset == length once complete."""
        s = service.upload_status(db, principal, sha256)
        headers = _offset_headers(s)
        if s.complete:
            headers["Upload-Complete"] = "?1"
        return Response(None, status_code=200, headers=headers, media_type="text/plain")

    @get("/uploads/{sha256:str}", sync_to_thread=True, guards=[uploaders])
    def upload_status(self, db: Session, principal: Principal, sha256: str) -> Response[UploadOut]:
        s = service.upload_status(db, principal, sha256)
        return Response(_out(s), headers=_offset_headers(s))

    @patch(
        "/uploads/{sha256:str}",
        sync_to_thread=True,
        guards=[uploaders],
        request_max_body_size=PATCH_MAX_BODY,
        status_code=204,
        dependencies={"chunk": Provide(provide_chunk)},
    )
    def append(
        self,
        db: Session,
        principal: Principal,
        state: State,
        sha256: str,
        chunk: bytes,
        upload_offset_header: Annotated[str | None, HeaderParameter(name="Upload-Offset")] = None,
        content_type: Annotated[str | None, HeaderParameter(name="Content-Type")] = None,
    ) -> Response[None]:
        """Append the next chunk at `Upload-Offset`. 204 with the new offset; 409 with the
        server's offset when they differ; on the last byte the blob is verified."""
        if (content_type or "").split(";", 1)[0].strip().lower() != CHUNK_MEDIA_TYPE:
            raise AppError(
                "unsupported_media_type",
                f"Phần dữ liệu phải gửi với Content-Type: {CHUNK_MEDIA_TYPE}.",
                f"Chunks must be sent as Content-Type: {CHUNK_MEDIA_TYPE}.",
                415,
            )
        offset = _parse_offset(upload_offset_header)
        s = service.append_chunk(
            db,
            _store(state),
            service.limits_from(state.settings),
            principal,
            sha256,
            offset,
            chunk,
            utcnow(),
        )
        headers = _offset_headers(s)
        if s.complete:
            headers["Upload-Complete"] = "?1"
            if s.content_type:
                headers["Upload-Content-Type"] = s.content_type
        return Response(None, status_code=204, headers=headers)

    @get("/attachments/{sha256:str}", sync_to_thread=True, opt={"skip_compression": True})
    def download(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        principal: Principal,
        state: State,
        sha256: str,
    ) -> Response[Any]:
        """The blob's bytes, for callers who may see it (uploader, their commune's officers,
        admins; later: readers of a dossier that references it). Immutable: cache forever."""
        blob, data = service.readable_blob(db, _store(state), principal, sha256)
        etag = f'"{blob.sha256}"'
        headers = {
            "Cache-Control": "private, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            # A PDF or image opened straight from this URL gets no script and no origin.
            "Content-Security-Policy": "sandbox; default-src 'none'",
        }
        if_none_match = request.headers.get("if-none-match", "")
        if etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]:
            return Response(None, status_code=304, headers={**headers, "ETag": etag})
        # The bytes are sealed at rest, so they are opened here and sent from memory (≤ the
        # attachment limit), not streamed from the file.
        filename = blob.sha256 + _EXTENSIONS.get(blob.content_type, "")
        return Response(
            data,
            media_type=blob.content_type,
            headers={**headers, "ETag": etag,
                     "Content-Disposition": f'inline; filename="{filename}"'},
        )
