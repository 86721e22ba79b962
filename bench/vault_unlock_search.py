"""Encrypted phone: unlock time and search time on an encrypted village of 500 households, in
Debian's Chromium (Playwright) with the CPU throttled 4× through CDP (a low-end phone).

Seeds the same village as bench/pwa_village_load.py (500 households, 2,000 members), logs in
through the PWA, sets the PIN and lets the first sync store the village — every household and
member row sealed with AES-256-GCM (src/store/encrypted.ts). Then, with
Emulation.setCPUThrottlingRate 4:

  (a) unlock: the page is reloaded (it starts locked, the data key is not in memory), the PIN is
      typed and "Mở khoá" pressed; timed from the click to the app's navigation in the DOM —
      Argon2id over the PIN (src/store/vault.ts ARGON2_PARAMS), unwrapping the data key, the
      meta writes and the first render;
  (b) opening the village after unlock: the list of 500 households (decrypts every household
      and builds the in-memory search index);
  (c) search: one `input` event in the household search box until the expected result count is
      in the DOM, then the next frame (the same probe as pwa_village_load.py); median and max of
      --repeat runs per query.

    .venv/bin/python bench/vault_unlock_search.py [--households 500 --members 2000 --repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pwa_village_load import (  # noqa: E402
    PASSWORD,
    PIN,
    QUERIES,
    SEARCH,
    USERNAME,
    expected_count,
    seed,
    start_server,
)

from sync.identity import search_key  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Resolves with the time from the click on the unlock button to the app's navigation in the DOM.
UNLOCK = """(pin) => new Promise((resolve, reject) => {
  const input = document.getElementById('pin-unlock');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(input, pin);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const timer = setTimeout(() => reject(new Error('unlock timed out')), 60000);
  requestAnimationFrame(() => {
    const button = [...document.querySelectorAll('button[type=submit]')].find((b) => !b.disabled);
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (!document.querySelector('nav.nav')) return;
      observer.disconnect(); clearTimeout(timer);
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    observer.observe(document.body, { subtree: true, childList: true });
    button.click();
  });
})"""

VILLAGE = """([path, text]) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('village list timed out')), 60000);
  const start = performance.now();
  const found = () => [...document.querySelectorAll('[aria-live=polite]')].some((p) => p.textContent.trim() === text);
  const observer = new MutationObserver(() => {
    if (!found()) return;
    observer.disconnect(); clearTimeout(timer);
    requestAnimationFrame(() => resolve(performance.now() - start));
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  location.hash = path;
})"""


def wait_rows(page: Any, households: int, members: int) -> None:
    script = """async ([h, m]) => {
      const db = await new Promise((res, rej) => { const r = indexedDB.open('langso'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      try {
        const tx = db.transaction(['households', 'members'], 'readonly');
        const c = await Promise.all(['households', 'members'].map((s) => new Promise((res) => { const q = tx.objectStore(s).count(); q.onsuccess = () => res(q.result); })));
        return c[0] >= h && c[1] >= m;
      } catch (e) { return false; } finally { db.close(); }
    }"""
    deadline = time.monotonic() + 300
    while not page.evaluate(script, [households, members]):
        if time.monotonic() > deadline:
            raise SystemExit("the first sync did not store the village")
        page.wait_for_timeout(250)


def one_profile(browser: Any, url: str, world: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    page = ctx.new_page()
    page.goto(url + "/")
    page.fill("#login-username", USERNAME)
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#pin-new", timeout=60_000)
    page.fill("#pin-new", PIN)
    page.fill("#pin-again", PIN)
    page.click("button[type=submit]")
    page.wait_for_selector("nav.nav", timeout=60_000)
    wait_rows(page, args.households, args.members)
    page.wait_for_timeout(1000)  # let the sync run finish its last writes

    cdp = ctx.new_cdp_session(page)
    unlocks = []
    for _ in range(args.unlocks):
        page.reload()
        page.wait_for_selector("#pin-unlock", timeout=60_000)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu})
        unlocks.append(page.evaluate(UNLOCK, PIN))
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu})
    village = page.evaluate(VILLAGE, [f"#/villages/{world['village_id']}", f"{args.households} hộ"])
    searches = []
    full = search_key(world["heads"][len(world["heads"]) // 2])
    for query in (*QUERIES, full):
        n = expected_count(world["keys"], query)
        text = f"{n} hộ" if n else "Không tìm thấy hộ phù hợp."
        frames = []
        for _ in range(args.repeat):
            frames.append(page.evaluate(SEARCH, [query, text])["frame"])
            page.evaluate(SEARCH, ["", f"{args.households} hộ"])
        searches.append({"query": query, "results": n, "frames": frames})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    ctx.close()
    return {"unlocks": unlocks, "village": village, "searches": searches}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--unlocks", type=int, default=3)
    parser.add_argument("--cpu", type=float, default=4, help="CDP CPU throttling rate")
    parser.add_argument("--static-dir", default=str(ROOT / "pwa" / "dist"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="langso-vault-bench-") as tmp_name:
        tmp = Path(tmp_name)
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        world = seed(database_url, args.households, args.members)
        load_start = os.getloadavg()[0]
        proc, url = start_server(database_url, tmp / "data", tmp / "server.log",
                                 Path(args.static_dir).resolve())
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                            headless=True)
                r = one_profile(browser, url, world, args)
                browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    print(f"$ .venv/bin/python bench/vault_unlock_search.py --households {args.households} "
          f"--members {args.members} --cpu {args.cpu:g} --unlocks {args.unlocks} --repeat {args.repeat}")
    print(f"Chromium {CHROMIUM}, CPU throttled {args.cpu:g}× (CDP); 1-min load average "
          f"{load_start:.2f} → {os.getloadavg()[0]:.2f}")
    print()
    print("| encrypted village, CPU 4× slower | median ms | max ms |")
    print("|---|---:|---:|")
    u = r["unlocks"]
    print(f"| unlock: “Mở khoá” → app shown (Argon2id + unwrap + render), {len(u)} runs "
          f"| **{statistics.median(u):.0f}** | {max(u):.0f} |")
    print(f"| open the village after unlock: 500 households decrypted, index built | "
          f"{r['village']:.0f} | |")
    for s in r["searches"]:
        f = s["frames"]
        print(f"| search `{s['query']}` ({s['results']} results) | **{statistics.median(f):.1f}** "
              f"| {max(f):.1f} |")
    print()
    print(json.dumps(r))


if __name__ == "__main__":
    main()
