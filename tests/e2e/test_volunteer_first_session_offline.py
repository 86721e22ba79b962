"""Issue 10: the volunteer logs in at the commune office, puts the phone in a pocket and walks to
the village. With NO reload after the login, the server process stopped and the phone offline,
every volunteer screen opens — the lazily loaded dossier form included — and a birth
registration is filed, photographed, signed and queued; back in signal, it reaches the server
and the phone shows the commune's verified receipt."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    assert_no_raw_error,
    document_photo,
    file_birth_registration,
    go,
    go_online,
    server_db,
    sync_now,
    young_couple,
)

_MARK = "window.__sameDocument"


def _heading(page: Any, path: str, title: str | None = None) -> str:
    """Opens an in-app route and returns its heading once shown; no raw error may appear."""
    go(page, path)
    heading = page.locator("main h1")
    if title is not None:
        page.locator("main h1", has_text=title).wait_for(timeout=15_000)
    else:
        heading.first.wait_for(timeout=15_000)
    assert_no_raw_error(page)
    return str(heading.first.inner_text())


def test_first_session_works_offline_without_any_reload(
    fresh_volunteer_offline: OfflineVolunteer, tmp_path: Path
) -> None:
    phone = fresh_volunteer_offline
    page, context, server = phone.page, phone.context, phone.server
    # The login page was loaded once and never reloaded; the mark proves no reload from here on.
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "navigate"
    page.evaluate(f"{_MARK} = true")
    assert page.evaluate("navigator.onLine") is False
    couple = young_couple(server, phone.username)

    # Every volunteer screen, with no network and no server.
    assert _heading(page, "/", "Thôn của tôi")
    _heading(page, f"/villages/{couple.village_id}")
    _heading(page, f"/households/{couple.household_id}", f"Hộ {couple.father_name}")
    _heading(page, f"/households/{couple.household_id}/members/{couple.mother_id}")
    _heading(page, "/procedures", "Thủ tục")
    page.locator("main a.list-item").first.click()
    page.locator("main h1").first.wait_for()
    assert_no_raw_error(page)
    _heading(page, "/dossiers", "Hồ sơ")
    _heading(page, "/dossiers/new", "Lập hồ sơ mới")
    _heading(page, "/sync", "Đồng bộ")
    _heading(page, "/conflicts", "Xung đột dữ liệu")
    _heading(page, "/settings", "Cài đặt")
    assert "Ngoại tuyến" in page.locator(".statusbar").inner_text()

    # The lazily loaded form, the camera input, the signature: all from the precache.
    photo = document_photo(tmp_path / "giay-chung-sinh.jpg", seed=21)
    born = (date.today() - timedelta(days=4)).isoformat()
    dossier_id = file_birth_registration(page, couple, "Lò Thị Hoa", [photo], born)
    page.get_by_text("Đã ký, chờ gửi").first.wait_for()
    assert_no_raw_error(page)
    # Not "submitted" while it is on the phone: the commune's status waits for the receipt.
    assert "Trạng thái tại xã" not in page.inner_text("main")
    _heading(page, "/dossiers", "Hồ sơ")
    page.get_by_role("heading", name="Đã ký, chờ gửi (1)").wait_for()
    assert "Hồ sơ chờ lâu nhất" in page.inner_text("main")
    with server_db(server) as con:
        assert con.execute("select count(*) from dossiers where id = ?", (dossier_id,)).fetchone()[
            0
        ] == 0

    # Back in signal: it syncs, and the phone shows the verified receipt and then the status.
    pushes: list[Any] = []
    context.on("request", lambda req: pushes.append(req)
               if req.method == "POST" and "/api/sync/push" in req.url else None)
    go_online(context, server)
    sync_now(page)
    # The push went deflated with the preset dictionary the app shipped (docs/protocol.md §4),
    # loaded from the precache during the offline session, and the real server inflated it.
    assert pushes and all(r.headers.get("content-encoding") == "deflate" for r in pushes)
    for r in pushes:
        sizes = r.sizes()
        print(f"first-session push: body {sizes['requestBodySize']} B, headers "
              f"{sizes['requestHeadersSize']} B")
    go(page, f"/dossiers/{dossier_id}")
    badge = page.locator("main .state").first
    badge.filter(has_text="Đã gửi — biên nhận").wait_for(timeout=60_000)
    page.get_by_text("Trạng thái tại xã").wait_for()
    with server_db(server) as con:
        row = con.execute("select status from dossiers where id = ?", (dossier_id,)).fetchone()
        (receipt,) = con.execute(
            "select receipt from dossier_revisions where dossier_id = ?", (dossier_id,)
        ).fetchone()
    assert row is not None and row["status"] == "submitted"
    # The code the phone shows is the one inside the commune's signed receipt.
    code = json.loads(json.loads(receipt)["payload"])["receipt_code"]
    assert f"Đã gửi — biên nhận {code}" == badge.inner_text().strip()
    assert page.evaluate(_MARK) is True, "the page was reloaded during the walk"
