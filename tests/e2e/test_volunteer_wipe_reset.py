"""A lost phone, marked lost from the officer console, resets cleanly (issue 14, branch privacy2).

The volunteer shape: the phone logs in once online, waits for the service worker, loses the
signal. The officer clicks "Báo mất máy" in the console's device list (a wipe order). When the
signal comes back the phone's next sync receives the order: it wipes itself and the app starts
over at the login screen, saying what happened. Proven from outside the app code: the raw
IndexedDB holds nothing but the wipe note and a fresh installation id, and a V8 heap snapshot of
the page (after garbage collection) holds no household name and not the old session token —
the same snapshot taken before the wipe does hold them, so the probe is known to see them.
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import go, go_online, open_household, server_db, wait_until
from tests.e2e.officer_flow import dialog, new_desktop_context, officer_log_in

_META_AND_COUNTS = """async () => {
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open('langso'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
  });
  const counts = {}; let metaKeys = [];
  try {
    for (const store of Array.from(db.objectStoreNames)) {
      const rows = await new Promise((res, rej) => {
        const q = db.transaction(store, 'readonly').objectStore(store).getAll();
        q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
      });
      counts[store] = rows.length;
      if (store === 'meta') metaKeys = rows.map((r) => r.key);
    }
  } finally { db.close(); }
  return { counts, metaKeys };
}"""


def _idb(page: Any) -> dict[str, Any] | None:
    try:
        return dict(page.evaluate(_META_AND_COUNTS))
    except Exception:  # the page is starting over (navigation) — ask again
        return None


def heap_strings(page: Any) -> list[str]:
    """Every string in the page's JS heap after a full garbage collection (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    chunks: list[str] = []
    cdp.on("HeapProfiler.addHeapSnapshotChunk", lambda e: chunks.append(e["chunk"]))
    cdp.send("HeapProfiler.enable")
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": False})
    cdp.detach()
    return list(json.loads("".join(chunks))["strings"])


def _found(strings: list[str], needles: list[str]) -> list[str]:
    return [n for n in needles if any(n in s for s in strings)]


def test_a_phone_marked_lost_in_the_console_wipes_and_starts_over_at_login(
    fresh_volunteer_offline: OfflineVolunteer, browser: Any
) -> None:
    page, context, server = (fresh_volunteer_offline.page, fresh_volunteer_offline.context,
                             fresh_volunteer_offline.server)
    with server_db(server) as con:
        device = con.execute(
            "select d.id, d.label from devices d join users u on u.id = d.user_id "
            "where u.username = 'volunteer1' and d.revoked_at is null").fetchone()
        found = con.execute(
            "select m.full_name, h.id, h.village_id from members m "
            "join households h on h.head_member_id = m.id "
            "join user_villages uv on uv.village_id = h.village_id "
            "join users u on u.id = uv.user_id where u.username = 'volunteer1' "
            "order by h.address limit 3").fetchall()
    heads = [r[0] for r in found]
    assert device is not None and len(heads) == 3
    rows = _idb(page)
    assert rows is not None
    token = next(r["value"]["token"] for r in page.evaluate(
        "() => new Promise((res) => { const o = indexedDB.open('langso'); o.onsuccess = () => {"
        " const q = o.result.transaction('meta').objectStore('meta').getAll();"
        " q.onsuccess = () => { res(q.result); o.result.close(); }; }; })")
        if r["key"] == "session")

    # The phone shows its village's households; the probe sees them (and the token) in memory.
    open_household(page, found[0][2], found[0][1], heads[0])
    before = _found(heap_strings(page), [*heads, token])
    assert heads[0] in before and token in before, before

    # The officer marks the phone lost from the console (the server is back for the office).
    go_online(context, server)
    office = new_desktop_context(browser)
    try:
        console = office.new_page()
        officer_log_in(console, server)
        go(console, "/officer?tab=devices")
        row = console.locator("tr", has_text=device["label"] or device["id"][:8]).first
        row.get_by_role("button", name="Báo mất máy").click()
        dialog(console).locator("textarea[name=reason]").fill("Rơi điện thoại khi qua suối")
        dialog(console).get_by_role("button", name="Báo mất máy").click()
        console.get_by_text("Đã ra lệnh xoá dữ liệu.").wait_for(timeout=30_000)
        console.get_by_text("chờ máy tự xoá").first.wait_for(timeout=30_000)
        with server_db(server) as con:
            ordered = con.execute("select wipe_ordered_at, revoke_reason from devices where id = ?",
                                  (device["id"],)).fetchone()
        assert ordered["wipe_ordered_at"] is not None
        assert ordered["revoke_reason"] == "Rơi điện thoại khi qua suối"

        # The phone's next sync (the signal is back) receives the order.
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        page.wait_for_selector("#login-username", timeout=60_000)
        page.get_by_text("đã bị xoá").first.wait_for(timeout=15_000)
        assert page.locator("nav.nav").count() == 0

        def only_the_note() -> bool:
            state = _idb(page)
            if state is None:
                return False
            personal = {s: n for s, n in state["counts"].items() if s != "meta" and n}
            return not personal and set(state["metaKeys"]) <= {"wiped", "device_id", "language"}

        wait_until(page, only_the_note, "IndexedDB to hold only the wipe note")
        after = _found(heap_strings(page), [*heads, token])
        assert after == [], f"still in the page's memory after the wipe: {after}"

        wait_until(page, lambda: _wiped(server, device["id"]), "the wipe report")
        go(console, "/officer?tab=devices")
        console.reload()
        console.get_by_text("đã xoá dữ liệu lúc").first.wait_for(timeout=30_000)
    finally:
        office.close()


def _wiped(server: Any, device_id: str) -> bool:
    with server_db(server) as con:
        row = con.execute("select wiped_at from devices where id = ?", (device_id,)).fetchone()
    return row["wiped_at"] is not None
