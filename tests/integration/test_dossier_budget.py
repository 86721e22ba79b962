"""The per-dossier attachment budget (30 MiB by default) holds on push and over REST, on
SQLite and PostgreSQL (issue 8: four 9.6 MB photos used to be accepted)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import Blob, Dossier, SyncMutation
from backend.lib.clock import utcnow
from tests.support.device import (
    household_fields,
    make_device,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import WORLD, user_id

__all__ = ["make_device"]

PHOTO = int(9.6 * 1024 * 1024)
HASHES = [c * 64 for c in "1234"]


def add_blobs(engine: Engine) -> None:
    with Session(engine) as s:
        for digest in HASHES:
            s.add(Blob(sha256=digest, size=PHOTO, content_type="image/jpeg",
                       uploaded_by=user_id("vol_a1"), created_at=utcnow()))
        s.commit()


def test_push_refuses_a_dossier_over_its_attachment_budget(
    make_device: Any, engine: Engine
) -> None:
    add_blobs(engine)
    dev = make_device()
    hid, head = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    big, ok = new_uuid(), new_uuid()
    dev.mutate("dossier", big, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head,
                                          "components": {"giay-chung-sinh": HASHES}})
    dev.mutate("dossier", ok, "create", {"procedure_code": "khai-sinh",
                                         "applicant_member_id": head,
                                         "components": {"giay-chung-sinh": HASHES[:2]}})
    r = dev.push()
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["applied", "applied", "rejected", "applied"]
    refused = results[2]
    assert refused["code"] == "dossier_too_large" and "30,0 MB" in refused["message_vi"]
    assert refused["errors"] == [{"total_bytes": 4 * PHOTO, "limit_bytes": 30 * 1024 * 1024}]
    # growing a draft past the budget, and submitting over it, are refused the same way
    dev.mutate("dossier", ok, "update", {"components": {"giay-chung-sinh": HASHES}}, base=1)
    over = submit_fields()
    over["components"] = {"giay-chung-sinh": HASHES}
    dev.mutate("dossier", ok, "submit", over, base=1)
    r = dev.push()
    assert [(x["status"], x.get("code")) for x in r.json()["results"]] == [
        ("rejected", "dossier_too_large"), ("rejected", "dossier_too_large")]
    # within the budget the queue moves on: the submission applies
    fine = submit_fields()
    fine["components"] = {"giay-chung-sinh": HASHES[:3]}
    dev.mutate("dossier", ok, "submit", fine, base=1)
    assert dev.push().json()["results"][0]["status"] == "applied"
    with Session(engine) as s:
        assert s.get(Dossier, big) is None
        d = s.get(Dossier, ok)
        assert d is not None and d.status == "submitted"
        assert d.components == {"giay-chung-sinh": HASHES[:3]}
        ns = s.exec(select(SyncMutation.n).where(SyncMutation.device_id == dev.device_id))
        assert sorted(ns) == list(range(1, 8))


def test_rest_refuses_a_draft_over_its_attachment_budget(
    client: Any, as_user: Any, engine: Engine
) -> None:
    add_blobs(engine)
    h = as_user("vol_a1")
    created = client.post("/api/households", json={
        "village_id": WORLD.village_a1, "address": "Bản Nậm Khăn",
        "members": [{"full_name": "Giàng A Páo", "relationship": "chu_ho"}]}, headers=h)
    assert created.status_code == 201, created.text
    head = created.json()["head_member_id"]
    draft = {"procedure_code": "khai-sinh", "applicant_member_id": head,
             "components": {"giay-chung-sinh": HASHES}}
    r = client.post("/api/dossiers", json=draft, headers=h)
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "dossier_too_large" and r.json()["message_vi"]
    bad = client.post("/api/dossiers", json=dict(draft, components={"giay-chung-sinh": ["x"]}),
                      headers=h)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_fields"
    ok = client.post("/api/dossiers", json=dict(draft, components={"giay-chung-sinh": HASHES[:3]}),
                     headers=h)
    assert ok.status_code == 201, ok.text
