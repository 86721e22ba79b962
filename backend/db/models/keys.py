"""Commune signing keys, shared by every server node through the database.

Invariants:
- A row is written once (by `langso keys create|rotate`, or on first use on a single machine)
  and never updated or deleted: receipts and results signed with an old key keep verifying
  against its published public key.
- `private_key_enc` is the raw 32-byte Ed25519 seed sealed with AES-256-GCM under the
  key-encryption key from settings: base64url(nonce ‖ ciphertext ‖ tag), associated data
  `"langso-commune-key:" ‖ key_id`, so a sealed key cannot be moved to another row.
- The newest key of a commune (highest `seq`) signs; `seq` is unique per commune.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.db.types import UTCDateTime


class CommuneSigningKey(SQLModel, table=True):
    __tablename__ = "commune_signing_keys"
    __table_args__ = (UniqueConstraint("commune_id", "seq", name="uq_commune_signing_keys_seq"),)
    key_id: str = Field(primary_key=True, max_length=16)
    commune_id: str = Field(foreign_key="communes.id", index=True, max_length=16)
    seq: int = Field(default=1)
    alg: str = Field(default="Ed25519", max_length=16)
    public_key: str = Field(max_length=64)
    private_key_enc: str = Field(sa_column=Column(Text(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
