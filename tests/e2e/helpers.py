"""Steps a volunteer takes in the PWA, and the probes the end-to-end tests use to check real
outcomes: the device's IndexedDB (through the page) and the server's SQLite database and blob
files (directly). Waiting is always on a condition with a deadline, never a bare sleep.
"""

from __future__ import annotations

import hashlib
import io
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image, ImageDraw, ImageFilter

from tests.e2e.conftest import LiveServer

PIN = "482916"
T = TypeVar("T")


# ---------------------------------------------------------------- app shell and login


OFFLINE_READY = "Ứng dụng đã sẵn sàng dùng khi không có mạng."

_CONTROLLED = (
    "navigator.serviceWorker.controller !== null"
    " && navigator.serviceWorker.controller.state === 'activated'"
)


def wait_offline_ready(page: Any) -> None:
    """Waits, WITHOUT reloading, until the service worker installed its whole precache and
    controls this very page (it claims the page on first install). From then on every volunteer
    screen, lazy chunks included, is served with no network."""
    wait_for_js(page, _CONTROLLED, "the service worker to control the page", timeout=60_000)


def wait_for_js(page: Any, expression: str, what: str, timeout: float = 30_000) -> None:
    """Polls a JavaScript expression with `page.evaluate` (sent over the DevTools protocol).
    Playwright's own `wait_for_function` builds its predicate with eval inside the page, which
    the app's CSP (no 'unsafe-eval') refuses as soon as it has to poll."""
    wait_until(page, lambda: bool(page.evaluate(expression)), what, timeout=timeout)


def go_offline(context: Any, server: LiveServer) -> None:
    """No signal: the browser's offline switch AND the server process stopped (a service worker
    is not fooled by the switch alone; a stopped server proves nothing is fetched)."""
    server.stop()
    context.set_offline(True)


def go_online(context: Any, server: LiveServer) -> None:
    server.start()
    context.set_offline(False)


def go(page: Any, path: str) -> None:
    """Follows an in-app link (hash route) without reloading the page."""
    page.evaluate("(p) => { location.hash = p; }", "#" + path)


