"""Monitoring, public look-up and web-push tables.

- `ratings`: the household's satisfaction with a handed-over result; one per dossier
  (unique `dossier_id`), recorded offline and synced as a signed mutation. Never updated.
- `citizen_ratings`: the CITIZEN's own satisfaction, kept apart from the volunteer's
  `ratings`: given on the volunteer's device at hand-over (channel "device", synced as a
  `rating` mutation with `by: "citizen"`) or on the public status page (channel "web", with
  the dossier code and phone digits). One per dossier (unique `dossier_id`). Never updated.
- `device_health`: the latest outbox report of each device (pending count, oldest pending).
- `public_lookup_attempts`: one row per public status look-up, keyed by bucket (client IP or
  a hash of the code), so rate limits hold across server workers. Old rows are pruned.
- `push_subscriptions`: Web Push subscriptions, one row per endpoint (upserted).
- `push_notices`: notices already sent for a (event, dossier, key), so a periodic job such as
  `langso notify-due` does not repeat itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.db.types import UTCDateTime


class Rating(SQLModel, table=True):
    __tablename__ = "ratings"
    id: str = Field(primary_key=True, max_length=36)
    dossier_id: str = Field(foreign_key="dossiers.id", unique=True, max_length=36)
    rating: str = Field(max_length=16, description="very_satisfied | satisfied | not_satisfied")
    comment: str = Field(default="", max_length=500)
    rated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_by: str = Field(foreign_key="users.id", max_length=36)
    commune_id: str = Field(index=True, max_length=16)
    village_id: str = Field(index=True, max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CitizenRating(SQLModel, table=True):
    __tablename__ = "citizen_ratings"
    id: str = Field(primary_key=True, max_length=36)
    dossier_id: str = Field(foreign_key="dossiers.id", unique=True, max_length=36)
    rating: str = Field(max_length=16, description="very_satisfied | satisfied | not_satisfied")
    comment: str = Field(default="", max_length=500)
    channel: str = Field(max_length=8, description="device | web")
    rated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    device_user_id: str | None = Field(default=None, foreign_key="users.id", max_length=36)
    commune_id: str = Field(index=True, max_length=16)
    village_id: str = Field(index=True, max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DeviceHealth(SQLModel, table=True):
    __tablename__ = "device_health"
    device_id: str = Field(foreign_key="devices.id", primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    commune_id: str | None = Field(default=None, index=True, max_length=16)
    pending: int = Field(default=0)
    oldest_pending_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reported_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PublicLookupAttempt(SQLModel, table=True):
    __tablename__ = "public_lookup_attempts"
    __table_args__ = (Index("ix_public_lookup_attempts_bucket_at", "bucket", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=80)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class PushSubscription(SQLModel, table=True):
    __tablename__ = "push_subscriptions"
    id: str = Field(primary_key=True, max_length=36)
    endpoint: str = Field(sa_column=Column(String(1000), nullable=False, unique=True))
    p256dh: str = Field(max_length=100)
    auth: str = Field(max_length=40)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_success_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    failures: int = Field(default=0)


class PushNotice(SQLModel, table=True):
    __tablename__ = "push_notices"
    __table_args__ = (
        UniqueConstraint("event", "dossier_id", "key", name="uq_push_notices_event_dossier_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(max_length=32)
    dossier_id: str = Field(max_length=36)
    key: str = Field(max_length=40)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
