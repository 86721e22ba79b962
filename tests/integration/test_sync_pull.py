"""Pull: scoped, paginated, compressed changes after an opaque cursor; retention resets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from backend.db.models import Household
from backend.lib.clock import utcnow
from backend.sync_api.pull import prune
from tests.support.device import SimDevice, household_fields, make_device, new_uuid
from tests.support.factories import create_household
from tests.support.world import WORLD

__all__ = ["make_device"]


def households(dev: SimDevice, village: str, count: int) -> list[str]:
    ids = [new_uuid() for _ in range(count)]
    for hid in ids:
        dev.mutate("household", hid, "create", household_fields(village))
    assert dev.push().status_code == 200
    return ids


def pull_ids(client: Any, headers: dict[str, str], cursor: str | None = None,
             limit: int = 200) -> tuple[set[str], dict[str, Any]]:
    params: dict[str, Any] = {"limit": limit}
    if cursor:
        params["cursor"] = cursor
    r = client.get("/api/sync/pull", params=params, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    return {c["id"] for c in body["changes"]}, body


def test_pull_is_scoped_to_what_the_user_may_see(make_device: Any, client: Any,
                                                 as_user: Any) -> None:
    a1 = households(make_device("vol_a1"), WORLD.village_a1, 2)
    a2 = households(make_device("vol_a2"), WORLD.village_a2, 2)
    b1 = households(make_device("vol_b1"), WORLD.village_b1, 2)
    assert pull_ids(client, as_user("vol_a1"))[0] == set(a1)
    assert pull_ids(client, as_user("officer_a"))[0] == set(a1 + a2)
    assert pull_ids(client, as_user("officer_b"))[0] == set(b1)
    assert set(a1 + a2 + b1) <= pull_ids(client, as_user("admin"))[0]


def test_pages_follow_the_cursor_without_loss_or_duplicates(make_device: Any, client: Any,
                                                            as_user: Any) -> None:
    ids = households(make_device("vol_a1"), WORLD.village_a1, 7)
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        _got, body = pull_ids(client, as_user("vol_a1"), cursor, limit=3)
        seen.extend(c["id"] for c in body["changes"])
        cursor, pages = body["cursor"], pages + 1
        if not body["more"]:
            break
    assert sorted(seen) == sorted(ids) and pages == 3
    assert pull_ids(client, as_user("vol_a1"), cursor)[0] == set()


def test_change_carries_entity_version_and_data(make_device: Any) -> None:
    dev = make_device()
    hid = households(dev, WORLD.village_a1, 1)[0]
    dev.mutate("household", hid, "update", {"notes": "Ghi chú"}, base=1)
    dev.push()
    (change,) = dev.pull()
    assert change == {"entity": "household", "id": hid, "version": 2, "deleted": False,
                      "data": {"village_id": WORLD.village_a1,
                               "address": "Bản Nậm Khăn, xã Pu Sam Cáp",
                               "head_member_id": None, "notes": "Ghi chú", "members": []}}


def test_rest_edits_appear_in_pull(client: Any, as_user: Any) -> None:
    h = create_household(client, as_user("vol_a1"))
    ids, body = pull_ids(client, as_user("vol_a1"))
    assert {h["id"], *(m["id"] for m in h["members"])} <= ids
    r = client.patch(f"/api/households/{h['id']}", json={"notes": "Mới"},
                     headers=as_user("officer_a"))
    assert r.status_code == 200
    ids2, body2 = pull_ids(client, as_user("vol_a1"), body["cursor"])
    assert ids2 == {h["id"]}
    assert body2["changes"][0]["data"]["notes"] == "Mới"


def test_records_written_outside_the_services_are_backfilled_for_a_full_pull(
    client: Any, as_user: Any, engine: Engine
) -> None:
    hid = new_uuid()
    now = utcnow()
    with Session(engine) as s:  # like the CSV import or the demo seed
        s.add(Household(id=hid, village_id=WORLD.village_a1, commune_id=WORLD.commune_a,
                        address="Nhập từ CSV", created_at=now, updated_at=now))
        s.commit()
    assert hid in pull_ids(client, as_user("vol_a1"))[0]


def test_responses_are_gzip_compressed(make_device: Any, client: Any, as_user: Any) -> None:
    households(make_device("vol_a1"), WORLD.village_a1, 5)
    r = client.get("/api/sync/pull", headers=dict(as_user("vol_a1"),
                                                  **{"Accept-Encoding": "gzip"}))
    assert r.headers.get("content-encoding") == "gzip"


def test_malformed_cursor_and_limit_are_refused(client: Any, as_user: Any) -> None:
    r = client.get("/api/sync/pull", params={"cursor": "not-a-cursor"}, headers=as_user("vol_a1"))
    assert r.status_code == 400 and r.json()["code"] == "bad_cursor"
    r = client.get("/api/sync/pull", params={"limit": 0}, headers=as_user("vol_a1"))
    assert r.status_code == 400 and r.json()["code"] == "bad_limit"


def test_cursor_older_than_retention_horizon_resets_to_a_full_resync(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    hid = households(dev, WORLD.village_a1, 1)[0]
    _, first = pull_ids(client, as_user("vol_a1"))
    old_cursor = first["cursor"]
    for i in range(3):
        dev.mutate("household", hid, "update", {"notes": f"lần {i}"}, base=i + 1)
    dev.push()
    with Session(engine) as s:
        assert prune(s, utcnow() + timedelta(days=365)) >= 1
    ids, body = pull_ids(client, as_user("vol_a1"), old_cursor)
    assert body.get("reset") is True
    assert hid in ids  # the full resync still yields every entity's latest version
    assert body["changes"][[c["id"] for c in body["changes"]].index(hid)]["version"] == 4


def test_cursor_issued_for_another_scope_resets(make_device: Any, client: Any,
                                                as_user: Any) -> None:
    households(make_device("vol_a1"), WORLD.village_a1, 1)
    _, body = pull_ids(client, as_user("vol_a1"))
    _, other = pull_ids(client, as_user("vol_a2"), body["cursor"])
    assert other.get("reset") is True
