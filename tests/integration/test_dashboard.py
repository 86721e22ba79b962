"""Dashboard figures, CSV exports, device sync-health reports and satisfaction ratings."""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import (
    CitizenRating,
    Device,
    Dossier,
    DossierEvent,
    DossierRevision,
    Household,
    Member,
    Rating,
    Village,
)
from backend.monitoring.csv_export import safe_cell
from backend.monitoring.ratings import RatingRefused, apply_rating
from tests.support.world import WORLD, user_id

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


@dataclass
class Made:
    dossier_id: str
    household_id: str
    applicant_id: str
    head_id: str
    wife_id: str


def make_dossier(
    engine: Engine,
    *,
    village: str = WORLD.village_a1,
    commune: str = WORLD.commune_a,
    volunteer: str = "vol_a1",
    status: str = "processing",
    code: str | None = None,
    phone: str | None = "0912345678",
    received_at: datetime | None = None,
    due: date | None = None,
    done_at: datetime | None = None,
    submission: dict[str, Any] | None = None,
    form_data: dict[str, Any] | None = None,
    created_at: datetime = NOW - timedelta(days=10),
) -> Made:
    """A dossier written straight to the database (with household, members, audit events and
    optionally a first signed revision), so figures can be set up precisely."""
    hid, head, wife, did = (str(uuid.uuid4()) for _ in range(4))
    with Session(engine) as s:
        s.add(Household(id=hid, village_id=village, commune_id=commune,
                        address="Bản Nà Phạ, xã Pu Sam Cáp", head_member_id=head,
                        created_at=created_at, updated_at=created_at))
        s.flush()
        s.add(Member(id=head, household_id=hid, village_id=village, commune_id=commune,
                     full_name="Lò Văn Pọm", relationship="chu_ho", sex="male", phone=phone,
                     date_of_birth=date(1990, 2, 3), ethnicity="Thái",
                     created_at=created_at, updated_at=created_at))
        s.add(Member(id=wife, household_id=hid, village_id=village, commune_id=commune,
                     full_name="Lò Thị Ín", relationship="vo", sex="female",
                     date_of_birth=date(1993, 5, 6), ethnicity="Thái",
                     created_at=created_at, updated_at=created_at))
        s.flush()
        s.add(Dossier(id=did, procedure_code="khai-sinh", procedure_version=1,
                      applicant_member_id=head, household_id=hid, village_id=village,
                      commune_id=commune, prepared_by=user_id(volunteer), status=status,
                      official_code=code, received_at=received_at, due_date=due,
                      form_data=form_data or {}, created_at=created_at,
                      updated_at=created_at))
        s.flush()
        s.add(DossierEvent(dossier_id=did, action="create", to_status="draft",
                           actor_id=user_id(volunteer), actor_role="volunteer", at=created_at))
        if received_at is not None:
            s.add(DossierEvent(dossier_id=did, action="receive", from_status="submitted",
                               to_status="received", actor_role="officer", at=received_at))
        if done_at is not None:
            s.add(DossierEvent(dossier_id=did, action="approve", from_status="processing",
                               to_status="done", actor_role="officer", at=done_at))
        if submission is not None:
            payload = json.dumps({"entity": "dossier", "entity_id": did, "op": "submit",
                                  "fields": submission})
            s.add(DossierRevision(hash=uuid.uuid4().hex * 2, dossier_id=did, number=1,
                                  kind="submit", mutation_id=str(uuid.uuid4()),
                                  device_id=str(uuid.uuid4()), payload=payload, sig="x",
                                  created_at=created_at))
        s.commit()
    return Made(did, hid, head, head, wife)


def make_device(engine: Engine, username: str, commune: str | None = WORLD.commune_a,
                revoked: bool = False, last_push_at: datetime | None = None) -> str:
    did = str(uuid.uuid4())
    with Session(engine) as s:
        s.add(Device(id=did, user_id=user_id(username), commune_id=commune, alg="Ed25519",
                     public_key=uuid.uuid4().hex, key_id=did[:8], label=f"máy {username}",
                     created_at=NOW - timedelta(days=30), last_push_at=last_push_at,
                     revoked_at=NOW if revoked else None))
        s.commit()
    return did


