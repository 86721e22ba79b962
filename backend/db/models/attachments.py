"""Attachments: content-addressed blobs and the resumable uploads that produce them.

A `Blob` row exists only for bytes whose SHA-256 the server has recomputed and whose type
it has sniffed from the content; the bytes live sealed in the blob store (backend/blobs/).
An `Upload` is one user's partial transfer of one hash; it never "counts" for anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from backend.db.types import UTCDateTime
from backend.privacy.sealed_types import SealedText


class Blob(SQLModel, table=True):
    """A verified blob, stored once whoever uploads it again. Never updated after insert."""

    __tablename__ = "blobs"
    sha256: str = Field(primary_key=True, min_length=64, max_length=64)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    content_type: str = Field(max_length=64, description="sniffed from the bytes, not declared")
    width: int | None = Field(default=None)
    height: int | None = Field(default=None)
    uploaded_by: str = Field(foreign_key="users.id", index=True, max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Hex of the key the stored bytes are sealed with (backend/blobs/sealed.py), itself sealed;
    # NULL for a blob stored plain before sealing (until `langso blobs seal`).
    content_key: str | None = Field(default=None, sa_column=Column(SealedText("blobs")))


class Upload(SQLModel, table=True):
    """One user's partial upload of one hash. `upload_offset` only grows, in compare-and-set
    steps, so two concurrent PATCHes can never both append at the same place."""

    __tablename__ = "uploads"
    sha256: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="users.id", primary_key=True, max_length=36)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    declared_type: str | None = Field(default=None, max_length=128)
    upload_offset: int = Field(sa_column=Column(BigInteger, nullable=False, default=0))
    partial_path: str = Field(max_length=255, description="relative to data_dir")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # Hex of the AES-CTR key the partial bytes are stored under (backend/blobs/partial.py),
    # itself sealed; NULL for an upload begun before partial uploads were sealed (plain).
    content_key: str | None = Field(default=None, sa_column=Column(SealedText("blobs")))
