"""Two server nodes in fleet mode (separate data directories, one database, the same secrets
from settings): a token or an enrolment ticket from one node works on the other, both publish
the same commune keys and VAPID key, and the commune keys made and rotated by `langso keys`
sign receipts and results that keep verifying after a rotation."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.app import create_app
from backend.cli import main
from backend.db.models import CommuneSigningKey
from backend.settings import Settings
from sync.signatures import public_key_b64u, verify
from tests.conftest import login
from tests.integration.test_results_verify import approved, issue, public_verify
from tests.integration.test_review_world import seed_household, signed_dossier
from tests.support.device import SimDevice, enrol_proof, make_key
from tests.support.world import WORLD, user_id
from tests.unit.test_fleet_settings import vapid_pem


@pytest.fixture()
def fleet_env(database_url: str, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "LANGSO_FLEET": "true",
        "LANGSO_DATABASE_URL": database_url,
        "LANGSO_DATA_DIR": str(tmp_path / "cli"),
        "LANGSO_SESSION_SECRET": secrets.token_hex(32),
        "LANGSO_TICKET_SECRET": secrets.token_hex(32),
        "LANGSO_KEY_ENCRYPTION_KEY": secrets.token_hex(32),
        "LANGSO_VAPID_PRIVATE_KEY": vapid_pem(),
        "LANGSO_BLOB_URL": f"file://{tmp_path}/shared-blobs",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture()
def nodes(fleet_env: dict[str, str], tmp_path: Path,
          clean_db: Engine) -> Iterator[tuple[TestClient[Any], TestClient[Any]]]:
    apps = []
    for n in (1, 2):
        base = Settings.from_env()
        apps.append(create_app(Settings(**{**base.__dict__, "data_dir": tmp_path / f"node{n}"})))
    with TestClient(app=apps[0]) as one, TestClient(app=apps[1]) as two:
        yield one, two


def keys_json(client: TestClient[Any]) -> list[dict[str, Any]]:
    return client.get("/.well-known/langso/keys.json").json()["keys"]  # type: ignore[no-any-return]


def device_on(client: TestClient[Any], username: str = "vol_a1") -> SimDevice:
    dev = SimDevice(client, login(client, username))
    dev.enrol(user_id(username))
    return dev


def test_a_fleet_node_does_not_invent_commune_keys_and_the_command_makes_them_once(
    nodes: tuple[TestClient[Any], TestClient[Any]], capsys: pytest.CaptureFixture[str],
    engine: Engine,
) -> None:
    one, two = nodes
    assert keys_json(one) == []
    dev = device_on(one)
    _, head, _ = seed_household(dev)
    did = "0b7a2a4e-7c39-4f3b-9d8c-3f8a1d2e4b51"
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    r = dev.push()
    assert r.status_code == 200
    assert main(["keys", "create"]) == 0
    assert main(["keys", "create"]) == 0  # idempotent
    out = capsys.readouterr().out
    assert "created key" in out and "already has key" in out
    with Session(engine) as s:
        rows = s.exec(select(CommuneSigningKey)).all()
        assert {r.commune_id for r in rows} == {WORLD.commune_a, WORLD.commune_b,
                                                WORLD.commune_c}
        assert all(len(r.private_key_enc) > 40 and r.seq == 1 for r in rows)
    assert keys_json(one) == keys_json(two) and len(keys_json(one)) == 3


def test_tokens_tickets_keys_and_vapid_are_shared_by_the_nodes(
    nodes: tuple[TestClient[Any], TestClient[Any]],
) -> None:
    one, two = nodes
    assert main(["keys", "create"]) == 0
    headers = login(one, "officer_a")
    assert two.get("/api/auth/me", headers=headers).json()["username"] == "officer_a"
    ticket = one.post("/api/devices/tickets", json={"volunteer_username": "vol_a1"},
                      headers=headers).json()["ticket"]
    key = make_key()
    r = two.post("/api/devices/enrol-with-ticket", json={
        "ticket": ticket, "alg": "Ed25519", "public_key": public_key_b64u(key),
        "label": "Máy của bản", "proof": enrol_proof(key, ticket=ticket)})
    assert r.status_code == 201, r.text
    token = {"Authorization": f"Bearer {r.json()['token']}"}
    assert one.get("/api/auth/me", headers=token).json()["username"] == "vol_a1"
    assert one.get("/api/push/vapid-public-key").json() == \
        two.get("/api/push/vapid-public-key").json()
    assert keys_json(one) == keys_json(two)


def test_rotation_signs_with_the_new_key_and_old_receipts_and_results_still_verify(
    nodes: tuple[TestClient[Any], TestClient[Any]], capsys: pytest.CaptureFixture[str],
) -> None:
    one, two = nodes
    assert main(["keys", "create", "--commune", WORLD.commune_a]) == 0
    dev = device_on(two)
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    [old_receipt] = [x["receipt"] for x in dev.acked.values() if x.get("receipt")] or [None]
    assert old_receipt is not None
    old_kid = json.loads(old_receipt["payload"])["key_id"]

    officer = lambda name: login(one, name)  # noqa: E731
    approved(one, officer, did)
    result = issue(one, officer, did)
    assert result["record"]["key_id"] == old_kid

    assert main(["keys", "rotate", "--commune", WORLD.commune_a]) == 0
    assert "stays published" in capsys.readouterr().out
    published = {k["key_id"]: k for k in keys_json(two)}
    assert old_kid in published and len(published) == 2

    did2, _ = signed_dossier(dev, head)
    receipts = [x["receipt"] for x in dev.acked.values() if x.get("receipt")]
    new_kid = json.loads(receipts[-1]["payload"])["key_id"]
    assert new_kid != old_kid and published[new_kid]["seq"] == 2
    for rec in receipts:  # every receipt verifies offline with the published keys
        kid = json.loads(rec["payload"])["key_id"]
        verify("Ed25519", published[kid]["public_key"], rec["payload"].encode(), rec["sig"])
    verdict = public_verify(two, qr=result["qr_text"])
    assert verdict["valid"] and verdict["key_id"] == old_kid
    assert did2 != did


def test_the_keys_command_refuses_to_run_in_fleet_mode_without_its_secrets(
    fleet_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("LANGSO_KEY_ENCRYPTION_KEY")
    assert main(["keys", "create"]) == 2
    assert "LANGSO_KEY_ENCRYPTION_KEY" in capsys.readouterr().err
