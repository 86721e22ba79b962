"""A volunteer works offline, then syncs over an EDGE-like link: the push is pipelined (more
than one batch on its way at once) in batches sized by the measured throughput, every edit
reaches the server exactly once and in order, every push body is deflated with the preset
dictionary (the real server inflates what fflate wrote), and the pull asks for the lean view
(docs/protocol.md §5, lean view, §12). The page is never reloaded after the login."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    edit_member,
    go_online,
    idb_all,
    server_db,
    sync_now,
    young_couple,
)

_MARK = "window.__sameDocument"
EDITS = 24
# pwa/src/net/batch-size.ts: MIN_BATCH_BYTES 8 KB, MAX_BATCH_BYTES 16 KB; a batch may exceed its
# target by the one item that starts it.
MAX_BATCH_BYTES = 16 * 1024
ITEM_SLACK = 3 * 1024


def _notes(rng: random.Random) -> str:
    """1,800 characters gzip cannot shrink much, so a few edits fill a batch."""
    letters = "abcdefghiklmnopqrstuvxy"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 7))) for _ in range(400)]
    return " ".join(words)[:1800].strip()


class PushWatch:
    """Push requests seen by the browser: how many at once, and their body sizes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = 0
        self.most = 0
        self.sizes: list[int] = []
        self.codings: list[str | None] = []
        self.pulls: list[str] = []

    def request(self, req: Any) -> None:
        if "/api/sync/pull" in req.url:
            self.pulls.append(req.url)
        if "/api/sync/push" not in req.url or req.method != "POST":
            return
        with self.lock:
            self.open += 1
            self.most = max(self.most, self.open)
            self.sizes.append(len(req.post_data_buffer or b""))
            self.codings.append(req.headers.get("content-encoding"))

    def done(self, req: Any) -> None:
        if "/api/sync/push" in req.url and req.method == "POST":
            with self.lock:
                self.open -= 1


def test_offline_work_syncs_pipelined_over_a_slow_link(
    fresh_volunteer_offline: OfflineVolunteer,
) -> None:
    phone = fresh_volunteer_offline
    page, context, server = phone.page, phone.context, phone.server
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "navigate"
    page.evaluate(f"{_MARK} = true")
    assert page.evaluate("navigator.onLine") is False
    couple = young_couple(server, phone.username)
    rng = random.Random(13)

    # Offline work: the couple's notes, edited again and again (each edit one signed mutation).
    last: dict[str, str] = {}
    for i in range(EDITS):
        member = couple.mother_id if i % 2 else couple.father_id
        last[member] = _notes(rng)
        edit_member(page, couple, member, {"notes": last[member]})
    outbox = [r for r in idb_all(page, "outbox") if r.get("state") == "pending"]
    assert len(outbox) >= EDITS

    # Back online over a slow link (EDGE-like: 25 KB/s up, 30 KB/s down, 840 ms round trip).
    watch = PushWatch()
    context.on("request", watch.request)
    context.on("requestfinished", watch.done)
    context.on("requestfailed", watch.done)
    go_online(context, server)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 840, "downloadThroughput": 30_000,
        "uploadThroughput": 25_000})
    started = time.monotonic()
    sync_now(page, timeout=180_000)
    elapsed = time.monotonic() - started

    # Pipelined: more than one batch on its way at once; each batch bounded in bytes.
    assert len(watch.sizes) >= 3, watch.sizes
    assert watch.most >= 2, f"never more than one push in flight: {watch.sizes}"
    assert all(size <= MAX_BATCH_BYTES + ITEM_SLACK for size in watch.sizes), watch.sizes
    assert watch.pulls and all("view=lean" in url for url in watch.pulls), watch.pulls
    # Deflated with the preset dictionary (docs/protocol.md §4), and the server took every one.
    assert watch.codings == ["deflate"] * len(watch.sizes), watch.codings

    # Everything arrived, once, and the last edit of each member is what the server holds.
    assert [r for r in idb_all(page, "outbox") if r.get("state") == "pending"] == []
    with server_db(server) as con:
        for member, notes in last.items():
            (held,) = con.execute("select notes from members where id = ?", (member,)).fetchone()
            assert held == notes
        ns = [n for (n,) in con.execute(
            "select m.n from sync_mutations m join devices d on d.id = m.device_id "
            "join users u on u.id = d.user_id where u.username = ? order by m.n",
            (phone.username,)).fetchall()]
    assert ns == list(range(ns[0], ns[0] + len(ns))), "every mutation stored once, in order"
    assert len(ns) >= EDITS
    assert page.evaluate(_MARK) is True, "the page was reloaded"
    print(f"edge sync: {len(watch.sizes)} pushes, at most {watch.most} at once, "
          f"bodies {watch.sizes}, {elapsed:.1f} s")
