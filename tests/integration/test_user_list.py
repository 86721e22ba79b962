"""GET /api/users: officers pick volunteers of their own commune; admins see every commune;
the device list names each device's owner."""

from __future__ import annotations

from typing import Any

from sync.signatures import public_key_b64u
from tests.support.device import enrol_proof, make_key
from tests.support.world import WORLD, user_id


def _usernames(body: dict[str, Any]) -> list[str]:
    return [u["username"] for u in body["items"]]


def test_officer_lists_volunteers_of_own_commune_with_villages(client: Any, as_user: Any) -> None:
    r = client.get("/api/users?role=volunteer", headers=as_user("officer_a"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(_usernames(body)) == ["vol_a1", "vol_a2"] and body["total"] == 2
    by_name = {u["username"]: u for u in body["items"]}
    assert by_name["vol_a1"] == {
        "id": user_id("vol_a1"), "username": "vol_a1", "full_name": "Vol A1",
        "role": "volunteer", "commune_id": WORLD.commune_a, "village_ids": [WORLD.village_a1],
    }


def test_role_defaults_to_volunteer(client: Any, as_user: Any) -> None:
    r = client.get("/api/users", headers=as_user("officer_b"))
    assert r.status_code == 200 and _usernames(r.json()) == ["vol_b1"]


def test_officer_asking_for_another_commune_is_refused(client: Any, as_user: Any) -> None:
    r = client.get(f"/api/users?role=volunteer&commune_id={WORLD.commune_b}",
                   headers=as_user("officer_a"))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert "vol_b1" not in r.text


def test_officer_naming_own_commune_is_answered(client: Any, as_user: Any) -> None:
    r = client.get(f"/api/users?commune_id={WORLD.commune_a}", headers=as_user("officer_a"))
    assert r.status_code == 200 and sorted(_usernames(r.json())) == ["vol_a1", "vol_a2"]


def test_admin_lists_every_commune_or_one(client: Any, as_user: Any) -> None:
    every = client.get("/api/users?role=volunteer", headers=as_user("admin"))
    assert every.status_code == 200
    assert sorted(_usernames(every.json())) == ["vol_a1", "vol_a2", "vol_b1"]
    one = client.get(f"/api/users?role=volunteer&commune_id={WORLD.commune_b}",
                     headers=as_user("admin"))
    assert _usernames(one.json()) == ["vol_b1"]


def test_volunteer_may_not_list_accounts(client: Any, as_user: Any) -> None:
    r = client.get("/api/users?role=volunteer", headers=as_user("vol_a1"))
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"


def test_unknown_role_and_bad_paging_are_refused(client: Any, as_user: Any) -> None:
    r = client.get("/api/users?role=mayor", headers=as_user("officer_a"))
    assert r.status_code == 400 and r.json()["code"] == "bad_role"
    r = client.get("/api/users?page_size=500", headers=as_user("officer_a"))
    assert r.status_code == 400 and r.json()["code"] == "bad_page"


def test_paging_splits_the_list(client: Any, as_user: Any) -> None:
    first = client.get("/api/users?page_size=1", headers=as_user("officer_a")).json()
    second = client.get("/api/users?page_size=1&page=2", headers=as_user("officer_a")).json()
    assert first["total"] == second["total"] == 2
    assert {*_usernames(first), *_usernames(second)} == {"vol_a1", "vol_a2"}


def test_device_list_names_the_owner(client: Any, as_user: Any) -> None:
    key = make_key("Ed25519")
    enrolled = client.post(
        "/api/devices",
        json={"alg": "Ed25519", "public_key": public_key_b64u(key), "label": "Máy A1",
              "proof": enrol_proof(key, user_id=user_id("vol_a1"))},
        headers=as_user("vol_a1"))
    assert enrolled.status_code == 201, enrolled.text
    listed = client.get("/api/devices", headers=as_user("officer_a"))
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert item["user_id"] == user_id("vol_a1")
    assert item["username"] == "vol_a1" and item["full_name"] == "Vol A1"
    assert client.get("/api/devices", headers=as_user("officer_b")).json()["items"] == []
