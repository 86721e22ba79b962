"""Steps a commune officer takes in the console (the lazily loaded officer chunk of the PWA),
and the server-side probes the officer round-trip test reads. Volunteer steps come from
tests/e2e/helpers.py. Every wait is on a condition with a deadline, never a bare sleep."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import go, server_db, wait_until


def new_desktop_context(browser: Any) -> Any:
    """The commune office's computer: a desktop-sized window, Vietnamese."""
    return browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")


def officer_log_in(page: Any, server: LiveServer, username: str = "officer") -> None:
    """Logs in through the app's login screen; officers land on the console (#/officer) with
    no volunteer bottom navigation."""
    page.goto(server.url + "/")
    page.wait_for_selector("#login-username")
    page.fill("#login-username", username)
    page.fill("#login-password", "demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/#/officer**", timeout=30_000)
    page.wait_for_selector(".oc .oc-top", timeout=30_000)


def dossier_link(dossier_id: str) -> str:
    return f'a[href="#/officer?tab=dossier&id={dossier_id}"]'


def open_from_queue(page: Any, dossier_id: str, status_label: str | None = None) -> None:
    """The queue lists the dossier (optionally with this status label); click it open."""
    go(page, "/officer?tab=queue")
    row = page.locator("tr", has=page.locator(dossier_link(dossier_id)))
    row.wait_for(timeout=30_000)
    if status_label:
        wait_until(page, lambda: status_label in row.inner_text(), f"the queue row to say {status_label}")
    page.locator(dossier_link(dossier_id)).click()
    page.wait_for_selector("#oc-dossier-title", timeout=30_000)


def action_button(page: Any, label: str) -> Any:
    return page.locator(".oc-actions").get_by_role("button", name=label, exact=True)


def dialog(page: Any) -> Any:
    return page.locator('[role="dialog"]')


def _recorded(page: Any, server: LiveServer, dossier_id: str, status: str) -> None:
    """The dialog closed, the console confirmed, and the server holds the new status."""
    dialog(page).wait_for(state="detached", timeout=30_000)
    page.locator(".oc-success").wait_for(timeout=30_000)
    wait_until(page, lambda: dossier_row(server, dossier_id)["status"] == status,
               f"the server to record status {status}")


def receive(page: Any, server: LiveServer, dossier_id: str) -> None:
    action_button(page, "Tiếp nhận").click()
    dialog(page).get_by_role("button", name="Xác nhận").click()
    # Receipt starts the clock and, for the officer, the processing (received → processing).
    _recorded(page, server, dossier_id, "processing")


def request_supplement(page: Any, server: LiveServer, dossier_id: str, component_code: str,
                       problem: str, reason: str) -> None:
    """Ticks one document component, describes its problem, gives the general reason, sends."""
    action_button(page, "Yêu cầu bổ sung").click()
    box = dialog(page)
    box.locator(f'input[type=checkbox][name="components:{component_code}"]').check()
    box.locator(f'input[name="problem:components:{component_code}"]').fill(problem)
    box.locator("textarea").last.fill(reason)
    box.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    _recorded(page, server, dossier_id, "supplement_requested")


def approve(page: Any, server: LiveServer, dossier_id: str) -> None:
    action_button(page, "Phê duyệt").click()
    dialog(page).get_by_role("button", name="Xác nhận").click()
    _recorded(page, server, dossier_id, "done")


def issue_result(page: Any, summary: str, number: str) -> None:
    action_button(page, "Cấp kết quả").click()
    box = dialog(page)
    box.locator('textarea[name="summary"]').fill(summary)
    box.locator('input[name="document_number"]').fill(number)
    box.get_by_role("button", name="Ký và cấp kết quả").click()
    box.wait_for(state="detached", timeout=60_000)
    page.locator(".oc-success", has_text="Đã cấp kết quả").wait_for(timeout=30_000)


# ---------------------------------------------------------------- server-side probes


def dossier_row(server: LiveServer, dossier_id: str) -> dict[str, Any]:
    with server_db(server) as con:
        row = con.execute("select * from dossiers where id = ?", (dossier_id,)).fetchone()
    assert row is not None, f"the server does not hold dossier {dossier_id}"
    return dict(row)


def dossier_actions(server: LiveServer, dossier_id: str) -> list[str]:
    """The audit log's actions for the dossier, oldest first."""
    with server_db(server) as con:
        rows = con.execute(
            "select action from dossier_events where dossier_id = ? order by at, id", (dossier_id,)
        ).fetchall()
    return [r["action"] for r in rows]


def dashboard_totals(server: LiveServer, token: str) -> dict[str, Any]:
    response = server.api("GET", "/api/monitoring/dashboard", token)
    assert response.status_code == 200, response.text
    return dict(response.json()["totals"])