def log_in(page: Any, server: LiveServer, username: str, pin: str = PIN) -> None:
    """First online login on a fresh device, never reloading: logs in, sets the PIN, waits until
    the first sync has brought the villages, households and the catalogue, and until the service
    worker controls the page (so the test may go offline right after)."""
    page.goto(server.url + "/")
    page.wait_for_selector("#login-username")
    page.fill("#login-username", username)
    page.fill("#login-password", "demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.fill("#pin-new", pin)
    page.fill("#pin-again", pin)
    page.get_by_role("button", name="Lưu mã PIN").click()
    page.wait_for_selector("nav.nav", timeout=30_000)
    wait_until(
        page,
        lambda: (
            last_sync_success(page) is not None
            and idb_count(page, "households") > 0
            and idb_count(page, "procedures") > 0
        ),
        "the first sync after login",
        timeout=60_000,
    )
    wait_offline_ready(page)


def assert_no_raw_error(page: Any) -> None:
    """No browser error text reached the screen (e.g. a failed dynamic import)."""
    text = screen_text(page)
    for raw in ("Failed to fetch", "dynamically imported module", "TypeError", "Đã xảy ra lỗi"):
        assert raw not in text, f"raw error on screen: {text!r}"


def unlock(page: Any, pin: str = PIN) -> None:
    page.wait_for_selector("#pin-unlock", timeout=30_000)
    page.fill("#pin-unlock", pin)
    page.get_by_role("button", name="Mở khoá").click()
    page.wait_for_selector("nav.nav", timeout=15_000)


def wait_until(
    page: Any, condition: Callable[[], T], what: str, timeout: float = 30_000, step: float = 150
) -> T:
    """Polls `condition` (Python side, may read the page) until it is truthy; fails naming `what`."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen: {screen_text(page)!r}")
        page.wait_for_timeout(step)


def screen_text(page: Any) -> str:
    try:
        return str(page.inner_text("body", timeout=2_000))[:1500]
    except Exception as exc:  # the page may be mid-navigation
        return f"<unreadable: {exc}>"


# ---------------------------------------------------------------- the device's IndexedDB

_IDB_ALL = """async (store) => {
  // Personal tables are encrypted at rest (branch vault): read them as the unlocked app does.
  const opened = window.__langsoRows ? await window.__langsoRows(store).catch(() => null) : null;
  if (opened) return JSON.parse(JSON.stringify(opened, (k, v) => (v instanceof Blob ? {size: v.size, type: v.type} : v instanceof Uint8Array ? undefined : v)));
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open('langso'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
  });
  try {
    const rows = await new Promise((res, rej) => {
      const q = db.transaction(store, 'readonly').objectStore(store).getAll();
      q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
    });
    // Blobs do not cross into Python; everything else is plain data.
    return JSON.parse(JSON.stringify(rows, (k, v) => (v instanceof Blob ? {size: v.size, type: v.type} : v)));
  } finally { db.close(); }
}"""

_IDB_COUNT = """async (store) => {
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open('langso'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
  });
  try {
    if (!db.objectStoreNames.contains(store)) return 0;
    return await new Promise((res, rej) => {
      const q = db.transaction(store, 'readonly').objectStore(store).count();
      q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
    });
  } finally { db.close(); }
}"""


def idb_all(page: Any, store: str) -> list[dict[str, Any]]:
    """Every row of one object store of the app's database (call only after login created it),
    opened through the app while it is unlocked (personal tables are encrypted at rest), else raw."""
    return list(page.evaluate(_IDB_ALL, store))


def idb_count(page: Any, store: str) -> int:
    return int(page.evaluate(_IDB_COUNT, store))


def last_sync_success(page: Any) -> int | None:
    for row in idb_all(page, "meta"):
        if row.get("key") == "sync_status":
            value = row.get("value") or {}
            return int(value["lastSuccessAt"]) if value.get("lastSuccessAt") else None
    return None


def sync_now(page: Any, timeout: float = 60_000) -> None:
    """Taps "Đồng bộ ngay" on the sync screen and waits for a run that completes successfully
    (a run that started before the tap may finish first; the wait is for a newer success)."""
    before = last_sync_success(page) or 0
    go(page, "/sync")
    page.get_by_role("button", name="Đồng bộ ngay", exact=True).click(timeout=timeout)
    wait_until(
        page,
        lambda: (last_sync_success(page) or 0) > before,
        "a successful sync run",
        timeout=timeout,
    )


def draw_signature(page: Any) -> None:
    """A signature drawn with the mouse on the consent canvas (pointer events, as a finger)."""
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(x + i * (box["width"] - 40) / 30, y + (12 if i % 4 < 2 else -12), steps=2)
    page.mouse.up()


# ---------------------------------------------------------------- test documents


def document_photo(path: Path, seed: int, size: tuple[int, int] = (2448, 3264)) -> Path:
    """A phone photo of a printed form: off-white page with a title, ruled text lines, a table,
    a red round stamp and a signature, slightly rotated on a dark table, with sensor noise."""
    rng = random.Random(seed)
    w, h = size
    photo = Image.new("RGB", size, (58, 48, 40))
    page_w, page_h = int(w * 0.84), int(h * 0.86)
    sheet = Image.new("RGB", (page_w, page_h), (243, 240, 230))
    d = ImageDraw.Draw(sheet)
    m = page_w // 12
    d.rectangle([m, m, page_w - m, m + page_h // 22], fill=(40, 40, 40))  # title bar
    y = m + page_h // 12
    line_h = page_h // 40
    while y < page_h * 0.55:
        x = m
        while x < page_w - m:
            word = rng.randint(page_w // 40, page_w // 9)
            d.rectangle([x, y, min(x + word, page_w - m), y + line_h // 3], fill=(35, 35, 50))
            x += word + page_w // 60
        y += line_h
    top = int(page_h * 0.6)
    for r in range(6):  # a table
        d.line(
            [m, top + r * line_h * 1.5, page_w - m, top + r * line_h * 1.5],
            fill=(30, 30, 30),
            width=4,
        )
    for c in range(4):
        xc = m + c * (page_w - 2 * m) // 3
        d.line([xc, top, xc, top + 5 * line_h * 1.5], fill=(30, 30, 30), width=4)
    cx, cy, r = int(page_w * 0.7), int(page_h * 0.85), page_w // 9
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(190, 30, 30), width=10)
    d.ellipse([cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2], outline=(190, 30, 30), width=6)
    d.line(
        [
            (int(page_w * 0.55) + i * 12, int(page_h * 0.83) + rng.randint(-25, 25))
            for i in range(40)
        ],
        fill=(20, 30, 120),
        width=5,
    )
    sheet = sheet.rotate(rng.uniform(-3, 3), expand=True, fillcolor=(58, 48, 40))
    photo.paste(sheet, ((w - sheet.width) // 2, (h - sheet.height) // 2))
    noise = Image.effect_noise(size, 18).convert("RGB")
    photo = Image.blend(photo, noise, 0.06).filter(ImageFilter.GaussianBlur(0.6))
    photo.save(path, "JPEG", quality=88)
    return path


def scanned_pdf(path: Path, min_bytes: int, seed: int = 7) -> Path:
    """A PDF of a noisy scan, at least `min_bytes` long. PDFs are stored byte for byte by the
    app (not recompressed), so the upload size is exactly this file's size."""
    rng = random.Random(seed)
    side = 900
    while True:
        img = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        buf = io.BytesIO()
        img.save(buf, "PDF", quality=92, resolution=150)
        if buf.tell() >= min_bytes:
            path.write_bytes(buf.getvalue())
            return path
        side += 200


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- the server's database


