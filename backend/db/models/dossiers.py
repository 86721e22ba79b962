"""Dossiers (one filing of one procedure version for one applicant) and their audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Integer, String
from sqlmodel import Field, SQLModel

from backend.db.types import JsonValue, UTCDateTime
from backend.privacy.sealed_types import SealedJson


class Dossier(SQLModel, table=True):
    __tablename__ = "dossiers"
    id: str = Field(primary_key=True, max_length=36)
    procedure_code: str = Field(max_length=64, index=True)
    procedure_version: int
    applicant_member_id: str = Field(foreign_key="members.id", index=True, max_length=36)
    household_id: str = Field(foreign_key="households.id", index=True, max_length=36)
    village_id: str = Field(foreign_key="villages.id", index=True, max_length=36)
    commune_id: str = Field(foreign_key="communes.id", index=True, max_length=16)
    prepared_by: str = Field(foreign_key="users.id", index=True, max_length=36)
    status: str = Field(max_length=24, index=True)
    outcome: str | None = Field(default=None, max_length=16, description="approved | rejected")
    form_data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(SealedJson("dossiers")))
    components: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JsonValue))
    official_code: str | None = Field(
        default=None, sa_column=Column(String(48), unique=True, nullable=True)
    )
    received_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    due_date: date | None = Field(default=None)
    # when processing ended (approve / reject), kept by backend/monitoring/decided.py
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DossierEvent(SQLModel, table=True):
    """Append-only audit log: one row per state transition or review action. Never updated."""

    __tablename__ = "dossier_events"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: str = Field(foreign_key="dossiers.id", index=True, max_length=36)
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str = Field(max_length=24)
    actor_id: str | None = Field(default=None, foreign_key="users.id", max_length=36)
    actor_role: str = Field(max_length=16)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reason: str = Field(default="", max_length=2000)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(SealedJson("dossiers")))


class DossierCodeCounter(SQLModel, table=True):
    """Per-commune, per-day sequence behind official dossier codes (atomic upsert)."""

    __tablename__ = "dossier_code_counters"
    commune_id: str = Field(foreign_key="communes.id", primary_key=True, max_length=16)
    day: date = Field(primary_key=True)
    last: int = Field(default=0)
