"""`langso serve --threads`: refused out of range; the default follows the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.cli import main
from backend.settings import Settings


@pytest.mark.parametrize("threads", ["0", "-3", "5000"])
def test_serve_refuses_a_thread_count_out_of_range(threads: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--threads", threads]) == 2
    assert "--threads" in capsys.readouterr().err


def test_worker_threads_default_by_database() -> None:
    sqlite = Settings(database_url="sqlite:///x.sqlite3", data_dir=Path("var"))
    pg = Settings(database_url="postgresql+psycopg://h/db", data_dir=Path("var"))
    assert (sqlite.worker_threads, pg.worker_threads) == (32, 16)
    assert Settings(database_url="sqlite://", data_dir=Path("var"), threads=4).worker_threads == 4
