"""Attachments: the transactions behind content-addressed, resumable uploads.

A blob "counts" (is present for `missing_blobs`, readable, usable in a dossier) only once a
`Blob` row exists, and that row is written only after the server has recomputed the SHA-256
of the complete file, sniffed its type from the content and, for images, decoded it under a
pixel budget. Everything before that is an `Upload`: one user's partial file and the offset
the server has durably acknowledged.

Used by the sync service: `blob_present`, `missing_blobs`, `check_dossier_budget`, and
`can_read_blob` (the one function to extend when dossiers reference attachments).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.access.scope import row_visible
from backend.attachments import queries
from backend.attachments.sniff import (
    ALLOWED_TYPES,
    MAX_IMAGE_PIXELS,
    RejectedContent,
    inspect_bytes,
    normalise_declared,
    not_allowed,
)
from backend.attachments.storage import BlobStore
from backend.blobs.content import read_plain, write_sealed
from backend.blobs.partial import crypt_at, new_partial_key
from backend.db.models import Blob, Upload
from backend.lib.auth import Principal
from backend.lib.errors import AppError, forbidden, not_found
from backend.privacy.crypto import SealError

log = logging.getLogger("langso.attachments")

MIB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 10 * MIB
DEFAULT_MAX_DOSSIER_BYTES = 30 * MIB
# 256 KiB: at 2G's ~20–40 kbit/s a chunk takes about a minute, so a dropped link loses at
# most that much; the PATCH route's body limit sits a little above it.
MAX_CHUNK_BYTES = 256 * 1024
# Bounds the disk one account can hold in unfinished uploads (× the per-file limit).
MAX_OPEN_UPLOADS = 100
MAX_MISSING_QUERY = 500

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_dossier_bytes: int = DEFAULT_MAX_DOSSIER_BYTES
    max_chunk_bytes: int = MAX_CHUNK_BYTES
    max_open_uploads: int = MAX_OPEN_UPLOADS
    max_image_pixels: int = MAX_IMAGE_PIXELS


def limits_from(settings: Any) -> Limits:
    """Reads optional settings (`max_attachment_bytes`, `max_dossier_attachment_bytes`);
    absent ones keep the defaults above."""
    return Limits(
        max_file_bytes=int(getattr(settings, "max_attachment_bytes", DEFAULT_MAX_FILE_BYTES)),
        max_dossier_bytes=int(
            getattr(settings, "max_dossier_attachment_bytes", DEFAULT_MAX_DOSSIER_BYTES)
        ),
    )


@dataclass(frozen=True)
class UploadState:
    """What the client needs to continue: where, from which offset, and whether it is done."""

    sha256: str
    size: int
    offset: int
    complete: bool
    created: bool = False
    declared_type: str | None = None
    content_type: str | None = None  # sniffed; known once complete


def upload_url(sha256: str) -> str:
    return f"/api/uploads/{sha256}"


# --- hashes and budgets (called by the sync service too) ---------------------------------


def check_sha256(value: str) -> str:
    """Lowercases and validates a hex SHA-256; raises 400 `invalid_sha256`."""
    sha = value.strip().lower() if isinstance(value, str) else ""
    if not _HEX64.fullmatch(sha):
        raise AppError(
            "invalid_sha256",
            "Mã băm SHA-256 không hợp lệ (cần 64 ký tự thập lục phân).",
            "Invalid SHA-256 (64 hex digits expected).",
            400,
            errors=[{"field": "sha256", "value": str(value)[:80]}],
        )
    return sha


def blob_present(session: Session, sha256: str) -> bool:
    return queries.get_blob(session, sha256.lower()) is not None


def missing_blobs(session: Session, hashes: Iterable[str],
                  present: set[str] | None = None) -> list[str]:
    """The hashes (validated, lowercased, first-seen order, no duplicates) with no verified
    blob. A hash whose upload is still in progress is missing. `present`: the verified blobs
    among `hashes`, when the caller already looked them up (the push batch)."""
    wanted = list(dict.fromkeys(check_sha256(h) for h in hashes))
    if len(wanted) > MAX_MISSING_QUERY:
        raise AppError(
            "too_many_hashes",
            f"Tối đa {MAX_MISSING_QUERY} mã băm mỗi lần hỏi.",
            f"At most {MAX_MISSING_QUERY} hashes per request.",
            400,
        )
    if present is None:
        present = queries.present_hashes(session, wanted)
    return [h for h in wanted if h not in present]


def check_dossier_budget(
    session: Session, hashes: Iterable[str], limit: int = DEFAULT_MAX_DOSSIER_BYTES,
    total: int | None = None,
) -> None:
    """Raises 413 `dossier_too_large` when the distinct verified blobs among `hashes` add up
    to more than `limit` bytes. Hashes not yet uploaded count as 0: call it again when the
    dossier is checked for completeness, since a blob only has a trustworthy size once verified.
    `total`: that sum, when the caller already looked the sizes up (the push batch)."""
    if total is None:
        total = queries.total_size(session, (h.lower() for h in hashes))
    if total > limit:
        raise AppError(
            "dossier_too_large",
            f"Tổng dung lượng tệp đính kèm của hồ sơ ({_mib(total)} MB) vượt quá {_mib(limit)} MB.",
            f"The dossier's attachments total {total} bytes, over the {limit}-byte limit.",
            413,
            errors=[{"total_bytes": total, "limit_bytes": limit}],
        )


def _mib(n: int) -> str:
    return f"{n / MIB:.1f}".replace(".", ",")


# --- uploads ----------------------------------------------------------------------------


def create_upload(
    session: Session,
    store: BlobStore,
    limits: Limits,
    principal: Principal,
    sha256: str,
    size: int,
    declared_type: str | None,
    now: datetime,
) -> UploadState:
    """Starts an upload, or returns the caller's existing one (resume), or says the blob is
    already complete. A different size for the same hash restarts the upload from 0."""
    sha = check_sha256(sha256)
    blob = queries.get_blob(session, sha)
    if blob is not None:
        existing = queries.get_upload(session, sha, principal.user_id, lock=True)
        if existing is not None:
            _drop_upload(session, store, existing)
            session.commit()
        return UploadState(sha, blob.size, blob.size, True, content_type=blob.content_type)
    _check_size(size, limits)
    declared = normalise_declared(declared_type)
    if declared is not None and declared not in ALLOWED_TYPES:
        raise _rejected(not_allowed(f" Declared: {declared}."))
    upload = queries.get_upload(session, sha, principal.user_id, lock=True)
    if upload is not None:
        if upload.size == size:
            return _state(upload)
        log.info("upload %s restarted: size %s -> %s", sha, upload.size, size)
        store.start_partial(upload.partial_path)
        upload.content_key = new_partial_key()
        upload.size = size
        upload.upload_offset = 0
        upload.declared_type = declared
        upload.updated_at = now
        session.add(upload)
        session.commit()
        return _state(upload)
    if queries.open_upload_count(session, principal.user_id) >= limits.max_open_uploads:
        raise AppError(
            "too_many_uploads",
            f"Bạn đang có quá nhiều tệp tải lên dở dang (tối đa {limits.max_open_uploads}). "
            "Hãy hoàn tất chúng trước.",
            f"Too many unfinished uploads (at most {limits.max_open_uploads}).",
            429,
        )
    relpath = store.partial_relpath(sha, principal.user_id)
    store.start_partial(relpath)
    upload = Upload(
        sha256=sha,
        user_id=principal.user_id,
        size=size,
        declared_type=declared,
        upload_offset=0,
        partial_path=relpath,
        created_at=now,
        updated_at=now,
        content_key=new_partial_key(),
    )
    session.add(upload)
    try:
        session.commit()
    except IntegrityError:
        # The same user's second device or a retried request won the race: resume theirs.
        session.rollback()
        again = queries.get_upload(session, sha, principal.user_id)
        if again is None:
            raise
        return _state(again)
    return UploadState(sha, size, 0, False, created=True, declared_type=declared)


def upload_status(session: Session, principal: Principal, sha256: str) -> UploadState:
    """The caller's upload of this hash, or the finished blob (offset == size, complete)."""
    sha = check_sha256(sha256)
    blob = queries.get_blob(session, sha)
    if blob is not None:
        return UploadState(sha, blob.size, blob.size, True, content_type=blob.content_type)
    upload = queries.get_upload(session, sha, principal.user_id)
    if upload is None:
        raise _upload_not_found()
    return _state(upload)


