"""Issue 10: stable screens. Messages (offline readiness, sync state, a new version…) live in a
status bar of fixed height, so nothing they say moves the page: the cumulative layout shift of
the volunteer entry (first visit, service-worker install, login, PIN, first sync) and of the
officer console's entry stays at or under 0.05."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import OFFLINE_READY, log_in
from tests.e2e.officer_flow import new_desktop_context, officer_log_in

CLS_LIMIT = 0.05

# Every layout shift not caused by recent input, summed over the page's life (an upper bound of
# the CLS metric, which takes the worst 5-second session window).
_OBSERVE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) window.__shifts.push({
      value: e.value,
      nodes: (e.sources || []).map((s) => s.node ? (s.node.className || s.node.nodeName) : '?'),
    });
  }
}).observe({ type: 'layout-shift', buffered: true });
"""


def _shifts(page: Any) -> tuple[float, list[Any]]:
    shifts = list(page.evaluate("window.__shifts"))
    return sum(float(s["value"]) for s in shifts), shifts


def test_volunteer_entry_does_not_shift(server: LiveServer, context: Any) -> None:
    context.add_init_script(_OBSERVE)
    page = context.new_page()
    log_in(page, server, "volunteer1")
    page.get_by_role("heading", name="Thôn của tôi").wait_for()
    page.wait_for_timeout(500)  # let late status-bar text land before reading
    total, shifts = _shifts(page)
    assert total <= CLS_LIMIT, f"layout shift {total:.3f} on the volunteer entry: {shifts}"


def test_install_notice_does_not_shift_the_login_screen(server: LiveServer, context: Any) -> None:
    context.add_init_script(_OBSERVE)
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("#login-username")
    page.get_by_text(OFFLINE_READY).wait_for(timeout=60_000)
    total, shifts = _shifts(page)
    assert total <= CLS_LIMIT, f"layout shift {total:.3f} on the login screen: {shifts}"


def test_officer_console_entry_does_not_shift(server: LiveServer, browser: Any) -> None:
    desk = new_desktop_context(browser)
    try:
        desk.add_init_script(_OBSERVE)
        page = desk.new_page()
        officer_log_in(page, server)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        total, shifts = _shifts(page)
        assert total <= CLS_LIMIT, f"layout shift {total:.3f} on the officer console: {shifts}"
    finally:
        desk.close()
