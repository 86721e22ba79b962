"""Entity versions and the pull change log.

Every new entity version is stored (`entity_versions`, the merge base for later mutations) and
announced by one `sync_changes` row. The change rows are appended LAST in the transaction,
right after taking transaction-scoped advisory locks on PostgreSQL — one per commune written,
plus the whole log's lock in shared mode:

    SELECT pg_advisory_xact_lock_shared(LOCK_KEY);
    SELECT pg_advisory_xact_lock(COMMUNE_SPACE, hashtext(<commune>));  -- each, sorted
    INSERT INTO sync_changes …; COMMIT

The commune lock is released only after the commit is visible, so within one commune the
transaction holding it is the only one with unassigned-or-uncommitted `seq` values: that
commune's sequence numbers become visible in increasing order, and a pull cursor over one
commune (every volunteer's and officer's scope) never skips a change that commits later with a
smaller seq. Communes never wait on each other. A reader whose scope spans communes (an admin)
first takes LOCK_KEY exclusively (`wait_for_writers`): it waits for the writers in flight and
then reads with every smaller seq committed. SQLite needs no lock: `BEGIN IMMEDIATE` already
serialises writers.
See docs/protocol.md "Pull cursors" and tests/integration/test_pull_cursor_concurrency.py.

Callers: the push service (many versions per batch, one flush), the REST services
(`record_rest_change`, called just before their commit) and the server-only pull entities
(`announce`: review tasks, results).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, text
from sqlmodel import Session, col, select

from backend.changelog.bulk import insert_rows
from backend.changelog.clock import server_tick
from backend.changelog.entities import data_of, flatten, scope_of
from backend.db.engine import ensure_writable
from backend.db.models import Dossier, EntityVersion, Household, Member, SyncChange
from sync.merge import json_equal

LOCK_KEY = 0x4C616E67536F  # "LangSo": the whole change log (writers share it)
COMMUNE_SPACE = 0x4C53  # first key of the two-key per-commune advisory locks
# Core tables: bulk INSERTs of plain dicts skip the ORM's bulk-persistence layer.
ENTITY_VERSIONS = EntityVersion.__table__  # type: ignore[attr-defined]
SYNC_CHANGES = SyncChange.__table__  # type: ignore[attr-defined]


def lock_change_log(session: Session, communes: Iterable[str]) -> None:
    """Serialise change-log appends per commune until commit (PostgreSQL; a no-op on SQLite).
    Communes are locked in sorted order, so two multi-commune writers cannot deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": LOCK_KEY})
        for commune in sorted(set(communes)):
            session.execute(text("SELECT pg_advisory_xact_lock(:s, hashtext(:c))"),
                            {"s": COMMUNE_SPACE, "c": commune})


def announce_commit(session: Session, communes: Iterable[str]) -> None:
    """Wake the live feeds of these communes when this transaction commits (PostgreSQL
    NOTIFY, delivered at commit, dropped on rollback; backend/live/notifier.py)."""
    if session.get_bind().dialect.name == "postgresql":
        for commune in sorted(set(communes)):
            session.execute(text("SELECT pg_notify('langso_changes', :c)"), {"c": commune})