def rate(engine: Engine, dossier_id: str, value: str, username: str = "vol_a1",
         comment: str | None = None, by: str | None = None) -> tuple[str, int]:
    fields: dict[str, Any] = {"dossier_id": dossier_id, "rating": value,
                              "rated_at": "2026-03-01T09:00:00+07:00"}
    if by is not None:
        fields["by"] = by
    if comment is not None:
        fields["comment"] = comment
    with Session(engine) as s:
        result = apply_rating(s, user_id(username), str(uuid.uuid4()), fields, NOW)
        s.commit()
    return result


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("backend.monitoring.routes",):
        monkeypatch.setattr(f"{module}.utcnow", lambda: NOW)


def board(client: TestClient[Any], headers: dict[str, str], **params: Any) -> dict[str, Any]:
    r = client.get("/api/monitoring/dashboard", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


# --- figures ------------------------------------------------------------------------------


def test_dashboard_counts_statuses_on_time_fill_time_prefill_and_satisfaction(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    recv = NOW - timedelta(days=9)
    due = date(2026, 2, 25)
    early = make_dossier(engine, status="done", received_at=recv, due=due,
                         done_at=datetime(2026, 2, 24, 3, tzinfo=UTC),
                         submission={"fill_seconds": 200})
    ontime = make_dossier(engine, status="result_returned", received_at=recv, due=due,
                          done_at=datetime(2026, 2, 25, 9, tzinfo=UTC),  # 16:00 local
                          submission={"fill_seconds": 400})
    make_dossier(engine, status="done", received_at=recv, due=due, village=WORLD.village_a2,
                 volunteer="vol_a2", done_at=datetime(2026, 2, 26, 1, tzinfo=UTC),
                 submission={"fill_seconds": 250})
    make_dossier(engine, status="processing", received_at=recv, due=date(2026, 2, 27))
    make_dossier(engine, status="draft")
    make_dossier(engine, village=WORLD.village_b1, commune=WORLD.commune_b, volunteer="vol_b1",
                 status="done", received_at=recv, due=due, done_at=recv)
    rate(engine, early.dossier_id, "very_satisfied", by="citizen")
    rate(engine, ontime.dossier_id, "not_satisfied", comment="Chờ lâu", by="citizen")
    rate(engine, ontime.dossier_id, "very_satisfied")  # the volunteer's own view, apart

    body = board(client, as_user("officer_a"))
    totals = body["totals"]
    assert body["scope"]["commune_id"] == WORLD.commune_a
    assert totals["dossiers"] == 5
    assert totals["by_status"]["done"] == 2
    assert totals["by_status"]["result_returned"] == 1
    assert totals["by_status"]["draft"] == 1
    assert totals["on_time"] == {"finished": 3, "before": 1, "on": 1, "after": 1,
                                 "open_overdue": 1, "rate": 0.6667}
    assert totals["fill_time"]["count"] == 3
    assert totals["fill_time"]["median_seconds"] == 250
    assert totals["fill_time"]["within_target"] == 2
    assert totals["fill_time"]["meets_target"] is True
    assert totals["satisfaction"]["ratings"] == 2
    assert totals["satisfaction"]["rate"] == 0.5
    assert totals["satisfaction"]["meets_target"] is False
    assert totals["satisfaction"]["by_channel"] == {"device": 2, "web": 0}
    assert totals["satisfaction_volunteer"]["ratings"] == 1
    assert totals["satisfaction_volunteer"]["rate"] == 1.0
    villages = {v["village_id"]: v for v in body["by_village"]}
    assert villages[WORLD.village_a2]["dossiers"] == 1
    assert villages[WORLD.village_a2]["on_time"]["after"] == 1
    assert villages[WORLD.village_a1]["name"] == "Bản A Một"
    volunteers = {v["volunteer_id"]: v for v in body["by_volunteer"]}
    assert volunteers[user_id("vol_a1")]["dossiers"] == 4
    assert volunteers[user_id("vol_a1")]["fill_time"]["median_seconds"] == 300
    assert user_id("vol_b1") not in volunteers


def test_fill_time_is_null_with_count_zero_when_no_submission_carries_it(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    make_dossier(engine, status="submitted", submission={})
    make_dossier(engine, status="processing")
    fill = board(client, as_user("officer_a"))["totals"]["fill_time"]
    assert fill["count"] == 0
    assert fill["median_seconds"] is None
    assert fill["meets_target"] is None
    assert fill["target_seconds"] == 300


def test_prefill_share_uses_submission_counts_or_else_the_catalogue_prefill_mapping(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    made = make_dossier(engine, status="submitted", submission={"fill_seconds": 100})
    with Session(engine) as s:
        d = s.get(Dossier, made.dossier_id)
        assert d is not None
        d.form_data = {
            "child_full_name": "Lò Văn Khoa", "child_sex": "male",  # typed
            "mother_member": made.wife_id, "mother_full_name": "Lò Thị Ín",
            "mother_residence": "Bản Nà Phạ, xã Pu Sam Cáp",
            "father_member": made.head_id, "father_full_name": "Lò Văn Pọm",
        }
        s.add(d)
        s.commit()
    prefill = board(client, as_user("officer_a"))["totals"]["prefill"]
    assert prefill == {"dossiers": 1, "prefilled_fields": 5, "total_fields": 7,
                       "share": round(5 / 7, 4), "target": 0.5, "meets_target": True,
                       "source": "computed",
                       "saved_back": {"members_added": 0, "members_confirmed": 0}}
    make_dossier(engine, status="submitted",
                 submission={"fill_seconds": 90, "prefilled_fields": 1, "total_fields": 13})
    prefill = board(client, as_user("officer_a"))["totals"]["prefill"]
    assert prefill["prefilled_fields"] == 6
    assert prefill["total_fields"] == 20
    assert prefill["share"] == 0.3
    assert prefill["meets_target"] is False
    assert prefill["source"] == "mixed"


def test_date_and_village_filters_narrow_the_figures(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    make_dossier(engine, created_at=datetime(2026, 2, 1, 1, tzinfo=UTC))
    make_dossier(engine, created_at=datetime(2026, 2, 20, 1, tzinfo=UTC))
    make_dossier(engine, village=WORLD.village_a2, volunteer="vol_a2",
                 created_at=datetime(2026, 2, 20, 1, tzinfo=UTC))
    headers = as_user("officer_a")
    assert board(client, headers, **{"from": "2026-02-10"})["totals"]["dossiers"] == 2
    assert board(client, headers, **{"to": "2026-02-01"})["totals"]["dossiers"] == 1
    assert board(client, headers, village_id=WORLD.village_a2)["totals"]["dossiers"] == 1
    assert board(client, headers, volunteer_id=user_id("vol_a1"))["totals"]["dossiers"] == 2
    r = client.get("/api/monitoring/dashboard", params={"from": "2026-03-01", "to": "2026-02-01"},
                   headers=headers)
    assert r.status_code == 400
    assert r.json()["code"] == "bad_date_range"


def test_admin_sees_every_commune_or_one(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    make_dossier(engine)
    make_dossier(engine, village=WORLD.village_b1, commune=WORLD.commune_b, volunteer="vol_b1")
    headers = as_user("admin")
    assert board(client, headers)["totals"]["dossiers"] == 2
    assert board(client, headers, commune_id=WORLD.commune_b)["totals"]["dossiers"] == 1
    r = client.get("/api/monitoring/dashboard", params={"commune_id": "00000"}, headers=headers)
    assert r.status_code == 404


@pytest.mark.parametrize("path", ["/api/monitoring/dashboard", "/api/monitoring/dashboard.csv",
                                  "/api/monitoring/dossiers.csv"])
def test_officer_of_another_commune_and_volunteers_are_refused(
    client: TestClient[Any], engine: Engine, as_user: Any, path: str
) -> None:
    make_dossier(engine)
    a = as_user("officer_a")
    for params in ({"commune_id": WORLD.commune_b}, {"village_id": WORLD.village_b1},
                   {"volunteer_id": user_id("vol_b1")}):
        r = client.get(path, params=params, headers=a)
        assert r.status_code == 403, (params, r.text)
    assert client.get(path, headers=as_user("vol_a1")).status_code == 403
    assert client.get(path).status_code == 401
    b = client.get(path, headers=as_user("officer_b"))
    assert b.status_code == 200
    if path.endswith("dashboard"):
        assert b.json()["totals"]["dossiers"] == 0


# --- CSV -------------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_cells_that_look_like_formulas_are_neutralised() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    for lead in ("+", "-", "@", "\t", "\r"):
        assert safe_cell(lead + "1") == "'" + lead + "1"
    assert safe_cell("Bản Nà Phạ") == "Bản Nà Phạ"
    assert safe_cell(5) == "5"
    assert safe_cell(None) == ""


def test_dossier_list_csv_has_bom_bilingual_header_and_safe_village_names(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    recv = NOW - timedelta(days=9)
    make_dossier(engine, status="done", code="000.99.01.H99-260221-0001", received_at=recv,
                 due=date(2026, 2, 25), done_at=datetime(2026, 2, 24, 3, tzinfo=UTC))
    with Session(engine) as s:
        village = s.get(Village, WORLD.village_a1)
        assert village is not None
        original = village.name
        village.name = "=cmd|' /C calc'!A0"
        s.add(village)
        s.commit()
    try:
        r = client.get("/api/monitoring/dossiers.csv", headers=as_user("officer_a"))
    finally:
        with Session(engine) as s:
            village = s.get(Village, WORLD.village_a1)
            assert village is not None
            village.name = original
            s.add(village)
            s.commit()
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert rows[0][0] == "Mã hồ sơ / Code"
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Mã hồ sơ / Code"] == "000.99.01.H99-260221-0001"
    assert row["Thôn / Village"] == "'=cmd|' /C calc'!A0"
    assert row["Tên thủ tục / Procedure name"]
    assert row["Ngày có kết quả / Finished"] == "2026-02-24"
    assert row["Hạn giải quyết / Due"] == "2026-02-25"
    assert row["Đúng hạn / On time"] == "before"
    assert row["Tên trạng thái / Status label"] == "Đã có kết quả"


def test_dashboard_csv_lists_the_figures(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    make_dossier(engine, status="submitted", submission={"fill_seconds": 120})
    r = client.get("/api/monitoring/dashboard.csv", headers=as_user("officer_a"))
    assert r.status_code == 200
    rows = read_csv(r.content)
    figures = {(row[0], row[3]): row for row in rows[1:]}
    assert figures[("total", "dossiers")][4] == "1"
    assert figures[("total", "fill_time.median_seconds")][4:] == ["120.0", "300"]
    assert figures[("total", "satisfaction.rate")][4:] == ["", "0.95"]
    assert ("village", "dossiers") in figures
    assert ("sync_health", "devices") in figures


# --- device sync health ----------------------------------------------------------------------


def test_devices_report_their_outbox_and_the_dashboard_shows_the_oldest_pending(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    mine = make_device(engine, "vol_a1", last_push_at=NOW - timedelta(hours=2))
    other = make_device(engine, "vol_a2")
    make_device(engine, "vol_b1", commune=WORLD.commune_b)
    make_device(engine, "vol_a1", revoked=True)
    oldest = (NOW - timedelta(hours=30)).isoformat()
    r = client.post("/api/monitoring/device-health", headers=as_user("vol_a1"),
                    json={"device_id": mine, "pending": 4, "oldest_pending_at": oldest})
    assert r.status_code == 200, r.text
    assert r.json()["pending"] == 4
    r = client.post("/api/monitoring/device-health", headers=as_user("vol_a2"),
                    json={"device_id": other, "pending": 0})
    assert r.status_code == 200, r.text
    health = board(client, as_user("officer_a"))["sync_health"]
    assert health["devices"] == 2
    assert health["devices_with_pending"] == 1
    assert health["pending_total"] == 4
    assert health["oldest_pending_age_seconds"] == 30 * 3600
    item = next(i for i in health["items"] if i["device_id"] == mine)
    assert item["last_push_at"] == "2026-03-02T01:00:00Z"
    assert item["volunteer_name"] == "Vol A1"
    one = board(client, as_user("officer_a"), volunteer_id=user_id("vol_a2"))["sync_health"]
    assert one["devices"] == 1 and one["devices_with_pending"] == 0


def test_device_health_is_accepted_only_from_the_devices_own_user(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    mine = make_device(engine, "vol_a1")
    revoked = make_device(engine, "vol_a1", revoked=True)
    body = {"device_id": mine, "pending": 1, "oldest_pending_at": NOW.isoformat()}
    assert client.post("/api/monitoring/device-health", json=body,
                       headers=as_user("vol_b1")).status_code == 403
    assert client.post("/api/monitoring/device-health", json=body,
                       headers=as_user("officer_a")).status_code == 403
    r = client.post("/api/monitoring/device-health", headers=as_user("vol_a1"),
                    json={"device_id": revoked, "pending": 0})
    assert r.status_code == 403 and r.json()["code"] == "device_revoked"
    r = client.post("/api/monitoring/device-health", headers=as_user("vol_a1"),
                    json={"device_id": mine, "pending": 3})
    assert r.status_code == 422 and r.json()["code"] == "oldest_required"
    r = client.post("/api/monitoring/device-health", headers=as_user("vol_a1"),
                    json={"device_id": str(uuid.uuid4()), "pending": 0})
    assert r.status_code == 404


# --- ratings ---------------------------------------------------------------------------------


def test_a_rating_is_stored_once_per_dossier_and_a_second_is_a_conflict(engine: Engine,
                                                                        clean_db: Engine) -> None:
    made = make_dossier(engine, status="result_returned")
    assert rate(engine, made.dossier_id, "satisfied", comment="  Cán bộ nhiệt tình  ") == (
        "applied", 1)
    with Session(engine) as s:
        stored = s.exec(select(Rating).where(Rating.dossier_id == made.dossier_id)).one()
        assert stored.comment == "Cán bộ nhiệt tình"
        assert stored.village_id == WORLD.village_a1
        assert stored.rated_at == datetime(2026, 3, 1, 2, tzinfo=UTC)
    with pytest.raises(RatingRefused) as err:
        rate(engine, made.dossier_id, "very_satisfied")
    assert err.value.code == "rating_exists"
    assert err.value.status == "conflict"


def test_a_rating_is_refused_before_the_result_and_outside_the_volunteers_villages(
    engine: Engine, clean_db: Engine
) -> None:
    early = make_dossier(engine, status="processing")
    with pytest.raises(RatingRefused) as err:
        rate(engine, early.dossier_id, "satisfied")
    assert err.value.code == "rating_too_early"
    done = make_dossier(engine, status="done")
    with pytest.raises(RatingRefused) as err:
        rate(engine, done.dossier_id, "satisfied", username="vol_b1")
    assert err.value.code == "forbidden"
    with pytest.raises(RatingRefused) as err:
        rate(engine, done.dossier_id, "satisfied", username="vol_a2")
    assert err.value.code == "forbidden"


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"rating": "ok"}, "rating"),
        ({"comment": "x" * 501}, "comment"),
        ({"rated_at": "2026-03-01T09:00:00"}, "rated_at"),
        ({"rated_at": "2027-01-01T00:00:00Z"}, "rated_at"),
        ({"dossier_id": "not-a-uuid"}, "dossier_id"),
        ({"stars": 5}, "stars"),
        ({"by": "officer"}, "by"),
    ],
)
def test_a_rating_with_bad_fields_names_the_field(engine: Engine, clean_db: Engine,
                                                  fields: dict[str, Any], field_name: str) -> None:
    done = make_dossier(engine, status="done")
    base = {"dossier_id": done.dossier_id, "rating": "satisfied",
            "rated_at": "2026-03-01T09:00:00+07:00"}
    with Session(engine) as s, pytest.raises(RatingRefused) as err:
        apply_rating(s, user_id("vol_a1"), str(uuid.uuid4()), {**base, **fields}, NOW)
    assert err.value.field == field_name
    with Session(engine) as s:
        assert s.exec(select(Rating)).first() is None


def test_a_rating_syncs_as_a_signed_mutation_and_a_second_one_is_a_conflict(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    from tests.support.device import SimDevice

    done = make_dossier(engine, status="result_returned")
    device = SimDevice(client, as_user("vol_a1"))
    device.enrol(user_id("vol_a1"))
    fields = {"dossier_id": done.dossier_id, "rating": "very_satisfied",
              "comment": "Nhanh gọn", "rated_at": "2026-03-01T09:00:00+07:00"}
    first = device.mutate("rating", str(uuid.uuid4()), "create", fields)
    second = device.mutate("rating", str(uuid.uuid4()), "create", {**fields, "rating": "satisfied"})
    r = device.push()
    assert r.status_code == 200, r.text
    results = {res["id"]: res for res in r.json()["results"]}
    assert results[first.id]["status"] == "applied"
    assert results[second.id]["status"] == "conflict"
    assert results[second.id]["code"] == "rating_exists"
    totals = board(client, as_user("officer_a"))["totals"]
    assert totals["satisfaction_volunteer"]["ratings"] == 1
    assert totals["satisfaction_volunteer"]["very_satisfied"] == 1
    assert totals["satisfaction"]["ratings"] == 0  # no citizen has rated yet
    # the citizen, handed the phone, rates too: stored apart, counted for the target
    citizen = device.mutate("rating", str(uuid.uuid4()), "create",
                            {**fields, "rating": "satisfied", "by": "citizen"})
    again = device.mutate("rating", str(uuid.uuid4()), "create",
                          {**fields, "rating": "not_satisfied", "by": "citizen"})
    results = {res["id"]: res for res in device.push().json()["results"]}
    assert results[citizen.id]["status"] == "applied"
    assert results[again.id]["status"] == "conflict"
    with Session(engine) as s:
        [row] = s.exec(select(CitizenRating)).all()
        assert (row.rating, row.channel, row.device_user_id) == (
            "satisfied", "device", user_id("vol_a1"))
    totals = board(client, as_user("officer_a"))["totals"]
    assert totals["satisfaction"]["ratings"] == 1
    assert totals["satisfaction"]["by_channel"] == {"device": 1, "web": 0}


def test_reuse_counts_the_members_dossiers_gave_back_to_their_household(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    """A newborn added with its birth registration counts as saved back; confirmed once the
    result is issued (status active). A member from another commune does not count."""
    made = make_dossier(engine, status="processing")
    other = make_dossier(engine, village=WORLD.village_b1, commune=WORLD.commune_b,
                         volunteer="vol_b1")
    with Session(engine) as s:
        for dossier, status, village, commune, hid in (
            (made, "pending_birth", WORLD.village_a1, WORLD.commune_a, made.household_id),
            (made, "active", WORLD.village_a1, WORLD.commune_a, made.household_id),
            (other, "pending_birth", WORLD.village_b1, WORLD.commune_b, other.household_id),
        ):
            s.add(Member(id=str(uuid.uuid4()), household_id=hid, village_id=village,
                         commune_id=commune, full_name="Lò Văn Khoa", relationship="con",
                         status=status, source_dossier_id=dossier.dossier_id,
                         created_at=NOW, updated_at=NOW))
        s.commit()
    totals = board(client, as_user("officer_a"))["totals"]
    assert totals["prefill"]["saved_back"] == {"members_added": 2, "members_confirmed": 1}
