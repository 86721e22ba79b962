"""Catalogue versions per province in Chromium at 360 px: the province administrator of the
demo province keeps khai-sinh on version 1 from the province screen; the choice is stored
(the server says so and a volunteer of the province is served that version); the monitor
sees the choice as text, with nothing to change."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from backend.accounts.service import create_user
from backend.db.engine import make_engine
from backend.lib.clock import utcnow
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import wait_until
from tests.e2e.officer_flow import officer_log_in


def province_admin(server: LiveServer, province: str) -> None:
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as s:
            create_user(s, username="tinh_qt", password="demo", full_name="Quản trị tỉnh",
                        role="province_admin", commune_id=None, village_codes=[],
                        now=utcnow(), enforce_policy=False, province_id=province)
            s.commit()
    finally:
        engine.dispose()


def test_the_province_administrator_chooses_a_version_on_the_province_screen(
    server: LiveServer, context: Any
) -> None:
    monitor = server.login("tinh")
    province = server.api("GET", "/api/auth/me", monitor).json()["province_id"]
    province_admin(server, province)
    listed = server.api("GET", f"/api/province/{province}/procedures", monitor).json()
    assert next(p for p in listed if p["code"] == "khai-sinh")["pinned"] is None

    page = context.new_page()
    officer_log_in(page, server, "tinh_qt")
    cell = page.locator('[data-testid="version-khai-sinh"] select')
    cell.wait_for(timeout=30_000)
    cell.select_option("1")
    wait_until(page, lambda: "dùng phiên bản 1" in page.locator(
        '[data-testid="version-status"]').inner_text(), "the choice to be saved")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    listed = server.api("GET", f"/api/province/{province}/procedures", monitor).json()
    assert next(p for p in listed if p["code"] == "khai-sinh")["pinned"] == 1
    served = server.api("GET", "/api/procedures", server.login("volunteer1")).json()
    assert next(p for p in served if p["code"] == "khai-sinh")["version"] == 1

    other = context.browser.new_context(viewport={"width": 360, "height": 740})
    viewer = other.new_page()
    officer_log_in(viewer, server, "tinh")  # its own browser storage: not the admin's session
    shown = viewer.locator('[data-testid="version-khai-sinh"]')
    shown.wait_for(timeout=30_000)
    assert shown.inner_text().strip() == "Phiên bản 1"
    assert viewer.locator('[data-testid="version-khai-sinh"] select').count() == 0
    other.close()
