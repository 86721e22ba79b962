"""Wire shapes for attachments and uploads (see docs/attachments-protocol.md)."""

from __future__ import annotations

from typing import Annotated

import msgspec

Sha256 = Annotated[str, msgspec.Meta(min_length=64, max_length=64)]


class MissingIn(msgspec.Struct, forbid_unknown_fields=True):
    hashes: Annotated[list[Sha256], msgspec.Meta(max_length=500)]


class MissingOut(msgspec.Struct):
    missing: list[str]


class UploadIn(msgspec.Struct, forbid_unknown_fields=True):
    sha256: Sha256
    size: Annotated[int, msgspec.Meta(ge=0)]
    content_type: Annotated[str, msgspec.Meta(max_length=128)] | None = None


class UploadOut(msgspec.Struct):
    """`offset` is the number of bytes the server holds durably; send from there.
    `content_type` is the type sniffed from the bytes, present once `complete`."""

    sha256: str
    size: int
    offset: int
    complete: bool
    upload_url: str | None
    declared_type: str | None = None
    content_type: str | None = None
