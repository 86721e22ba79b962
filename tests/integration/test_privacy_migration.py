"""Migration 0008_pdp seals the rows that were there before it, and its downgrade opens
them again — on a fresh SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from backend.db.engine import make_engine
from backend.db.migrate import downgrade, upgrade
from backend.db.models import Dossier, Member
from backend.privacy.keys import install
from tests.support.databases import create_database, drop_database, require_postgres
from tests.support.world import WORLD, build_world, user_id

CCCD = "012090654321"
MASTER = bytes.fromhex("11" * 32)


@pytest.fixture(params=["sqlite", "postgres"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pdp.sqlite3'}"
        return
    require_postgres()
    url = create_database("langso_pdp_migration")
    try:
        yield url
    finally:
        drop_database(url)


def _raw(url: str, sql: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def test_existing_plaintext_rows_are_sealed_and_still_read(old_database: str) -> None:
    upgrade(old_database, "0007_vault")
    engine = make_engine(old_database)
    build_world(engine)
    now = datetime(2026, 3, 2, tzinfo=UTC).replace(tzinfo=None)
    form = json.dumps({"requester_cccd": CCCD, "mother_ethnicity": "Mông"}, ensure_ascii=False)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO households (id, village_id, commune_id, address, notes, search_key,"
            " version, created_at, updated_at) VALUES ('h1', :v, :c, 'Bản Một', '', '', 1, :t, :t)"),
            {"v": WORLD.village_a1, "c": WORLD.commune_a, "t": now})
        conn.execute(text(
            "INSERT INTO members (id, household_id, village_id, commune_id, full_name, search_key,"
            " cccd, relationship, ethnicity, notes, version, created_at, updated_at) VALUES"
            " ('m1', 'h1', :v, :c, 'Giàng A Páo', 'giang a pao', :cccd, 'chu_ho', 'Mông', '', 1,"
            " :t, :t)"), {"v": WORLD.village_a1, "c": WORLD.commune_a, "cccd": CCCD, "t": now})
        conn.execute(text(
            "INSERT INTO dossiers (id, procedure_code, procedure_version, applicant_member_id,"
            " household_id, village_id, commune_id, prepared_by, status, form_data, components,"
            " version, created_at, updated_at) VALUES ('d1', 'khai-sinh', 1, 'm1', 'h1', :v, :c,"
            " :u, 'draft', :f, '{}', 1, :t, :t)"),
            {"v": WORLD.village_a1, "c": WORLD.commune_a, "u": user_id("vol_a1"), "f": form,
             "t": now})
    engine.dispose()

    upgrade(old_database)
    raw_cccd = str(_raw(old_database, "SELECT cccd FROM members WHERE id = 'm1'"))
    raw_form = json.dumps(_raw(old_database, "SELECT form_data FROM dossiers WHERE id = 'd1'"))
    assert raw_cccd.startswith("pii1:") and CCCD not in raw_cccd
    assert "pii1:" in raw_form and CCCD not in raw_form and "Mông" not in raw_form
    assert str(_raw(old_database, "SELECT ethnicity FROM members")).startswith("pii1:")
    engine = make_engine(old_database)
    install(engine, MASTER)
    with Session(engine) as s:
        m = s.get(Member, "m1")
        d = s.get(Dossier, "d1")
        assert m is not None and m.cccd == CCCD and m.ethnicity == "Mông" and m.cccd_bidx
        assert d is not None and d.form_data["requester_cccd"] == CCCD
    engine.dispose()

    downgrade(old_database, "0007_vault")
    assert _raw(old_database, "SELECT cccd FROM members WHERE id = 'm1'") == CCCD
    assert "Mông" in json.dumps(
        _raw(old_database, "SELECT form_data FROM dossiers WHERE id = 'd1'"), ensure_ascii=False)
