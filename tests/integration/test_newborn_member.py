"""Never ask twice: the newborn of a birth registration joins the household as a signed member
create with status ``pending_birth`` and its dossier; the server refuses a device that tries to
confirm it, and makes it ``active`` when the approved result is issued (pulled by the device).
Runs on SQLite and PostgreSQL (the `client`/`engine` fixtures)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from backend.db.models import Member
from tests.integration.test_results_verify import approved, issue
from tests.integration.test_review_world import make_device, seed_household, signed_dossier
from tests.support.device import member_fields, new_uuid

__all__ = ["make_device"]


def _newborn(hid: str, did: str) -> dict[str, Any]:
    fields = member_fields(hid, "Giàng A Lử", "con", 2026, "male", status="pending_birth",
                           source_dossier_id=did)
    fields.pop("cccd")  # a newborn has no card yet
    fields["date_of_birth"] = "2026-02-20"
    return fields


def test_newborn_is_pending_until_the_birth_result_is_issued(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    hid, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    child = new_uuid()
    dev.mutate("member", child, "create", _newborn(hid, did))
    r = dev.push()
    assert [x["status"] for x in r.json()["results"]] == ["applied"], r.text
    dev.pull()
    seen = dev.replica[("member", child)]
    assert seen["data"]["status"] == "pending_birth"
    assert seen["data"]["source_dossier_id"] == did
    assert child in dev.replica[("household", hid)]["data"]["members"]

    # A device cannot confirm the birth itself: status is the server's.
    dev.mutate("member", child, "update", {"status": "active"})
    refused = dev.push().json()["results"]
    assert refused[0]["status"] == "rejected"
    assert refused[0]["code"] == "server_field"

    approved(client, as_user, did)
    issue(client, as_user, did, document_number="15/2026/TLKS-BS")
    with Session(engine) as s:
        row = s.get(Member, child)
        assert row is not None and row.status == "active" and row.version == 2
    dev.pull()
    assert dev.replica[("member", child)]["data"]["status"] == "active"
    assert dev.replica[("member", child)]["version"] == 2


def test_pending_member_needs_its_dossier_and_a_known_status(make_device: Any) -> None:
    dev = make_device()
    hid, _, _ = seed_household(dev)
    no_dossier = _newborn(hid, new_uuid())
    no_dossier.pop("source_dossier_id")
    dev.mutate("member", new_uuid(), "create", no_dossier)
    bad_status = _newborn(hid, new_uuid())
    bad_status["status"] = "ghost"
    dev.mutate("member", new_uuid(), "create", bad_status)
    results = dev.push().json()["results"]
    assert [x["status"] for x in results] == ["rejected", "rejected"]
    assert all(x["code"] == "invalid_fields" for x in results)
    assert "source_dossier_id" in results[0]["message_en"]
    assert "status" in results[1]["message_en"]


def test_a_rejected_birth_registration_leaves_the_newborn_pending(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    hid, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    child = new_uuid()
    dev.mutate("member", child, "create", _newborn(hid, did))
    assert dev.push().status_code == 200
    approved(client, as_user, did, "reject", "Thiếu giấy chứng sinh hợp lệ")
    issue(client, as_user, did)
    with Session(engine) as s:
        row = s.get(Member, child)
        assert row is not None and row.status == "pending_birth"
