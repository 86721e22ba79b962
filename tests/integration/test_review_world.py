"""Builders shared by the officer-console tests (signed dossiers from a simulated device,
REST dossiers, pinned dates), and the basic promise they rest on: a dossier signed on a
device shows up in the officer's queue with a valid signature."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session

from backend.db.models import Dossier, Member
from backend.lib.clock import utcnow
from backend.lib.vntime import local_date
from tests.support.device import (
    SimDevice,
    household_fields,
    make_device,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.factories import create_household, submit_unsigned
from tests.support.world import WORLD

__all__ = ["make_device"]


def seed_household(dev: SimDevice, village: str = WORLD.village_a1) -> tuple[str, str, str]:
    hid, head, spouse = new_uuid(), new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(village))
    dev.mutate("member", head, "create", member_fields(hid))
    dev.mutate("member", spouse, "create",
               member_fields(hid, "Vàng Thị Dính", "vo", 1993, "female"))
    r = dev.push()
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 3
    return hid, head, spouse


def signed_dossier(dev: SimDevice, applicant: str, form: dict[str, Any] | None = None,
                   procedure: str = "khai-sinh") -> tuple[str, Any]:
    """Create and submit (signed) a birth registration; returns (dossier id, submit Sent)."""
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": procedure,
                                          "applicant_member_id": applicant})
    sent = dev.mutate("dossier", did, "submit", submit_fields(form), base=1)
    r = dev.push()
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"], r.text
    return did, sent


def rest_dossier(client: Any, as_user: Any, username: str = "vol_a1",
                 village: str = WORLD.village_a1, procedure: str = "khai-sinh",
                 applicant: str | None = None) -> str:
    """A dossier drafted through REST and submitted by the test shortcut: no signed revision."""
    headers = as_user(username)
    if applicant is None:
        h = create_household(client, headers, village_id=village)
        applicant = h["members"][1]["id"]
    r = client.post("/api/dossiers/", json={"procedure_code": procedure,
                                             "applicant_member_id": applicant},
                    headers=headers)
    assert r.status_code == 201, r.text
    did = r.json()["id"]
    submit_unsigned(client, username, did)
    return str(did)


def review_act(client: Any, headers: dict[str, str], did: str, action: str, reason: str = "",
               **extra: Any) -> Any:
    return client.post(f"/api/review/dossiers/{did}/actions",
                       json={"action": action, "reason": reason, **extra}, headers=headers)


def pin(engine: Engine, did: str, **values: Any) -> None:
    with Session(engine) as s:
        s.exec(update(Dossier).where(Dossier.id == did).values(**values))  # type: ignore[call-overload]
        s.commit()


def set_cccd(engine: Engine, member_id: str, cccd: str | None) -> None:
    with Session(engine) as s:
        # Through the ORM, so the CCCD's blind index follows (backend/privacy).
        m = s.get(Member, member_id)
        assert m is not None
        m.cccd = cccd
        s.add(m)
        s.commit()


def today() -> date:
    return local_date(utcnow())


def days(n: int) -> date:
    return today() + timedelta(days=n)


def test_signed_dossier_appears_in_the_queue_with_a_valid_signature(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    body = client.get("/api/review/dossiers", headers=as_user("officer_a")).json()
    [item] = body["items"]
    assert item["id"] == did
    assert item["status"] == "submitted"
    assert item["status_label_vi"] == "Đã nộp, chờ tiếp nhận"
    assert item["procedure_name"] == "Đăng ký khai sinh"
    assert item["applicant_name"] == "Giàng A Páo"
    assert item["village_name"] == "Bản A Một"
    assert item["volunteer_name"] == "Vol A1"
    assert item["flags"]["signature_valid"] is True
    # the photo and consent blobs were never uploaded
    assert item["flags"]["attachments_complete"] is False
    assert item["code"] and item["official_code"] is None
