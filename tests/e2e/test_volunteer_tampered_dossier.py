"""A signed dossier altered after signing (on the wire: the device's storage is encrypted) is
refused by the server, which stores nothing of it, and the volunteer is told why in Vietnamese."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backend.sync_api.body_coding import decode_body
from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    document_photo,
    file_birth_registration,
    go,
    go_online,
    server_db,
    young_couple,
)


def _tamper_push(dossier_id: str, before: str, after: str, seen: list[str]) -> Any:
    """A route handler that rewrites one form value inside the signed payload text of the
    dossier's submission on its way to the server, leaving the signature as it was. (The outbox
    is encrypted at rest since branch vault — an edit of the stored row breaks its GCM tag and is
    unreadable — so the alteration a forger could still try is on the wire.)"""

    def handle(route: Any) -> None:
        request = route.request
        body = request.post_data_buffer or b""
        # gzip or deflated with the preset dictionary: decoded as the server decodes it
        doc = json.loads(decode_body(body, request.headers.get("content-encoding")))
        for item in doc.get("mutations", []):
            key = "payload" if "payload" in item else "p"  # protocol 1 or 2 (compact items)
            payload = item.get(key, "")
            if f'"entity_id":"{dossier_id}"' in payload and before in payload:
                item[key] = payload.replace(before, after)
                seen.append(item[key])
        raw = json.dumps(doc, ensure_ascii=False).encode()
        headers = {k: v for k, v in request.headers.items() if k not in ("content-encoding", "content-length")}
        route.continue_(post_data=raw, headers=headers)

    return handle


def test_tampered_signed_dossier_is_refused_with_a_clear_message(
    fresh_volunteer_offline: OfflineVolunteer, tmp_path: Path
) -> None:
    page, context, server = (
        fresh_volunteer_offline.page,
        fresh_volunteer_offline.context,
        fresh_volunteer_offline.server,
    )
    couple = young_couple(server, "volunteer1")

    child, forged = "Giàng Thị Mai", "Giàng Thị Mây"
    born = (date.today() - timedelta(days=5)).isoformat()
    photo = document_photo(tmp_path / "giay-chung-sinh.jpg", seed=3)
    dossier_id = file_birth_registration(page, couple, child, [photo], born)
    page.get_by_text("Đã ký, chờ gửi").first.wait_for()

    seen: list[str] = []
    context.route("**/api/sync/push", _tamper_push(
        dossier_id, f'"child_full_name":"{child}"', f'"child_full_name":"{forged}"', seen))

    go_online(context, server)
    go(page, "/sync")
    page.get_by_role("button", name="Đồng bộ ngay", exact=True).click()
    go(page, f"/dossiers/{dossier_id}")
    alert = page.locator("main [role=alert]").filter(has_text="Máy chủ từ chối")
    alert.wait_for(timeout=60_000)
    assert seen and forged in seen[0], "the queued submission was not sent"
    message = alert.inner_text()
    assert "Chữ ký" in message or "chữ ký" in message, message
    assert "bị thay đổi sau khi ký" in message, message
    assert page.get_by_text("Bị máy chủ từ chối").first.is_visible()

    # The refusal is about this dossier, not the session: no request to log in again.
    go(page, "/sync")
    page.get_by_role("button", name="Đồng bộ ngay", exact=True).wait_for()
    assert page.locator("#relogin-password").count() == 0, (
        "a refused item must not look like an expired session"
    )

    with server_db(server) as con:
        assert (
            con.execute(
                "select count(*) from dossier_revisions where dossier_id = ?", (dossier_id,)
            ).fetchone()[0]
            == 0
        )
        submits = con.execute(
            "select count(*) from sync_mutations where entity_id = ? and op = 'submit'",
            (dossier_id,),
        ).fetchone()[0]
        assert submits == 0
        stored = con.execute(
            "select status, form_data from dossiers where id = ?", (dossier_id,)
        ).fetchone()
        # The untouched "create" that preceded the submission may be there, as a draft only.
        assert stored is None or stored["status"] == "draft"
        everything = " ".join(
            str(v)
            for (v,) in con.execute(
                "select payload from sync_mutations union all select form_data from dossiers"
                " union all select payload from dossier_revisions"
            )
        )
        assert forged not in everything
