"""Signed push: households, members and dossiers through mutations, exactly once, with
receipts signed by the commune key — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from backend.db.models import (
    Dossier,
    DossierEvent,
    DossierRevision,
    EntityVersion,
    Household,
    Member,
    SyncChange,
    SyncMutation,
)
from sync.receipt_code import receipt_code_for, validate_receipt_code
from sync.signatures import verify
from tests.support.device import (
    BIRTH_FORM,
    SimDevice,
    household_fields,
    make_device,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import WORLD

__all__ = ["make_device"]


def seed_household(dev: SimDevice) -> tuple[str, str, str]:
    """Household + head + spouse through mutations; returns their ids."""
    hid, head, spouse = new_uuid(), new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    dev.mutate("member", spouse, "create",
               member_fields(hid, "Vàng Thị Dính", "vo", 1993, "female"))
    r = dev.push()
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 3
    return hid, head, spouse


def test_create_household_and_members_applies_each_and_bumps_household_roster(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    hid, head, spouse = seed_household(dev)
    with Session(engine) as s:
        h = s.get(Household, hid)
        assert h is not None and h.version == 3  # created, then one roster change per member
        assert s.get(Member, head) is not None
        assert s.exec(select(func.count()).select_from(SyncMutation).where(
            SyncMutation.device_id == dev.device_id)).one() == 3
    changes = dev.pull()
    household = dev.replica[("household", hid)]
    assert household["version"] == 3
    assert household["data"]["members"] == sorted([head, spouse])
    assert {c["entity"] for c in changes} == {"household", "member"}


def test_push_result_carries_version_and_server_hlc(make_device: Any) -> None:
    dev = make_device()
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    result = dev.push().json()["results"][0]
    assert result["status"] == "applied"
    assert result["version"] == 1
    assert result["hlc"].endswith("-server")
    assert result["entity_id"] == hid


def test_submit_stores_signed_revision_and_returns_receipt_verifiable_with_published_key(
    make_device: Any, client: Any, engine: Engine
) -> None:
    dev = make_device()
    _hid, head, _ = seed_household(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    sent = dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    body = dev.push().json()
    created, submitted = body["results"]
    assert created["status"] == "applied" and submitted["status"] == "applied", body
    assert submitted["revision"] == sent.hash
    assert set(submitted["missing_attachments"]) == {"a" * 64, "c" * 64}
    receipt = submitted["receipt"]
    fields = json.loads(receipt["payload"])
    assert set(fields) == {"commune_id", "content_hash", "dossier_id", "key_id", "received_at",
                           "receipt_code"}
    assert fields["content_hash"] == sent.hash and fields["dossier_id"] == did
    assert validate_receipt_code(fields["receipt_code"]) == fields["receipt_code"]
    keys = client.get("/.well-known/langso/keys.json").json()["keys"]
    key = next(k for k in keys if k["key_id"] == fields["key_id"])
    assert key["commune_id"] == WORLD.commune_a
    verify("Ed25519", key["public_key"], receipt["payload"].encode(), receipt["sig"])
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.status == "submitted" and d.form_data == BIRTH_FORM
        rev = s.get(DossierRevision, sent.hash)
        assert rev is not None and rev.payload == sent.item.payload and rev.sig == sent.item.sig
        assert rev.number == 1 and rev.prev_revision is None
        actions = [e.action for e in s.exec(select(DossierEvent).where(
            DossierEvent.dossier_id == did))]
        assert actions == ["create", "submit"]
    # the receipt code is recomputable from the dossier id and the received time (ms)
    assert fields["receipt_code"] == receipt_code_for(
        did, _ms(fields["received_at"]))


def _ms(text: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def test_supplement_is_a_new_revision_chained_to_the_previous_one(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    first = dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    assert dev.push().status_code == 200
    officer = as_user("officer_a")
    for action, reason in (("receive", ""), ("request_supplement", "Thiếu giấy chứng sinh")):
        r = client.post(f"/api/dossiers/{did}/actions", json={"action": action, "reason": reason},
                        headers=officer)
        assert r.status_code in (200, 201), r.text
    dev.pull()
    version = dev.replica[("dossier", did)]["version"]
    assert dev.replica[("dossier", did)]["data"]["status"] == "supplement_requested"
    second = dev.mutate("dossier", did, "submit",
                        submit_fields(prev_revision=first.hash, photo="b" * 64), base=version)
    result = dev.push().json()["results"][0]
    assert result["status"] == "applied", result
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.status == "processing"
        rev = s.get(DossierRevision, second.hash)
        assert rev is not None and rev.kind == "supplement" and rev.prev_revision == first.hash


def test_submit_with_invalid_form_is_rejected_but_takes_its_place_in_the_chain(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    bad = dict(BIRTH_FORM, father_known="maybe")
    dev.mutate("dossier", did, "submit", submit_fields(form=bad), base=1)
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    results = dev.push().json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["code"] == "invalid_form"
    assert results[1]["message_vi"]
    assert any(e["field"] == "father_known" for e in results[1]["errors"])
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.status == "draft" and d.form_data == {}
        assert s.exec(select(func.count()).select_from(DossierRevision).where(
            DossierRevision.dossier_id == did)).one() == 0
        assert s.exec(select(func.count()).select_from(SyncMutation).where(
            SyncMutation.device_id == dev.device_id)).one() == 6


def test_replaying_a_batch_returns_original_results_without_a_second_effect(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("household", hid, "update", {"notes": "Nhà gần suối"}, base=1)
    body = dev.push_body()
    first = dev.post_push(body).json()
    with Session(engine) as s:
        before = (s.exec(select(func.count()).select_from(SyncChange)).one(),
                  s.exec(select(func.count()).select_from(EntityVersion)).one())
    again = dev.post_push(body)
    assert again.status_code == 200
    assert again.json()["results"] == first["results"]
    with Session(engine) as s:
        after = (s.exec(select(func.count()).select_from(SyncChange)).one(),
                 s.exec(select(func.count()).select_from(EntityVersion)).one())
        h = s.get(Household, hid)
        assert h is not None and h.version == 2
    assert before == after


def test_partial_replay_acknowledges_old_items_and_applies_new_ones(make_device: Any) -> None:
    dev = make_device()
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    first_items = list(dev.outbox)
    assert dev.post_push(dev.push_body(first_items)).status_code == 200  # ack lost
    dev.mutate("household", hid, "update", {"notes": "Có người già"}, base=1)
    body = dev.post_push(dev.push_body()).json()
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    assert body["last_n"] == 2


def test_ecdsa_p256_device_pushes_like_ed25519(make_device: Any) -> None:
    dev = make_device(alg="ES256")
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    r = dev.push()
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied"


def test_uncompressed_push_is_accepted(make_device: Any) -> None:
    dev = make_device()
    dev.gzip_push = False
    dev.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
    assert dev.push().json()["results"][0]["status"] == "applied"


def test_volunteer_cannot_create_in_another_village_rejected_with_reason(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device("vol_a1")
    hid = new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a2))
    result = dev.push().json()["results"][0]
    assert result["status"] == "rejected" and result["code"] == "forbidden"
    with Session(engine) as s:
        assert s.get(Household, hid) is None


def test_withdraw_transition_through_a_signed_mutation(make_device: Any, engine: Engine) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    dev.mutate("dossier", did, "transition", {"action": "withdraw"}, base=1)
    results = dev.push().json()["results"]
    assert results[1]["status"] == "applied" and results[1]["version"] == 2
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.status == "withdrawn"


def test_mutations_are_readable_by_the_commune_officer_with_signature_material(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    hid = new_uuid()
    sent = dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.push()
    r = client.get("/api/sync/mutations", params={"entity_id": hid},
                   headers=as_user("officer_a"))
    assert r.status_code == 200
    item = r.json()["items"][0]
    assert item["payload"] == sent.item.payload and item["hash"] == sent.hash
    verify(item["alg"], item["public_key"], item["payload"].encode(), item["sig"])
    other = client.get("/api/sync/mutations", params={"entity_id": hid},
                       headers=as_user("officer_b"))
    assert other.json()["items"] == []
    assert client.get("/api/sync/mutations", params={"entity_id": hid},
                      headers=as_user("vol_a1")).status_code == 403


def test_submission_may_carry_prefill_counts_for_the_dashboard(make_device: Any) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    good, bad = new_uuid(), new_uuid()
    for did in (good, bad):
        dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                              "applicant_member_id": head})
    dev.mutate("dossier", good, "submit",
               {**submit_fields(), "prefilled_fields": 16, "total_fields": 22}, base=1)
    dev.mutate("dossier", bad, "submit",
               {**submit_fields(), "prefilled_fields": 23, "total_fields": 22}, base=1)
    results = dev.push().json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "rejected"]
    assert results[3]["errors"][0]["field"] == "prefilled_fields"
