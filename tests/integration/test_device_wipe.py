"""The lost-phone drill (issue 14, branch vault): a revocation with a wipe order, the status a
device reads at each sync run, the push refusal, the wipe confirmation, and the escrow key that
only a password login returns."""

from __future__ import annotations

from typing import Any

from sync.signatures import public_key_b64u
from tests.support.device import enrol_proof, make_key
from tests.support.world import PASSWORD, user_id


def enrol(client: Any, as_user: Any, who: str = "vol_a1") -> str:
    key = make_key("Ed25519")
    body = {"alg": "Ed25519", "public_key": public_key_b64u(key), "label": "Điện thoại",
            "proof": enrol_proof(key, user_id=user_id(who))}
    r = client.post("/api/devices", json=body, headers=as_user(who))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_lost_device_gets_wipe_signal_on_status_and_push(client: Any, as_user: Any) -> None:
    device = enrol(client, as_user)
    r = client.get(f"/api/devices/{device}/status", headers=as_user("vol_a1"))
    assert r.status_code == 200 and r.json() == {"device_id": device, "revoked": False,
                                                 "wipe": False, "closed_dossier_days": 30}
    r = client.post(f"/api/devices/{device}/wiped", headers=as_user("vol_a1"))
    assert r.status_code == 409 and r.json()["code"] == "no_wipe_order"

    r = client.post(f"/api/devices/{device}/revoke", json={"reason": "Mất máy trên nương",
                                                           "wipe": True},
                    headers=as_user("officer_a"))
    assert r.status_code == 200, r.text
    assert r.json()["revoked_at"] is not None and r.json()["wipe_ordered_at"] is not None

    r = client.get(f"/api/devices/{device}/status", headers=as_user("vol_a1"))
    assert r.json()["revoked"] is True and r.json()["wipe"] is True
    push = client.post("/api/sync/push", json={"protocol": 1, "device_id": device,
                                               "mutations": []}, headers=as_user("vol_a1"))
    assert push.status_code == 410 and push.json()["code"] == "device_wipe"

    r = client.post(f"/api/devices/{device}/wiped", headers=as_user("vol_a1"))
    assert r.status_code == 200 and r.json()["wiped_at"] is not None


def test_plain_revocation_has_no_wipe_and_status_is_owner_only(client: Any,
                                                              as_user: Any) -> None:
    device = enrol(client, as_user)
    r = client.post(f"/api/devices/{device}/revoke", json={"reason": "Đổi máy"},
                    headers=as_user("vol_a1"))
    assert r.status_code == 200 and r.json()["wipe_ordered_at"] is None
    r = client.get(f"/api/devices/{device}/status", headers=as_user("vol_a1"))
    assert r.json()["revoked"] is True and r.json()["wipe"] is False
    # Learnt later that it was lost: the order is added to the revoked device.
    r = client.post(f"/api/devices/{device}/revoke", json={"reason": "Mất máy", "wipe": True},
                    headers=as_user("vol_a1"))
    assert r.json()["wipe_ordered_at"] is not None
    r = client.get(f"/api/devices/{device}/status", headers=as_user("vol_a2"))
    assert r.status_code == 404


def test_escrow_key_comes_with_password_login_only_and_is_stable(client: Any) -> None:
    keys = []
    for who in ("vol_a1", "vol_a1", "vol_a2"):
        r = client.post("/api/auth/login", json={"username": who, "password": PASSWORD})
        assert r.status_code == 200, r.text
        keys.append(r.json()["escrow_key"])
    assert len(keys[0]) == 43 and keys[0] == keys[1] and keys[2] != keys[0]
    me = client.get("/api/auth/me", headers={"Authorization": "Bearer " + r.json()["token"]})
    assert me.status_code == 200 and "escrow_key" not in me.json()
