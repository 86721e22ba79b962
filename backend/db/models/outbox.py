"""Durable Web Push notices and the worker's schedule.

Invariants:
- A `push_outbox` row is written in the same transaction as its cause (a submission, a
  supplement request, a result): the notice exists exactly when the cause committed.
- A row is delivered by whoever claims it (`locked_until` in the future, set in a committed
  claim; PostgreSQL claims with FOR UPDATE SKIP LOCKED), so two workers never work on one
  notice at once; a crashed claimant's lease runs out and the notice is claimed again.
- `push_deliveries` has one row per notice and subscription that answered 2xx (or 404/410:
  gone), committed right after that answer: a reclaimed notice skips them, so a subscription
  gets a notice once (a crash between the push service's answer and that commit is the only
  way to send it twice).
- `worker_jobs.next_run_at` is advanced by the worker that runs the job, in an atomic
  conditional update: with two workers, each scheduled run happens once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.db.types import UTCDateTime


class PushOutbox(SQLModel, table=True):
    __tablename__ = "push_outbox"
    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(max_length=32)
    dossier_id: str = Field(max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False,
                                                       index=True))
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = Field(default=0)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    last_error: str = Field(default="", max_length=200)


class PushDelivery(SQLModel, table=True):
    __tablename__ = "push_deliveries"
    notice_id: int = Field(primary_key=True)
    subscription_id: str = Field(primary_key=True, max_length=36)
    status: int = Field(default=201)
    delivered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class WorkerJob(SQLModel, table=True):
    __tablename__ = "worker_jobs"
    name: str = Field(primary_key=True, max_length=40)
    next_run_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_run_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_result: str = Field(default="", max_length=200)
