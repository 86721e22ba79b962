"""Issue 8: the app and the console run under the strict Content-Security-Policy (scripts from
this origin only, no inline script, no framing). Chromium reports every blocked resource or
inline style as a `securitypolicyviolation` event; a volunteer filing a birth registration
(photo previews, the signature canvas, the service worker) and the officer opening it in the
console must cause none."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    document_photo,
    file_birth_registration,
    log_in,
    sync_now,
    wait_until,
    young_couple,
)
from tests.e2e.officer_flow import new_desktop_context, officer_log_in, open_from_queue

WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def test_the_app_and_the_console_run_under_the_policy_without_violations(
    server: LiveServer, context: Any, browser: Any, tmp_path: Path
) -> None:
    context.add_init_script(WATCH)
    console: list[str] = []
    phone = context.new_page()
    phone.on("console", lambda m: console.append(m.text) if "Content Security" in m.text else None)
    shell = phone.goto(server.url + "/")
    assert shell is not None
    assert "frame-ancestors 'none'" in shell.headers["content-security-policy"]

    couple = young_couple(server, "volunteer1")
    log_in(phone, server, "volunteer1")
    photo = document_photo(tmp_path / "giay-chung-sinh.jpg", seed=3)
    born = (date.today() - timedelta(days=5)).isoformat()
    dossier_id = file_birth_registration(phone, couple, "Giàng Thị Ly", [photo], born)
    sync_now(phone)
    assert phone.evaluate("navigator.serviceWorker.controller !== null")
    assert _violations(phone) == [] and console == []

    office = new_desktop_context(browser)
    try:
        office.add_init_script(WATCH)
        desk = office.new_page()
        desk.on("console",
                lambda m: console.append(m.text) if "Content Security" in m.text else None)
        officer_log_in(desk, server)
        wait_until(desk, lambda: server.api(
            "GET", f"/api/dossiers/{dossier_id}", server.login("officer")).status_code == 200,
            "the dossier on the server")
        open_from_queue(desk, dossier_id)
        assert _violations(desk) == [] and console == []
    finally:
        office.close()
