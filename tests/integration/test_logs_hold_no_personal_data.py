"""Issue 8: the server's logs hold no personal data. A real `langso serve` (its own uvicorn
logging configuration, stdout and stderr captured) goes through a day's flow — logins, a
volunteer's device pushing a signed dossier whose applicant has a CCCD, a phone number and a
name, the officer receiving it, the public status look-up (JSON and the HTML page), a name
search, a push subscription made and removed — and the captured logs are then searched for
every one of those values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.device import (
    SimDevice,
    household_fields,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.live_server import LiveServer, live_server
from tests.support.push_endpoint import PushEndpoint

APPLICANT = "Sùng Thị Pà"  # a demo-style name that appears nowhere else
PHONE = "0987654321"
CCCD = "011193554433"


@pytest.fixture(params=["sqlite", "postgres"])
def traced(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[
        tuple[LiveServer, PushEndpoint]]:
    push = PushEndpoint().start()
    try:
        with live_server(request.param, tmp_path,
                         {"LANGSO_PUSH_EXTRA_ORIGINS": push.origin}) as server:
            yield server, push
    finally:
        push.stop()


def test_a_full_flow_leaves_no_personal_data_in_the_logs(
    traced: tuple[LiveServer, PushEndpoint],
) -> None:
    server, push = traced
    officer = server.login("officer")
    volunteer = server.login("volunteer1")
    me = server.api("GET", "/api/auth/me", volunteer).json()

    with httpx.Client(base_url=server.url, timeout=60) as http:
        device = SimDevice(http, {"Authorization": f"Bearer {volunteer}"})
        device.enrol(me["id"])
        hid, head, did = new_uuid(), new_uuid(), new_uuid()
        device.mutate("household", hid, "create", household_fields(me["village_ids"][0]))
        member = member_fields(hid, APPLICANT, "chu_ho", 1993, "female", phone=PHONE)
        member["cccd"] = CCCD
        device.mutate("member", head, "create", member)
        device.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                                 "applicant_member_id": head})
        device.mutate("dossier", did, "submit", submit_fields(), base=1)
        pushed = device.push()
        assert pushed.status_code == 200, pushed.text
        assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * 4

    subscription = push.subscription()
    made = server.api("POST", "/api/push/subscriptions", officer, json=subscription)
    assert made.status_code == 201, made.text
    received = server.api("POST", f"/api/review/dossiers/{did}/actions", officer,
                          json={"action": "receive", "reason": "Đủ hồ sơ"})
    assert received.status_code == 200, received.text
    code = server.api("GET", f"/api/dossiers/{did}", officer).json()["official_code"]
    assert code

    found = server.api("GET", "/api/public/status", params={"code": code, "phone4": PHONE[-4:]})
    assert found.status_code == 200, found.text
    page = server.api("GET", "/tra-cuu", params={"code": code, "phone4": PHONE[-4:]})
    assert page.status_code == 200
    search = server.api("GET", "/api/households", officer, params={"q": APPLICANT})
    assert search.status_code == 200 and search.json()["total"] >= 1
    gone = server.api("DELETE", "/api/push/subscriptions", officer,
                      params={"endpoint": subscription["endpoint"]})
    assert gone.status_code == 204, gone.text
    server.stop()  # flush and close the logs

    logs = server.logs()
    assert "/api/public/status" in logs and "/tra-cuu" in logs, "the access log is missing"
    token = subscription["endpoint"].rsplit("/", 1)[-1]
    secrets = {
        "CCCD": CCCD, "phone": PHONE, "phone4 with the code": f"phone4={PHONE[-4:]}",
        "official code": code, "name": APPLICANT, "name (URL-encoded)": "S%C3%B9ng",
        "push endpoint token": token, "officer token": officer, "volunteer token": volunteer,
    }
    leaked = {label: value for label, value in secrets.items() if value in logs}
    assert not leaked, f"personal data in the server logs: {sorted(leaked)}"
    # no run of nine or more digits (CCCD, phone numbers in any spelling) outside the ids
    without_ids = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "",
                         logs)
    assert not re.search(r"\d{9,}", without_ids), re.search(r"\d{9,}", without_ids)