def append_chunk(
    session: Session,
    store: BlobStore,
    limits: Limits,
    principal: Principal,
    sha256: str,
    offset: int,
    data: bytes,
    now: datetime,
) -> UploadState:
    """Appends `data` at `offset` (which must equal the server's offset), durably, and on the
    last byte verifies and stores the blob. Holds the upload's row lock throughout, so two
    concurrent PATCHes serialise and the second gets 409 with the new offset."""
    sha = check_sha256(sha256)
    if len(data) > limits.max_chunk_bytes:
        raise AppError(
            "chunk_too_large",
            f"Mỗi phần gửi lên tối đa {limits.max_chunk_bytes} byte.",
            f"Chunks may be at most {limits.max_chunk_bytes} bytes.",
            413,
        )
    upload = queries.get_upload(session, sha, principal.user_id, lock=True)
    if upload is None:
        blob = queries.get_blob(session, sha)
        if blob is not None:
            # Finished already (e.g. the answer to our last chunk was lost on the way back).
            return UploadState(sha, blob.size, blob.size, True, content_type=blob.content_type)
        raise _upload_not_found()
    if offset != upload.upload_offset:
        raise offset_mismatch(upload.upload_offset, offset)
    end = offset + len(data)
    if end > upload.size:
        raise AppError(
            "chunk_beyond_size",
            "Dữ liệu gửi lên vượt quá kích thước tệp đã khai báo.",
            f"The chunk ends at byte {end}, past the declared size {upload.size}.",
            400,
            errors=[{"offset": offset, "chunk_bytes": len(data), "size": upload.size}],
        )
    if data:
        stored = crypt_at(upload.content_key, offset, data) if upload.content_key else data
        store.write_chunk(upload.partial_path, offset, stored)
        if not queries.advance_offset(session, sha, principal.user_id, offset, end, now):
            # Cannot happen while the row lock holds; kept so a lock regression fails loudly.
            session.rollback()
            current = queries.get_upload(session, sha, principal.user_id)
            raise offset_mismatch(current.upload_offset if current else 0, offset)
        upload.upload_offset = end
    if end < upload.size:
        session.commit()
        return _state(upload)
    return _finish(session, store, limits, principal, upload, now)


