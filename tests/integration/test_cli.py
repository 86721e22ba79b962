"""The `langso` command on a real database: migrate, seed once, create users with a real
password policy, import households all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from backend.cli import main
from backend.db.engine import make_engine
from backend.db.models import Household, Member, User, Village
from backend.lib.passwords import verify_password


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("LANGSO_DATABASE_URL", url)
    monkeypatch.setenv("LANGSO_DATA_DIR", str(tmp_path / "data"))
    assert main(["db", "upgrade"]) == 0
    return url


def test_seed_demo_once(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed-demo"]) == 0
    assert main(["seed-demo"]) == 0
    assert "already present" in capsys.readouterr().out
    with Session(make_engine(env)) as s:
        households = s.exec(select(func.count()).select_from(Household)).one()
        members = s.exec(select(func.count()).select_from(Member)).one()
        assert 140 <= households <= 160
        assert 550 <= members <= 650
        users = {u.username: u for u in s.exec(select(User))}
        assert set(users) == {"admin", "officer", "volunteer1", "volunteer2", "volunteer3",
                              "tinh"}
        assert all(verify_password(u.password_hash, "demo") for u in users.values())
        assert len(s.exec(select(Village)).all()) == 3


def test_create_user_enforces_the_password_policy(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["seed-demo"])
    capsys.readouterr()
    weak = ["create-user", "lan", "--role", "officer", "--full-name", "Lò Thị Lan",
            "--commune", "03532", "--password", "demo"]
    assert main(weak) == 2
    assert "ít nhất 10 ký tự" in capsys.readouterr().err
    strong = [*weak[:-1], "Bản-Nậm-Khăn-2026"]
    assert main(strong) == 0
    with Session(make_engine(env)) as s:
        user = s.exec(select(User).where(User.username == "lan")).one()
        assert user.role == "officer" and user.full_name == "Lò Thị Lan"


def test_import_households_all_or_nothing(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["seed-demo"])
    with Session(make_engine(env)) as s:
        before = s.exec(select(func.count()).select_from(Household)).one()
    good = tmp_path / "good.csv"
    good.write_text(
        "household_ref,village_code,address,full_name,date_of_birth,sex,cccd,phone,relationship,ethnicity\n"
        "H1,03532-01,Bản Nậm Khăn,Giàng A Tủa,1991-02-03,nam,,0386123456,chủ hộ,Mông\n"
        "H1,03532-01,,Lý Thị Pằng,1994-04-05,nữ,,,vợ,Mông\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8") + "H2,03532-09,Bản ?,Ai Đó,1990-01-01,nam,,,chủ hộ,Mông\n", encoding="utf-8")
    assert main(["import-households", str(bad), "--commune", "03532"]) == 2
    err = capsys.readouterr().err
    assert "dòng 4" in err
    assert main(["import-households", str(good), "--commune", "03532"]) == 0
    with Session(make_engine(env)) as s:
        assert s.exec(select(func.count()).select_from(Household)).one() == before + 1


def test_rebuild_rollups_counts_history_written_without_the_hook(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """History imported with plain SQL (as an upgrade finds it) has no rollup rows until
    `langso rebuild-rollups`, which makes them equal the recomputation."""
    from datetime import UTC, date, datetime

    from sqlalchemy import insert

    from backend.db.models import Dossier, DossierEvent
    from backend.monitoring import rollups

    main(["seed-demo"])
    engine = make_engine(env)
    at = datetime(2026, 3, 2, 3, tzinfo=UTC)
    with Session(engine) as s:
        m = s.exec(select(Member)).first()
        u = s.exec(select(User).where(User.username == "volunteer1")).one()
        assert m is not None
        s.execute(insert(Dossier.__table__).values(  # type: ignore[attr-defined]
            id="d-1", procedure_code="khai-sinh", procedure_version=1, applicant_member_id=m.id,
            household_id=m.household_id, village_id=m.village_id, commune_id=m.commune_id,
            prepared_by=u.id, status="done", outcome="approved", form_data={}, components={},
            received_at=at, due_date=date(2026, 3, 5), version=1, created_at=at,
            updated_at=at))
        for action in ("submit", "receive", "approve"):
            s.execute(insert(DossierEvent.__table__).values(  # type: ignore[attr-defined]
                dossier_id="d-1", action=action, to_status="x", actor_role="officer", at=at,
                reason="", data={}))
        s.commit()
        assert rollups.stored(s) == {}
    assert main(["rebuild-rollups"]) == 0
    assert "rebuilt 1 rollup row" in capsys.readouterr().out
    with Session(engine) as s:
        stored = rollups.stored(s)
        assert stored == rollups.recompute(s)
        assert next(iter(stored.values()))["finished_on_time"] == 1


def test_create_a_province_monitor(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["seed-demo"])
    capsys.readouterr()
    base = ["create-user", "so_noi_vu", "--role", "province_monitor", "--full-name",
            "Sở Nội vụ", "--password", "Bản-Nậm-Khăn-2026"]
    assert main([*base, "--province", "99"]) == 2
    assert "tỉnh" in capsys.readouterr().err
    assert main([*base, "--province", "12"]) == 0
    with Session(make_engine(env)) as s:
        user = s.exec(select(User).where(User.username == "so_noi_vu")).one()
        assert (user.role, user.province_id, user.commune_id) == ("province_monitor", "12", None)
