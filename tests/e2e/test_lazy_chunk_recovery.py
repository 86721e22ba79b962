"""Issue 10: when the dossier form's code cannot be loaded (here: no service worker, and the chunk
request fails), the volunteer reads a Vietnamese explanation with "Thử lại" — never the
browser's raw "Failed to fetch dynamically imported module" — and "Thử lại" recovers once the
chunk can be fetched again."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    assert_no_raw_error,
    idb_count,
    last_sync_success,
    start_birth_registration,
    wait_until,
    young_couple,
)


def test_failed_form_chunk_is_explained_and_retried(server: LiveServer, browser: Any) -> None:
    # No service worker at all: the chunk can only come from the network.
    ctx = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="vi-VN", service_workers="block"
    )
    try:
        page = ctx.new_page()
        page.goto(server.url + "/")
        page.fill("#login-username", "volunteer1")
        page.fill("#login-password", "demo")
        page.get_by_role("button", name="Đăng nhập").click()
        page.fill("#pin-new", "482916")
        page.fill("#pin-again", "482916")
        page.get_by_role("button", name="Lưu mã PIN").click()
        wait_until(
            page,
            lambda: last_sync_success(page) is not None and idb_count(page, "procedures") > 0,
            "the first sync",
            timeout=60_000,
        )
        # Without a controlling worker the app does not claim to be ready offline.
        assert "sẵn sàng dùng khi không có mạng" not in page.locator(".statusbar").inner_text()

        blocked = {"on": True}

        def chunk(route: Any) -> None:
            if blocked["on"]:
                route.abort("internetdisconnected")
            else:
                route.continue_()

        ctx.route("**/assets/Wizard-*.js", chunk)
        couple = young_couple(server, "volunteer1")
        alert = page.locator("main [role=alert]")
        start_birth_registration(page, couple, wait_for_form=False)
        alert.wait_for(timeout=30_000)  # after the automatic retries
        text = alert.inner_text()
        assert "Chưa mở được màn hình này" in text, text
        assert_no_raw_error(page)

        blocked["on"] = False
        alert.get_by_role("button", name="Thử lại").click()
        page.wait_for_selector("text=Bước 1/4", timeout=30_000)
        assert_no_raw_error(page)
    finally:
        ctx.close()