def _finish(
    session: Session,
    store: BlobStore,
    limits: Limits,
    principal: Principal,
    upload: Upload,
    now: datetime,
) -> UploadState:
    # Read before any commit: a committed, deleted row cannot be read back afterwards.
    sha, size, declared = upload.sha256, upload.size, upload.declared_type
    if queries.get_blob(session, sha) is not None:
        _drop_upload(session, store, upload)
        session.commit()
        blob = queries.get_blob(session, sha)
        assert blob is not None
        return UploadState(sha, blob.size, blob.size, True, content_type=blob.content_type)
    # Opened in memory (the file limit bounds it); plain only for an upload begun before sealing.
    plain = store.read_partial(upload.partial_path)
    if upload.content_key:
        plain = crypt_at(upload.content_key, 0, plain)
    actual = hashlib.sha256(plain).hexdigest()
    if actual != sha:
        _drop_upload(session, store, upload)
        session.commit()
        raise AppError(
            "hash_mismatch",
            "Nội dung tệp không khớp với mã băm SHA-256 đã khai báo; dữ liệu đã bị hủy. "
            "Vui lòng tải lên lại từ đầu.",
            "The file's SHA-256 does not match the declared hash; the partial data was "
            "discarded. Upload again from the start.",
            422,
            errors=[{"field": "sha256", "expected": sha, "actual": actual}],
        )
    try:
        found = inspect_bytes(plain, limits.max_image_pixels)
    except RejectedContent as exc:
        _drop_upload(session, store, upload)
        session.commit()
        raise _rejected(exc) from exc
    if declared and declared != found.content_type:
        # Advisory only: the sniffed type is what is stored and served.
        log.info("upload %s declared %s, is %s", sha, declared, found.content_type)
    # Sealed at rest (backend/blobs/sealed.py); the partial goes only once the row is committed.
    partial = upload.partial_path
    key = write_sealed(session, store, sha, plain)
    session.delete(upload)
    session.add(
        Blob(
            sha256=sha,
            size=size,
            content_type=found.content_type,
            width=found.width,
            height=found.height,
            uploaded_by=principal.user_id,
            created_at=now,
            content_key=key,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        # Another user finished the same hash at the same moment; theirs counts, ours goes
        # (same content, same content key: whichever file landed last opens with their row).
        session.rollback()
        again = queries.get_upload(session, sha, principal.user_id, lock=True)
        if again is not None:
            session.delete(again)
        session.commit()
    store.discard(partial)
    return UploadState(
        sha, size, size, True, declared_type=declared, content_type=found.content_type
    )


def purge_stale_uploads(
    session: Session, store: BlobStore, older_than: timedelta, now: datetime
) -> int:
    """Deletes unfinished uploads untouched for `older_than`, with their partial files.
    Returns how many were purged. Meant for a CLI command or a cron job, not a timer."""
    stale = queries.stale_uploads(session, now - older_than)
    for upload in stale:
        _drop_upload(session, store, upload)
    session.commit()
    return len(stale)


# --- reading ----------------------------------------------------------------------------


def can_read_blob(session: Session, principal: Principal, blob: Blob) -> bool:
    """Who may download a blob. THE place to extend: the sync service adds "the caller may
    see a dossier that references this hash" as one more clause here.

    Today: an admin; the uploader; an officer of the uploader's commune (the blob rule of
    backend/access/scope.py)."""
    return row_visible(session, principal, blob)


def readable_blob(
    session: Session, store: BlobStore, principal: Principal, sha256: str
) -> tuple[Blob, bytes]:
    """The blob's row and its bytes, opened (they are sealed at rest)."""
    sha = check_sha256(sha256)
    blob = queries.get_blob(session, sha)
    if blob is None:
        raise not_found("tệp đính kèm", "Attachment")
    if not can_read_blob(session, principal, blob):
        raise forbidden()
    return blob, plain_bytes(store, blob)


def plain_bytes(store: BlobStore, blob: Blob) -> bytes:
    """Opened bytes of a recorded blob; 503 `blob_unavailable` when the store lacks them or
    they do not open (a lost key, a damaged file)."""
    try:
        data = read_plain(store, blob)
    except SealError:
        log.error("blob %s does not open", blob.sha256)
        data = None
    if data is None:
        log.error("blob %s recorded but unreadable in the store", blob.sha256)
        raise AppError(
            "blob_unavailable",
            "Tệp đính kèm tạm thời không đọc được. Vui lòng báo quản trị viên.",
            "The attachment is recorded but its bytes are missing or do not open on the server.",
            503,
        )
    return data


# --- helpers ----------------------------------------------------------------------------


def offset_mismatch(server_offset: int, client_offset: int) -> AppError:
    return AppError(
        "offset_mismatch",
        f"Vị trí tải lên không khớp: máy chủ đã nhận {server_offset} byte. "
        "Hãy tiếp tục từ vị trí đó.",
        f"Upload-Offset {client_offset} does not match the server's offset {server_offset}; "
        "resume from the server's offset.",
        409,
        errors=[{"field": "Upload-Offset", "offset": server_offset, "received": client_offset}],
        headers={"Upload-Offset": str(server_offset)},
    )


def _state(upload: Upload) -> UploadState:
    return UploadState(
        upload.sha256,
        upload.size,
        upload.upload_offset,
        False,
        declared_type=upload.declared_type,
    )


def _drop_upload(session: Session, store: BlobStore, upload: Upload) -> None:
    store.discard(upload.partial_path)
    session.delete(upload)


def _check_size(size: int, limits: Limits) -> None:
    if size < 1:
        raise AppError(
            "invalid_size",
            "Kích thước tệp phải lớn hơn 0.",
            "The size must be at least 1 byte.",
            400,
        )
    if size > limits.max_file_bytes:
        raise AppError(
            "file_too_large",
            f"Tệp quá lớn: tối đa {_mib(limits.max_file_bytes)} MB mỗi tệp.",
            f"File too large: at most {limits.max_file_bytes} bytes per file.",
            413,
            errors=[{"field": "size", "size": size, "limit_bytes": limits.max_file_bytes}],
        )


def _rejected(exc: RejectedContent) -> AppError:
    status = 415 if exc.code == "type_not_allowed" else 422
    return AppError(exc.code, exc.message_vi, exc.message_en, status)


def _upload_not_found() -> AppError:
    return AppError(
        "upload_not_found",
        "Không tìm thấy phiên tải lên này. Hãy bắt đầu lại (POST /api/uploads).",
        "No such upload for you; start one with POST /api/uploads.",
        404,
    )
