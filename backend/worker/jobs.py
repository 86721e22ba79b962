"""The worker's jobs: push notices from the outbox (every tick) and scheduled jobs.

Scheduled jobs (`SCHEDULE`) run at most once per interval across all workers: a worker runs a
job only after it moved the job's `next_run_at` forward with an atomic conditional update
(`UPDATE … WHERE name = :n AND next_run_at <= :now`), so of two workers waking together one
wins and the other skips. Every job is also idempotent on its own (notify-due remembers what
it told, pruning and purging delete what is already gone), so a crash mid-job is repaired by
the next run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from backend.attachments.service import purge_stale_uploads
from backend.blobs import open_blob_store
from backend.db.models import WorkerJob
from backend.privacy.service import purge_retention
from backend.push.notify import notify_due_soon
from backend.push.outbox import deliver_due
from backend.settings import Settings
from backend.sync_api.pull import prune

log = logging.getLogger("langso.worker")
STALE_UPLOADS = timedelta(days=7)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[Engine, Path, datetime], int]


def _notify_due(engine: Engine, data_dir: Path, now: datetime) -> int:
    return notify_due_soon(now, engine, data_dir)


def _prune_pull_log(engine: Engine, _: Path, now: datetime) -> int:
    with Session(engine) as session:
        return prune(session, now)


def _purge_uploads(engine: Engine, data_dir: Path, now: datetime) -> int:
    with Session(engine) as session:
        return purge_stale_uploads(session, open_blob_store(data_dir), STALE_UPLOADS, now)


def _purge_retention(engine: Engine, _: Path, now: datetime) -> int:
    counts = purge_retention(engine, Settings.from_env(), now)
    return sum(counts.values())


SCHEDULE: tuple[Job, ...] = (
    Job("notify_due", timedelta(hours=1), _notify_due),
    Job("prune_pull_log", timedelta(hours=6), _prune_pull_log),
    Job("purge_stale_uploads", timedelta(hours=6), _purge_uploads),
    # Personal data past its retention period (docs/privacy.md); the console shows its runs.
    Job("purge_retention", timedelta(hours=24), _purge_retention),
)


def take_turn(engine: Engine, name: str, every: timedelta, now: datetime) -> bool:
    """True for exactly one caller per due run of `name`: it moved `next_run_at` on."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with Session(engine) as session:
        session.execute(insert(WorkerJob).values(name=name, next_run_at=now, last_result="")
                        .on_conflict_do_nothing())
        moved = session.execute(
            update(WorkerJob)
            .where(col(WorkerJob.name) == name, col(WorkerJob.next_run_at) <= now)
            .values(next_run_at=now + every, last_run_at=now)
        )
        session.commit()
        return bool(moved.rowcount)  # type: ignore[attr-defined]


def _record(engine: Engine, name: str, result: str) -> None:
    with Session(engine) as session:
        session.execute(update(WorkerJob).where(col(WorkerJob.name) == name)
                        .values(last_result=result[:200]))
        session.commit()


def run_scheduled(engine: Engine, data_dir: Path, now: datetime,
                  jobs: tuple[Job, ...] = SCHEDULE) -> dict[str, int]:
    """Run the due jobs this worker won; returns {job: result} for those it ran."""
    ran: dict[str, int] = {}
    for job in jobs:
        if not take_turn(engine, job.name, job.every, now):
            continue
        try:
            ran[job.name] = job.run(engine, data_dir, now)
            _record(engine, job.name, f"ok: {ran[job.name]}")
        except Exception as exc:  # the next run retries; the worker keeps going
            log.exception("worker job %s failed", job.name)
            _record(engine, job.name, f"failed: {type(exc).__name__}")
    return ran


def tick(engine: Engine, data_dir: Path, now: datetime) -> dict[str, int]:
    done = {"push_notices": deliver_due(engine, data_dir, now, limit=50)}
    done.update(run_scheduled(engine, data_dir, now))
    return done


def run_forever(engine: Engine, data_dir: Path, clock: Callable[[], datetime],
                interval: float = 5.0, stop: Callable[[], bool] = lambda: False) -> None:
    while not stop():
        try:
            done = tick(engine, data_dir, clock())
            if any(done.values()):
                log.info("worker: %s", done)
        except Exception:  # a database hiccup must not end the worker
            log.exception("worker tick failed")
        time.sleep(interval)
