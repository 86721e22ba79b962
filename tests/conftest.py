"""Shared fixtures: every integration test runs on real SQLite and real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, delete
from sqlmodel import SQLModel

import backend.db.models  # noqa: F401
from backend.app import create_app
from backend.settings import Settings
from tests.support.databases import world_database
from tests.support.world import PASSWORD

# One PII master key for the whole run (migrations, app, subprocess servers read it), so every
# test database's data keys open; tests of key handling pass their own.
os.environ.setdefault("LANGSO_PII_KEY", "11" * 32)

pytest_plugins = ["tests.support.device", "tests.support.s3_server"]  # make_device, s3_server

WORLD_TABLES = {"provinces", "communes", "villages", "users", "user_villages",
                "pii_data_keys"}  # the data keys belong to the database, like the world


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres_only` test PostgreSQL behaviour: their SQLite variant is not
    collected at all (rather than skipped)."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("database_url") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database holding the two-commune test world."""
    with world_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture(scope="session")
def engine(app: Any) -> Engine:
    return app.state.engine  # type: ignore[no-any-return]


@pytest.fixture()
def clean_db(engine: Engine) -> Iterator[Engine]:
    """Empties every data table after the test, keeping the world (units and users)."""
    yield engine
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in WORLD_TABLES:
                conn.execute(delete(table))


@pytest.fixture()
def client(app: Any, clean_db: Engine) -> Iterator[TestClient[Any]]:
    with TestClient(app=app) as c:
        yield c


def login(client: TestClient[Any], username: str, password: str = PASSWORD) -> dict[str, str]:
    """Logs in and returns bearer headers (the cookie jar is left empty on purpose)."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture()
def as_user(client: TestClient[Any]) -> Any:
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = login(client, username)
        return cache[username]

    return headers


ROOT = Path(__file__).resolve().parent.parent
