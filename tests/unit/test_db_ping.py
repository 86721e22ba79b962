"""backend.db.engine.ping, /health's round trip: None when the database answers, the driver
error's type name when it does not (the 503 body's `detail`)."""

from __future__ import annotations

from pathlib import Path

from backend.db.engine import make_engine, ping


def test_ping_answers_none_on_a_live_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}")
    try:
        assert ping(engine) is None
    finally:
        engine.dispose()


def test_ping_names_the_driver_error_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # a directory where the database file should be: SQLite cannot open it
    (tmp_path / "ping.sqlite3").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'ping.sqlite3'}")
    try:
        assert ping(engine) == "OperationalError"
    finally:
        engine.dispose()