def wait_for_writers(session: Session) -> None:
    """For a reader whose scope spans communes: wait until no change-log append is in flight
    (held until the reader's transaction ends; PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


@dataclass
class Snapshot:
    version: int
    data: dict[str, Any]
    clocks: dict[str, str]


class Versions:
    """Reads and buffers entity versions for one transaction; `flush` writes them (and their
    change rows) in bulk. Reads see the buffered writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._latest: dict[tuple[str, str], Snapshot | None] = {}
        self._at: dict[tuple[str, str, int], Snapshot] = {}
        self._versions: list[dict[str, Any]] = []
        self._changes: list[dict[str, Any]] = []

    def latest(self, entity: str, entity_id: str) -> Snapshot | None:
        key = (entity, entity_id)
        if key not in self._latest:
            row = self.session.exec(
                select(EntityVersion)
                .where(EntityVersion.entity == entity, EntityVersion.entity_id == entity_id)
                .order_by(col(EntityVersion.version).desc())
                .limit(1)
            ).first()
            self._latest[key] = Snapshot(row.version, row.data, row.clocks) if row else None
        return self._latest[key]

    def at(self, entity: str, entity_id: str, version: int) -> Snapshot | None:
        key = (entity, entity_id, version)
        if key not in self._at:
            latest = self.latest(entity, entity_id)
            if latest is not None and latest.version == version:
                return latest
            row = self.session.get(EntityVersion, key)
            if row is None:
                return None
            self._at[key] = Snapshot(row.version, row.data, row.clocks)
        return self._at[key]

    def write(
        self,
        entity: str,
        entity_id: str,
        version: int,
        data: dict[str, Any],
        clocks: dict[str, str],
        scope: tuple[str, str],
        now: datetime,
        mutation_id: str | None = None,
        actor_id: str | None = None,
    ) -> None:
        snap = Snapshot(version, data, clocks)
        self._latest[(entity, entity_id)] = snap
        self._at[(entity, entity_id, version)] = snap
        self._versions.append(
            {
                "entity": entity,
                "entity_id": entity_id,
                "version": version,
                "data": data,
                "clocks": clocks,
                "mutation_id": mutation_id,
                "actor_id": actor_id,
                "created_at": now,
            }
        )
        self._changes.append(
            {
                "entity": entity,
                "entity_id": entity_id,
                "version": version,
                "commune_id": scope[0],
                "village_id": scope[1],
                "deleted": False,
                "created_at": now,
            }
        )

    def flush(self) -> None:
        """Write buffered versions, then lock and append the change rows. Call last before
        commit: the PostgreSQL lock is held until then."""
        if self._versions:
            insert_rows(self.session, ENTITY_VERSIONS, self._versions)
            self._versions = []
        if self._changes:
            communes = {c["commune_id"] for c in self._changes}
            lock_change_log(self.session, communes)
            insert_rows(self.session, SYNC_CHANGES, self._changes)
            announce_commit(self.session, communes)
            self._changes = []


def changed_clocks(
    previous: Snapshot | None, data: dict[str, Any], hlc: str
) -> dict[str, str]:
    """Clocks after a write that is not a merge (REST edit, create): every field whose value
    differs from the previous version gets `hlc`."""
    clocks = dict(previous.clocks) if previous else {}
    before = flatten(previous.data) if previous else {}
    for name, value in flatten(data).items():
        if previous is None or not json_equal(before.get(name), value):
            clocks[name] = hlc
    return clocks


def record_rest_change(session: Session, entity: str, row: Any, actor_id: str | None,
                       now: datetime) -> None:
    """Store `row`'s current version and announce it to pulls. For REST services: call right
    before `session.commit()` (it takes the change-log lock). Idempotent per version."""
    session.flush()
    versions = Versions(session)
    previous = versions.latest(entity, row.id)
    if previous is not None and previous.version >= row.version:
        return
    data = data_of(session, entity, row)
    scope = scope_of(entity, row)
    clocks = changed_clocks(previous, data, server_tick(session, scope[0], now))
    versions.write(entity, row.id, row.version, data, clocks, scope, now,
                   actor_id=actor_id)
    versions.flush()


def announce(
    session: Session,
    entity: str,
    row_id: str,
    version: int,
    data: dict[str, Any],
    scope: tuple[str, str],
    actor_id: str | None,
    now: datetime,
) -> None:
    """Store `data` as version `version` of a server-only pull entity (`task`, `result`) and
    append its change row. Call last before commit (takes the change-log lock)."""
    versions = Versions(session)
    previous = versions.latest(entity, row_id)
    if previous is not None and previous.version >= version:
        return
    clocks = changed_clocks(previous, data, server_tick(session, scope[0], now))
    versions.write(entity, row_id, version, data, clocks, scope, now, actor_id=actor_id)
    versions.flush()


def backfill(session: Session, now: datetime, batch: int = 1000) -> int:
    """Give a first version and change row to records written outside the services (CSV
    import, demo seed) so that a pull from zero sees them. Cheap when there is nothing to do:
    one anti-join per table. Returns how many records were announced."""
    done = 0
    for entity, model in (("household", Household), ("member", Member), ("dossier", Dossier)):
        known = exists().where(and_(col(EntityVersion.entity) == entity,
                                    col(EntityVersion.entity_id) == col(model.id)))
        missing = select(model).where(~known).limit(batch)
        if session.exec(missing).first() is None:
            continue
        ensure_writable(session)  # a pull's reader session: now a writer, the query again
        rows: list[Household | Member | Dossier] = list(session.exec(missing).all())  # type: ignore[arg-type]
        if not rows:
            continue
        versions = Versions(session)
        for row in rows:
            data = data_of(session, entity, row)
            hlc = server_tick(session, row.commune_id, now)
            versions.write(entity, row.id, row.version, data, changed_clocks(None, data, hlc),
                           scope_of(entity, row), now)
        versions.flush()
        session.commit()
        done += len(rows)
    return done
