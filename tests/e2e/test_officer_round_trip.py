"""Issue 5's loop, end to end in Chromium against the real server: a volunteer files a birth
registration; the commune officer receives it and requests a supplement through the console; the
volunteer's device shows the task with the server gone, the volunteer adds the missing photo and
re-signs offline; the officer approves and issues the signed result; the result reaches the
device and verifies there with the server gone; the dashboard's figures moved accordingly."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, dump_pages
from tests.e2e.helpers import (
    blob_bytes,
    document_photo,
    draw_signature,
    file_birth_registration,
    go,
    idb_all,
    log_in,
    server_db,
    sync_now,
    unlock,
    wait_until,
    young_couple,
)
from tests.e2e.officer_flow import (
    approve,
    dashboard_totals,
    dossier_actions,
    dossier_row,
    issue_result,
    new_desktop_context,
    officer_log_in,
    open_from_queue,
    receive,
    request_supplement,
)

COMPONENT = "giay-chung-sinh"
PROBLEM = "Thiếu ảnh mặt sau của giấy chứng sinh."
REASON = "Hồ sơ cần đủ hai mặt giấy chứng sinh."


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("photos")
    return [document_photo(folder / f"giay-chung-sinh-{i}.jpg", seed=10 + i) for i in (1, 2)]


def _offline(server: LiveServer, context: Any) -> None:
    server.stop()
    context.set_offline(True)


def _online(server: LiveServer, context: Any) -> None:
    server.start()
    context.set_offline(False)


def _dossier_screen(page: Any, dossier_id: str) -> None:
    go(page, f"/dossiers/{dossier_id}")
    page.wait_for_selector(".result, .task, .facts", timeout=30_000)


def test_officer_round_trip_supplement_result_verified_offline(
    server: LiveServer, context: Any, browser: Any, photos: list[Path], tmp_path: Path
) -> None:
    officer_token = server.login("officer")
    before = dashboard_totals(server, officer_token)

    # --- 1. the volunteer files and signs a birth registration with one photo, and syncs
    phone = context.new_page()
    couple = young_couple(server, "volunteer1")
    log_in(phone, server, "volunteer1")
    born = (date.today() - timedelta(days=6)).isoformat()
    dossier_id = file_birth_registration(phone, couple, "Giàng Thị Hoa", photos[:1], born)
    sync_now(phone)
    wait_until(phone, lambda: _server_status(server, dossier_id) == "submitted",
               "the dossier to reach the server")

    office = new_desktop_context(browser)
    try:
        desk = office.new_page()
        _round_trip(server, context, phone, desk, dossier_id, photos, before, officer_token)
    except BaseException:
        dump_pages(office, tmp_path, "officer")
        raise
    finally:
        office.close()


def _server_status(server: LiveServer, dossier_id: str) -> str | None:
    with server_db(server) as con:
        row = con.execute("select status from dossiers where id = ?", (dossier_id,)).fetchone()
    return None if row is None else str(row["status"])


def _round_trip(
    server: LiveServer,
    context: Any,
    phone: Any,
    desk: Any,
    dossier_id: str,
    photos: list[Path],
    before: dict[str, Any],
    officer_token: str,
) -> None:
    # --- 2. the officer sees it in the queue, receives it and asks for the missing photo
    officer_log_in(desk, server)
    assert desk.locator("nav.nav").count() == 0, "officers get no volunteer bottom navigation"
    assert "main--wide" in (desk.locator("main").get_attribute("class") or "")
    open_from_queue(desk, dossier_id, "Đã nộp")
    receive(desk, server, dossier_id)
    official_code = dossier_row(server, dossier_id)["official_code"]
    assert official_code, "receipt assigns the official dossier code"
    request_supplement(desk, server, dossier_id, COMPONENT, PROBLEM, REASON)

    # --- 3. the device syncs, then loses both the network and the server
    sync_now(phone)
    wait_until(
        phone,
        lambda: any(t["dossier_id"] == dossier_id and t["status"] == "open"
                    for t in idb_all(phone, "tasks")),
        "the supplement task on the device",
    )
    _offline(server, context)
    _dossier_screen(phone, dossier_id)
    task = phone.locator("section.task")
    task.wait_for(timeout=15_000)
    assert REASON in task.inner_text() and PROBLEM in task.inner_text()

    # The volunteer adds the missing photo and re-signs, still offline.
    phone.get_by_role("button", name="Bổ sung hồ sơ").click()
    phone.wait_for_selector("text=Bước 2/4", timeout=20_000)
    thumbs = phone.locator(f"#c-{COMPONENT}-title ~ ul.thumbs li.thumb")
    thumbs.first.wait_for(timeout=20_000)
    assert thumbs.count() == 1
    phone.set_input_files(f"#c-{COMPONENT}-camera", str(photos[1]))
    phone.get_by_role("button", name="Lưu tệp này").click(timeout=60_000)
    thumbs.nth(1).wait_for(timeout=20_000)
    phone.get_by_role("button", name="Tiếp tục").click()
    phone.wait_for_selector("text=Bước 3/4")
    phone.get_by_role("button", name="Chuyển sang ký").click()
    phone.wait_for_selector("canvas.signature-pad")
    draw_signature(phone)
    phone.get_by_role("button", name="Ký và đưa vào hàng chờ gửi").click()
    phone.wait_for_url("**/#/dossiers/*?signed=1", timeout=20_000)
    # Signed on the device only: the server (down) still holds the request.
    assert server.process is None
    assert _server_status(server, dossier_id) == "supplement_requested"

    # --- 4. back online: the new revision reaches the server
    _online(server, context)
    sync_now(phone)
    wait_until(phone, lambda: _server_status(server, dossier_id) == "processing",
               "the supplement to reach the server")
    with server_db(server) as con:
        revisions = con.execute(
            "select kind, hash from dossier_revisions where dossier_id = ? order by number",
            (dossier_id,),
        ).fetchall()
    assert [r["kind"] for r in revisions] == ["submit", "supplement"]
    components = dossier_row(server, dossier_id)["components"]
    assert len(_json(components)[COMPONENT]) == 2

    # The officer sees the new revision, approves and issues the signed result.
    desk.reload()
    open_from_queue(desk, dossier_id, "Đang xử lý")
    desk.get_by_text("Bản 2 (bổ sung)").first.wait_for(timeout=30_000)
    approve(desk, server, dossier_id)
    issue_result(desk, "Cấp Giấy khai sinh cho cháu Giàng Thị Hoa.", "15/2026/TLKS")
    with server_db(server) as con:
        result = con.execute(
            "select * from dossier_results where dossier_id = ?", (dossier_id,)
        ).fetchone()
    assert result is not None and result["outcome"] == "approved"
    assert dossier_row(server, dossier_id)["outcome"] == "approved"
    assert dossier_actions(server, dossier_id) == [
        "create", "submit", "receive", "start", "request_supplement", "supplement", "approve",
        "issue_result",
    ]
    pdf_bytes = blob_bytes(server, result["pdf_sha256"])
    assert hashlib.sha256(pdf_bytes).hexdigest() == result["pdf_sha256"]

    # --- 5. the result reaches the device (with its PDF), then verifies with the server gone
    sync_now(phone)
    wait_until(
        phone,
        lambda: any(r["dossier_id"] == dossier_id and (r.get("pdf") or {}).get("state") == "ok"
                    for r in idb_all(phone, "results")),
        "the result and its PDF on the device",
        timeout=60_000,
    )
    _offline(server, context)
    phone.reload()
    unlock(phone)
    _dossier_screen(phone, dossier_id)
    verdict = phone.locator(".result-check")
    verdict.wait_for(timeout=15_000)
    wait_until(phone, lambda: verdict.get_attribute("data-verdict") == "valid",
               "the result to verify on the device")
    assert "Kết quả điện tử hợp lệ — ký bởi UBND xã Pu Sam Cáp" in verdict.inner_text()
    (row,) = [r for r in idb_all(phone, "results") if r["dossier_id"] == dossier_id]
    assert row["check"]["verdict"] == "valid"
    assert row["pdf"]["sha256"] == result["pdf_sha256"]
    # "Xem kết quả (PDF)" serves, offline, exactly the file the commune issued.
    link = phone.get_by_role("link", name="Xem kết quả (PDF)")
    href = link.get_attribute("href")
    assert href and href.startswith("blob:")
    device_sha = phone.evaluate(
        """async (u) => { const b = await (await fetch(u)).arrayBuffer();
        const h = await crypto.subtle.digest('SHA-256', b);
        return [...new Uint8Array(h)].map((x) => x.toString(16).padStart(2, '0')).join(''); }""",
        href,
    )
    assert device_sha == result["pdf_sha256"]

    # --- 6. the dashboard moved: one more dossier done, finished on time
    server.start()
    after = dashboard_totals(server, officer_token)
    assert after["dossiers"] == before["dossiers"] + 1
    assert after["by_status"]["done"] == before["by_status"]["done"] + 1
    for status in ("submitted", "processing", "supplement_requested"):
        assert after["by_status"][status] == before["by_status"][status], status
    on_time_before, on_time_after = before["on_time"], after["on_time"]
    assert on_time_after["finished"] == on_time_before["finished"] + 1
    assert (on_time_after["before"] + on_time_after["on"]
            == on_time_before["before"] + on_time_before["on"] + 1)
    assert on_time_after["after"] == on_time_before["after"]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
