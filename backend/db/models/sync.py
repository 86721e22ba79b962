"""Sync tables: devices and their keys, the append-only mutation log, entity versions, the
pull change log, merge losers, open conflicts, amendments and signed dossier revisions.

Invariants:
- `devices` rows are never deleted: a revoked device's public key stays so that everything it
  signed remains verifiable.
- `sync_mutations`, `entity_versions`, `sync_losers` and `dossier_revisions` are append-only
  (the application never updates or deletes them).
- `sync_changes.seq` grows in commit order (see backend/changelog/changes.py), which is what
  lets a pull cursor be a plain number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.db.types import JsonValue, UTCDateTime
from backend.privacy.sealed_types import SealedJson, SealedText

# BIGINT on PostgreSQL; INTEGER (the rowid alias) on SQLite, where AUTOINCREMENT needs it.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class Device(SQLModel, table=True):
    __tablename__ = "devices"
    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    commune_id: str | None = Field(default=None, index=True, max_length=16)
    alg: str = Field(max_length=8)
    public_key: str = Field(max_length=128, unique=True)
    key_id: str = Field(max_length=16)
    label: str = Field(default="", max_length=120)
    enrolled_via: str = Field(default="session", max_length=16, description="session | ticket")
    last_n: int = Field(default=0)
    last_hash: str = Field(default="0" * 64, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_push_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_by: str | None = Field(default=None, max_length=36)
    revoke_reason: str = Field(default="", max_length=500)
    # A lost-device revocation orders the phone to destroy its keys and data at next contact.
    wipe_ordered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    wiped_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class DeviceTicket(SQLModel, table=True):
    """One-time enrolment ticket. Only an HMAC of the code is stored."""

    __tablename__ = "device_tickets"
    id: str = Field(primary_key=True, max_length=36)
    code_hash: str = Field(max_length=64, unique=True)
    volunteer_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    issued_by: str = Field(foreign_key="users.id", max_length=36)
    commune_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    device_id: str | None = Field(default=None, max_length=36)


class SyncMutation(SQLModel, table=True):
    """Every accepted push item: the exact signed text, the signature and the stored result."""

    __tablename__ = "sync_mutations"
    __table_args__ = (UniqueConstraint("device_id", "n", name="uq_sync_mutations_device_n"),)
    id: str = Field(primary_key=True, max_length=36)
    device_id: str = Field(foreign_key="devices.id", max_length=36)
    n: int
    hash: str = Field(max_length=64, index=True)
    user_id: str = Field(max_length=36)
    entity: str = Field(max_length=16)
    entity_id: str = Field(max_length=36, index=True)
    op: str = Field(max_length=16)
    status: str = Field(max_length=16)
    commune_id: str | None = Field(default=None, max_length=16)
    payload: str = Field(sa_column=Column(SealedText("sync"), nullable=False))
    sig: str = Field(max_length=128)
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JsonValue))
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class EntityVersion(SQLModel, table=True):
    """The sync view of an entity at each version, with per-field clocks (merge base)."""

    __tablename__ = "entity_versions"
    entity: str = Field(primary_key=True, max_length=16)
    entity_id: str = Field(primary_key=True, max_length=36)
    version: int = Field(primary_key=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(SealedJson("sync")))
    clocks: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JsonValue))
    mutation_id: str | None = Field(default=None, max_length=36)
    actor_id: str | None = Field(default=None, max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SyncChange(SQLModel, table=True):
    """The pull log: one row per new entity version, `seq` in commit order."""

    __tablename__ = "sync_changes"
    __table_args__ = (
        Index("ix_sync_changes_commune_seq", "commune_id", "seq"),
        Index("ix_sync_changes_village_seq", "village_id", "seq"),
        Index("ix_sync_changes_entity", "entity", "entity_id"),
        {"sqlite_autoincrement": True},
    )
    seq: int | None = Field(
        default=None, sa_column=Column(SeqType, primary_key=True, autoincrement=True)
    )
    entity: str = Field(max_length=16)
    entity_id: str = Field(max_length=36)
    version: int
    commune_id: str = Field(max_length=16)
    village_id: str = Field(max_length=36)
    deleted: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SyncMeta(SQLModel, table=True):
    """Small key/value facts, e.g. `pruned_through` (the retention horizon seq)."""

    __tablename__ = "sync_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


class SyncLoser(SQLModel, table=True):
    """A value that lost (last-writer-wins, or a conflict resolution). Append-only."""

    __tablename__ = "sync_losers"
    id: int | None = Field(default=None, primary_key=True)
    mutation_id: str | None = Field(default=None, max_length=36, index=True)
    conflict_id: str | None = Field(default=None, max_length=36)
    entity: str = Field(max_length=16)
    entity_id: str = Field(max_length=36, index=True)
    field: str = Field(max_length=140)
    losing_value: Any = Field(default=None, sa_column=Column(SealedJson("sync")))
    winning_value: Any = Field(default=None, sa_column=Column(SealedJson("sync")))
    losing_hlc: str | None = Field(default=None, max_length=64)
    winning_hlc: str | None = Field(default=None, max_length=64)
    rule: str = Field(max_length=16)
    commune_id: str = Field(max_length=16, index=True)
    village_id: str = Field(max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SyncConflict(SQLModel, table=True):
    """A field changed on both sides from the same base where a person must decide."""

    __tablename__ = "sync_conflicts"
    id: str = Field(primary_key=True, max_length=36)
    mutation_id: str | None = Field(default=None, max_length=36)
    entity: str = Field(max_length=16)
    entity_id: str = Field(max_length=36, index=True)
    field: str = Field(max_length=140)
    base_value: Any = Field(default=None, sa_column=Column(SealedJson("sync")))
    current_value: Any = Field(default=None, sa_column=Column(SealedJson("sync")))
    proposed_value: Any = Field(default=None, sa_column=Column(SealedJson("sync")))
    current_hlc: str | None = Field(default=None, max_length=64)
    proposed_hlc: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16, index=True)
    resolved_value: Any = Field(default=None, sa_column=Column(SealedJson("sync")))
    resolved_by: str | None = Field(default=None, max_length=36)
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    resolved_version: int | None = Field(default=None)
    resolution_note: str = Field(default="", max_length=2000)
    commune_id: str = Field(max_length=16, index=True)
    village_id: str = Field(max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DossierAmendment(SQLModel, table=True):
    """An offline edit to a dossier the commune already holds: waits for the officer."""

    __tablename__ = "dossier_amendments"
    id: str = Field(primary_key=True, max_length=36)
    dossier_id: str = Field(foreign_key="dossiers.id", index=True, max_length=36)
    mutation_id: str = Field(max_length=36)
    base_version: int
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(SealedJson("sync")))
    status: str = Field(default="pending", max_length=16, index=True)
    decided_by: str | None = Field(default=None, max_length=36)
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reason: str = Field(default="", max_length=2000)
    commune_id: str = Field(max_length=16, index=True)
    village_id: str = Field(max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DossierRevision(SQLModel, table=True):
    """A signed submission (or supplement). `hash` = the mutation hash = the revision hash."""

    __tablename__ = "dossier_revisions"
    hash: str = Field(primary_key=True, max_length=64)
    dossier_id: str = Field(foreign_key="dossiers.id", index=True, max_length=36)
    number: int
    kind: str = Field(max_length=16, description="submit | supplement")
    prev_revision: str | None = Field(default=None, max_length=64)
    mutation_id: str = Field(max_length=36)
    device_id: str = Field(max_length=36)
    payload: str = Field(sa_column=Column(SealedText("sync"), nullable=False))
    sig: str = Field(max_length=128)
    receipt: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JsonValue))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
