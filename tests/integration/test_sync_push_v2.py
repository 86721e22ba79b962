"""Protocol version 2 (compact wire) on the real push endpoint, SQLite and PostgreSQL: the
server rebuilds and verifies the full signed payloads, answers without echoes with compact
receipts the device checks against the published commune key, and keeps version 1 working on
the same chain."""

from __future__ import annotations

import json
from typing import Any

from sync.mutations import mutation_hash
from sync.signatures import verify
from sync.wire import attachment_refs, receipt_record
from tests.support.device import (
    SimDevice,
    household_fields,
    make_device,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import WORLD

__all__ = ["make_device"]


def _people(dev: SimDevice) -> str:
    hid, head = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    return head


def test_v2_push_applies_and_answers_compactly_with_a_verifiable_receipt(
        make_device: Any, client: Any) -> None:
    dev = make_device()
    dev.protocol = 2
    head = _people(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head,
                                          "form_data": submit_fields()["form_data"]})
    sub = dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    r = dev.push()
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["protocol"] == 2 and body["last_n"] == 4 and body["hlc"]
    results = body["results"]
    assert [x["status"] for x in results] == ["applied"] * 4
    for x in results:  # nothing the device already knows comes back
        assert not {"id", "n", "entity", "entity_id", "hlc", "revision"} & set(x)
    assert results[2]["version"] == 1 and results[3]["version"] == 2
    receipt = results[3]["receipt"]
    assert set(receipt) == {"at", "key_id", "sig"}
    keys = client.get("/.well-known/langso/keys.json").json()["keys"]
    key = next(k for k in keys if k["key_id"] == receipt["key_id"])
    record = receipt_record(WORLD.commune_a, did, sub.hash, receipt["key_id"], receipt["at"])
    verify("Ed25519", key["public_key"], record.encode(), receipt["sig"])
    # Both attachments (photo, consent signature image) are missing, as indices.
    refs = attachment_refs(json.loads(sub.item.payload)["fields"])
    assert results[3]["missing"] == list(range(len(refs)))
    assert not dev.outbox


def test_v2_stores_the_full_signed_payload_and_replays_over_both_protocols(
        make_device: Any, client: Any, as_user: Any) -> None:
    dev = make_device()
    dev.protocol = 2
    _people(dev)
    first = list(dev.outbox)
    body = dev.push_body(first)
    answer = dev.post_push(body).json()
    # The answer was lost: the same v2 body again returns the same results.
    assert dev.post_push(body).json()["results"] == answer["results"]
    # A v1 replay of the same mutations returns the stored version-1 results.
    dev.protocol = 1
    v1 = dev.post_push(dev.push_body(first)).json()
    assert [x["id"] for x in v1["results"]] == [s.id for s in first]
    # What is stored is the full version-1 payload the device signed.
    officer = as_user("officer_a")
    stored = client.get("/api/sync/mutations", params={"entity_id": first[0].entity_id},
                        headers=officer).json()["items"][0]
    assert stored["payload"] == first[0].item.payload
    assert mutation_hash(stored["payload"].encode()) == first[0].hash


def test_v1_and_v2_batches_continue_one_chain(make_device: Any) -> None:
    dev = make_device()
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    assert dev.push().status_code == 200
    dev.protocol = 2
    dev.mutate("member", new_uuid(), "create", member_fields(hid))
    r = dev.push()
    assert r.status_code == 200, r.text
    assert r.json()["last_n"] == 2 and r.json()["results"][0]["status"] == "applied"


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == code
    return body


def test_v2_refusals_name_the_item_and_write_nothing(make_device: Any) -> None:
    dev = make_device()
    dev.protocol = 2
    _people(dev)
    good = dev.push_body()
    # A wrong prev in the envelope changes the rebuilt payload: the signature fails.
    _problem(dev.post_push(dict(good, prev="1" * 64)), 401, "bad_signature")
    # A derived key sent anyway.
    bad = json.loads(json.dumps(good))
    p = json.loads(bad["mutations"][1]["p"])
    p["n"] = 2
    bad["mutations"][1]["p"] = json.dumps(p, sort_keys=True, separators=(",", ":"),
                                          ensure_ascii=False)
    err = _problem(dev.post_push(bad), 422, "bad_field:n")
    assert err["errors"][0]["index"] == 1
    # Not canonical.
    spaced = json.loads(json.dumps(good))
    spaced["mutations"][0]["p"] = spaced["mutations"][0]["p"].replace(":", ": ", 1)
    _problem(dev.post_push(spaced), 422, "not_canonical")
    # Envelope shape.
    _problem(dev.post_push({k: v for k, v in good.items() if k != "prev"}), 400,
             "invalid_request")
    _problem(dev.post_push(dict(good, mutations=[{"payload": "x", "sig": "y"}])), 400,
             "invalid_item")
    # Starting past the chain head: a gap, with where to resend from.
    tail = dev.push_body(dev.outbox[1:])
    gap = _problem(dev.post_push(tail), 409, "chain_gap")
    assert gap["errors"][0]["expected_n"] == 1
    # Nothing was written by any of these: the good body still applies from n = 1.
    r = dev.post_push(good)
    assert r.status_code == 200 and r.json()["last_n"] == 2
