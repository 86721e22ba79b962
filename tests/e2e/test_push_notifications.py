"""Web Push in the built PWA (issue 5 item 9), in Chromium against the real server.

- The generated service worker imports public/push-handler.js: a push delivered through the
  DevTools protocol (no push service needed) becomes a Vietnamese notification tagged with the
  dossier, and the open app is asked to sync.
- Turning notices on in Cài đặt subscribes and registers the subscription on the server. A
  headless Chromium with no route to its push service (FCM) cannot create a real subscription;
  then the app must say so in Vietnamese and the server must hold no row. Which of the two
  happened is printed (pytest -s) so a run on a connected machine can be told apart.
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import go, log_in, wait_until

DOSSIER_ID = "44444444-4444-4444-8444-444444444444"
PUSH_SERVICE_ERROR = "Không đăng ký được với dịch vụ thông báo của trình duyệt"


def _registration_id(cdp: Any, page: Any, scope: str) -> str:
    """The service worker registration id for `scope`, from the DevTools ServiceWorker domain."""
    seen: dict[str, str] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: seen.update(
            {r["scopeURL"]: r["registrationId"] for r in e["registrations"] if not r["isDeleted"]}
        ),
    )
    cdp.send("ServiceWorker.enable")
    return str(wait_until(page, lambda: seen.get(scope), "the service worker registration"))


def test_push_shows_a_vietnamese_notice_and_the_toggle_subscribes_or_explains(
    server: LiveServer, context: Any
) -> None:
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    log_in(page, server, "volunteer1")

    # --- the built worker handles 'push' (delivered directly, without a push service)
    page.evaluate(
        """() => { window.__swMessages = [];
        navigator.serviceWorker.addEventListener('message', (e) => window.__swMessages.push(e.data)); }"""
    )
    cdp = context.new_cdp_session(page)
    registration_id = _registration_id(cdp, page, server.url + "/")
    payload = {
        "v": 1,
        "type": "supplement_requested",
        "dossier_id": DOSSIER_ID,
        "url": f"/dossiers/{DOSSIER_ID}",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration_id, "data": json.dumps(payload)},
    )
    notices = wait_until(
        page,
        lambda: page.evaluate(
            """() => navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) =>
            ns.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })))"""
        ),
        "the notification shown by the service worker",
    )
    assert notices == [
        {
            "title": "Xã yêu cầu bổ sung hồ sơ",
            "body": "Mở ứng dụng để xem lý do và bổ sung.",
            "tag": f"langso-dossier-{DOSSIER_ID}",
            "data": {
                "route": f"/dossiers/{DOSSIER_ID}",
                "type": "supplement_requested",
                "dossierId": DOSSIER_ID,
            },
        }
    ]
    messages = wait_until(
        page, lambda: page.evaluate("window.__swMessages"), "the worker's message to the app"
    )
    assert {"type": "langso:push", "notice": "supplement_requested"} in messages

    # --- the settings toggle: a real subscription on the server, or a Vietnamese explanation
    token = server.login("volunteer1")
    assert server.api("GET", "/api/push/subscriptions", token).json() == []
    go(page, "/settings")
    page.get_by_text("Nhận thông báo khi xã yêu cầu bổ sung hoặc trả kết quả").wait_for()
    assert page.inner_text("#push-state") == "Đang tắt."
    page.click("#push-toggle")

    def outcome() -> str | None:
        if page.locator("#push-error").count():
            return "error"
        if page.locator("#push-state").count() and page.inner_text("#push-state") == (
            "Đang bật trên máy này."
        ):
            return "on"
        return None

    result = wait_until(page, outcome, "the toggle's outcome", timeout=45_000)
    rows = server.api("GET", "/api/push/subscriptions", token).json()
    if result == "on":
        print("push: a real subscription was created through the browser's push service")
        assert len(rows) == 1 and rows[0]["endpoint"].startswith("https://")
        assert page.locator("#push-toggle").is_checked()
    else:
        print("push: PushManager.subscribe failed here (no push service); explanation shown")
        assert PUSH_SERVICE_ERROR in page.inner_text("#push-error")
        assert rows == []
        assert not page.locator("#push-toggle").is_checked()
