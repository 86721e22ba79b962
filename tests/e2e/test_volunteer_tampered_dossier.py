"""A signed dossier altered in the device's storage afterwards is refused by the server, which
stores nothing of it, and the volunteer is told why in Vietnamese."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    document_photo,
    file_birth_registration,
    go,
    go_online,
    server_db,
    young_couple,
)

# Rewrites one form value inside the signed payload text of the dossier's queued submission,
# leaving the signature as it was: what someone editing the browser's storage would do.
_TAMPER = """async ([dossierId, before, after]) => {
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open('langso'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
  });
  try {
    const tx = db.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    const rows = await new Promise((res) => { const q = store.getAll(); q.onsuccess = () => res(q.result); });
    const row = rows.find((r) => r.entity === 'dossier' && r.op === 'submit' && r.entity_id === dossierId);
    if (!row || !row.payload.includes(before)) return null;
    row.payload = row.payload.replace(before, after);
    store.put(row);
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    return row.payload;
  } finally { db.close(); }
}"""


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

    payload = page.evaluate(
        _TAMPER,
        [dossier_id, f'"child_full_name":"{child}"', f'"child_full_name":"{forged}"'],
    )
    assert payload and forged in payload, "the queued submission was not found in the outbox"

    go_online(context, server)
    go(page, "/sync")
    page.get_by_role("button", name="Đồng bộ ngay", exact=True).click()
    go(page, f"/dossiers/{dossier_id}")
    alert = page.locator("main [role=alert]").filter(has_text="Máy chủ từ chối")
    alert.wait_for(timeout=60_000)
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
