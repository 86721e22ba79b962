"""Households and members: creation, validation, accent-insensitive search, CSV import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.support.factories import cccd_for, create_household, member
from tests.support.world import WORLD

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_volunteer_creates_household_with_members(client: TestClient[Any], as_user: Any) -> None:
    h = create_household(client, as_user("vol_a1"))
    assert h["head_name"] == "Giàng A Páo"
    assert [m["relationship"] for m in h["members"]] == ["chu_ho", "vo"]
    fetched = client.get(f"/api/households/{h['id']}", headers=as_user("vol_a1")).json()
    assert fetched["id"] == h["id"]
    assert fetched["members"][0]["phone"] == "0912345678"


def test_search_ignores_accents_and_d_stroke(client: TestClient[Any], as_user: Any) -> None:
    headers = as_user("vol_a1")
    create_household(client, headers, head="Nguyễn Văn An", spouse="Đỗ Thị Lan")
    create_household(client, headers, head="Lò Văn Sươi", spouse="Vàng Thị Mai")
    for query, expected in [
        ("nguyen van an", "Nguyễn Văn An"),
        ("NGUYEN", "Nguyễn Văn An"),
        ("do thi lan", "Nguyễn Văn An"),
        ("đỗ", "Nguyễn Văn An"),
        ("suoi", "Lò Văn Sươi"),
        # prefixes of words, not substrings: "an" is in "Bản", "Nậm", "Khăn" of both addresses
        ("an", "Nguyễn Văn An"),
    ]:
        body = client.get("/api/households/", params={"q": query}, headers=headers).json()
        assert [i["head_name"] for i in body["items"]] == [expected], query
    assert client.get("/api/households/", params={"q": "khong co"}, headers=headers).json()["total"] == 0


def test_bad_cccd_and_phone_are_refused_with_field_errors(
    client: TestClient[Any], as_user: Any
) -> None:
    headers = as_user("vol_a1")
    h = create_household(client, headers)
    bad = member("Giàng A Chứ", "con", 1995, "male")
    bad["cccd"] = cccd_for(1995, "female")  # sex digit contradicts the stated sex
    bad["phone"] = "0123456789"  # 012 is not a mobile prefix since 2018
    response = client.post(f"/api/households/{h['id']}/members", json=bad, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_fields"
    fields = {e["field"]: e["code"] for e in body["errors"]}
    assert fields["cccd"] == "century_sex_mismatch"
    assert fields["phone"] == "bad_phone_prefix"
    # nothing was written
    again = client.get(f"/api/households/{h['id']}", headers=headers).json()
    assert len(again["members"]) == 2


def test_member_update_bumps_version_and_normalises(client: TestClient[Any], as_user: Any) -> None:
    headers = as_user("vol_a1")
    h = create_household(client, headers)
    head = h["members"][0]
    response = client.patch(
        f"/api/members/{head['id']}", json={"phone": "+84 386 123 456"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "0386123456"
    assert response.json()["version"] == head["version"] + 1


def test_household_needs_exactly_one_head(client: TestClient[Any], as_user: Any) -> None:
    body = {
        "village_id": WORLD.village_a1,
        "address": "Bản A",
        "members": [member("A", "vo", 1990, "female"), member("B", "con", 2015, "male")],
    }
    response = client.post("/api/households/", json=body, headers=as_user("vol_a1"))
    assert response.status_code == 422
    assert response.json()["code"] == "one_head_required"


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


GOOD_CSV = (
    "household_ref,village_code,address,full_name,date_of_birth,sex,cccd,phone,relationship,ethnicity\n"
    f"H1,A1,Bản A Một,Giàng A Páo,1990-05-12,nam,{cccd_for(1990, 'male')},0912345678,chủ hộ,Mông\n"
    f"H1,A1,,Vàng Thị Dính,14/02/1993,nữ,{cccd_for(1993, 'female', tail=654321)},,vợ,Mông\n"
    "H2,A2,Bản A Hai,Lò Văn Sươi,1980-01-01,nam,,,chủ hộ,Thái\n"
)


def test_officer_imports_a_good_csv(client: TestClient[Any], as_user: Any) -> None:
    headers = {**as_user("officer_a"), "content-type": "text/csv"}
    response = client.post("/api/households/import", content=_csv(GOOD_CSV), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json() == {"imported_households": 2, "imported_members": 3}
    listed = client.get("/api/households/", params={"q": "giang a pao"}, headers=headers).json()
    assert listed["total"] == 1


def test_csv_with_one_bad_row_imports_nothing_and_names_the_row(
    client: TestClient[Any], as_user: Any
) -> None:
    bad = GOOD_CSV + "H3,A1,Bản A Một,Người Sai,2090-01-01,nam,12345,,chủ hộ,Mông\n"
    headers = {**as_user("officer_a"), "content-type": "text/csv"}
    response = client.post("/api/households/import", content=_csv(bad), headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "csv_rejected"
    rows = {e["row"] for e in body["errors"]}
    assert rows == {5}
    assert {e["column"] for e in body["errors"]} >= {"date_of_birth", "cccd"}
    assert client.get("/api/households/", headers=headers).json()["total"] == 0


def test_csv_fixture_with_bad_rows_lists_each(client: TestClient[Any], as_user: Any) -> None:
    headers = {**as_user("officer_a"), "content-type": "text/csv"}
    data = (FIXTURES / "households_bad.csv").read_bytes()
    response = client.post("/api/households/import", content=data, headers=headers)
    assert response.status_code == 422
    assert len({e["row"] for e in response.json()["errors"]}) >= 3
    assert client.get("/api/households/", headers=headers).json()["total"] == 0


def test_csv_repeating_a_registered_cccd_is_refused(client: TestClient[Any], as_user: Any) -> None:
    headers = {**as_user("officer_a"), "content-type": "text/csv"}
    assert client.post("/api/households/import", content=_csv(GOOD_CSV), headers=headers).status_code == 201
    again = client.post("/api/households/import", content=_csv(GOOD_CSV), headers=headers)
    assert again.status_code == 422
    assert {e["code"] for e in again.json()["errors"]} == {"cccd_already_registered"}


def test_imported_households_reach_devices_that_already_synced(
    client: TestClient[Any], as_user: Any, make_device: Any
) -> None:
    device = make_device("vol_a1")
    device.pull()  # the device now holds a cursor
    headers = {**as_user("officer_a"), "content-type": "text/csv"}
    assert client.post("/api/households/import", content=_csv(GOOD_CSV), headers=headers).status_code == 201
    changes = device.pull()
    names = {c["data"].get("full_name") for c in changes if c["entity"] == "member"}
    # village A1 only: the volunteer of A1 gets the two members of H1, not H2's (village A2)
    assert names == {"Giàng A Páo", "Vàng Thị Dính"}
