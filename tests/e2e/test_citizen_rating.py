"""Issue 11: satisfaction comes from the citizen. In Chromium at phone size:

- on the volunteer's device, at hand-over, a full-screen page with large faces and words; the
  citizen's choice is synced as the citizen's rating (channel "device"), not the volunteer's;
- on the public status page (/tra-cuu), with the dossier code and the last digits of the phone
  given in the dossier, once the result is returned: the same faces, one rating per dossier.
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import go, idb_all, log_in, server_db, sync_now, wait_until

PHONE = "0977123456"


def returned_dossier(server: LiveServer) -> tuple[str, str]:
    """A dossier of volunteer1's village whose result was handed over, with a contact phone
    given in the dossier; (dossier id, official code)."""
    volunteer = server.login("volunteer1")
    with server_db(server) as db:
        member = db.execute(
            "SELECT m.id FROM members m JOIN user_villages uv ON uv.village_id = m.village_id "
            "JOIN users u ON u.id = uv.user_id WHERE u.username = 'volunteer1' LIMIT 1"
        ).fetchone()[0]
    draft = server.api("POST", "/api/dossiers/", volunteer,
                       json={"procedure_code": "khai-sinh", "applicant_member_id": member})
    assert draft.status_code == 201, draft.text
    did = str(draft.json()["id"])
    with server_db(server) as db:
        db.execute("UPDATE dossiers SET form_data = ? WHERE id = ?",
                   (json.dumps({"requester_phone": PHONE}), did))
    submit_unsigned(server, did)  # signed filing is covered by the volunteer e2e tests
    officer = server.login("officer")
    for action in ("receive", "approve"):
        r = server.api("POST", f"/api/review/dossiers/{did}/actions", officer,
                       json={"action": action, "reason": ""})
        assert r.status_code == 200, r.text
    r = server.api("POST", f"/api/dossiers/{did}/actions", volunteer,
                   json={"action": "return_result", "reason": ""})
    assert r.status_code == 200, r.text
    with server_db(server) as db:
        code = db.execute("SELECT official_code FROM dossiers WHERE id = ?", (did,)).fetchone()[0]
    return did, str(code)


def submit_unsigned(server: LiveServer, did: str) -> None:
    """The test shortcut of tests/support/factories.py, on the live server's database."""
    from sqlmodel import Session, select

    from backend.catalog.loader import default_catalog
    from backend.db.engine import make_engine
    from backend.db.models import User
    from backend.dossiers.service import apply_action
    from backend.lib.auth import load_principal
    from backend.lib.clock import utcnow

    engine = make_engine(server.database_url)
    try:
        with Session(engine) as s:
            user = s.exec(select(User).where(User.username == "volunteer1")).one()
            apply_action(s, load_principal(s, user), default_catalog(), did, "submit", "",
                         utcnow())
    finally:
        engine.dispose()


def citizen_rows(server: LiveServer) -> list[tuple[str, str, str]]:
    with server_db(server) as db:
        return [tuple(r) for r in db.execute(
            "SELECT dossier_id, rating, channel FROM citizen_ratings ORDER BY created_at")]


def test_the_citizen_rates_on_the_handed_over_phone(server: LiveServer, context: Any) -> None:
    did, _ = returned_dossier(server)
    page = context.new_page()
    log_in(page, server, "volunteer1")
    wait_until(page, lambda: any(r.get("id") == did for r in idb_all(page, "dossiers")),
               "the dossier on the device")
    go(page, f"/dossiers/{did}/rate")
    page.get_by_role("button", name="Đưa máy cho người dân").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert "Bác có hài lòng" in dialog.inner_text()
    faces = dialog.get_by_role("radio")
    assert faces.count() == 3
    box = faces.first.bounding_box()
    assert box is not None and box["height"] >= 80  # large targets
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    dialog.get_by_role("radio", name="Rất hài lòng").click()
    dialog.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn bác!").wait_for()
    page.get_by_role("button", name="Trả máy cho tình nguyện viên").click()
    sync_now(page)
    assert citizen_rows(server) == [(did, "very_satisfied", "device")]
    with server_db(server) as db:
        assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0


def test_the_citizen_rates_on_the_public_status_page(server: LiveServer, context: Any) -> None:
    did, code = returned_dossier(server)
    page = context.new_page()
    page.goto(server.url + "/tra-cuu")
    page.fill("#code", code)
    page.fill("#phone4", PHONE[-4:])
    page.get_by_role("button", name="Tra cứu / Look up").click()
    page.get_by_text("Bạn đã nhận kết quả.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("label:has(input[value=satisfied])").click()
    page.fill("#comment", "Cán bộ thôn nhiệt tình")
    page.get_by_role("button", name="Gửi đánh giá / Send").click()
    page.get_by_text("Cảm ơn bạn đã đánh giá!").wait_for()
    assert citizen_rows(server) == [(did, "satisfied", "web")]
    # one rating per dossier: the form is gone, the page says it was given
    page.goto(f"{server.url}/tra-cuu?code={code}&phone4={PHONE[-4:]}")
    assert "Bạn đã đánh giá hồ sơ này" in page.inner_text("body")
    assert page.locator("form[action='/tra-cuu/danh-gia']").count() == 0


def test_public_pages_fit_a_360_px_phone(server: LiveServer, context: Any) -> None:
    page = context.new_page()
    for path in ("/tra-cuu", "/verify", "/v"):
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        color = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
        assert color == "rgb(15, 81, 50)", path  # the app's brand colour from /public.css
