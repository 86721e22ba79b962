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



def _online_partition(engine: Engine, during: list[str]) -> None:
    """The online procedure of docs/deployment.md ("Partitioning a country-sized log while
    the site runs"), step by step, with `during` run between the batches as live traffic."""
    with engine.begin() as c:
        c.execute(text("CREATE TABLE sync_changes_p (LIKE sync_changes INCLUDING DEFAULTS, "
                       "PRIMARY KEY (seq, commune_id)) PARTITION BY HASH (commune_id)"))
        c.execute(text("CREATE TABLE entity_versions_p (LIKE entity_versions INCLUDING "
                       "DEFAULTS, PRIMARY KEY (entity, entity_id, version)) "
                       "PARTITION BY HASH (entity_id)"))
        for table in ("sync_changes", "entity_versions"):
            for r in range(16):
                c.execute(text(f"CREATE TABLE {table}_p{r:02d} PARTITION OF {table}_p "
                               f"FOR VALUES WITH (MODULUS 16, REMAINDER {r})"))
        for name, cols in (("commune_seq", "commune_id, seq"), ("village_seq", "village_id, seq"),
                           ("entity", "entity, entity_id")):
            c.execute(text(f"CREATE INDEX ix_sync_changes_p_{name} ON sync_changes_p ({cols})"))
        c.execute(text(
            "CREATE FUNCTION langso_mirror_changes() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO sync_changes_p SELECT NEW.* ON CONFLICT DO NOTHING; "
            "RETURN NULL; END $$"))
        c.execute(text(
            "CREATE FUNCTION langso_mirror_versions() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO entity_versions_p SELECT NEW.* ON CONFLICT (entity, entity_id, "
            "version) DO UPDATE SET data = EXCLUDED.data; RETURN NULL; END $$"))
        c.execute(text("CREATE TRIGGER langso_mirror AFTER INSERT ON sync_changes "
                       "FOR EACH ROW EXECUTE FUNCTION langso_mirror_changes()"))
        c.execute(text("CREATE TRIGGER langso_mirror AFTER INSERT OR UPDATE ON entity_versions "
                       "FOR EACH ROW EXECUTE FUNCTION langso_mirror_versions()"))
    with engine.connect() as c:
        top = int(c.execute(text("SELECT coalesce(max(seq), 0) FROM sync_changes")).scalar_one())
    lo, last_id = 0, ""
    while lo <= top:  # small batches, so live traffic falls between them
        with engine.begin() as c:
            c.execute(text("INSERT INTO sync_changes_p SELECT * FROM sync_changes WHERE seq > :lo "
                           "AND seq <= :hi ON CONFLICT DO NOTHING"), {"lo": lo, "hi": lo + 10})
            ids = [r[0] for r in c.execute(text(
                "SELECT DISTINCT entity_id FROM entity_versions WHERE entity_id > :a "
                "ORDER BY entity_id LIMIT 10"), {"a": last_id})]
            if ids:
                c.execute(text("INSERT INTO entity_versions_p SELECT * FROM entity_versions "
                               "WHERE entity_id > :a AND entity_id <= :b ON CONFLICT DO NOTHING"),
                          {"a": last_id, "b": ids[-1]})
                last_id = ids[-1]
        if during:
            with engine.begin() as c:
                c.execute(text(during.pop(0)))
        lo += 10
    while True:  # the rest of entity_versions
        with engine.begin() as c:
            ids = [r[0] for r in c.execute(text(
                "SELECT DISTINCT entity_id FROM entity_versions WHERE entity_id > :a "
                "ORDER BY entity_id LIMIT 10"), {"a": last_id})]
            if not ids:
                break
            c.execute(text("INSERT INTO entity_versions_p SELECT * FROM entity_versions "
                           "WHERE entity_id > :a AND entity_id <= :b ON CONFLICT DO NOTHING"),
                      {"a": last_id, "b": ids[-1]})
            last_id = ids[-1]
    with engine.begin() as c:  # the swap
        c.execute(text("LOCK TABLE sync_changes, entity_versions IN ACCESS EXCLUSIVE MODE"))
        same = c.execute(text(
            "SELECT (SELECT count(*) FROM sync_changes) = (SELECT count(*) FROM sync_changes_p) "
            "AND (SELECT count(*) FROM entity_versions) = "
            "(SELECT count(*) FROM entity_versions_p)")).scalar_one()
        assert same
        c.execute(text("ALTER SEQUENCE sync_changes_seq_seq OWNED BY NONE"))
        for table, pkey in (("sync_changes", "sync_changes_pkey"),
                            ("entity_versions", "entity_versions_pkey")):
            c.execute(text(f"ALTER TABLE {table} RENAME CONSTRAINT {pkey} TO {table}_old_pkey"))
            c.execute(text(f"ALTER TABLE {table} RENAME TO {table}_old"))
            c.execute(text(f"ALTER TABLE {table}_p RENAME CONSTRAINT {table}_p_pkey TO {pkey}"))
            c.execute(text(f"ALTER TABLE {table}_p RENAME TO {table}"))
        for name in ("commune_seq", "village_seq", "entity"):
            c.execute(text(f"ALTER INDEX ix_sync_changes_{name} RENAME TO ix_old_{name}"))
            c.execute(text(f"ALTER INDEX ix_sync_changes_p_{name} RENAME TO ix_sync_changes_{name}"))
        c.execute(text("ALTER SEQUENCE sync_changes_seq_seq OWNED BY sync_changes.seq"))
    with engine.begin() as c:
        c.execute(text("DROP TABLE sync_changes_old, entity_versions_old"))
        c.execute(text("DROP FUNCTION langso_mirror_changes(), langso_mirror_versions()"))


