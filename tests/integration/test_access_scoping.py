"""Every resource of commune A is refused to users of commune B (and to volunteers of
other villages). Refusals are 403 problem+json, never data."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.support.factories import member


def _requests(a: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    hid, mid, did = a["household"]["id"], a["member"]["id"], a["dossier"]["id"]
    return [
        ("GET", f"/api/households/{hid}", None),
        ("PATCH", f"/api/households/{hid}", {"notes": "x"}),
        ("POST", f"/api/households/{hid}/members", member("Người Lạ", "con", 2015, "male")),
        ("GET", f"/api/members/{mid}", None),
        ("PATCH", f"/api/members/{mid}", {"notes": "x"}),
        ("GET", f"/api/dossiers/{did}", None),
        ("GET", f"/api/dossiers/{did}/audit", None),
        ("POST", f"/api/dossiers/{did}/actions", {"action": "withdraw", "reason": "thử"}),
        ("POST", "/api/dossiers/", {"procedure_code": "khai-sinh", "applicant_member_id": mid}),
    ]


@pytest.mark.parametrize("outsider", ["officer_b", "vol_b1", "vol_a2"])
def test_outsiders_are_refused_every_resource(
    client: TestClient[Any], as_user: Any, commune_a: dict[str, Any], outsider: str
) -> None:
    headers = as_user(outsider)
    for method, path, body in _requests(commune_a):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (outsider, method, path, response.text)
        assert response.json()["code"] in {"forbidden", "volunteers_only", "forbidden_role"}
    # lists never leak: filtered to nothing rather than refused
    assert client.get("/api/households/", headers=headers).json()["total"] == 0
    assert client.get("/api/dossiers/", headers=headers).json()["total"] == 0
    villages = {v["code"] for v in client.get("/api/units/villages", headers=headers).json()}
    assert "A1" not in villages


def test_insiders_can_read(client: TestClient[Any], as_user: Any, commune_a: dict[str, Any]) -> None:
    hid = commune_a["household"]["id"]
    for insider in ("vol_a1", "officer_a", "admin"):
        # No open dossier: outside the officer's queue, so a reason goes with the read.
        headers = {**as_user(insider), "X-Access-Reason": "kiem%20tra"}
        assert client.get(f"/api/households/{hid}", headers=headers).status_code == 200
    assert client.get("/api/households/", headers=as_user("officer_a")).json()["total"] == 1


def test_volunteer_cannot_create_household_in_another_village(
    client: TestClient[Any], as_user: Any
) -> None:
    from tests.support.world import WORLD

    body = {"village_id": WORLD.village_b1, "address": "Bản B", "members": []}
    response = client.post("/api/households/", json=body, headers=as_user("vol_a1"))
    assert response.status_code == 403


def test_officer_b_import_lands_in_commune_b_only(client: TestClient[Any], as_user: Any) -> None:
    csv = (
        "household_ref,village_code,address,full_name,date_of_birth,sex,cccd,phone,relationship,ethnicity\n"
        "H1,A1,Bản A Một,Giàng A Páo,1990-05-12,nam,,,chủ hộ,Mông\n"
    )
    headers = {**as_user("officer_b"), "content-type": "text/csv"}
    response = client.post("/api/households/import", content=csv.encode(), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_village"
