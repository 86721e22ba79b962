"""The commune's answers to a dossier: supplement requests (tasks for the volunteer's device)
and signed electronic results.

Invariants:
- A `SupplementRequest` row is written in the same transaction as the `request_supplement`
  transition; its `items` never change afterwards. Only `status` moves (open → answered |
  cancelled) and `version` grows with it, each version announced to pulls as entity `task`.
- A `DossierResult` is issued once per dossier and never updated: `record` is the exact
  canonical JSON text that `sig` signs (commune Ed25519 key `key_id`), `result_sha256` the
  SHA-256 of the canonical `content`, and `pdf_sha256` the hash of the issued PDF's bytes
  (kept in the blob store). Announced to pulls as entity `result`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.db.types import JsonValue, UTCDateTime
from backend.privacy.sealed_types import SealedJson, SealedText


class SupplementRequest(SQLModel, table=True):
    __tablename__ = "supplement_requests"
    id: str = Field(primary_key=True, max_length=36)
    dossier_id: str = Field(foreign_key="dossiers.id", index=True, max_length=36)
    commune_id: str = Field(max_length=16, index=True)
    village_id: str = Field(max_length=36)
    requested_by: str = Field(foreign_key="users.id", max_length=36)
    requested_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reason: str = Field(max_length=2000)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JsonValue))
    status: str = Field(default="open", max_length=16, description="open | answered | cancelled")
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    version: int = Field(default=1)


class DossierResult(SQLModel, table=True):
    __tablename__ = "dossier_results"
    id: str = Field(primary_key=True, max_length=36)
    dossier_id: str = Field(foreign_key="dossiers.id", unique=True, max_length=36)
    commune_id: str = Field(max_length=16, index=True)
    village_id: str = Field(max_length=36)
    official_code: str = Field(max_length=48, index=True)
    outcome: str = Field(max_length=16, description="approved | rejected")
    document_kind: str = Field(max_length=64)
    document_number: str = Field(default="", max_length=64)
    summary: str = Field(max_length=2000)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(SealedJson("results")))
    result_sha256: str = Field(max_length=64)
    record: str = Field(sa_column=Column(SealedText("results"), nullable=False))
    sig: str = Field(max_length=128)
    key_id: str = Field(max_length=16)
    qr_text: str = Field(max_length=400)
    pdf_sha256: str = Field(max_length=64, index=True)
    issued_by: str = Field(foreign_key="users.id", max_length=36)
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    version: int = Field(default=1)
