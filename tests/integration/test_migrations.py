"""Every migration goes up, down to base and up again, and the models match the schema
(`alembic check`), on a fresh SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from backend.db.engine import make_engine
from backend.db.migrate import check, downgrade, upgrade
from tests.support.databases import create_database, drop_database, require_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    require_postgres()
    url = create_database("langso_migrations")
    try:
        yield url
    finally:
        drop_database(url)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_and_no_drift(empty_database: str) -> None:
    upgrade(empty_database)
    created = _tables(empty_database)
    assert {"households", "members", "dossiers", "dossier_events", "users"} <= created
    check(empty_database)
    downgrade(empty_database, "base")
    assert _tables(empty_database) == set()
    upgrade(empty_database)
    assert _tables(empty_database) == created
    check(empty_database)
