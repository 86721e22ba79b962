"""Real databases for tests: a SQLite file, and a fresh PostgreSQL database per run.

PostgreSQL is reached at LANGSO_TEST_POSTGRES_URL (default: the local server, user
postgres, database test) only to create and drop our own database. Under CI a missing
server is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine

ADMIN_URL = os.environ.get("LANGSO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def postgres_available() -> bool:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def require_postgres() -> None:
    if postgres_available():
        return
    message = f"PostgreSQL not reachable at {ADMIN_URL}"
    if in_ci():
        pytest.fail(message + " (CI requires it)", pytrace=False)
    pytest.skip(message)  # only outside CI: under CI the line above fails instead


def create_database(prefix: str = "langso_test") -> str:
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def migrated_database(kind: str, sqlite_path: Path, seed: Callable[[Engine], object],
                      prefix: str = "langso_test") -> Iterator[str]:
    """A new database of `kind` ("sqlite" or "postgres"), migrated and seeded by `seed`; a
    PostgreSQL one is dropped afterwards."""
    from backend.db.engine import make_engine
    from backend.db.migrate import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{sqlite_path}"
    else:
        require_postgres()
        url = create_database(prefix)
    try:
        upgrade(url)
        engine = make_engine(url)
        seed(engine)
        engine.dispose()
        yield url
    finally:
        if kind != "sqlite":
            drop_database(url)


@contextmanager
def world_database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new migrated database of `kind` holding the two-commune test world."""
    from tests.support.world import build_world

    with migrated_database(kind, tmp_path_factory.mktemp("sqlite") / "langso.sqlite3",
                           build_world) as url:
        yield url
