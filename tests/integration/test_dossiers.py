"""Dossier lifecycle over REST: drafts, every transition writes the audit log, official
codes, deadlines in Vietnamese working days (Tết 2026) with supplement pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar.testing import TestClient

from backend.dossiers import service
from tests.support.factories import create_household, submit_unsigned


@pytest.fixture()
def draft(client: TestClient[Any], as_user: Any) -> dict[str, Any]:
    h = create_household(client, as_user("vol_a1"))
    response = client.post(
        "/api/dossiers/",
        json={"procedure_code": "khai-sinh", "applicant_member_id": h["members"][1]["id"]},
        headers=as_user("vol_a1"),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def act(client: TestClient[Any], headers: dict[str, str], did: str, action: str, reason: str = "") -> Any:
    return client.post(f"/api/dossiers/{did}/actions", json={"action": action, "reason": reason}, headers=headers)


def test_full_lifecycle_is_audited(client: TestClient[Any], as_user: Any, draft: dict[str, Any]) -> None:
    vol, off = as_user("vol_a1"), as_user("officer_a")
    did = draft["id"]
    assert draft["status"] == "draft"
    submit_unsigned(client, "vol_a1", did)
    received = act(client, off, did, "receive").json()
    assert received["status"] == "processing"
    assert received["official_code"].startswith("000.99.01.H99-")
    assert received["official_code"].endswith("-0001")
    assert received["due_date"] is not None
    assert act(client, off, did, "request_supplement", "Thiếu giấy chứng sinh").json()["status"] == "supplement_requested"
    submit_unsigned(client, "vol_a1", did, "supplement")
    assert client.get(f"/api/dossiers/{did}", headers=off).json()["status"] == "processing"
    done = act(client, off, did, "approve").json()
    assert done["status"] == "done" and done["outcome"] == "approved"
    assert act(client, vol, did, "return_result").json()["status"] == "result_returned"
    audit = client.get(f"/api/dossiers/{did}/audit", headers=off).json()
    assert [e["action"] for e in audit] == [
        "create", "submit", "receive", "start", "request_supplement", "supplement", "approve", "return_result",
    ]
    assert audit[4]["reason"] == "Thiếu giấy chứng sinh"
    assert audit[4]["actor_role"] == "officer"
    assert audit[3]["actor_role"] == "system"


def test_illegal_transition_is_refused_and_writes_nothing(
    client: TestClient[Any], as_user: Any, draft: dict[str, Any]
) -> None:
    response = act(client, as_user("officer_a"), draft["id"], "approve")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "Bản nháp" in body["message_vi"]
    # A draft is not in the officer's review queue: the read carries a reason.
    reader = {**as_user("officer_a"), "X-Access-Reason": "test"}
    audit = client.get(f"/api/dossiers/{draft['id']}/audit", headers=reader).json()
    assert [e["action"] for e in audit] == ["create"]


def test_volunteer_may_not_receive(client: TestClient[Any], as_user: Any, draft: dict[str, Any]) -> None:
    vol = as_user("vol_a1")
    submit_unsigned(client, "vol_a1", draft["id"])
    response = act(client, vol, draft["id"], "receive")
    assert response.status_code == 403
    assert response.json()["code"] == "actor_not_allowed"


def test_refusing_needs_a_reason(client: TestClient[Any], as_user: Any, draft: dict[str, Any]) -> None:
    submit_unsigned(client, "vol_a1", draft["id"])
    response = act(client, as_user("officer_a"), draft["id"], "refuse", "   ")
    assert response.status_code == 422
    assert response.json()["code"] == "reason_required"


def test_official_codes_follow_a_daily_sequence(client: TestClient[Any], as_user: Any) -> None:
    vol, off = as_user("vol_a1"), as_user("officer_a")
    h = create_household(client, vol)
    codes = []
    for _ in range(3):
        d = client.post(
            "/api/dossiers/",
            json={"procedure_code": "khai-tu", "applicant_member_id": h["members"][0]["id"]},
            headers=vol,
        ).json()
        submit_unsigned(client, "vol_a1", d["id"])
        codes.append(act(client, off, d["id"], "receive").json()["official_code"])
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    assert len({c[:-5] for c in codes}) == 1


def test_unknown_procedure_is_refused(client: TestClient[Any], as_user: Any) -> None:
    h = create_household(client, as_user("vol_a1"))
    response = client.post(
        "/api/dossiers/",
        json={"procedure_code": "khong-co", "applicant_member_id": h["members"][0]["id"]},
        headers=as_user("vol_a1"),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_procedure"


def _utc(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)  # 02:00 UTC = 09:00 in Vietnam


def test_deadline_spans_tet_2026() -> None:
    from backend.dossiers.deadlines import due_date

    # Received Thursday 12 Feb 2026, 5 working days. Tết holidays 16–20 Feb (Mon–Fri).
    # Counting: Fri 13, Mon 23, Tue 24, Wed 25, Thu 26 → due Thu 26 Feb.
    assert due_date(_utc(2026, 2, 12), 5, []) == date(2026, 2, 26)
    # Without Tết it would have been Thu 19 Feb: the holidays really are applied.
    assert due_date(_utc(2026, 3, 12), 5, []) == date(2026, 3, 19)


def test_deadline_pauses_while_a_supplement_is_requested() -> None:
    from backend.dossiers.deadlines import due_date

    # Received Mon 2 Mar 2026, 5 working days → Mon 9 Mar without pauses.
    assert due_date(_utc(2026, 3, 2), 5, []) == date(2026, 3, 9)
    # Supplement requested Tue 3 Mar, supplied Thu 5 Mar: Wed 4 and Thu 5 do not count.
    pauses = [(_utc(2026, 3, 3), _utc(2026, 3, 5))]
    assert due_date(_utc(2026, 3, 2), 5, pauses) == date(2026, 3, 11)
    # While the request is open the deadline is unknown.
    assert due_date(_utc(2026, 3, 2), 5, [(_utc(2026, 3, 3), None)]) is None


def test_supplement_pause_moves_the_stored_due_date(
    client: TestClient[Any], as_user: Any, engine: Any
) -> None:
    from sqlmodel import Session, select

    from backend.db.models import Dossier, DossierEvent

    vol, off = as_user("vol_a1"), as_user("officer_a")
    h = create_household(client, vol)
    draft = client.post(  # permanent residence: 7 working days
        "/api/dossiers/",
        json={"procedure_code": "thuong-tru", "applicant_member_id": h["members"][0]["id"]},
        headers=vol,
    ).json()
    submit_unsigned(client, "vol_a1", draft["id"])
    act(client, off, draft["id"], "receive")
    act(client, off, draft["id"], "request_supplement", "Thiếu ảnh")
    # Rewrite the audit times to a known calendar: received Mon 2 Mar, supplement Tue 3 → Thu 5.
    with Session(engine) as s:
        rows = s.exec(select(DossierEvent).where(DossierEvent.dossier_id == draft["id"]))
        events = {e.action: e for e in rows}
        events["receive"].at = _utc(2026, 3, 2)
        events["start"].at = _utc(2026, 3, 2)
        events["request_supplement"].at = _utc(2026, 3, 3)
        d = s.get(Dossier, draft["id"])
        assert d is not None
        d.received_at = _utc(2026, 3, 2)
        s.commit()
    with Session(engine) as s:
        pauses = service.supplement_pauses(s, draft["id"], _utc(2026, 3, 5))
    assert pauses == [(_utc(2026, 3, 3), None)]
    submit_unsigned(client, "vol_a1", draft["id"], "supplement")
    after = client.get(f"/api/dossiers/{draft['id']}", headers=vol).json()
    # Unpaused, 7 working days from Mon 2 Mar end on Wed 11 Mar. The supplement arrives
    # today (real clock, long after), so only Tue 3 Mar counted before the pause and six
    # working days remain after today.
    from backend.dossiers.deadlines import due_date
    from backend.lib.clock import utcnow

    expected = due_date(_utc(2026, 3, 2), 7, [(_utc(2026, 3, 3), utcnow())])
    assert expected is not None and expected > date(2026, 3, 11)
    assert after["due_date"] == expected.isoformat()


def test_rest_refuses_unsigned_submissions(
    client: TestClient[Any], as_user: Any, draft: dict[str, Any]
) -> None:
    for action in ("submit", "supplement"):
        response = act(client, as_user("vol_a1"), draft["id"], action)
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "signed_submission_required"
        assert "ký trên thiết bị" in body["message_vi"]
    assert client.get(f"/api/dossiers/{draft['id']}", headers=as_user("vol_a1")).json()["status"] == "draft"
