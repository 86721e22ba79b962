"""Every refused push ends in one problem+json with a stable code and leaves no write behind."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from backend.db.models import Device, EntityVersion, Household, SyncChange, SyncMutation
from sync.canonical import canonical_bytes
from sync.hashing import GENESIS
from sync.signatures import sign
from tests.support.device import SimDevice, household_fields, make_device, new_uuid
from tests.support.world import WORLD

__all__ = ["make_device"]


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as s:
        return (
            s.exec(select(func.count()).select_from(SyncMutation)).one(),
            s.exec(select(func.count()).select_from(SyncChange)).one(),
            s.exec(select(func.count()).select_from(EntityVersion)).one(),
            s.exec(select(func.count()).select_from(Household)).one(),
        )


@pytest.fixture()
def unchanged(engine: Engine) -> Iterator[None]:
    """Asserts the test wrote nothing to the sync tables or the entities."""
    before = counts(engine)
    yield
    assert counts(engine) == before


def problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code, body
    assert body["message_vi"] and body["status"] == status
    return body  # type: ignore[no-any-return]


def one_household(dev: SimDevice) -> dict[str, Any]:
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    return dev.push_body()


def with_payload(body: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    item = dict(body["mutations"][index])
    item.update(changes)
    mutations = list(body["mutations"])
    mutations[index] = item
    return dict(body, mutations=mutations)


def test_forged_signature_is_refused(make_device: Any, engine: Engine) -> None:
    dev = make_device()
    body = one_household(dev)
    sig = body["mutations"][0]["sig"]
    forged = with_payload(body, 0, sig=("A" if sig[0] != "A" else "B") + sig[1:])
    before = counts(engine)
    body = problem(dev.post_push(forged), 401, "bad_signature")
    assert body["errors"][0]["index"] == 0
    assert counts(engine) == before


def test_payload_altered_after_signing_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    body = one_household(dev)
    payload = body["mutations"][0]["payload"].replace("Nậm Khăn", "Nậm Khen")
    problem(dev.post_push(with_payload(body, 0, payload=payload)), 401, "bad_signature")


def test_mutation_signed_with_another_devices_key_is_refused(
    make_device: Any, unchanged: None
) -> None:
    dev, other = make_device(), make_device()
    body = one_household(dev)
    payload = body["mutations"][0]["payload"]
    resigned = sign("Ed25519", other.key, payload.encode())
    problem(dev.post_push(with_payload(body, 0, sig=resigned)), 401, "bad_signature")


def test_device_of_another_user_is_refused(make_device: Any, as_user: Any,
                                           unchanged: None) -> None:
    dev = make_device("vol_a1")
    body = one_household(dev)
    thief = SimDevice(dev.http, as_user("vol_a2"))
    problem(thief.post_push(body), 403, "device_not_yours")


def test_payload_naming_another_device_is_refused(make_device: Any, unchanged: None) -> None:
    dev, other = make_device(), make_device()
    body = one_household(other)  # validly signed by `other`, sent under dev's device id
    body["device_id"] = dev.device_id
    problem(dev.post_push(body), 401, "bad_signature")


def test_revoked_device_is_refused_and_its_past_mutations_stay_verifiable(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    assert dev.push().status_code == 200
    r = client.post(f"/api/devices/{dev.device_id}/revoke", json={"reason": "Mất điện thoại"},
                    headers=as_user("officer_a"))
    assert r.status_code == 200 and r.json()["revoked_at"]
    body = one_household(dev)
    before = counts(engine)
    problem(dev.post_push(body), 403, "device_revoked")
    assert counts(engine) == before
    listed = client.get("/api/sync/mutations", params={"entity_id": hid},
                        headers=as_user("officer_a")).json()["items"]
    assert listed[0]["device_revoked_at"] is not None
    from sync.signatures import verify

    verify(listed[0]["alg"], listed[0]["public_key"], listed[0]["payload"].encode(),
           listed[0]["sig"])


def test_gap_in_the_chain_is_refused_with_the_expected_counter(
    make_device: Any, unchanged: None
) -> None:
    dev = make_device()
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    body = dev.push_body(dev.outbox[1:])  # n=2 without n=1
    err = problem(dev.post_push(body), 409, "chain_gap")["errors"][0]
    assert err["expected_n"] == 1 and err["n"] == 2 and err["last_hash"] == GENESIS


def test_gap_inside_a_batch_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    for _ in range(3):
        dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    body = dev.push_body([dev.outbox[0], dev.outbox[2]])
    assert problem(dev.post_push(body), 409, "chain_gap")["errors"][0]["index"] == 1


def test_fork_same_counter_different_content_is_refused(make_device: Any, engine: Engine) -> None:
    dev = make_device()
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    assert dev.push().status_code == 200
    # A restored backup of the phone: counter and chain rewound, different content.
    dev.n, dev.prev = 0, GENESIS
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1, "Khác"))
    before = counts(engine)
    problem(dev.post_push(dev.push_body()), 409, "chain_fork")
    assert counts(engine) == before


def test_fork_wrong_prev_is_refused(make_device: Any, engine: Engine) -> None:
    dev = make_device()
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    assert dev.push().status_code == 200
    dev.prev = "f" * 64
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    before = counts(engine)
    problem(dev.post_push(dev.push_body()), 409, "chain_fork")
    assert counts(engine) == before


def test_oversized_batch_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    body = dev.push_body()
    body["mutations"] = body["mutations"] * 501
    problem(dev.post_push(body), 413, "batch_too_large")


def test_malformed_json_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    problem(dev.post_push(b'{"protocol": 1, "device_id": '), 400, "invalid_json")


def test_gzip_bomb_is_refused_without_inflating_it(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    bomb = gzip.compress(b"{" + b" " * (64 * 1024 * 1024) + b"}", compresslevel=9)
    assert len(bomb) < 1024 * 1024
    headers = dict(dev.headers, **{"Content-Encoding": "gzip",
                                   "Content-Type": "application/json"})
    r = dev.http.post("/api/sync/push", content=bomb, headers=headers)
    problem(r, 413, "body_too_large")


def test_wrong_protocol_version_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    body = one_household(dev)
    body["protocol"] = 3  # 1 and 2 are spoken
    problem(dev.post_push(body), 400, "unsupported_protocol")


def _signed(dev: SimDevice, payload_bytes: bytes) -> dict[str, Any]:
    return {"protocol": 1, "device_id": dev.device_id, "mutations": [
        {"payload": payload_bytes.decode(), "sig": sign("Ed25519", dev.key, payload_bytes)}]}


def _raw_payload(dev: SimDevice, **fields: Any) -> dict[str, Any]:
    return {"v": 1, "id": new_uuid(), "device": dev.device_id, "n": 1, "prev": GENESIS,
            "hlc": f"001772438400000-00000-{dev.device_id}", "entity": "household",
            "entity_id": new_uuid(), "op": "create", "base": 0,
            "fields": household_fields(WORLD.village_a1, **fields)}


def test_non_canonical_payload_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    pretty = json.dumps(_raw_payload(dev), indent=1, ensure_ascii=False).encode()
    problem(dev.post_push(_signed(dev, pretty)), 422, "not_canonical")


def test_float_in_payload_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    text = canonical_bytes(_raw_payload(dev, notes="x")).decode().replace('"notes":"x"',
                                                                           '"notes":1.5')
    problem(dev.post_push(_signed(dev, text.encode())), 422, "float_forbidden")


def test_non_nfc_text_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    text = canonical_bytes(_raw_payload(dev, notes="e")).decode().replace(
        '"notes":"e"', '"notes":"e\u0301"')
    problem(dev.post_push(_signed(dev, text.encode())), 422, "not_nfc")


def test_unknown_device_is_refused(make_device: Any, unchanged: None) -> None:
    dev = make_device()
    body = one_household(dev)
    body["device_id"] = new_uuid()
    problem(dev.post_push(body), 404, "unknown_device")


def test_device_chain_head_is_unchanged_after_a_refused_batch(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    body = one_household(dev)
    body["mutations"].append({"payload": "{}", "sig": body["mutations"][0]["sig"]})
    problem(dev.post_push(body), 401, "bad_signature")
    with Session(engine) as s:
        device = s.get(Device, dev.device_id)
        assert device is not None and device.last_n == 0 and device.last_hash == GENESIS
