"""A lost phone gives nothing away (issue 14 items 1–2, branch vault).

A volunteer files a birth registration with a photo offline; the phone's raw IndexedDB, read
with the plain IndexedDB API from outside the app code, holds no name, CCCD, phone number or
image bytes. The PIN opens everything again; "forgot PIN" (an online password login) recovers
the unsent dossier; an officer marks the phone lost and at its next contact it wipes itself.
"""

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
    open_household,
    server_db,
    sync_now,
    unlock,
    unseal,
    wait_until,
    young_couple,
)

CHILD = "Vàng Thị Dợ"
NEW_PIN = "864209"

# Walks every object store with the raw IndexedDB API; looks for each needle as UTF-8 bytes in
# every string and byte array; counts Blobs (a photo stored natively would be one) and sealed rows.
_RAW_SCAN = """async (needles) => {
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open('langso'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
  });
  const enc = new TextEncoder();
  const pats = needles.map((n) => [n, enc.encode(n)]);
  const hasBytes = (hay, pat) => {
    outer: for (let i = 0; i + pat.length <= hay.length; i++) {
      for (let j = 0; j < pat.length; j++) if (hay[i + j] !== pat[j]) continue outer;
      return true;
    }
    return false;
  };
  const hits = new Set(); let blobs = 0; let sealed = 0; const stores = {};
  const walk = (v) => {
    if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
      const b = v instanceof Uint8Array ? v : new Uint8Array(v);
      for (const [n, p] of pats) if (hasBytes(b, p)) hits.add(n);
    } else if (typeof v === 'string') {
      for (const [n] of pats) if (v.includes(n)) hits.add(n);
    } else if (v instanceof Blob) blobs++;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && !(v instanceof CryptoKey)) {
      if (v['$sealed'] instanceof Uint8Array) sealed++;
      Object.values(v).forEach(walk);
    }
  };
  try {
    for (const store of Array.from(db.objectStoreNames)) {
      const rows = await new Promise((res, rej) => {
        const q = db.transaction(store, 'readonly').objectStore(store).getAll();
        q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
      });
      stores[store] = rows.length;
      rows.forEach(walk);
    }
  } finally { db.close(); }
  return { hits: [...hits], blobs, sealed, stores };
}"""


def raw_scan(page: Any, needles: list[str]) -> dict[str, Any]:
    return dict(page.evaluate(_RAW_SCAN, needles))


def test_lost_phone_gives_nothing_away(
    fresh_volunteer_offline: OfflineVolunteer, tmp_path: Path
) -> None:
    page, context, server = (
        fresh_volunteer_offline.page,
        fresh_volunteer_offline.context,
        fresh_volunteer_offline.server,
    )
    couple = young_couple(server, "volunteer1")
    with server_db(server) as con:
        father = con.execute(
            "select cccd, phone from members where id = ?", (couple.father_id,)
        ).fetchone()
        some_phone = con.execute(
            "select phone from members where phone is not null and phone != '' limit 1"
        ).fetchone()
    # the server seals CCCDs at rest too: the needle is the plaintext number
    needles = [couple.father_name, couple.mother_name, CHILD,
               unseal(server, "members", father["cccd"]),
               # JPEG markers: a compressed photo in clear would carry them
               "JFIF", "Exif"]
    for phone in (father["phone"], some_phone["phone"] if some_phone else None):
        if phone:
            needles.append(phone)

    born = (date.today() - timedelta(days=2)).isoformat()
    photo = document_photo(tmp_path / "giay-chung-sinh.jpg", seed=14)
    dossier_id = file_birth_registration(page, couple, CHILD, [photo], born)

    # 1. What rests on the phone: no personal data in clear, no stored image.
    scan = raw_scan(page, needles)
    assert scan["hits"] == [], f"plaintext found in IndexedDB: {scan['hits']}"
    assert scan["blobs"] == 0
    assert scan["stores"]["blobs"] >= 2  # the photo and the consent signature, sealed
    assert scan["sealed"] >= scan["stores"]["households"] + scan["stores"]["outbox"]

    # 2. A restart (offline) starts locked; the PIN opens everything.
    page.reload()
    unlock(page)
    open_household(page, couple.village_id, couple.household_id, couple.father_name)
    go(page, f"/dossiers/{dossier_id}")
    page.get_by_text("Đã ký, chờ gửi", exact=True).wait_for(timeout=15_000)

    # 3. Forgot PIN: online password login opens the key by escrow; the unsent dossier survives.
    page.reload()
    page.wait_for_selector("#pin-unlock", timeout=30_000)
    go_online(context, server)
    page.get_by_role("button", name="Quên mã PIN?").click()
    page.fill("#pin-password", "demo")
    page.get_by_role("button", name="Xác nhận và đặt mã PIN mới").click()
    page.fill("#pin-new", NEW_PIN)
    page.fill("#pin-again", NEW_PIN)
    page.get_by_role("button", name="Lưu mã PIN").click()
    page.wait_for_selector("nav.nav", timeout=30_000)
    go(page, f"/dossiers/{dossier_id}")
    page.get_by_text(couple.father_name).first.wait_for(timeout=15_000)
    sync_now(page)
    with server_db(server) as con:
        assert con.execute("select count(*) from dossiers where id = ?",
                           (dossier_id,)).fetchone()[0] == 1
        device_id = con.execute(
            "select d.id from devices d join users u on u.id = d.user_id "
            "where u.username = 'volunteer1' and d.revoked_at is null"
        ).fetchone()[0]
    assert raw_scan(page, needles)["hits"] == []  # pulled pages are sealed too

    # 4. The lost-phone drill: the officer marks the device lost; next contact wipes it.
    officer = server.login("officer")
    r = server.api("POST", f"/api/devices/{device_id}/revoke", officer,
                   json={"reason": "Mất điện thoại trên đường lên bản", "wipe": True})
    assert r.status_code == 200, r.text
    page.evaluate("() => window.dispatchEvent(new Event('online'))")

    def wiped() -> bool:
        try:
            stores = raw_scan(page, [])["stores"]
        except Exception:  # the app starts over after a wipe (a reload): ask again
            return False
        # meta: the wipe note, plus the fresh installation id (and language) of the restarted app
        return all(n == 0 for s, n in stores.items() if s != "meta") and stores.get("meta", 0) >= 1

    wait_until(page, wiped, "the phone to wipe itself", timeout=60_000)
    with server_db(server) as con:
        row = con.execute("select wipe_ordered_at, wiped_at from devices where id = ?",
                          (device_id,)).fetchone()
    assert row["wipe_ordered_at"] is not None
    wait_until(page, lambda: _wiped_at(server, device_id), "the wipe report", timeout=30_000)


def _wiped_at(server: Any, device_id: str) -> bool:
    with server_db(server) as con:
        row = con.execute("select wiped_at from devices where id = ?", (device_id,)).fetchone()
    return row["wiped_at"] is not None
