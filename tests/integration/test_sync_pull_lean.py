"""The lean pull (docs/protocol.md §5, lean view): closed dossiers the caller did not prepare
come as one short row, open and own dossiers whole, and a closed one can be fetched whole on
demand."""

from __future__ import annotations

from typing import Any

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


def pull_all(client: Any, headers: dict[str, str], view: str = "lean", limit: int = 200,
             cursor: str | None = None) -> dict[str, Any]:
    """Every page from `cursor`; returns {changes, closed, cursor, pages, reset}."""
    out: dict[str, Any] = {"changes": [], "closed": [], "pages": 0, "reset": False}
    while True:
        params: dict[str, Any] = {"limit": limit, "view": view}
        if cursor:
            params["cursor"] = cursor
        r = client.get("/api/sync/pull", params=params, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        out["changes"] += body["changes"]
        out["closed"] += body.get("closed", [])
        out["reset"] |= body.get("reset", False)
        out["pages"] += 1
        cursor = out["cursor"] = body["cursor"]
        if not body["more"]:
            return out


def village_with_dossiers(dev: SimDevice) -> tuple[str, str, str]:
    """A household, its head, one open (submitted) dossier and one withdrawn dossier."""
    hid, head, open_id, closed_id = new_uuid(), new_uuid(), new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    for did in (open_id, closed_id):
        dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                              "applicant_member_id": head})
    dev.mutate("dossier", open_id, "submit", submit_fields(), base=1)
    dev.mutate("dossier", closed_id, "transition", {"action": "withdraw"}, base=1)
    r = dev.push()
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"applied"}, r.text
    return hid, open_id, closed_id


def test_closed_dossiers_of_others_come_as_one_row(make_device: Any, client: Any,
                                                   as_user: Any) -> None:
    hid, open_id, closed_id = village_with_dossiers(make_device("vol_a1"))
    body = pull_all(client, as_user("officer_a"))
    whole = {(c["entity"], c["id"]) for c in body["changes"]}
    assert ("household", hid) in whole and ("dossier", open_id) in whole
    assert ("dossier", closed_id) not in whole
    (row,) = body["closed"]
    assert row == [closed_id, 2, hid, "khai-sinh", "withdrawn", None, None]
    # The full view is unchanged: every dossier whole, no `closed` key.
    full = client.get("/api/sync/pull", params={"limit": 200},
                      headers=as_user("officer_a")).json()
    assert "closed" not in full
    assert ("dossier", closed_id) in {(c["entity"], c["id"]) for c in full["changes"]}


def test_own_closed_dossiers_come_whole(make_device: Any, client: Any, as_user: Any) -> None:
    _hid, open_id, closed_id = village_with_dossiers(make_device("vol_a1"))
    body = pull_all(client, as_user("vol_a1"))
    assert body["closed"] == []
    dossiers = {c["id"]: c for c in body["changes"] if c["entity"] == "dossier"}
    assert set(dossiers) == {open_id, closed_id}
    assert dossiers[closed_id]["data"]["status"] == "withdrawn"


def test_a_closed_dossier_is_fetched_whole_on_demand(make_device: Any, client: Any,
                                                     as_user: Any) -> None:
    _hid, _open_id, closed_id = village_with_dossiers(make_device("vol_a1"))
    r = client.get(f"/api/sync/dossiers/{closed_id}", headers=as_user("officer_a"))
    assert r.status_code == 200, r.text
    change = r.json()
    assert change["entity"] == "dossier" and change["id"] == closed_id
    assert change["version"] == 2 and change["deleted"] is False
    assert change["data"]["status"] == "withdrawn"
    assert change["data"]["procedure_code"] == "khai-sinh" and "form_data" in change["data"]
    # Outside the caller's scope: refused; unknown: 404.
    assert client.get(f"/api/sync/dossiers/{closed_id}",
                      headers=as_user("vol_b1")).status_code == 403
    assert client.get(f"/api/sync/dossiers/{new_uuid()}",
                      headers=as_user("vol_a1")).status_code == 404


def test_a_dossier_that_closes_later_arrives_as_a_row_on_the_next_page(
        make_device: Any, client: Any, as_user: Any) -> None:
    dev = make_device("vol_a1")
    hid, head, did = new_uuid(), new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    assert dev.push().status_code == 200
    first = pull_all(client, as_user("officer_a"))
    assert did in {c["id"] for c in first["changes"]} and first["closed"] == []
    dev.mutate("dossier", did, "transition", {"action": "withdraw"}, base=1)
    assert dev.push().json()["results"][0]["status"] == "applied"
    later = pull_all(client, as_user("officer_a"), cursor=first["cursor"])
    assert later["changes"] == [] and later["reset"] is False
    assert [r[:5] for r in later["closed"]] == [[did, 2, hid, "khai-sinh", "withdrawn"]]


def test_switching_view_resets_and_bad_view_is_refused(make_device: Any, client: Any,
                                                       as_user: Any) -> None:
    village_with_dossiers(make_device("vol_a1"))
    full = client.get("/api/sync/pull", headers=as_user("officer_a")).json()
    switched = pull_all(client, as_user("officer_a"), cursor=full["cursor"])
    assert switched["reset"] is True and len(switched["closed"]) == 1
    r = client.get("/api/sync/pull", params={"view": "tiny"}, headers=as_user("officer_a"))
    assert r.status_code == 400 and r.json()["code"] == "bad_view"


def test_lean_pages_follow_the_cursor_without_loss(make_device: Any, client: Any,
                                                   as_user: Any) -> None:
    dev = make_device("vol_a1")
    made: set[str] = set()
    for _ in range(3):
        made |= set(village_with_dossiers(dev))
    body = pull_all(client, as_user("officer_a"), limit=2)
    got = {c["id"] for c in body["changes"] if c["entity"] in ("household", "dossier")}
    got |= {r[0] for r in body["closed"]}
    assert got == made and body["pages"] > 3


def test_closed_rows_weigh_a_quarter_and_superseded_versions_nothing(
        make_device: Any, client: Any, as_user: Any) -> None:
    dev = make_device("vol_a1")
    hid, head = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    closed = [new_uuid() for _ in range(3)]
    for did in closed:
        dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                              "applicant_member_id": head})
        dev.mutate("dossier", did, "transition", {"action": "withdraw"}, base=1)
    assert dev.push().status_code == 200
    # limit=1: a whole change fills a page; the three closed dossiers (six change rows, three of
    # them superseded) fit in one page at a quarter each.
    pages = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1, "view": "lean"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/sync/pull", params=params, headers=as_user("officer_a")).json()
        pages.append(([c["id"] for c in body["changes"]], [r[0] for r in body["closed"]]))
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert all(len(whole) <= 1 for whole, _ in pages)
    assert [rows for _, rows in pages if rows] == [closed]
    assert not set(closed) & {i for whole, _ in pages for i in whole}
