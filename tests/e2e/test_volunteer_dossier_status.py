"""Issue 10: status that tells the truth, on a 360×640 phone with no signal. Opening a form
creates nothing; a draft exists once something is typed, is listed apart, is not "unsynced",
never blocks logout and can be thrown away after a confirmation. A signed dossier says "Đã ký,
chờ gửi" with its count and age, and only after the commune's receipt "Đã gửi — biên nhận …"
followed by the commune's own status."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    document_photo,
    file_birth_registration,
    go,
    go_online,
    idb_all,
    start_birth_registration,
    sync_now,
    wait_until,
    young_couple,
)


def _dossier_rows(page: Any) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in idb_all(page, "dossiers")}


def _headings(page: Any) -> list[str]:
    return [str(h).strip() for h in page.locator("main h2").all_inner_texts()]


def test_drafts_apart_and_three_status_words(
    fresh_volunteer_offline: OfflineVolunteer, tmp_path: Path
) -> None:
    phone = fresh_volunteer_offline
    page, context, server = phone.page, phone.context, phone.server
    assert page.viewport_size == {"width": 360, "height": 640}
    couple = young_couple(server, phone.username)

    # Opening the form and leaving it: no draft anywhere.
    opened = start_birth_registration(page, couple)
    go(page, "/dossiers")
    page.get_by_role("heading", name="Hồ sơ", exact=True).wait_for()
    assert opened not in _dossier_rows(page)
    assert not any(h.startswith("Bản nháp") for h in _headings(page))
    go(page, f"/dossiers/{opened}")
    page.get_by_text("Chưa có gì được lưu").wait_for()

    # Typing one value creates the draft: listed apart, not unsynced work.
    draft_id = start_birth_registration(page, couple)
    page.fill("#f-child_full_name", "Giàng Thị Nháp")
    wait_until(page, lambda: draft_id in _dossier_rows(page), "the draft to be saved")
    go(page, "/dossiers")
    page.get_by_role("heading", name="Bản nháp (1)").wait_for()
    assert "chờ gửi" not in page.locator(".statusbar").inner_text()
    go(page, "/sync")
    page.get_by_text("Mọi dữ liệu đã được đồng bộ.").wait_for()
    page.get_by_text("1 bản nháp chưa ký chỉ có trên máy").wait_for()

    # A signed dossier: "Đã ký, chờ gửi" with count and age; no commune status yet.
    photo = document_photo(tmp_path / "giay-chung-sinh.jpg", seed=33)
    born = (date.today() - timedelta(days=6)).isoformat()
    signed_id = file_birth_registration(page, couple, "Giàng Thị Ký", [photo], born)
    page.locator("main .state", has_text="Đã ký, chờ gửi").wait_for()
    page.get_by_text("chờ gửi vừa xong").wait_for()
    assert "Trạng thái tại xã" not in page.inner_text("main")
    assert "Đã nộp" not in page.inner_text("main")
    go(page, "/dossiers")
    page.get_by_role("heading", name="Đã ký, chờ gửi (1)").wait_for()
    assert _headings(page)[:2] == ["Bản nháp (1)", "Đã ký, chờ gửi (1)"]
    assert "Hồ sơ chờ lâu nhất: vừa xong" in page.inner_text("main")
    wait_until(
        page,
        lambda: "Đã ký, chờ gửi: 1 hồ sơ" in page.locator(".statusbar").inner_text(),
        "the status bar to count the signed dossier",
    )
    # The consent signature is part of the dossier, not a photo.
    go(page, "/sync")
    pending = page.get_by_test_id("pending").inner_text()
    # (the "change" is the newborn queued as a pending member of the household)
    assert "Đã ký, chờ gửi: 1 hồ sơ" in pending and "· 1 tệp chưa gửi" in pending, pending

    # Logout: the draft only asks for a confirmation; the signed dossier refuses it.
    go(page, "/settings")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_text("Đăng xuất sẽ xoá 1 bản nháp chưa ký trên máy này").wait_for()
    page.get_by_role("button", name="Xoá bản nháp và đăng xuất").click()
    refusal = page.locator("main [role=alert]")
    refusal.wait_for()
    assert "còn 1 hồ sơ đã ký" in refusal.inner_text()
    assert draft_id in _dossier_rows(page)

    # Discarding the draft asks first; "Giữ lại" keeps it.
    go(page, "/dossiers")
    item = page.locator(f'li.draft-item[data-dossier="{draft_id}"]')
    item.get_by_role("button", name="Bỏ bản nháp").click()
    item.get_by_text("Không thể hoàn tác").wait_for()
    item.get_by_role("button", name="Giữ lại").click()
    assert draft_id in _dossier_rows(page)
    item.get_by_role("button", name="Bỏ bản nháp").click()
    item.get_by_role("button", name="Xoá bản nháp").click()
    page.get_by_role("heading", name="Bản nháp (1)").wait_for(state="detached")
    assert draft_id not in _dossier_rows(page)
    assert signed_id in _dossier_rows(page)

    # Signal: the receipt is verified, then and only then "Đã gửi — biên nhận …" and the status.
    go_online(context, server)
    sync_now(page)
    go(page, f"/dossiers/{signed_id}")
    page.locator("main .state", has_text="Đã gửi — biên nhận").wait_for(timeout=60_000)
    page.get_by_text("Trạng thái tại xã").wait_for()
    row = _dossier_rows(page)[signed_id]
    assert row["receipt"]["verdict"] == "valid"
    assert row["receipt"]["code"] in page.locator("main .state").first.inner_text()
    go(page, "/dossiers")
    page.get_by_role("heading", name="Đã gửi (1)").wait_for()

    # A new draft never blocks logout: confirm, and the phone is logged out.
    again = start_birth_registration(page, couple)
    page.fill("#f-child_full_name", "Giàng Thị Sau")
    wait_until(page, lambda: again in _dossier_rows(page), "the second draft to be saved")
    go(page, "/settings")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Xoá bản nháp và đăng xuất").click()
    page.wait_for_selector("#login-username", timeout=30_000)
