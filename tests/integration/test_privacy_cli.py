"""`langso pii rotate`, `langso purge-retention` and `langso breach open` on a real SQLite
database with the single-machine default: the master key generated into the data dir."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session, select

from backend.cli import main
from backend.db.engine import make_engine
from backend.db.models import Member, User


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.delenv("LANGSO_PII_KEY", raising=False)
    monkeypatch.setenv("LANGSO_DATABASE_URL", url)
    monkeypatch.setenv("LANGSO_DATA_DIR", str(tmp_path / "data"))
    assert main(["db", "upgrade"]) == 0
    assert main(["seed-demo"]) == 0
    return url


def _people(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return {m.id: m.cccd for m in s.exec(select(Member))}
    finally:
        engine.dispose()


def test_rotate_replaces_the_generated_master_key_and_everything_still_reads(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "data" / "keys" / "pii-master.key"
    old_key = key_file.read_text()
    before = _people(env)
    cccds = [c for c in before.values() if c]
    assert len(cccds) > 100
    assert main(["pii", "rotate"]) == 0
    assert "re-sealed" in capsys.readouterr().out
    assert key_file.read_text() != old_key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _people(env) == before
    with sqlite3.connect(env.removeprefix("sqlite:///")) as conn:
        dumped = "\n".join(conn.iterdump())
    assert not [c for c in cccds if c in dumped]


def test_purge_and_breach_commands(env: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge-retention"]) == 0
    assert "purged 0 dossier(s)" in capsys.readouterr().out
    engine = make_engine(env)
    with Session(engine) as s:
        admin = s.exec(select(User).where(User.username == "admin")).one().id
    engine.dispose()
    pdf = tmp_path / "notice.pdf"
    assert main(["breach", "open", "--description", "Mất điện thoại của tình nguyện viên",
                 "--found-at", "2026-12-06T08:00+07:00", "--window-from",
                 "2026-12-05T08:00+07:00", "--window-to", "2026-12-06T08:00+07:00",
                 "--opened-by", admin, "--pdf", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "THÔNG BÁO VI PHẠM" in out and "08:00 ngày 09/12/2026" in out  # found + 72 h
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(SystemExit, match="time zone"):
        main(["breach", "open", "--description", "x", "--found-at", "2026-12-06T08:00",
              "--window-from", "2026-12-05T08:00+07:00", "--window-to",
              "2026-12-06T08:00+07:00", "--opened-by", admin])