def test_the_online_procedure_then_the_upgrade_keeps_every_row_and_copies_nothing_twice(
    pg_engine: Engine,
) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    for commune in (f"{10000 + i}" for i in range(6)):
        _append(pg_engine, commune, 5, "old")
    append = ("INSERT INTO sync_changes (entity, entity_id, version, commune_id, village_id, "
              "deleted, created_at) VALUES ('household', 'live-{i}', 1, '10001', 'v', false, "
              "now()); INSERT INTO entity_versions (entity, entity_id, version, data, clocks, "
              "created_at) VALUES ('household', 'live-{i}', 1, NULL, '{{}}', now())")
    # live traffic while copying: appends, and an erasure of a row copied or not yet copied
    # (batches of 10 entities: after the first, old-10005-4 is not copied yet, old-10000-0 is)
    during = ["UPDATE entity_versions SET data = '\"erased\"' WHERE entity_id = 'old-10005-4'",
              append.format(i=0),
              "UPDATE entity_versions SET data = '\"erased\"' WHERE entity_id = 'old-10000-0'",
              append.format(i=1)]
    _online_partition(pg_engine, during)
    assert not during, "every live write ran while the copy was going on"
    assert _kind(pg_engine, "sync_changes") == "p" and _kind(pg_engine, "entity_versions") == "p"
    before = _rows(pg_engine)
    with pg_engine.connect() as c:
        erased = c.execute(text("SELECT count(*) FROM entity_versions WHERE data::text = "
                                "'\"erased\"'")).scalar_one()
        versions = c.execute(text("SELECT count(*) FROM entity_versions")).scalar_one()
    assert len(before) == 32 and versions == 32 and erased == 2
    assert {"live-0", "live-1"} <= {r[2] for r in before}

    upgrade(url)  # finds both tables partitioned: does the rest, copies neither
    pg_engine.dispose()
    assert _rows(pg_engine) == before
    _append(pg_engine, "10002", 1, "after")
    assert _rows(pg_engine)[-1][0] > before[-1][0]
    with pg_engine.connect() as c:
        plan = "\n".join(r[0] for r in c.execute(text(
            "EXPLAIN SELECT * FROM sync_changes WHERE commune_id = '10002' AND seq > 0 "
            "ORDER BY seq LIMIT 50")))
        assert plan.count("sync_changes_p") == 1, plan
        assert c.execute(text("SELECT count(*) FROM information_schema.columns WHERE "
                              "table_name = 'dossiers' AND column_name = 'decided_at'")
                         ).scalar_one() == 1
