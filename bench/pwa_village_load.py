"""PWA village load and search: a volunteer's first sync of a big village into IndexedDB, then
accent-insensitive search over the local store, in Debian's Chromium driven by Playwright.

Seeds a temporary SQLite database with one commune, one village of 500 households and 2,000
members (plausible names and identity numbers from backend/demo/generate.py, several seeds
pooled) and one volunteer assigned to that village; starts `langso serve` on a free loopback
port (serving pwa/dist — run `cd pwa && npm run build` first — or the build named by --static-dir); logs in through the PWA's own
login form and measures, in the page:

  (a) first load: from the click on "Đăng nhập" to both IndexedDB stores holding every household
      and member of the village (counted through a second IndexedDB connection every --poll-ms, 10 ms),
      split by Resource Timing into login + device enrolment (until the first pull request
      starts), network time of the pull requests (sum of their durations) and the rest, which is
      the app applying the pages to IndexedDB (pages are fetched and applied one after another);
  (b) search: typing a query into the household search box (one `input` event) until the result
      count for that query is in the DOM (MutationObserver; expected counts are computed here
      with the same rule, sync.identity.search_key + token prefixes, so a wrong result fails the
      run instead of timing it), plus the next animation frame (≈ painted). Each query runs
      --repeat times, alternating with the empty query; median and max are reported.

Nothing in the production code is exposed or changed for this.

    .venv/bin/python bench/pwa_village_load.py [--households 500 --members 2000 --repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from backend.accounts.service import create_user  # noqa: E402
from backend.changelog.changes import backfill  # noqa: E402
from backend.db.engine import make_engine  # noqa: E402
from backend.db.migrate import upgrade  # noqa: E402
from backend.db.models import Commune, Household, Member, Province, Village  # noqa: E402
from backend.demo.generate import DemoHousehold, DemoMember, generate_demo  # noqa: E402
from backend.households.queries import household_search_key  # noqa: E402
from backend.lib.clock import utcnow  # noqa: E402
from sync.identity import search_key  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

USERNAME = "bench_volunteer"
PASSWORD = "Bench-Village-2025!"
PIN = "2580"
COMMUNE = "99901"
VILLAGE_CODE = "99901-01"
VILLAGE_NAME = "Bản Thử Nghiệm"
QUERIES = ("nguyen", "thi", "giang a", "lo van", "vang thi", "ha", "xyz")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pick_people(households: int, members: int) -> list[tuple[DemoHousehold, list[DemoMember]]]:
    """`households` demo households with exactly `members` members: households of 4+ people
    from several demo seeds, then trailing non-head members dropped from the largest ones."""
    chosen: list[tuple[DemoHousehold, list[DemoMember]]] = []
    seed = 1
    while len(chosen) < households:
        demo = generate_demo(seed, as_of=date(2025, 10, 1))
        by_household: dict[uuid.UUID, list[DemoMember]] = {}
        for m in demo.members:
            by_household.setdefault(m.household_id, []).append(m)
        for h in demo.households:
            people = by_household[h.id]
            if len(people) >= members // households and len(chosen) < households:
                chosen.append((h, people))
        seed += 1
    total = sum(len(p) for _, p in chosen)
    if total < members:
        raise SystemExit(f"only {total} members in {households} households")
    while total > members:
        biggest = max(chosen, key=lambda hp: len(hp[1]))
        biggest[1].pop()  # the head is first and never dropped
        total -= 1
    return chosen


def seed(database_url: str, households: int, members: int) -> dict[str, Any]:
    upgrade(database_url)
    engine = make_engine(database_url)
    now = utcnow()
    village_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:langso:bench:{VILLAGE_CODE}"))
    address = f"{VILLAGE_NAME}, xã Thử Nghiệm, tỉnh Lai Châu"
    expected: list[str] = []  # the device's household search keys (head, address, members)
    heads: list[str] = []
    with Session(engine, expire_on_commit=False) as s:
        s.add(Province(id="98", name="Tỉnh Thử Nghiệm"))
        s.flush()
        s.add(Commune(id=COMMUNE, province_id="98", name="Xã Thử Nghiệm", unit_code=f"98.{COMMUNE}"))
        s.flush()
        s.add(Village(id=village_id, commune_id=COMMUNE, code=VILLAGE_CODE, name=VILLAGE_NAME))
        s.flush()
        for h, people in pick_people(households, members):
            row = Household(id=str(h.id), village_id=village_id, commune_id=COMMUNE,
                            address=address, head_member_id=str(people[0].id),
                            created_at=now, updated_at=now)
            s.add(row)
            rows = [
                Member(id=str(m.id), household_id=row.id, village_id=village_id,
                       commune_id=COMMUNE, full_name=m.full_name,
                       search_key=search_key(m.full_name), date_of_birth=m.date_of_birth,
                       sex=m.sex, cccd=m.cccd, phone=m.phone, relationship=m.relationship,
                       ethnicity=m.ethnicity, created_at=now, updated_at=now)
                for m in people
            ]
            s.add_all(rows)
            row.search_key = household_search_key(row, rows)
            heads.append(people[0].full_name)
            expected.append(search_key(" ".join([people[0].full_name, address,
                                                 *(m.full_name for m in people)])))
        s.flush()
        create_user(s, username=USERNAME, password=PASSWORD, full_name="Tình nguyện viên đo",
                    role="volunteer", commune_id=COMMUNE, village_codes=[VILLAGE_CODE], now=now)
        s.flush()
        backfill(s, now)
        s.commit()
    engine.dispose()
    return {"village_id": village_id, "keys": expected, "heads": heads}


def expected_count(keys: list[str], query: str) -> int:
    tokens = search_key(query).split()
    return sum(1 for k in keys if all(any(w.startswith(t) for w in k.split()) for t in tokens))


def start_server(database_url: str, data_dir: Path, log: Path,
                 static_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, LANGSO_DATABASE_URL=database_url, LANGSO_DATA_DIR=str(data_dir),
               LANGSO_HOST="127.0.0.1", LANGSO_PORT=str(port), LANGSO_STATIC_DIR=str(static_dir))
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited:\n" + log.read_text()[-3000:])
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("server did not start:\n" + log.read_text()[-3000:])


# Runs in the page before the click: times from the form's submit event to both stores holding
# the totals, counting through our own IndexedDB connection (the app's code is not touched).
WATCH_LOAD = """([households, members, poll]) => new Promise((resolve, reject) => {
  const form = document.querySelector('form');
  // A run whose submit never comes (seen once under heavy load) fails instead of hanging.
  const never = setTimeout(() => reject(new Error('the login form was not submitted')), 120000);
  form.addEventListener('submit', () => {
    clearTimeout(never);
    const start = performance.now();
    let db = null;
    const tick = () => {
      if (performance.now() - start > 120000) return reject(new Error('timeout'));
      if (!db) {
        const open = indexedDB.open('langso');
        open.onsuccess = () => { db = open.result; setTimeout(tick, poll); };
        open.onerror = () => setTimeout(tick, poll);
        return;
      }
      let tx;
      try { tx = db.transaction(['households', 'members'], 'readonly'); }
      catch (e) { return setTimeout(tick, poll); }
      const h = tx.objectStore('households').count();
      const m = tx.objectStore('members').count();
      tx.oncomplete = () => {
        if (h.result >= households && m.result >= members) {
          const end = performance.now();
          db.close();
          const pulls = performance.getEntriesByType('resource')
            .filter((e) => e.name.includes('/api/sync/pull'));
          resolve({ start, end, counts: [h.result, m.result],
            pulls: pulls.map((e) => ({ start: e.startTime, end: e.responseEnd,
                                       bytes: e.transferSize, decoded: e.decodedBodySize })) });
        } else setTimeout(tick, poll);
      };
    };
    tick();
  }, { capture: true, once: true });
})"""

# Types `query` and resolves when the result count `expectedText` is in the DOM.
SEARCH = """([query, expectedText]) => new Promise((resolve, reject) => {
  const input = document.getElementById('household-search');
  const main = document.getElementById('main');
  const done = () => {
    const el = [...main.querySelectorAll('[aria-live=polite]')].find((p) => p.textContent.trim() === expectedText);
    return el !== undefined;
  };
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no result for ' + query)); }, 10000);
  let start = 0;
  const observer = new MutationObserver(() => {
    if (!done()) return;
    const dom = performance.now() - start;
    observer.disconnect();
    clearTimeout(timer);
    requestAnimationFrame(() => resolve({ dom, frame: performance.now() - start }));
  });
  observer.observe(main, { subtree: true, childList: true, characterData: true });
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  start = performance.now();
  setter.call(input, query);
  input.dispatchEvent(new Event('input', { bubbles: true }));
})"""


def print_profile(profile: dict[str, Any], top: int = 25) -> None:
    """Self time per function of a CDP CPU profile (the main thread of the page)."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    deltas = profile["timeDeltas"]
    self_us: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], deltas, strict=True):
        frame = nodes[sample]["callFrame"]
        url = frame["url"].rsplit("/", 1)[-1]
        key = f"{frame['functionName'] or '(anonymous)'} {url}:{frame['lineNumber']}"
        self_us[key] = self_us.get(key, 0) + delta
    total = sum(self_us.values())
    print(f"CPU profile of the first sync: {total / 1000:.0f} ms sampled; top self time:")
    for key, us in sorted(self_us.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {us / 1000:8.1f} ms  {key}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    static_dir = Path(args.static_dir).resolve()
    if not (static_dir / "index.html").exists():
        raise SystemExit(f"{static_dir} has no index.html: cd pwa && npm run build")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="langso-bench-") as tmp_name:
        tmp = Path(tmp_name)
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        t = time.perf_counter()
        world = seed(database_url, args.households, args.members)
        seed_s = time.perf_counter() - t
        load_before = os.getloadavg()[0]
        proc, url = start_server(database_url, tmp / "data", tmp / "server.log", static_dir)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                            headless=True)
                runs = [first_sync_and_search(browser, url, world, args, profile=args.profile and i == 0)
                        for i in range(args.runs)]
                browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    med = lambda key: round(statistics.median(r[key] for r in runs))  # noqa: E731
    searches = []
    for i, s0 in enumerate(runs[0]["searches"]):
        frames = [x for r in runs for x in r["searches"][i]["frames"]]
        doms = [x for r in runs for x in r["searches"][i]["doms"]]
        searches.append({"query": s0["query"], "results": s0["results"],
                         "dom_median_ms": round(statistics.median(doms), 1),
                         "frame_median_ms": round(statistics.median(frames), 1),
                         "frame_max_ms": round(max(frames), 1)})
    last = runs[-1]
    return {
        "households": args.households, "members": args.members, "seed_s": round(seed_s, 2),
        "runs": args.runs, "counts": last["counts"],
        "load_total_ms": med("total"), "login_enrol_ms": med("login_enrol"),
        "pull_network_ms": med("network"), "indexeddb_apply_ms": med("apply"),
        "pull_and_apply_ms": med("pull_and_apply"),
        "load_total_ms_each": [round(r["total"]) for r in runs],
        "pull_and_apply_ms_each": [round(r["pull_and_apply"]) for r in runs],
        "pull_requests": last["pull_requests"], "pull_bytes": last["pull_bytes"],
        "pull_decoded_bytes": last["pull_decoded_bytes"],
        "searches": searches, "first_row": last["first_row"],
        "loadavg_1min_start": round(load_before, 2),
        "loadavg_1min": round(os.getloadavg()[0], 2),
    }