@contextmanager
def server_db(server: LiveServer) -> Iterator[sqlite3.Connection]:
    """The server's SQLite database, read directly (WAL: safe while the server runs)."""
    con = sqlite3.connect(server.database_url.removeprefix("sqlite:///"), timeout=10)
    con.row_factory = sqlite3.Row
    try:
        yield con
        con.commit()
    finally:
        con.close()


def unseal(server: LiveServer, purpose: str, value: str) -> str:
    """Open a value sealed at rest (backend/privacy) with the server's keys, as an operator
    holding the master key could; plaintext (a row from before sealing) passes through."""
    from backend.db.engine import make_engine
    from backend.privacy.crypto import is_sealed
    from backend.privacy.keys import load_keyring, master_for
    from backend.settings import Settings

    if not is_sealed(value):
        return value
    engine = make_engine(server.database_url)
    try:
        with engine.connect() as conn:
            ring = load_keyring(conn, master_for(Settings.from_env()), create=False)
    finally:
        engine.dispose()
    return ring.open(purpose, value).decode()


def blob_path(server: LiveServer, sha256: str) -> Path:
    return server.data_dir / "blobs" / sha256[:2] / sha256


def blob_bytes(server: LiveServer, sha256: str) -> bytes:
    """A blob's bytes as the server holds them, opened: the file itself must be sealed
    (backend/blobs/sealed.py); its key comes from the blob's row, unsealed like any value."""
    from backend.blobs.sealed import is_sealed_blob, open_blob

    stored = blob_path(server, sha256).read_bytes()
    assert is_sealed_blob(stored), f"blob {sha256} is stored in clear"
    with server_db(server) as con:
        row = con.execute("select content_key from blobs where sha256 = ?", (sha256,)).fetchone()
    assert row is not None and row["content_key"]
    return open_blob(bytes.fromhex(unseal(server, "blobs", row["content_key"])), sha256, stored)


@dataclass(frozen=True)
class Couple:
    household_id: str
    village_id: str
    address: str
    father_id: str
    father_name: str
    mother_id: str
    mother_name: str


def young_couple(server: LiveServer, username: str, skip: int = 0) -> Couple:
    """A household of `username`'s villages whose head is a man with a CCCD (he files as the
    father) and whose wife is the youngest such wife: the household most likely to have a baby."""
    with server_db(server) as con:
        rows = con.execute(
            """
            select h.id, h.village_id, h.address, f.id as fid, f.full_name as fname,
                   m.id as mid, m.full_name as mname
            from households h
            join user_villages uv on uv.village_id = h.village_id
            join users u on u.id = uv.user_id and u.username = ?
            join members f on f.id = h.head_member_id and f.sex = 'male' and f.cccd is not null
            join members m on m.household_id = h.id and m.relationship = 'vo'
                          and m.date_of_birth is not null and m.ethnicity is not null
            where f.date_of_birth is not null and f.ethnicity is not null
            order by m.date_of_birth desc, h.id
            """,
            (username,),
        ).fetchall()
    assert len(rows) > skip, f"no household with a young couple for {username}"
    r = rows[skip]
    return Couple(
        r["id"], r["village_id"], r["address"], r["fid"], r["fname"], r["mid"], r["mname"]
    )


# ---------------------------------------------------------------- the birth registration


def open_household(page: Any, village_id: str, household_id: str, head_name: str) -> None:
    """Villages → the village → search the head's name → the household."""
    go(page, "/")
    page.locator(f'a.list-item[href="#/villages/{village_id}"]').click()
    page.fill("#household-search", head_name)
    page.locator(f'a.list-item[href="#/households/{household_id}"]').click()
    page.get_by_role("heading", name=f"Hộ {head_name}").wait_for()


