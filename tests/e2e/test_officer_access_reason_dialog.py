"""Reading a dossier outside one's queue asks for the reason in the page (issue 14 item 4,
branch privacy3), in Chromium: an in-page dialog in Vietnamese, not the browser's prompt().

A volunteer files a birth registration; an admin (admins have no queue, so every read needs a
reason) opens it in the console. The dialog explains that the reason goes into the access log;
an empty reason is refused in the page; Cancel leaves the server's message and nothing logged;
a typed reason opens the dossier and is in the access log with the admin's name. No native
browser dialog is ever opened.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, dump_pages
from tests.e2e.helpers import (
    document_photo,
    file_birth_registration,
    go,
    log_in,
    server_db,
    sync_now,
    wait_until,
    young_couple,
)
from tests.e2e.officer_flow import dialog, new_desktop_context, officer_log_in

REASON = "Thanh tra sở Tư pháp yêu cầu kiểm tra hồ sơ, công văn 12/TTr"


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return document_photo(tmp_path / "giay-chung-sinh.jpg", seed=77, size=(900, 1200))


def _status(server: LiveServer, dossier_id: str) -> str | None:
    with server_db(server) as con:
        row = con.execute("select status from dossiers where id = ?", (dossier_id,)).fetchone()
    return None if row is None else str(row["status"])


def _logged(server: LiveServer, dossier_id: str) -> list[tuple[str, str, int]]:
    with server_db(server) as con:
        return [(r["reason"], r["actor_role"], r["in_queue"]) for r in con.execute(
            "select reason, actor_role, in_queue from access_log where subject_id = ?",
            (dossier_id,))]


def test_the_access_reason_is_asked_in_a_vietnamese_dialog_and_logged(
        server: LiveServer, context: Any, browser: Any, photo: Path, tmp_path: Path) -> None:
    phone = context.new_page()
    couple = young_couple(server, "volunteer1")
    log_in(phone, server, "volunteer1")
    born = (date.today() - timedelta(days=3)).isoformat()
    dossier_id = file_birth_registration(phone, couple, "Giàng Thị Mai", [photo], born)
    sync_now(phone)
    wait_until(phone, lambda: _status(server, dossier_id) == "submitted",
               "the dossier to reach the server")

    office = new_desktop_context(browser)
    native: list[str] = []
    try:
        desk = office.new_page()
        desk.on("dialog", lambda d: (native.append(d.message), d.dismiss()))
        officer_log_in(desk, server, "admin")
        go(desk, f"/officer?tab=dossier&id={dossier_id}")
        box = dialog(desk)
        box.wait_for(timeout=30_000)
        assert "Cần nêu lý do xem" in box.inner_text()
        assert "nhật ký truy cập" in box.inner_text()
        # Nothing typed: refused in the page, nothing sent.
        box.get_by_role("button", name="Xem và ghi nhật ký").click()
        box.locator('[role="alert"]', has_text="Hãy nhập lý do").wait_for(timeout=10_000)
        # Cancel: the server's message stays, nothing is read, nothing logged.
        box.get_by_role("button", name="Hủy").click()
        box.wait_for(state="detached", timeout=10_000)
        desk.get_by_text("không thuộc hàng chờ xử lý của bạn").first.wait_for(timeout=15_000)
        assert _logged(server, dossier_id) == []

        # Open it again: the question again; this time with a reason.
        go(desk, "/officer?tab=queue")
        go(desk, f"/officer?tab=dossier&id={dossier_id}")
        box.wait_for(timeout=30_000)
        box.locator("textarea[name=access_reason]").fill(REASON)
        box.get_by_role("button", name="Xem và ghi nhật ký").click()
        box.wait_for(state="detached", timeout=10_000)
        desk.get_by_text(couple.father_name).first.wait_for(timeout=30_000)
        wait_until(desk, lambda: (REASON, "admin", 0) in _logged(server, dossier_id),
                   "the reason in the access log")
        assert native == [], f"a browser dialog was opened: {native}"
    except BaseException:
        dump_pages(office, tmp_path, "office")
        raise
    finally:
        office.close()
