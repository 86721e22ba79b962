"""Three-way merge per field rule (SPEC MRG): identity → conflict for a person, lww → later
clock wins and the loser is kept, union → both additions, server → refused; amendments for
dossiers the commune already holds; conflict resolution through the API."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import Dossier, DossierAmendment, Member, SyncConflict, SyncLoser
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
T0 = 1_772_438_400_000


def two_devices_on_one_member(make_device: Any) -> tuple[SimDevice, SimDevice, str, str]:
    a, b = make_device("vol_a1"), make_device("officer_a")
    hid, mid = new_uuid(), new_uuid()
    a.mutate("household", hid, "create", household_fields(WORLD.village_a1), now_ms=T0)
    a.mutate("member", mid, "create", member_fields(hid, phone="0912345678"), now_ms=T0)
    assert a.push().status_code == 200
    a.pull()
    b.pull()
    return a, b, hid, mid


def result(dev: SimDevice) -> dict[str, Any]:
    r = dev.push()
    assert r.status_code == 200, r.text
    return r.json()["results"][-1]  # type: ignore[no-any-return]


def test_edits_to_different_fields_both_survive(make_device: Any, engine: Engine) -> None:
    a, b, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"phone": "0987654321"}, now_ms=T0 + 10)
    b.mutate("member", mid, "update", {"notes": "Hay đi nương"}, now_ms=T0 + 5)
    assert result(a)["status"] == "applied"
    assert result(b)["status"] == "applied"
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.phone == "0987654321" and m.notes == "Hay đi nương"
        assert m.version == 3


def test_identity_field_changed_on_both_sides_opens_a_conflict_and_keeps_server_value(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    a, b, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pào"}, now_ms=T0 + 10)
    b.mutate("member", mid, "update", {"full_name": "Giàng Á Páo"}, now_ms=T0 + 20)
    assert result(a)["status"] == "applied"
    res = result(b)
    assert res["status"] == "conflict" and res["conflicts"][0]["field"] == "full_name"
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.full_name == "Giàng A Pào" and m.version == 2
    listed = client.get("/api/sync/conflicts", params={"entity_id": mid},
                        headers=as_user("vol_a1")).json()["items"]
    assert [(c["current_value"], c["proposed_value"], c["base_value"]) for c in listed] == [
        ("Giàng A Pào", "Giàng Á Páo", "Giàng A Páo")]
    assert client.get("/api/sync/conflicts", headers=as_user("officer_b")).json()["items"] == []
    r = client.post(f"/api/sync/conflicts/{listed[0]['id']}/resolve",
                    json={"value": "Giàng Á Páo"}, headers=as_user("officer_a"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "resolved" and r.json()["resolved_version"] == 3
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.full_name == "Giàng Á Páo" and m.version == 3
        losers = s.exec(select(SyncLoser).where(SyncLoser.entity_id == mid)).all()
        assert [(lo.losing_value, lo.winning_value) for lo in losers] == [
            ("Giàng A Pào", "Giàng Á Páo")]
    again = client.post(f"/api/sync/conflicts/{listed[0]['id']}/resolve",
                        json={"value": "X"}, headers=as_user("officer_a"))
    assert again.status_code == 409 and again.json()["code"] == "conflict_closed"
    a.pull()
    assert a.replica[("member", mid)]["data"]["full_name"] == "Giàng Á Páo"


def test_resolving_a_conflict_whose_field_changed_since_is_refused_as_stale(
    make_device: Any, client: Any, as_user: Any
) -> None:
    a, b, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pào"}, now_ms=T0 + 10)
    b.mutate("member", mid, "update", {"full_name": "Giàng Á Páo"}, now_ms=T0 + 20)
    result(a)
    cid = result(b)["conflicts"][0]["id"]
    officer = as_user("officer_a")
    r = client.patch(f"/api/members/{mid}", json={"full_name": "Giàng A Pao"}, headers=officer)
    assert r.status_code == 200, r.text
    stale = client.post(f"/api/sync/conflicts/{cid}/resolve", json={"value": "Giàng Á Páo"},
                        headers=officer)
    assert stale.status_code == 409 and stale.json()["code"] == "conflict_stale"


def test_lww_later_clock_wins_and_the_loser_is_recorded(make_device: Any, engine: Engine) -> None:
    a, b, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"phone": "0987654321"}, now_ms=T0 + 50)
    b.mutate("member", mid, "update", {"phone": "0977777777"}, now_ms=T0 + 20)
    assert result(a)["status"] == "applied"
    res = result(b)  # arrives later but its clock is earlier: it loses
    assert res["status"] == "merged" and res["lost_fields"] == ["phone"]
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.phone == "0987654321"
        loser = s.exec(select(SyncLoser).where(SyncLoser.entity_id == mid)).one()
        assert (loser.losing_value, loser.winning_value, loser.rule) == (
            "0977777777", "0987654321", "lww")


def test_lww_later_clock_arriving_later_wins_and_the_overwritten_value_is_kept(
    make_device: Any, client: Any, as_user: Any
) -> None:
    a, b, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"notes": "A"}, now_ms=T0 + 20)
    b.mutate("member", mid, "update", {"notes": "B"}, now_ms=T0 + 50)
    result(a)
    assert result(b)["status"] == "merged"
    losers = client.get("/api/sync/losers", params={"entity_id": mid},
                        headers=as_user("officer_a")).json()["items"]
    assert [(lo["losing_value"], lo["winning_value"]) for lo in losers] == [("A", "B")]


def test_union_keeps_both_sides_additions(make_device: Any, engine: Engine) -> None:
    a, b, hid, mid = two_devices_on_one_member(make_device)
    x, y = new_uuid(), new_uuid()
    a.mutate("household", hid, "update", {"members": [mid, x]}, now_ms=T0 + 10)
    b.mutate("household", hid, "update", {"members": [mid, y]}, now_ms=T0 + 20)
    assert result(a)["status"] == "applied"
    assert result(b)["status"] == "merged"
    b.pull()
    assert b.replica[("household", hid)]["data"]["members"] == sorted([mid, x, y])


def test_union_never_drops_an_existing_member(make_device: Any) -> None:
    a, _, hid, mid = two_devices_on_one_member(make_device)
    a.mutate("household", hid, "update", {"members": []}, now_ms=T0 + 10)
    result(a)
    a.pull()
    assert a.replica[("household", hid)]["data"]["members"] == [mid]


def test_server_field_change_is_rejected(make_device: Any, engine: Engine) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"household_id": new_uuid()}, now_ms=T0 + 10)
    res = result(a)
    assert res["status"] == "rejected" and res["code"] == "server_field"


def test_unknown_field_is_rejected(make_device: Any) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"favourite_colour": "đỏ"}, now_ms=T0 + 10)
    assert result(a)["code"] == "unknown_field"


def test_invalid_member_value_is_rejected_with_field_errors(make_device: Any) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"phone": "12345"}, now_ms=T0 + 10)
    res = result(a)
    assert res["status"] == "rejected" and res["code"] == "invalid_fields"
    assert res["errors"][0]["field"] == "phone"


def test_rest_edit_is_a_version_that_later_merges_see(
    make_device: Any, client: Any, as_user: Any
) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    r = client.patch(f"/api/members/{mid}", json={"cccd": None}, headers=as_user("officer_a"))
    assert r.status_code == 200, r.text
    a.mutate("member", mid, "update", {"cccd": "012090999999"}, now_ms=T0 + 10)
    res = result(a)  # based on v1: the officer removed the CCCD meanwhile → identity conflict
    assert res["status"] == "conflict", res


def dossier_for(dev: SimDevice, hid_mid: tuple[str, str]) -> str:
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": hid_mid[1],
                                          "form_data": {"child_full_name": "Giàng A Lử",
                                                        "mother_residence": "Bản Nậm Khăn"}},
               now_ms=T0)
    assert dev.push().status_code == 200
    return did


def test_dossier_form_fields_follow_their_catalogue_rule(
    make_device: Any, engine: Engine
) -> None:
    a, b, hid, mid = two_devices_on_one_member(make_device)
    did = dossier_for(a, (hid, mid))
    b.pull()
    a.mutate("dossier", did, "update", {"form_data": {"child_full_name": "Giàng A Lừ",
                                                      "mother_residence": "Bản Một"}},
             now_ms=T0 + 10)
    b.mutate("dossier", did, "update", {"form_data": {"child_full_name": "Giàng Á Lử",
                                                      "mother_residence": "Bản Hai"}},
             now_ms=T0 + 20)
    assert result(a)["status"] == "applied"
    res = result(b)
    assert res["status"] == "conflict"
    assert [c["field"] for c in res["conflicts"]] == ["form_data.child_full_name"]
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None
        assert d.form_data["child_full_name"] == "Giàng A Lừ"  # identity: server value stays
        assert d.form_data["mother_residence"] == "Bản Hai"  # lww: later clock


def test_dossier_status_cannot_be_set_by_an_update(make_device: Any) -> None:
    a, _, hid, mid = two_devices_on_one_member(make_device)
    did = dossier_for(a, (hid, mid))
    a.mutate("dossier", did, "update", {"status": "done"}, now_ms=T0 + 10)
    assert result(a)["code"] == "unknown_field"


def test_edit_to_a_received_dossier_becomes_an_amendment_for_the_officer(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    from tests.support.device import BIRTH_FORM

    a, _, _hid, mid = two_devices_on_one_member(make_device)
    did = new_uuid()
    a.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                        "applicant_member_id": mid}, now_ms=T0)
    a.mutate("dossier", did, "submit", submit_fields(), base=1, now_ms=T0 + 1)
    assert a.push().status_code == 200
    officer = as_user("officer_a")
    assert client.post(f"/api/dossiers/{did}/actions", json={"action": "receive"},
                       headers=officer).status_code in (200, 201)
    a.mutate("dossier", did, "update", {"form_data": {"mother_residence": "Bản Mới"}}, base=2,
             now_ms=T0 + 10)
    res = result(a)
    assert res["status"] == "conflict" and res["code"] == "amendment_pending"
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.form_data == BIRTH_FORM  # never an overwrite
        version = d.version
    listed = client.get("/api/sync/amendments", headers=officer).json()["items"]
    assert [x["id"] for x in listed] == [res["amendment_id"]]
    assert client.post(f"/api/sync/amendments/{res['amendment_id']}/decide",
                       json={"decision": "accept"}, headers=as_user("vol_a1")).status_code == 403
    r = client.post(f"/api/sync/amendments/{res['amendment_id']}/decide",
                    json={"decision": "accept", "reason": "Đúng"}, headers=officer)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.form_data["mother_residence"] == "Bản Mới"
        assert d.version == version + 1
        assert s.exec(select(DossierAmendment)).one().status == "accepted"


# --- MRG11: a device's own earlier edit is not a concurrent change ----------------------------

def conflict_rows(engine: Engine, entity_id: str) -> list[SyncConflict]:
    with Session(engine) as s:
        return list(s.exec(select(SyncConflict).where(SyncConflict.entity_id == entity_id)).all())


def test_two_offline_edits_of_one_identity_field_from_one_base_both_apply(
    make_device: Any, engine: Engine
) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    first = a.mutate("member", mid, "update", {"full_name": "Giàng A Pào",
                                               "phone": "0987654321"}, now_ms=T0 + 10)
    second = a.mutate("member", mid, "update", {"full_name": "Giàng A Pùa",
                                                "phone": "0977777777"}, now_ms=T0 + 20)
    assert [json.loads(s.item.payload)["base"] for s in (first, second)] == [1, 1]
    r = a.push()
    assert r.status_code == 200, r.text
    assert [res["status"] for res in r.json()["results"]] == ["applied", "applied"]
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and (m.full_name, m.phone, m.version) == (
            "Giàng A Pùa", "0977777777", 3)
        assert s.exec(select(SyncLoser).where(SyncLoser.entity_id == mid)).all() == []
    assert conflict_rows(engine, mid) == []


def test_undoing_an_own_offline_edit_restores_the_base_value(
    make_device: Any, engine: Engine
) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pào"}, now_ms=T0 + 10)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Páo"}, now_ms=T0 + 20)
    r = a.push()
    assert [res["status"] for res in r.json()["results"]] == ["applied", "applied"]
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.full_name == "Giàng A Páo" and m.version == 3
    assert conflict_rows(engine, mid) == []


def test_another_devices_edit_between_two_own_edits_still_conflicts(
    make_device: Any, engine: Engine
) -> None:
    a, b, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pào"}, now_ms=T0 + 10)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pùa"}, now_ms=T0 + 30)
    first = a.push(limit=1)
    assert first.json()["results"][0]["status"] == "applied"
    b.pull()
    b.mutate("member", mid, "update", {"full_name": "Giàng Á Páo"}, now_ms=T0 + 20)
    assert result(b)["status"] == "applied"  # from version 2: no concurrency for b
    res = result(a)  # base 1: b's write since then is concurrent with it
    assert res["status"] == "conflict" and [c["field"] for c in res["conflicts"]] == ["full_name"]
    rows = conflict_rows(engine, mid)
    assert [(c.base_value, c.current_value, c.proposed_value) for c in rows] == [
        ("Giàng A Páo", "Giàng Á Páo", "Giàng A Pùa")]
    assert rows[0].current_hlc is not None and rows[0].current_hlc.endswith(b.device_id)
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.full_name == "Giàng Á Páo"


def test_an_officers_rest_edit_between_two_own_edits_still_conflicts(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    a, _, _, mid = two_devices_on_one_member(make_device)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pào"}, now_ms=T0 + 10)
    a.mutate("member", mid, "update", {"full_name": "Giàng A Pùa"}, now_ms=T0 + 30)
    assert a.push(limit=1).json()["results"][0]["status"] == "applied"
    r = client.patch(f"/api/members/{mid}", json={"full_name": "Giàng A Pao"},
                     headers=as_user("officer_a"))
    assert r.status_code == 200, r.text
    res = result(a)
    assert res["status"] == "conflict", res
    rows = conflict_rows(engine, mid)
    assert [(c.current_value, c.proposed_value) for c in rows] == [("Giàng A Pao", "Giàng A Pùa")]
    assert rows[0].current_hlc is not None and rows[0].current_hlc.endswith("-server")


def test_a_stale_conflict_can_be_dismissed_keeping_the_current_value(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    """A conflict whose field changed again since it opened cannot be resolved (the choice
    is no longer between the same values), but it can be dismissed with a reason."""
    a, b, _, head = two_devices_on_one_member(make_device)
    a.mutate("member", head, "update", {"full_name": "Giàng A Pó"}, now_ms=T0 + 10)
    b.mutate("member", head, "update", {"full_name": "Giàng A Páu"}, now_ms=T0 + 20)
    assert result(a)["status"] == "applied"
    assert result(b)["status"] == "conflict"
    with Session(engine) as s:
        conflict = s.exec(select(SyncConflict).where(SyncConflict.status == "open")).one()
    # the field changes again (an officer's REST edit): the conflict is stale now
    officer = as_user("officer_a")
    assert client.patch(f"/api/members/{head}", json={"full_name": "Giàng A Pố"},
                        headers=officer).status_code == 200
    stale = client.post(f"/api/sync/conflicts/{conflict.id}/resolve",
                        json={"value": "Giàng A Páu"}, headers=officer)
    assert stale.status_code == 409 and stale.json()["code"] == "conflict_stale"
    assert client.post(f"/api/sync/conflicts/{conflict.id}/dismiss", json={"reason": " "},
                       headers=officer).status_code == 422
    done = client.post(f"/api/sync/conflicts/{conflict.id}/dismiss",
                       json={"reason": "Cán bộ đã sửa theo CCCD"}, headers=officer)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "dismissed"
    assert done.json()["resolution_note"] == "Cán bộ đã sửa theo CCCD"
    with Session(engine) as s:
        losers = s.exec(select(SyncLoser).where(SyncLoser.conflict_id == conflict.id)).all()
        assert [x.losing_value for x in losers] == ["Giàng A Páu"]
        assert losers[0].winning_value == "Giàng A Pố"
    again = client.post(f"/api/sync/conflicts/{conflict.id}/dismiss",
                        json={"reason": "lần hai"}, headers=officer)
    assert again.status_code == 409
