"""Device enrolment by proof of possession, one-time tickets, listing and revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import DeviceTicket
from sync.signatures import b64u_encode, public_key_b64u
from tests.support.device import enrol_proof, make_key
from tests.support.world import user_id


def enrol_body(key: Any, uid: str, label: str = "Điện thoại") -> dict[str, Any]:
    alg = "Ed25519" if len(public_key_b64u(key)) == 43 else "ES256"
    return {"alg": alg, "public_key": public_key_b64u(key), "label": label,
            "proof": enrol_proof(key, user_id=uid)}


def test_enrol_binds_key_to_user_and_returns_device_id(client: Any, as_user: Any) -> None:
    for alg in ("Ed25519", "ES256"):
        key = make_key(alg)
        r = client.post("/api/devices", json=enrol_body(key, user_id("vol_a1")),
                        headers=as_user("vol_a1"))
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["user_id"] == user_id("vol_a1") and body["alg"] == alg
        assert body["last_n"] == 0 and body["last_hash"] == "0" * 64 and len(body["key_id"]) == 16


def test_enrolment_retry_with_same_key_returns_same_device(client: Any, as_user: Any) -> None:
    key = make_key()
    first = client.post("/api/devices", json=enrol_body(key, user_id("vol_a1")),
                        headers=as_user("vol_a1")).json()
    again = client.post("/api/devices", json=enrol_body(key, user_id("vol_a1")),
                        headers=as_user("vol_a1"))
    assert again.status_code == 201 and again.json()["id"] == first["id"]


def test_a_small_order_key_cannot_be_enrolled(client: Any, as_user: Any) -> None:
    """The identity point with R = identity and S = 0 "signs" every message under OpenSSL's
    check; the server verifies with libsodium (ADR 0025), which refuses small-order points, so
    nobody can enrol a key whose signatures anyone could forge."""
    identity = b64u_encode(bytes([1]) + bytes(31))
    forged = b64u_encode(bytes([1]) + bytes(31) + bytes(32))
    r = client.post("/api/devices", json={"alg": "Ed25519", "public_key": identity,
                                          "label": "Điện thoại", "proof": forged},
                    headers=as_user("vol_a1"))
    assert r.status_code == 422 and r.json()["code"] == "bad_proof"


def test_proof_signed_for_another_user_is_refused(client: Any, as_user: Any) -> None:
    key = make_key()
    r = client.post("/api/devices", json=enrol_body(key, user_id("vol_a2")),
                    headers=as_user("vol_a1"))
    assert r.status_code == 422 and r.json()["code"] == "bad_proof"


def test_same_key_for_another_user_is_refused(client: Any, as_user: Any) -> None:
    key = make_key()
    client.post("/api/devices", json=enrol_body(key, user_id("vol_a1")), headers=as_user("vol_a1"))
    r = client.post("/api/devices", json=enrol_body(key, user_id("vol_a2")),
                    headers=as_user("vol_a2"))
    assert r.status_code == 409 and r.json()["code"] == "key_already_enrolled"


def test_malformed_key_is_refused(client: Any, as_user: Any) -> None:
    body = enrol_body(make_key(), user_id("vol_a1"))
    body["public_key"] = body["public_key"][:-2]
    r = client.post("/api/devices", json=body, headers=as_user("vol_a1"))
    assert r.status_code == 422 and r.json()["code"] == "bad_key"


def issue(client: Any, as_user: Any, officer: str = "officer_a",
          volunteer: str = "vol_a1") -> Any:
    return client.post("/api/devices/tickets", json={"volunteer_username": volunteer},
                       headers=as_user(officer))


def test_ticket_enrolment_returns_device_and_a_working_token_once(
    client: Any, as_user: Any, engine: Engine
) -> None:
    r = issue(client, as_user)
    assert r.status_code == 201, r.text
    ticket = r.json()["ticket"]
    assert len(ticket) == 11 and r.json()["qr"] == f"langso-enrol:1:{ticket}"
    with Session(engine) as s:
        row = s.exec(select(DeviceTicket)).all()[-1]
        assert ticket not in row.code_hash  # only an HMAC is stored
        assert row.expires_at - row.created_at == timedelta(hours=24)
    key = make_key()
    typed = ticket.lower().replace("-", " ")  # tolerant of how people type it
    body = {"ticket": typed, "alg": "Ed25519", "public_key": public_key_b64u(key),
            "label": "Máy của bản", "proof": enrol_proof(key, ticket=ticket)}
    client.cookies.clear()
    r = client.post("/api/devices/enrol-with-ticket", json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["device"]["user_id"] == user_id("vol_a1") and out["user"]["username"] == "vol_a1"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {out['token']}"})
    assert me.json()["username"] == "vol_a1"
    again = client.post("/api/devices/enrol-with-ticket",
                        json=dict(body, public_key=public_key_b64u(make_key())))
    assert again.status_code == 401 and again.json()["code"] == "bad_ticket"


def test_ticket_proof_must_cover_the_ticket(client: Any, as_user: Any) -> None:
    ticket = issue(client, as_user).json()["ticket"]
    key = make_key()
    body = {"ticket": ticket, "alg": "Ed25519", "public_key": public_key_b64u(key),
            "proof": enrol_proof(key, user_id=user_id("vol_a1"))}
    r = client.post("/api/devices/enrol-with-ticket", json=body)
    assert r.status_code == 422 and r.json()["code"] == "bad_proof"


def test_wrong_ticket_is_refused(client: Any) -> None:
    key = make_key()
    body = {"ticket": "ABCDE-FGHJK", "alg": "Ed25519", "public_key": public_key_b64u(key),
            "proof": enrol_proof(key, ticket="ABCDE-FGHJK")}
    r = client.post("/api/devices/enrol-with-ticket", json=body)
    assert r.status_code == 401 and r.json()["code"] == "bad_ticket"


def test_only_officers_of_the_volunteers_commune_issue_tickets(client: Any, as_user: Any) -> None:
    assert issue(client, as_user, "officer_b", "vol_a1").status_code == 403
    assert issue(client, as_user, "vol_a2", "vol_a1").status_code == 403
    assert issue(client, as_user, "officer_a", "officer_b").status_code == 404


def test_listing_is_scoped_and_revocation_keeps_the_key(client: Any, as_user: Any) -> None:
    ids = {}
    for user in ("vol_a1", "vol_a2", "vol_b1"):
        r = client.post("/api/devices", json=enrol_body(make_key(), user_id(user)),
                        headers=as_user(user))
        ids[user] = r.json()["id"]
    seen = {u: {d["id"] for d in client.get("/api/devices", headers=as_user(u)).json()["items"]}
            for u in ("vol_a1", "officer_a", "officer_b", "admin")}
    assert seen["vol_a1"] == {ids["vol_a1"]}
    assert seen["officer_a"] == {ids["vol_a1"], ids["vol_a2"]}
    assert seen["officer_b"] == {ids["vol_b1"]}
    assert set(ids.values()) <= seen["admin"]
    assert client.post(f"/api/devices/{ids['vol_a1']}/revoke", json={"reason": "x"},
                       headers=as_user("officer_b")).status_code == 403
    assert client.post(f"/api/devices/{ids['vol_a1']}/revoke", json={"reason": " "},
                       headers=as_user("officer_a")).json()["code"] == "reason_required"
    r = client.post(f"/api/devices/{ids['vol_a2']}/revoke", json={"reason": "Mất máy"},
                    headers=as_user("vol_a2"))
    assert r.status_code == 200 and r.json()["revoke_reason"] == "Mất máy"
    assert r.json()["public_key"]
