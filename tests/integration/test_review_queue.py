"""The review queue: scope, filters (status, procedure, village, volunteer, overdue, due soon,
conflict, duplicate), flags, sorting by due date and paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from backend.db.models import DossierAmendment, SyncConflict
from backend.lib.clock import new_id, utcnow
from backend.review.common import next_working
from tests.integration.test_review_world import (
    days,
    pin,
    rest_dossier,
    review_act,
    set_cccd,
    today,
)
from tests.support.factories import create_household
from tests.support.world import WORLD, user_id


def queue(client: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    r = client.get("/api/review/dossiers", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def ids(body: dict[str, Any]) -> set[str]:
    return {i["id"] for i in body["items"]}


def test_officer_sees_only_submitted_dossiers_of_the_commune(
    client: Any, as_user: Any
) -> None:
    a = rest_dossier(client, as_user)
    b = rest_dossier(client, as_user, "vol_b1", WORLD.village_b1)
    h = create_household(client, as_user("vol_a1"))
    draft = client.post("/api/dossiers/", json={"procedure_code": "khai-sinh",
                                                 "applicant_member_id": h["members"][0]["id"]},
                        headers=as_user("vol_a1")).json()["id"]
    assert ids(queue(client, as_user("officer_a"))) == {a}
    assert ids(queue(client, as_user("officer_b"))) == {b}
    assert ids(queue(client, as_user("admin"))) == {a, b}
    assert ids(queue(client, as_user("officer_a"), status="draft")) == {draft}
    r = client.get("/api/review/dossiers", params={"commune_id": WORLD.commune_b},
                   headers=as_user("officer_a"))
    assert r.status_code == 403


def test_volunteers_may_not_open_the_console(client: Any, as_user: Any) -> None:
    r = client.get("/api/review/dossiers", headers=as_user("vol_a1"))
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden_role"


def test_filters_by_status_procedure_village_and_volunteer(client: Any, as_user: Any) -> None:
    off = as_user("officer_a")
    a1 = rest_dossier(client, as_user)
    a2 = rest_dossier(client, as_user, "vol_a2", WORLD.village_a2, procedure="khai-tu")
    review_act(client, off, a1, "receive")
    assert ids(queue(client, off, status="processing")) == {a1}
    assert ids(queue(client, off, status="submitted")) == {a2}
    assert ids(queue(client, off, procedure_code="khai-tu")) == {a2}
    assert ids(queue(client, off, village_id=WORLD.village_a1)) == {a1}
    assert ids(queue(client, off, volunteer=user_id("vol_a2"))) == {a2}
    bad = client.get("/api/review/dossiers", params={"status": "nope"}, headers=off)
    assert bad.status_code == 400 and bad.json()["code"] == "bad_status"


def test_overdue_and_due_soon_flags_follow_the_due_date(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    late, soon, later, paused = (rest_dossier(client, as_user) for _ in range(4))
    for did in (late, soon, later, paused):
        assert review_act(client, off, did, "receive").status_code == 200
    review_act(client, off, paused, "request_supplement", "Thiếu giấy",
               items=[{"component_code": "giay-chung-sinh", "problem": "Thiếu"}])
    pin(engine, late, due_date=days(-1))
    pin(engine, soon, due_date=next_working(today()))
    pin(engine, later, due_date=days(30))
    pin(engine, paused, due_date=days(-5))  # the clock is paused: not overdue
    body = queue(client, off)
    flags = {i["id"]: i["flags"] for i in body["items"]}
    assert flags[late]["overdue"] and not flags[late]["due_soon"]
    assert flags[soon]["due_soon"] and not flags[soon]["overdue"]
    assert not flags[later]["overdue"] and not flags[later]["due_soon"]
    assert not flags[paused]["overdue"]
    assert ids(queue(client, off, overdue=True)) == {late}
    assert ids(queue(client, off, due_soon=True)) == {soon}
    # sorted by due date: the earliest first
    order = [i["id"] for i in body["items"]]
    assert order.index(paused) < order.index(late) < order.index(soon) < order.index(later)


def test_open_conflict_or_pending_amendment_flags_the_dossier(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    with_conflict, with_amendment, plain = (rest_dossier(client, as_user) for _ in range(3))
    now = utcnow()
    with Session(engine) as s:
        s.add(SyncConflict(id=new_id(), entity="dossier", entity_id=with_conflict,
                           field="form_data.child_full_name", base_value="A",
                           current_value="B", proposed_value="C", proposed_hlc="x",
                           commune_id=WORLD.commune_a, village_id=WORLD.village_a1,
                           created_at=now))
        s.add(DossierAmendment(id=new_id(), dossier_id=with_amendment, mutation_id=new_id(),
                               base_version=1, fields={"form_data": {}},
                               commune_id=WORLD.commune_a, village_id=WORLD.village_a1,
                               created_at=now))
        s.commit()
    assert ids(queue(client, off, has_conflict=True)) == {with_conflict, with_amendment}
    flags = {i["id"]: i["flags"] for i in queue(client, off)["items"]}
    assert not flags[plain]["has_conflict"]


def test_same_member_or_same_cccd_and_procedure_is_a_possible_duplicate(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    h = create_household(client, as_user("vol_a1"))
    person = h["members"][0]["id"]
    first = rest_dossier(client, as_user, applicant=person)
    second = rest_dossier(client, as_user, applicant=person)
    other_procedure = rest_dossier(client, as_user, applicant=person, procedure="khai-tu")
    # the same person recorded twice, in another household (same CCCD)
    h2 = create_household(client, as_user("vol_a2"), village_id=WORLD.village_a2,
                          head="Giàng A Páo", spouse="Lý Thị Mai")
    twin = h2["members"][0]["id"]
    set_cccd(engine, twin, h["members"][0]["cccd"])
    third = rest_dossier(client, as_user, "vol_a2", WORLD.village_a2, applicant=twin)
    unrelated = rest_dossier(client, as_user)
    assert ids(queue(client, off, possible_duplicate=True)) == {first, second, third}
    flags = {i["id"]: i["flags"] for i in queue(client, off)["items"]}
    assert not flags[other_procedure]["possible_duplicate"]
    assert not flags[unrelated]["possible_duplicate"]
    # a refused dossier no longer counts
    for did in (second, third):
        r = review_act(client, off, did, "refuse", "Trùng hồ sơ")
        assert r.status_code == 200, r.text
    assert ids(queue(client, off, possible_duplicate=True)) == set()
    view = client.get(f"/api/review/dossiers/{first}", headers=off).json()
    assert view["duplicates"] == []


def test_paging_is_bounded_and_reports_the_total(client: Any, as_user: Any) -> None:
    off = as_user("officer_a")
    made = {rest_dossier(client, as_user) for _ in range(3)}
    p1 = queue(client, off, page=1, page_size=2)
    p2 = queue(client, off, page=2, page_size=2)
    assert p1["total"] == 3 and len(p1["items"]) == 2 and len(p2["items"]) == 1
    assert ids(p1) | ids(p2) == made
    assert client.get("/api/review/dossiers", params={"page_size": 500},
                      headers=off).status_code == 400