def start_birth_registration(page: Any, couple: Couple, wait_for_form: bool = True) -> str:
    """Household → "Lập hồ sơ mới" → "Đăng ký khai sinh" → the father as applicant → "Bắt đầu";
    returns the new dossier's id once the form shows (nothing typed yet)."""
    open_household(page, couple.village_id, couple.household_id, couple.father_name)
    page.get_by_role("link", name=f"Lập hồ sơ mới: {couple.father_name}").click()
    page.get_by_text("Đăng ký khai sinh").first.click()
    page.locator("label.choice", has_text=couple.father_name).click()
    page.get_by_role("button", name="Bắt đầu lập hồ sơ").click()
    page.wait_for_url("**/#/dossiers/*/edit")
    if wait_for_form:
        page.wait_for_selector("text=Bước 1/4")
    return str(page.url.split("#/dossiers/")[1].split("/")[0])


def file_birth_registration(
    page: Any,
    couple: Couple,
    child_name: str,
    documents: list[Path],
    child_birth_date: str,
) -> str:
    """From the household: "Đăng ký khai sinh" with the father as applicant, the child's fields,
    `documents` into the birth-certificate checklist item, a drawn consent signature, sign.
    Checks the parents arrive prefilled. Returns the dossier id."""
    start_birth_registration(page, couple)

    # The form in steps: the child's part is typed (dates as dd/mm/yyyy) ...
    page.get_by_text("Phần 1/4: Trẻ được khai sinh").wait_for()
    page.fill("#f-child_full_name", child_name)
    page.check("#f-child_sex-female")
    year, month, day = child_birth_date.split("-")
    page.fill("#f-child_date_of_birth", f"{day}/{month}/{year}")
    page.check("#f-child_place_of_birth_kind-tai_nha")
    page.get_by_role("button", name="Tiếp tục").click()
    # ... the parents come from the household, prefilled and collapsed for review.
    for part, key, name in (
        ("Phần 2/4: Mẹ", "mother_full_name", couple.mother_name),
        ("Phần 3/4: Cha", "father_full_name", couple.father_name),
    ):
        page.get_by_text(part).wait_for()
        if key == "father_full_name":
            page.check("#f-father_known-co")
        page.locator("details.prefilled-summary > summary").click()
        field = page.locator(f'[data-field="{key}"]')
        assert page.input_value(f"#f-{key}") == name, key
        assert "field--prefilled" in (field.get_attribute("class") or ""), key
        assert "Đã điền sẵn" in field.inner_text(), key
        page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_text("Phần 4/4: Người yêu cầu").wait_for()
    # The applicant is the father picked above: "Quan hệ = Cha" without a tap.
    assert page.input_value("#f-requester_relationship") == "cha"
    assert page.input_value("#f-requester_full_name") == couple.father_name
    page.get_by_role("button", name="Sang phần giấy tờ").click()
    page.wait_for_selector("text=Bước 2/4", timeout=10_000)

    thumbs = page.locator("#c-giay-chung-sinh-title ~ ul.thumbs li.thumb")
    for n, doc in enumerate(documents, start=1):
        page.set_input_files(
            "#c-giay-chung-sinh-file" if doc.suffix == ".pdf" else "#c-giay-chung-sinh-camera",
            str(doc),
        )
        page.get_by_role("button", name="Lưu tệp này").click(timeout=60_000)
        thumbs.nth(n - 1).wait_for(timeout=20_000)
    assert thumbs.count() == len(documents)

    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_selector("text=Bước 3/4")
    page.get_by_role("button", name="Chuyển sang ký").click()
    page.wait_for_selector("canvas.signature-pad")
    draw_signature(page)
    page.get_by_role("button", name="Ký và đưa vào hàng chờ gửi").click()
    page.wait_for_url("**/#/dossiers/*?signed=1", timeout=20_000)
    return str(page.url.split("#/dossiers/")[1].split("?")[0])


def edit_member(page: Any, couple: Couple, member_id: str, values: dict[str, str]) -> None:
    """Household → the member → change fields of the member form → "Lưu" (works offline)."""
    open_household(page, couple.village_id, couple.household_id, couple.father_name)
    page.locator(
        f'a.list-item[href="#/households/{couple.household_id}/members/{member_id}"]'
    ).click()
    for key, value in values.items():
        page.fill(f"#m-{key}", value)
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("heading", name=f"Hộ {couple.father_name}").wait_for()


def local_member(page: Any, member_id: str) -> dict[str, Any]:
    (row,) = [m for m in idb_all(page, "members") if m["id"] == member_id]
    return row
