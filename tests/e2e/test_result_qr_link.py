"""Issue 11: the result's QR code is a link `<public base>/v#LSR2.…`. Opened in Chromium at
phone size, the page checks the signature in the browser with the commune's published key;
then, with the server stopped and the browser offline (only the page and the key list
cached by the page's own service worker), the same link still says "valid" and shows the
holder's initials and the procedure (signed in the v2 record, SPEC-records RES1), and a
tampered record says "altered"."""

from __future__ import annotations

import uuid
from typing import Any

from sync.result_record import from_compact
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import server_db, wait_until

CACHE = "langso-verify-v1"


def issued_qr_link(server: LiveServer) -> str:
    """A demo household's dossier, put in processing directly in the server's database (the
    signed filing is covered elsewhere), approved and issued through the API."""
    volunteer = server.login("volunteer1")
    with server_db(server) as db:
        member = db.execute(
            "SELECT m.id FROM members m JOIN user_villages uv ON uv.village_id = m.village_id "
            "JOIN users u ON u.id = uv.user_id WHERE u.username = 'volunteer1' LIMIT 1"
        ).fetchone()[0]
    draft = server.api("POST", "/api/dossiers/", volunteer,
                       json={"procedure_code": "khai-sinh", "applicant_member_id": member})
    assert draft.status_code == 201, draft.text
    did = draft.json()["id"]
    with server_db(server) as db:
        db.execute("UPDATE dossiers SET status = 'processing', official_code = ?, "
                   "received_at = ? WHERE id = ?",
                   (f"000.00.01.H99-261206-{uuid.uuid4().int % 10000:04d}",
                    "2026-12-01 02:00:00.000000", did))
    token = server.login("officer")
    moved = server.api("POST", f"/api/review/dossiers/{did}/actions", token,
                       json={"action": "approve", "reason": ""})
    assert moved.status_code == 200, moved.text
    issued = server.api("POST", f"/api/review/dossiers/{did}/result", token, json={})
    assert issued.status_code == 201, issued.text
    link = str(issued.json()["qr_text"])
    assert link.startswith(f"{server.url}/v#LSR2.")
    return link


def verdict(page: Any) -> str:
    page.wait_for_selector("[data-verdict]", timeout=20_000)
    return str(page.get_attribute("[data-verdict]", "data-verdict"))


def tampered(link: str) -> str:
    base, compact = link.split("#", 1)
    parts = compact.split(".", 11)
    parts[5] = "r" if parts[5] == "a" else "a"  # approved ↔ rejected
    return base + "#" + ".".join(parts)


def test_qr_link_verifies_in_the_browser_and_offline_from_the_server(
    server: LiveServer, context: Any
) -> None:
    link = issued_qr_link(server)
    page = context.new_page()
    page.goto(link)
    assert verdict(page) == "valid"
    body = page.inner_text("body")
    assert "HỢP LỆ" in body and "Valid" in body
    # no horizontal scrolling at 360 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the page's own worker has cached the page, its script, its style and the key list
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    wait_until(page, lambda: page.evaluate(
        f"caches.open('{CACHE}').then((c) => c.keys()).then((k) => k.length)") == 4,
        "the verification page is cached")
    page.close()

    server.stop()
    context.set_offline(True)
    offline = context.new_page()
    offline.goto(link)
    assert verdict(offline) == "valid"
    record, _ = from_compact(link)
    facts = offline.inner_text(".facts")
    assert record.official_code in facts
    # no server to ask: the initials and the procedure come from the signed record itself
    assert record.holder_initials and record.holder_initials in facts
    assert "Người được cấp (viết tắt)" in facts
    assert "Thủ tục / Procedure" in facts and "Đăng ký khai sinh" in facts
    offline.close()

    altered = context.new_page()
    altered.goto(tampered(link))
    assert verdict(altered) == "altered"
    assert "ĐÃ BỊ THAY ĐỔI" in altered.inner_text("body")
