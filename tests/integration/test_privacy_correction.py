"""The right to correct (issue 14 item 5, audit of branch privacy3), on SQLite and PostgreSQL:
the person asks, the officer records the request, and the correction goes through the normal
flow — a volunteer's signed update from the phone and an officer's versioned edit — so the
person's export shows the corrected record, its history and the request; the signed payload
of the correction is sealed at rest and still verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.db.models import Member
from backend.privacy.crypto import is_sealed
from tests.integration.test_review_world import seed_household

REASON = {"X-Access-Reason": "Nguoi%20dan%20yeu%20cau%20dinh%20chinh"}


def test_a_correction_is_recorded_and_made_through_the_normal_flow(
        make_device: Any, client: Any, as_user: Any, engine: Engine) -> None:
    dev = make_device()
    _hid, head, _spouse = seed_household(dev)
    off = as_user("officer_a")

    r = client.post(f"/api/privacy/people/{head}/requests",
                    json={"kind": "correction", "note": "Sai chữ đệm trong họ tên"}, headers=off)
    assert r.status_code == 201, r.text

    # The volunteer's signed correction from the phone (the usual path in the village).
    dev.mutate("member", head, "update", {"full_name": "Giàng Seo Páo"})
    pushed = dev.push()
    assert pushed.status_code == 200 and pushed.json()["results"][0]["status"] == "applied"
    # The officer's versioned edit at the commune office (outside the queue: a reason).
    edited = client.patch(f"/api/members/{head}", json={"phone": "0987654321"},
                          headers={**off, **REASON})
    assert edited.status_code == 200, edited.text

    with Session(engine) as s:
        m = s.get(Member, head)
        assert m is not None and m.full_name == "Giàng Seo Páo" and m.phone == "0987654321"
    with engine.connect() as conn:
        payloads = [str(p) for (p,) in conn.execute(text(
            "SELECT payload FROM sync_mutations WHERE entity_id = :id"), {"id": head})]
    assert payloads and all(is_sealed(p) for p in payloads)
    assert not any("Seo" in p for p in payloads)

    export = client.get(f"/api/privacy/people/{head}/export", headers={**off, **REASON})
    assert export.status_code == 200, export.text
    body = export.json()
    assert body["person"]["full_name"] == "Giàng Seo Páo"
    names = [v["data"].get("full_name") for v in body["record_history"]]
    assert "Giàng A Páo" in names and "Giàng Seo Páo" in names  # history keeps both versions
    assert [q["kind"] for q in body["requests"]] == ["correction"]
    listed = client.get(f"/api/privacy/people/{head}/requests", headers=off).json()
    assert [q["kind"] for q in listed] == ["correction"]
    # both the edit and the export are in the person's access log, with the reason
    log = client.get(f"/api/privacy/people/{head}/access-log", headers=off).json()
    assert any(e["action"] == "person.export" and e["reason"] for e in log)
