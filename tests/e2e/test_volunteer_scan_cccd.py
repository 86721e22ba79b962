"""A volunteer scans citizens' CCCD cards on the phone, with no signal and the server stopped.

Chromium gets a fake camera that films a generated QR code (a Y4M video written here with
Pillow, fed through ``--use-file-for-fake-video-capture``). Chromium on Linux has no native
BarcodeDetector, so the scan goes through the ZXing WebAssembly ponyfill, whose .wasm must come
from the service worker's precache: the server is down and the page is offline, so a CDN or a
server fetch would fail the test. The page is never reloaded after login.

1. Camera: a new member (the card's name is in decomposed Unicode, as some cards are) is added
   by scanning; the form is filled in NFC; then the same member, after a mistyped date of birth,
   is scanned again and the date is shown side by side with the card's, the rest verified.
2. Camera refused, then a photo: the scanner says the camera may not be used and cancels
   cleanly; an existing member is then checked from a photo of the card, and the differing date
   of birth is replaced by the card's and saved.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, dump_pages, test_failed
from tests.e2e.helpers import (
    go,
    idb_all,
    log_in,
    open_household,
    server_db,
    unseal,
    wait_for_js,
    young_couple,
)

FAKE_CAMERA = "--use-fake-device-for-media-stream"
ACCEPT_CAMERA_PROMPT = "--use-fake-ui-for-media-stream"


@dataclass(frozen=True)
class Card:
    cccd: str
    full_name: str
    date_of_birth: date
    sex: str  # "male" | "female"
    address: str
    issued: date
    old_id: str = ""

    def qr_text(self, decomposed: bool = False) -> str:
        text = "|".join(
            [
                self.cccd,
                self.old_id,
                self.full_name,
                self.date_of_birth.strftime("%d%m%Y"),
                "Nam" if self.sex == "male" else "Nữ",
                self.address,
                self.issued.strftime("%d%m%Y"),
            ]
        )
        return unicodedata.normalize("NFD" if decomposed else "NFC", text)


# A young Thái woman of Lai Châu: 012 (Lai Châu), 3 (2000s, female), 01 (born 2001).
NEW_PERSON = Card(
    cccd="012301004567",
    full_name="Lò Thị Sươi",
    date_of_birth=date(2001, 3, 15),
    sex="female",
    address="Bản Nậm Cười, xã Pu Sam Cáp, huyện Sìn Hồ, tỉnh Lai Châu",
    issued=date(2021, 4, 20),
)


def qr_image(text: str, size: int) -> Image.Image:
    """The card's QR code as a black-on-white image of about `size` pixels, quiet zone included."""
    code = segno.make(text, encoding="utf-8", error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=max(1, size // (code.symbol_size()[0])), border=4)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def write_y4m(
    path: Path, picture: Image.Image, frames: int = 10, size: tuple[int, int] = (640, 480)
) -> Path:
    """A still picture as a YUV4MPEG2 (4:2:0) video: the format Chromium's fake camera reads.

    Per frame: "FRAME\\n", then the full-size Y plane and the half-size Cb and Cr planes."""
    w, h = size
    canvas = Image.new("RGB", size, (235, 232, 225))  # a table-top grey around the card
    picture = picture.copy()
    picture.thumbnail((h - 40, h - 40))
    canvas.paste(picture, ((w - picture.width) // 2, (h - picture.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (w // 2, h // 2)
    frame = (
        b"FRAME\n"
        + y.tobytes()
        + cb.resize(half, Image.Resampling.BILINEAR).tobytes()
        + cr.resize(half, Image.Resampling.BILINEAR).tobytes()
    )
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(frame)
    return path


def _launch(browser: Any, extra: list[str]) -> Any:
    # The session's Playwright instance launches the second Chromium (one Playwright per process).
    return browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, FAKE_CAMERA, *extra], headless=True
    )


@pytest.fixture(scope="module")
def qr_camera_browser(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Chromium whose camera films the new person's card (name decomposed, as read from some cards)."""
    video = write_y4m(
        tmp_path_factory.mktemp("camera") / "cccd.y4m",
        qr_image(NEW_PERSON.qr_text(decomposed=True), 400),
    )
    b = _launch(browser, [ACCEPT_CAMERA_PROMPT, f"--use-file-for-fake-video-capture={video}"])
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def camera_refused_browser(browser: Any) -> Iterator[Any]:
    """Chromium with a camera that the page is not allowed to use (the prompt is refused)."""
    b = _launch(browser, [])
    try:
        yield b
    finally:
        b.close()


@pytest.fixture()
def phone(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A phone-sized Vietnamese context on the browser named by the test's parameter."""
    b = request.getfixturevalue(request.param)
    ctx = b.new_context(
        viewport={"width": 360, "height": 640}, locale="vi-VN", device_scale_factor=2
    )
    try:
        yield ctx
    finally:
        if test_failed(request.node):
            dump_pages(ctx, tmp_path, "scan")
            print(f"pages of the failed test saved under {tmp_path}")
        ctx.close()


def _offline_after_login(page: Any, phone: Any, server: LiveServer, requests: list[str]) -> None:
    page.on("request", lambda r: requests.append(r.url))
    log_in(page, server, "volunteer1")
    wait_for_js(page, "navigator.serviceWorker.controller !== null",
                "the service worker to control the page")
    server.stop()
    phone.set_offline(True)


def _scan_result(page: Any) -> Any:
    result = page.locator("section.scan-result")
    result.wait_for(timeout=60_000)
    return result


def _statuses(page: Any) -> dict[str, str]:
    rows = page.locator("section.scan-result [data-scan-status]")
    return {
        rows.nth(i).get_attribute("data-scan-field"): rows.nth(i).get_attribute("data-scan-status")
        for i in range(rows.count())
    }


def _assert_only_our_origin(requests: list[str], server: LiveServer) -> None:
    foreign = [u for u in requests if not u.startswith((server.url, "data:", "blob:"))]
    assert foreign == [], foreign
    wasm = [u for u in requests if u.endswith(".wasm")]
    assert wasm and all(u.startswith(server.url + "/assets/zxing_reader-") for u in wasm), wasm


@pytest.mark.parametrize("phone", ["qr_camera_browser"], indirect=True)
def test_add_a_member_by_scanning_the_cccd_with_the_camera_offline(
    server: LiveServer, phone: Any
) -> None:
    couple = young_couple(server, "volunteer1")
    page = phone.new_page()
    requests: list[str] = []
    _offline_after_login(page, phone, server, requests)

    # Add a member: the scan fills the form.
    open_household(page, couple.village_id, couple.household_id, couple.father_name)
    page.get_by_role("link", name="Thêm thành viên").click()
    page.get_by_role("button", name="Quét mã QR trên CCCD").click()
    result = _scan_result(page)
    assert page.locator('[role="dialog"]').count() == 0
    assert result.get_attribute("data-detector") == "wasm"  # no native BarcodeDetector on Linux
    assert _statuses(page) == {
        "full_name": "filled",
        "date_of_birth": "filled",
        "sex": "filled",
        "cccd": "filled",
    }
    name = page.input_value("#m-full_name")
    assert name == NEW_PERSON.full_name and name == unicodedata.normalize("NFC", name)
    assert page.input_value("#m-date_of_birth") == NEW_PERSON.date_of_birth.strftime("%d/%m/%Y")
    # two options: a one-tap choice (radio chips), not a select
    assert page.is_checked("#m-sex-female")
    assert page.input_value("#m-cccd") == NEW_PERSON.cccd
    card_only = page.locator(".scan-card-only").inner_text()
    assert NEW_PERSON.address in card_only and "20/04/2021" in card_only
    assert page.locator(".scan-problems").count() == 0
    page.select_option("#m-relationship", "chau")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("heading", name=f"Hộ {couple.father_name}").wait_for()

    (saved,) = [m for m in idb_all(page, "members") if m["full_name"] == NEW_PERSON.full_name]
    assert (saved["date_of_birth"], saved["sex"], saved["cccd"], saved["relationship"]) == (
        NEW_PERSON.date_of_birth.isoformat(),
        "female",
        NEW_PERSON.cccd,
        "chau",
    )
    assert saved["pending"] is True  # queued for the next sync, the server being down

    # A mistyped date of birth, then a check against the card: the date differs, the rest matches.
    member_path = f"/households/{couple.household_id}/members/{saved['id']}"
    go(page, member_path)
    page.fill("#m-date_of_birth", "13/05/2001")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("heading", name=f"Hộ {couple.father_name}").wait_for()
    go(page, member_path)
    page.get_by_role("button", name="Quét mã QR trên CCCD").click()
    result = _scan_result(page)
    statuses = _statuses(page)
    assert {k: statuses[k] for k in ("full_name", "date_of_birth", "sex", "cccd")} == {
        "full_name": "verified",
        "date_of_birth": "differs",
        "sex": "verified",
        "cccd": "verified",
    }
    differs = result.locator('[data-scan-field="date_of_birth"]')
    sides = differs.locator(".scan-side")
    assert sides.count() == 2
    assert "13/05/2001" in sides.nth(0).inner_text() and "Đang lưu" in sides.nth(0).inner_text()
    assert (
        "15/03/2001" in sides.nth(1).inner_text() and "Trên thẻ CCCD" in sides.nth(1).inner_text()
    )
    # Both sides fit the 360 px screen next to each other.
    box0, box1 = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert box0 and box1 and box0["y"] == box1["y"] and box1["x"] + box1["width"] <= 360
    assert page.input_value("#m-date_of_birth") == "13/05/2001"  # nothing changes until chosen
    page.get_by_label("Dùng giá trị trên thẻ: 15/03/2001").check()
    assert page.input_value("#m-date_of_birth") == "15/03/2001"
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("heading", name=f"Hộ {couple.father_name}").wait_for()
    (row,) = [m for m in idb_all(page, "members") if m["id"] == saved["id"]]
    assert row["date_of_birth"] == "2001-03-15"

    _assert_only_our_origin(requests, server)


@pytest.mark.parametrize("phone", ["camera_refused_browser"], indirect=True)
def test_camera_refused_check_an_existing_member_from_a_photo_of_the_cccd_offline(
    server: LiveServer, phone: Any, tmp_path: Path
) -> None:
    couple = young_couple(server, "volunteer1")
    with server_db(server) as con:
        father = con.execute(
            "select full_name, date_of_birth, sex, cccd from members where id = ?",
            (couple.father_id,),
        ).fetchone()
    born = date.fromisoformat(father["date_of_birth"])
    card_born = born.replace(day=28 if born.day != 28 else 27)  # the record's day is wrong
    card = Card(
        cccd=unseal(server, "members", father["cccd"]),  # sealed at rest on the server
        full_name=father["full_name"],
        date_of_birth=card_born,
        sex=father["sex"],
        address=couple.address,
        issued=date(2022, 8, 10),
        old_id="063123456",
    )
    photo = tmp_path / "cccd.jpg"
    # A phone photo (8 megapixels, scaled down on the device before decoding): the code off
    # centre on an off-white picture, JPEG-compressed.
    picture = Image.new("RGB", (3264, 2448), (222, 218, 205))
    picture.paste(qr_image(card.qr_text(), 900), (1700, 900))
    picture.save(photo, "JPEG", quality=85)

    page = phone.new_page()
    requests: list[str] = []
    _offline_after_login(page, phone, server, requests)

    open_household(page, couple.village_id, couple.household_id, couple.father_name)
    page.locator(
        f'a.list-item[href="#/households/{couple.household_id}/members/{couple.father_id}"]'
    ).click()
    scan = page.get_by_role("button", name="Quét mã QR trên CCCD")
    scan.click()
    dialog = page.get_by_role("dialog", name="Quét mã QR trên thẻ CCCD")
    alert = dialog.get_by_role("alert")
    alert.wait_for()
    assert "chưa được phép dùng máy ảnh" in alert.inner_text()
    assert "chọn ảnh chụp mã QR" in alert.inner_text()
    dialog.get_by_role("button", name="Huỷ").click()
    dialog.wait_for(state="detached")
    scan.click()  # again, and this time with a photo of the card
    alert.wait_for()
    page.set_input_files("#scan-photo", str(photo))
    result = _scan_result(page)
    assert result.get_attribute("data-detector") == "wasm"

    statuses = _statuses(page)
    assert {k: statuses[k] for k in ("full_name", "date_of_birth", "sex", "cccd")} == {
        "full_name": "verified",
        "date_of_birth": "differs",
        "sex": "verified",
        "cccd": "verified",
    }
    assert "063123456" in page.locator(".scan-card-only").inner_text()
    page.get_by_label(f"Dùng giá trị trên thẻ: {card_born.strftime('%d/%m/%Y')}").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("heading", name=f"Hộ {couple.father_name}").wait_for()
    (row,) = [m for m in idb_all(page, "members") if m["id"] == couple.father_id]
    assert row["date_of_birth"] == card_born.isoformat() and row["pending"] is True

    _assert_only_our_origin(requests, server)
