"""Migration 0009_scale on PostgreSQL: the change log and entity versions become hash-partitioned
tables without losing a row or a sequence number, a commune's pull reads one partition, and
the downgrade puts plain tables back with the same rows (SQLite keeps its plain tables;
both databases gain `dossiers.decided_at`, filled from the decisions' audit events). The cursor's exactly-once guarantee over the partitioned log is
tests/integration/test_pull_cursor_concurrency.py, run against the migrated schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from backend.db.engine import make_engine
from backend.db.migrate import downgrade, upgrade
from tests.support.databases import create_database, drop_database, require_postgres

BEFORE = "0009_privacy2"
NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    require_postgres()
    url = create_database("langso_partition")
    upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


def _append(engine: Engine, commune: str, n: int, tag: str) -> None:
    with engine.begin() as c:
        for i in range(n):
            c.execute(text(
                "INSERT INTO sync_changes (entity, entity_id, version, commune_id, village_id,"
                " deleted, created_at) VALUES ('household', :id, 1, :c, 'v', false, :t)"),
                {"id": f"{tag}-{commune}-{i}", "c": commune, "t": NOW})
            c.execute(text(
                "INSERT INTO entity_versions (entity, entity_id, version, data, clocks,"
                " created_at) VALUES ('household', :id, 1, NULL, '{}', :t)"),
                {"id": f"{tag}-{commune}-{i}", "t": NOW})


def _rows(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(text(
            "SELECT seq, commune_id, entity_id FROM sync_changes ORDER BY seq"))]


def _kind(engine: Engine, table: str) -> str:
    with engine.connect() as c:
        return str(c.execute(text("SELECT relkind FROM pg_class WHERE relname = :t"),
                             {"t": table}).scalar_one())


def test_upgrade_keeps_every_row_and_the_sequence_and_downgrade_returns_them(
    pg_engine: Engine,
) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    communes = [f"{10000 + i}" for i in range(12)]
    for commune in communes:
        _append(pg_engine, commune, 3, "old")
    before = _rows(pg_engine)
    assert _kind(pg_engine, "sync_changes") == "r"

    upgrade(url)
    pg_engine.dispose()
    assert _kind(pg_engine, "sync_changes") == "p"
    assert _kind(pg_engine, "entity_versions") == "p"
    assert _rows(pg_engine) == before
    with pg_engine.connect() as c:
        used = c.execute(text("SELECT count(DISTINCT tableoid) FROM sync_changes")).scalar_one()
        versions = c.execute(text("SELECT count(*) FROM entity_versions")).scalar_one()
    assert used > 1 and versions == len(before)  # spread over partitions, none lost

    _append(pg_engine, communes[0], 2, "new")
    after = _rows(pg_engine)
    assert [r[0] for r in after[:len(before)]] == [r[0] for r in before]
    assert min(r[0] for r in after[len(before):]) > max(r[0] for r in before)

    with pg_engine.connect() as c:  # a commune's cursor scan touches one partition
        plan = "\n".join(r[0] for r in c.execute(text(
            "EXPLAIN SELECT * FROM sync_changes WHERE commune_id = :c AND seq > 0 "
            "ORDER BY seq LIMIT 50"), {"c": communes[0]}))
    assert plan.count("sync_changes_p") == 1, plan

    downgrade(url, BEFORE)
    pg_engine.dispose()
    assert _kind(pg_engine, "sync_changes") == "r"
    assert _rows(pg_engine) == after
    _append(pg_engine, communes[1], 1, "down")
    assert _rows(pg_engine)[-1][0] > after[-1][0]


def test_on_sqlite_the_change_log_stays_as_it_was(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    upgrade(url, BEFORE)
    engine = make_engine(url)
    query = text("SELECT type, name, sql FROM sqlite_master "
                 "WHERE tbl_name IN ('sync_changes', 'entity_versions') ORDER BY name")
    with engine.connect() as c:
        schema = [tuple(r) for r in c.execute(query)]
    upgrade(url)
    with engine.connect() as c:
        assert [tuple(r) for r in c.execute(query)] == schema
        assert "decided_at" in {r[1] for r in c.execute(text("PRAGMA table_info(dossiers)"))}
    engine.dispose()