def first_sync_and_search(browser: Any, url: str, world: dict[str, Any], args: argparse.Namespace,
                          profile: bool) -> dict[str, Any]:
    """One fresh browser profile: log in, time the first sync, set the PIN, time searches."""
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN",
                              device_scale_factor=2)
    page = ctx.new_page()
    page.goto(url + "/")
    page.wait_for_selector("#login-username")
    page.fill("#login-username", USERNAME)
    page.fill("#login-password", PASSWORD)
    # Armed before the click; the promise is kept on window and awaited below.
    page.evaluate("([h, m, p]) => { window.__load = (" + WATCH_LOAD + ")([h, m, p]); }",
                  [args.households, args.members, args.poll_ms])
    cdp = None
    if profile:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        cdp.send("Profiler.start")
    page.click("button[type=submit]")
    # Since the store is encrypted (branch vault) the first pull waits for the PIN that creates the
    # data key: the PIN is set here, and its typing counts in "login + device key + enrolment".
    page.wait_for_selector("#pin-new", timeout=60_000)
    page.fill("#pin-new", PIN)
    page.fill("#pin-again", PIN)
    page.click("button[type=submit]")
    load = page.evaluate("() => window.__load")
    if cdp is not None:
        print_profile(cdp.send("Profiler.stop")["profile"])
    pulls = load["pulls"]
    total = load["end"] - load["start"]
    first_pull = min(x["start"] for x in pulls) - load["start"]
    network = sum(x["end"] - x["start"] for x in pulls)

    # Open the village, wait for the full list.
    page.wait_for_selector("#main a.list-item", timeout=60_000)
    page.goto(f"{url}/#/villages/{world['village_id']}")
    page.wait_for_function(
        "t => [...document.querySelectorAll('[aria-live=polite]')].some(p => p.textContent.trim() === t)",
        arg=f"{args.households} hộ", timeout=60_000)

    searches: list[dict[str, Any]] = []
    # …and one full name typed without accents, as a volunteer would.
    full = search_key(world["heads"][len(world["heads"]) // 2])
    for query in (*QUERIES, full):
        n = expected_count(world["keys"], query)
        text = f"{n} hộ" if n else "Không tìm thấy hộ phù hợp."
        doms, frames = [], []
        for _ in range(args.repeat):
            r = page.evaluate(SEARCH, [query, text])
            doms.append(r["dom"])
            frames.append(r["frame"])
            page.evaluate(SEARCH, ["", f"{args.households} hộ"])
        searches.append({"query": query, "results": n, "doms": doms, "frames": frames})
    first_row = page.evaluate(
        "() => document.querySelector('#main a.list-item .list-title')?.textContent")
    ctx.close()
    return {
        "counts": load["counts"], "total": total, "login_enrol": first_pull, "network": network,
        "apply": total - first_pull - network, "pull_and_apply": total - first_pull,
        "pull_requests": len(pulls), "pull_bytes": sum(x["bytes"] for x in pulls),
        "pull_decoded_bytes": sum(x["decoded"] for x in pulls),
        "searches": searches, "first_row": first_row,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each search query")
    parser.add_argument("--runs", type=int, default=3,
                        help="fresh browser profiles (first syncs); medians are reported")
    parser.add_argument("--poll-ms", type=int, default=10,
                        help="how often the page counts the stores during the first sync")
    parser.add_argument("--static-dir", default=str(ROOT / "pwa" / "dist"),
                        help="PWA build to serve (LANGSO_STATIC_DIR); default pwa/dist. Lets two builds "
                        "be compared back to back under the same machine load")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--profile", action="store_true",
                        help="also print a CPU profile (self time) of the page during the first sync")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"$ .venv/bin/python bench/pwa_village_load.py --households {args.households} "
          f"--members {args.members} --runs {args.runs} --repeat {args.repeat}")
    print(f"Chromium: {CHROMIUM}; village of {args.households} households / {args.members} members "
          f"(stores reached {result['counts'][0]} / {result['counts'][1]})")
    print()
    print(f"| first sync, median of {args.runs} fresh profiles (1-min load average at start / end: "
          f"{result['loadavg_1min_start']} / {result['loadavg_1min']}) | ms |")
    print("|---|---:|")
    print(f"| total: click “Đăng nhập” → all rows in IndexedDB (each run: "
          f"{result['load_total_ms_each']}) | {result['load_total_ms']} |")
    print(f"| village load: first pull request → all rows in IndexedDB (each run: "
          f"{result['pull_and_apply_ms_each']}) | **{result['pull_and_apply_ms']}** |")
    print(f"| login + device key + enrolment (until the first pull starts) | {result['login_enrol_ms']} |")
    print(f"| pull requests on the network ({result['pull_requests']} pages, "
          f"{result['pull_bytes']:,} B on the wire, {result['pull_decoded_bytes']:,} B JSON) | "
          f"{result['pull_network_ms']} |")
    print(f"| applying pages to IndexedDB (the rest) | {result['indexeddb_apply_ms']} |")
    print()
    print(f"| search (input event → results in the DOM → next frame), {args.repeat}×{args.runs} runs | results "
          "| DOM median ms | frame median ms | frame max ms |")
    print("|---|---:|---:|---:|---:|")
    for s in result["searches"]:
        print(f"| `{s['query']}` | {s['results']} | {s['dom_median_ms']} | {s['frame_median_ms']} "
              f"| {s['frame_max_ms']} |")
    print()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
