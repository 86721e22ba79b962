"""The console's personal-data pages (issue 14 items 4–6, branch privacy2), in Chromium.

An officer finds a person by CCCD, downloads everything held about them with a stated reason
(the export is the person's, the reason is in their access log), records a restriction
request, filters the commune's access log, and reads the retention periods; wrong input gets a
Vietnamese message, not a request. An admin records a breach from the console (the people the
implicated account read are computed) and runs the retention purge on demand.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import server_db, unseal, wait_until, young_couple
from tests.e2e.officer_flow import dialog, new_desktop_context, officer_log_in

REASON = "Người dân yêu cầu cung cấp dữ liệu, đơn ngày 06/12/2026"


def _privacy(page: Any, chip: str | None = None) -> None:
    page.locator(".oc-tabs").get_by_role("link", name="Dữ liệu cá nhân").click()
    page.wait_for_selector("#oc-pv-title", timeout=30_000)
    if chip:
        page.locator(".oc-chips").get_by_role("link", name=chip).click()


def _alert(page: Any, text: str) -> None:
    page.locator('[role="alert"]', has_text=text).first.wait_for(timeout=15_000)


def _at(t: datetime) -> str:
    return t.strftime("%d/%m/%Y %H:%M")


def test_officer_and_admin_carry_out_the_privacy_duties_from_the_console(
        server: LiveServer, browser: Any) -> None:
    couple = young_couple(server, "volunteer1")
    with server_db(server) as con:
        cccd = unseal(server, "members", con.execute(
            "select cccd from members where id = ?", (couple.father_id,)).fetchone()[0])
    office = new_desktop_context(browser)
    try:
        page = office.new_page()
        officer_log_in(page, server)
        _privacy(page)
        # The breach register is an admin's: the officer does not see it.
        assert page.locator(".oc-chips").get_by_role("link", name="Sự cố lộ lọt dữ liệu").count() == 0

        # --- find the person: too short a query is refused in the page -----------------------
        page.fill("input[name=q]", "a")
        page.get_by_role("button", name="Tìm", exact=True).click()
        _alert(page, "Nhập ít nhất 2 chữ")
        page.fill("input[name=q]", cccd)
        page.get_by_role("button", name="Tìm", exact=True).click()
        hit = page.locator("li", has_text=couple.father_name)
        hit.wait_for(timeout=30_000)
        assert page.locator(".oc-picklist li").count() == 1
        hit.get_by_role("link", name="Mở").click()
        page.wait_for_selector("#oc-pv-person", timeout=30_000)

        # --- everything held about them, with a reason ---------------------------------------
        page.get_by_role("button", name="Tải toàn bộ dữ liệu (JSON)").click()
        go_on = dialog(page).get_by_role("button", name="Tiếp tục")
        assert go_on.is_disabled()  # no reason, no read
        dialog(page).locator("textarea[name=reason]").fill(REASON)
        with page.expect_download(timeout=30_000) as download:
            go_on.click()
        export = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert export["person"]["full_name"] == couple.father_name
        assert export["person"]["cccd"] == cccd
        page.get_by_text("Đã tải tệp dữ liệu của người này.").wait_for(timeout=15_000)
        page.locator('[data-testid="pv-person-log"]', has_text=REASON).wait_for(timeout=15_000)

        # --- a restriction request: no kind → a message; then recorded -----------------------
        record = page.get_by_role("button", name="Ghi nhận yêu cầu", exact=True)
        record.click()
        _alert(page, "Hãy chọn loại yêu cầu.")
        page.select_option("select[name=kind]", "restriction")
        page.get_by_text("mọi lượt xem đều phải nêu lý do").wait_for()
        page.fill("textarea[name=note]", "Đơn số 12/2026")
        record.click()
        page.get_by_text("Đã ghi nhận yêu cầu.").wait_for(timeout=15_000)
        page.locator('[data-testid="pv-requests"]', has_text="Hạn chế xử lý").wait_for()
        with server_db(server) as con:
            req = con.execute("select kind, status, note from privacy_requests where member_id = ?",
                              (couple.father_id,)).fetchone()
        assert tuple(req) == ("restriction", "done", "Đơn số 12/2026")

        # --- the commune's access log, filtered ----------------------------------------------
        page.locator(".oc-chips").get_by_role("link", name="Nhật ký truy cập").click()
        page.fill("input[name=since]", "31/02/2026")
        page.get_by_role("button", name="Lọc", exact=True).click()
        _alert(page, "Ngày không hợp lệ")
        today = datetime.now().strftime("%d/%m/%Y")
        page.fill("input[name=since]", today)
        page.fill("input[name=until]", today)
        page.check("input[name=outside]")
        page.get_by_role("button", name="Lọc", exact=True).click()
        log = page.locator('[data-testid="pv-access-log"]')
        log.locator("tr", has_text=REASON).first.wait_for(timeout=15_000)
        assert "person.export" in log.inner_text()

        # --- retention periods ---------------------------------------------------------------
        page.locator(".oc-chips").get_by_role("link", name="Thời hạn lưu trữ").click()
        page.locator('[data-testid="pv-retention"]', has_text="3650 ngày").wait_for(timeout=15_000)
        page.get_by_text("Chỉ quản trị viên chạy được").wait_for()
    finally:
        office.close()

    admin_office = new_desktop_context(browser)
    try:
        page = admin_office.new_page()
        officer_log_in(page, server, "admin")
        _privacy(page, "Sự cố lộ lọt dữ liệu")
        submit = page.get_by_role("button", name="Ghi nhận và tính người bị ảnh hưởng")
        submit.click()
        _alert(page, "Hãy mô tả sự việc.")
        now = datetime.now()
        page.fill("textarea[name=description]", "Máy tính bàn một cửa bị truy cập trái phép")
        page.fill("input[name=found_at]", _at(now))
        page.fill("input[name=window_from]", _at(now))
        page.fill("input[name=window_to]", _at(now - timedelta(hours=2)))
        page.fill("input[name=accounts]", "officer")
        submit.click()
        _alert(page, "Thời điểm bắt đầu phải trước")
        page.fill("input[name=window_from]", _at(now - timedelta(hours=2)))
        page.fill("input[name=window_to]", _at(now + timedelta(minutes=5)))
        page.fill("input[name=accounts]", "officer, khong_co_ai")
        submit.click()
        _alert(page, "Không có tài khoản “khong_co_ai”.")
        page.fill("input[name=accounts]", "officer")
        page.fill("textarea[name=measures]", "Đổi mật khẩu, thu hồi phiên đăng nhập")
        submit.click()
        done = page.locator(".oc-success", has_text="Đã ghi nhận sự cố")
        done.wait_for(timeout=30_000)
        # The officer read the person (the export above) inside the window: at least them.
        count = int(done.inner_text().split(":")[1].split("người")[0].strip())
        assert count >= 1
        page.locator('[data-testid="pv-breaches"]',
                     has_text="Máy tính bàn một cửa").wait_for(timeout=15_000)
        with server_db(server) as con:
            row = con.execute("select affected_members, measures from breach_records").fetchone()
        assert row["affected_members"] == count
        assert row["measures"] == "Đổi mật khẩu, thu hồi phiên đăng nhập"

        page.locator(".oc-chips").get_by_role("link", name="Thời hạn lưu trữ").click()
        page.get_by_role("button", name="Xoá dữ liệu hết hạn ngay").click()
        dialog(page).get_by_role("button", name="Xoá dữ liệu hết hạn ngay").click()
        page.locator(".oc-success", has_text="Đã xoá:").wait_for(timeout=30_000)
        wait_until(page, lambda: dialog(page).count() == 0, "the dialog to close")
    finally:
        admin_office.close()
