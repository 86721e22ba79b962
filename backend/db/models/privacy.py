"""Personal-data tables: wrapped data keys, the access log, data-subject requests, breaches.

Invariants:
- `pii_data_keys.wrapped` is a data key sealed under the master key; the master key itself is
  never stored in the database. A retired key stays until no row is sealed under it.
- `access_log` is append-only: the application inserts and never updates or deletes it.
- `privacy_requests` and `breach_records` keep that something happened; after an erasure
  they hold no personal data of the person (only ids that no longer resolve to a name).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from backend.db.types import JsonValue, UTCDateTime


class PiiDataKey(SQLModel, table=True):
    __tablename__ = "pii_data_keys"
    id: str = Field(primary_key=True, max_length=36)
    purpose: str = Field(max_length=32, index=True)
    wrapped: str = Field(max_length=200)
    master_fingerprint: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AccessLogEntry(SQLModel, table=True):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject", "subject_kind", "subject_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor_id: str = Field(max_length=36, index=True)
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=32, description="member.read, dossier.read, person.export…")
    subject_kind: str = Field(max_length=16, description="member | household | dossier")
    subject_id: str = Field(max_length=36)
    member_ids: list[str] = Field(default_factory=list, sa_column=Column(JsonValue))
    commune_id: str | None = Field(default=None, max_length=16, index=True)
    in_queue: bool = Field(default=True)
    reason: str = Field(default="", max_length=500)


class PrivacyRequest(SQLModel, table=True):
    __tablename__ = "privacy_requests"
    id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(max_length=36, index=True)
    commune_id: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=24, description="erasure | restriction | consent_withdrawal")
    status: str = Field(max_length=16, description="done | retained")
    note: str = Field(default="", max_length=1000)
    outcome: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JsonValue))
    recorded_by: str = Field(max_length=36)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MemberRestriction(SQLModel, table=True):
    """A person whose data may be stored but not further processed (restriction, consent
    withdrawn), or whose erasure waits for retained dossiers to reach their retention end."""

    __tablename__ = "member_restrictions"
    member_id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=24)
    erase_when_released: bool = Field(default=False)
    since: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BreachRecord(SQLModel, table=True):
    __tablename__ = "breach_records"
    id: str = Field(primary_key=True, max_length=36)
    description: str = Field(max_length=4000)
    found_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    window_from: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    window_to: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    device_ids: list[str] = Field(default_factory=list, sa_column=Column(JsonValue))
    actor_ids: list[str] = Field(default_factory=list, sa_column=Column(JsonValue))
    affected_communes: list[str] = Field(default_factory=list, sa_column=Column(JsonValue))
    affected_members: int = Field(default=0)
    affected_member_ids: list[str] = Field(default_factory=list, sa_column=Column(JsonValue))
    measures: str = Field(default="", max_length=4000)
    opened_by: str = Field(max_length=36)
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
