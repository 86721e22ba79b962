"""A scripted birth registration for a demo household, as a volunteer's thumb does it, counted.

Starts `langso serve` on a free port with the demo data (tests/e2e LiveServer, serving pwa/dist:
run `cd pwa && npm run build` first), opens Debian's Chromium through Playwright at 360×640
(Vietnamese, DPR 2), logs in as volunteer1 online, waits for the service worker to control the
page, then STOPS the server and switches the context offline, and slows the CPU 4× through CDP
(`Emulation.setCPUThrottlingRate`). From the village list it files a birth registration for the
youngest couple's baby, with the mother as applicant (`Lập hồ sơ mới` on her row), one photo of
the birth certificate (a generated ~12 MP phone photo through the file chooser of "Chụp ảnh"),
the consent signature, and signs.

Counted while walking:
  taps         every click; a choice is 1 tap on a chip (selects of up to 3 options) or 2
               for a picker (open + option); the camera's
               shutter + accept (2), the signature stroke (1); typing into a focused field is
               not a tap but focusing it is;
  fields typed form fields the volunteer had to give a value (typed text or a pick);
  searched     letters typed into the household search box (not a form field);
  screens      distinct screens seen: route + wizard step + form step;
  prefilled    the draft's `prefilled_fields` / `total_fields` after signing (what the device
               signs into the submission for the dashboard);
  seconds      wall time from the first tap to the signed dossier, scripted (no think time).

    .venv/bin/python bench/birth_registration_walk.py [--runs 1] [--cpu 4]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, new_phone_context  # noqa: E402
from tests.e2e.helpers import (  # noqa: E402
    PIN,
    document_photo,
    draw_signature,
    idb_all,
    idb_count,
    last_sync_success,
    wait_until,
    young_couple,
)


@dataclass
class Walk:
    page: Any
    taps: int = 0
    typed: list[str] = field(default_factory=list)
    searched: int = 0
    screens: list[str] = field(default_factory=list)

    def screen(self) -> None:
        label = self.page.evaluate(
            """() => [location.hash.split('?')[0],
                      document.querySelector('.steps')?.textContent ?? '',
                      document.querySelector('.section-title')?.textContent ?? ''].join(' | ')"""
        )
        loading = "/edit" in label and label.endswith("|  | ")  # the wizard still loading
        if not loading and (not self.screens or self.screens[-1] != label):
            self.screens.append(label)

    def tap(self, locator: Any) -> None:
        locator.click()
        self.taps += 1
        self.screen()

    def pick(self, selector: str, value: str) -> None:
        """A choice: one tap on a chip (short lists), or open the picker and tap the option."""
        if self.page.locator(f"{selector}-{value}[type=radio]").count():
            self.page.check(f"{selector}-{value}")
            self.taps += 1
        else:
            self.page.select_option(selector, value)
            self.taps += 2
        self.typed.append(selector.removeprefix("#f-"))

    def type(self, selector: str, text: str) -> None:
        self.page.locator(selector).click()
        self.taps += 1
        self.page.locator(selector).press_sequentially(text)
        self.typed.append(selector.removeprefix("#f-"))


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def log_in_offline(page: Any, context: Any, server: LiveServer) -> None:
    page.goto(server.url + "/")
    page.wait_for_selector("#login-username")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # The worker takes control after a navigation on this branch (a reload before going
    # offline); the offline-first branch makes it claim the first page.
    page.goto(server.url + "/?installed=1#/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    page.fill("#login-username", "volunteer1")
    page.fill("#login-password", "demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.fill("#pin-new", PIN)
    page.fill("#pin-again", PIN)
    page.get_by_role("button", name="Lưu mã PIN").click()
    page.wait_for_selector("nav.nav", timeout=30_000)
    wait_until(page, lambda: last_sync_success(page) is not None
               and idb_count(page, "households") > 0 and idb_count(page, "procedures") > 0,
               "first sync", timeout=60_000)
    server.stop()
    context.set_offline(True)


def walk_once(browser: Any, tmp: Path, cpu: float, skip: int) -> dict[str, Any]:
    server = LiveServer(tmp)
    server.start()
    couple = young_couple(server, "volunteer1", skip=skip)
    photo = document_photo(tmp / "giay-chung-sinh.jpg", seed=3)
    context = new_phone_context(browser)
    try:
        page = context.new_page()
        log_in_offline(page, context, server)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
        page.evaluate("location.hash = '#/'")
        page.locator(f'a.list-item[href="#/villages/{couple.village_id}"]').wait_for()

        w = Walk(page)
        w.screen()
        started = time.perf_counter()
        w.tap(page.locator(f'a.list-item[href="#/villages/{couple.village_id}"]'))
        # Search: the head's given name without accents, as a volunteer types it.
        query = fold(couple.father_name.split()[-1])
        page.locator("#household-search").click()
        w.taps += 1
        page.locator("#household-search").press_sequentially(query)
        w.searched = len(query)
        w.tap(page.locator(f'a.list-item[href="#/households/{couple.household_id}"]'))
        w.tap(page.get_by_role("link", name=f"Lập hồ sơ mới: {couple.mother_name}"))
        w.tap(page.get_by_text("Đăng ký khai sinh").first)
        w.tap(page.get_by_role("button", name="Bắt đầu lập hồ sơ"))

        page.get_by_text("Phần 1/4").wait_for()
        w.screen()
        born = date.today() - timedelta(days=6)
        w.type("#f-child_full_name", "Giàng Thị Mai")
        w.pick("#f-child_sex", "female")
        w.type("#f-child_date_of_birth", born.strftime("%d%m%Y"))
        w.pick("#f-child_place_of_birth_kind", "tai_nha")
        w.tap(page.get_by_role("button", name="Tiếp tục"))
        page.get_by_text("Phần 2/4").wait_for()
        w.screen()
        w.tap(page.get_by_role("button", name="Tiếp tục"))
        page.get_by_text("Phần 3/4").wait_for()
        w.screen()
        w.pick("#f-father_known", "co")
        w.tap(page.get_by_role("button", name="Tiếp tục"))
        page.get_by_text("Phần 4/4").wait_for()
        w.screen()
        w.tap(page.get_by_role("button", name="Sang phần giấy tờ"))
        page.get_by_text("Bước 2/4").wait_for()
        w.screen()

        with page.expect_file_chooser() as chooser:
            w.tap(page.locator("#c-giay-chung-sinh-title ~ .picker").get_by_role(
                "button", name="Chụp ảnh"))
        chooser.value.set_files(str(photo))
        w.taps += 2  # the camera's shutter and "OK"
        w.tap(page.get_by_role("button", name="Lưu tệp này"))
        page.locator("#c-giay-chung-sinh-title ~ ul.thumbs li.thumb").first.wait_for(
            timeout=60_000)
        w.tap(page.get_by_role("button", name="Tiếp tục"))
        page.get_by_text("Bước 3/4").wait_for()
        w.screen()
        w.tap(page.get_by_role("button", name="Chuyển sang ký"))
        page.wait_for_selector("canvas.signature-pad")
        w.screen()
        draw_signature(page)
        w.taps += 1
        w.tap(page.get_by_role("button", name="Ký và đưa vào hàng chờ gửi"))
        page.wait_for_function("location.hash.endsWith('?signed=1')", timeout=60_000)
        seconds = time.perf_counter() - started
        w.screen()
        (draft,) = [d for d in idb_all(page, "dossier_drafts")
                    if d["applicant_member_id"] == couple.mother_id]
        outbox = idb_all(page, "outbox")
        return {
            "seconds": round(seconds, 1),
            "screens": len(w.screens),
            "taps": w.taps,
            "fields_typed": len(w.typed),
            "typed": w.typed,
            "search_letters": w.searched,
            "fields_prefilled": draft.get("prefilled_fields"),
            "fields_filled": draft.get("total_fields"),
            "queued_mutations": sorted(f"{r.get('entity')}:{r.get('op')}" for r in outbox),
            "screen_list": w.screens,
        }
    finally:
        context.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cpu", type=float, default=4.0)
    args = parser.parse_args()
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="langso-walk-") as tmp:
                    results.append(walk_once(browser, Path(tmp), args.cpu, skip=run))
                    print(json.dumps(results[-1], ensure_ascii=False, indent=1))
        finally:
            browser.close()
    print(json.dumps({
        "runs": len(results), "cpu_throttle": args.cpu, "cpus": os.cpu_count(),
        "load": round(os.getloadavg()[0], 1),
        "seconds_max": max(r["seconds"] for r in results),
        "taps_max": max(r["taps"] for r in results),
        "fields_typed_max": max(r["fields_typed"] for r in results),
        "screens_max": max(r["screens"] for r in results),
        "targets": {"fields_typed": 6, "taps": 25, "seconds": 60},
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
