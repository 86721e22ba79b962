"""EDGE link benchmark: Làng Số beside PouchDB through the same throttling proxy.

A throttling TCP proxy on loopback stands for an EDGE link: per-direction token buckets
(25 KB/s up, 30 KB/s down, shared by every connection over it), 420 ms added each way (840 ms
round trip, plus one round trip for each new connection's handshake), and optionally scheduled
outages (up 15 s, then down 5 s, repeating) that reset every open connection and refuse new
ones. Through it:

* our client drives the real protocol (docs/protocol.md): it pushes N birth-registration
  dossiers, each a signed create and a signed submission (tests/support/device.py signs), with
  HTTP/1.1 pipelining on one connection (the next batch on its way while the previous answer is
  awaited; the server answers in order, so the device chain stays in order), batches sized from
  the measured throughput so that at most about 64 KB is in flight when an outage strikes, and
  an immediate reconnection after a reset that resends from the first unacknowledged item
  (replays are answered from the stored results); then a fresh device logs in and pulls;
* PouchDB (pouchdb-node, installed with npm into a scratch directory) replicates the same
  dossiers, two revisions each, to `pouchdb-server --in-memory`, restarted at once after a
  reset; then a fresh PouchDB database replicates them back;
* the village run seeds a village of 50 households, 200 members, 3,000 past (closed) dossiers
  and 20 open ones, then a fresh device of another volunteer of that village pulls it through
  the proxy: the lean view (docs/protocol.md §5, what the PWA asks for), then the full view.

Prints, per run (no outage; a 5 s outage every 20 s): time, bytes up and down per dossier
(bytes that crossed the proxy: HTTP headers and bodies, also the ones lost in an outage),
connections, and the re-sent share (extra bytes up compared with the no-outage run).

    .venv/bin/python bench/edge_link.py [--dossiers 1000] [--runs clean,outage,village]
        [--no-pouch] [--protocol 2] [--coding deflate|gzip] [--closed 3000] [--open 20]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# The world is built in this process and served by a child: one master key for both (else the
# server finds the data keys wrapped by a key generated here and refuses to start).
os.environ.setdefault("LANGSO_PII_KEY", os.urandom(32).hex())
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlmodel import Session  # noqa: E402
from sync_throughput import free_port, login, start_server  # noqa: E402

from backend.accounts.service import create_user  # noqa: E402
from backend.db.engine import make_engine  # noqa: E402
from backend.db.migrate import upgrade  # noqa: E402
from backend.lib.clock import utcnow  # noqa: E402
from backend.sync_api.dictionaries import Dictionary, deflate, dictionary_id  # noqa: E402
from sync.signatures import verify  # noqa: E402
from sync.wire import compact_payload, receipt_record  # noqa: E402
from tests.support.device import (  # noqa: E402
    BIRTH_FORM,
    Sent,
    SimDevice,
    household_fields,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import PASSWORD, WORLD, build_world, user_id  # noqa: E402

UP_RATE = 25_000
DOWN_RATE = 30_000
RTT = 0.840
OUTAGE_EVERY = 20.0
OUTAGE_LENGTH = 5.0
IN_FLIGHT_MAX = 64 * 1024
MIN_BATCH = 8 * 1024
SCRATCH = Path(os.environ.get("LANGSO_EDGE_SCRATCH", Path(tempfile.gettempdir()) / "langso-edge"))


# --- the link ---------------------------------------------------------------------------------

@dataclass
class Direction:
    """One direction of the link: a bucket that drains at `rate` bytes/s, then `delay`."""

    rate: float
    delay: float
    free_at: float = 0.0
    bytes: int = 0

    def arrival(self, size: int, now: float, not_before: float) -> float:
        start = max(now, self.free_at)
        self.free_at = start + size / self.rate
        self.bytes += size
        return max(self.free_at, not_before) + self.delay


@dataclass
class EdgeProxy:
    upstream_port: int
    outages: bool
    up: Direction = field(default_factory=lambda: Direction(UP_RATE, RTT / 2))
    down: Direction = field(default_factory=lambda: Direction(DOWN_RATE, RTT / 2))
    connections: int = 0
    refused: int = 0
    resets: int = 0
    port: int = 0
    started_at: float = 0.0
    live: set[asyncio.Task[None]] = field(default_factory=set)
    writers: set[asyncio.StreamWriter] = field(default_factory=set)
    server: asyncio.Server | None = None
    ticker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        self.started_at = asyncio.get_running_loop().time()
        if self.outages:
            self.ticker = asyncio.create_task(self._outage_clock())

    def restart_clock(self) -> None:
        self.started_at = asyncio.get_running_loop().time()

    def is_down(self) -> bool:
        if not self.outages:
            return False
        phase = (asyncio.get_running_loop().time() - self.started_at) % OUTAGE_EVERY
        return phase >= OUTAGE_EVERY - OUTAGE_LENGTH

    async def _outage_clock(self) -> None:
        was_down = False
        while True:
            await asyncio.sleep(0.05)
            down = self.is_down()
            if down and not was_down:
                self.resets += len(self.writers) // 2
                for w in list(self.writers):
                    w.transport.abort()
                for t in list(self.live):
                    t.cancel()
                now = asyncio.get_running_loop().time()
                self.up.free_at = min(self.up.free_at, now)
                self.down.free_at = min(self.down.free_at, now)
            was_down = down

    async def close(self) -> None:
        if self.ticker:
            self.ticker.cancel()
        for w in list(self.writers):
            w.transport.abort()
        for t in list(self.live):
            t.cancel()
        if self.server:
            self.server.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.is_down():
            self.refused += 1
            writer.transport.abort()
            return
        self.connections += 1
        loop = asyncio.get_running_loop()
        handshake_done = loop.time() + RTT
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        self.writers.update((writer, up_writer))
        tasks = [asyncio.create_task(self._pump(reader, up_writer, self.up, handshake_done)),
                 asyncio.create_task(self._pump(up_reader, writer, self.down, handshake_done))]
        self.live.update(tasks)
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        except asyncio.CancelledError:
            pass
        finally:
            self.live.difference_update(tasks)
            for w in (writer, up_writer):
                self.writers.discard(w)
                w.transport.abort()

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                    direction: Direction, not_before: float) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                at, data = await queue.get()
                wait = at - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if dst.can_write_eof():
                        dst.write_eof()
                    return
                dst.write(data)

        deliverer = asyncio.create_task(deliver())
        try:
            while True:
                data = await src.read(1460)
                now = loop.time()
                if not data:
                    await queue.put((max(now, direction.free_at) + direction.delay, b""))
                    break
                await queue.put((direction.arrival(len(data), now, not_before), data))
            await deliverer
        finally:
            deliverer.cancel()


# --- a minimal pipelining HTTP/1.1 client -----------------------------------------------------

class LinkClosed(Exception):
    pass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    wire: int = 0  # body bytes as they crossed the link (compressed)

    def json(self) -> Any:
        return json.loads(self.body)


class Http1:
    """HTTP/1.1 over one connection; requests may be written before earlier answers arrive
    (pipelining); answers come back in request order."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Http1:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    def send(self, method: str, target: str, headers: dict[str, str],
             body: bytes = b"") -> None:
        lines = [f"{method} {target} HTTP/1.1", "Host: edge", "Accept-Encoding: gzip"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    async def receive(self) -> Answer:
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in header_lines:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            if headers.get("transfer-encoding") == "chunked":
                body = b""
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                    chunk = await self.reader.readexactly(size + 2)
                    if size == 0:
                        break
                    body += chunk[:-2]
            else:
                body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
            raise LinkClosed(str(exc)) from exc
        wire = len(body)
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return Answer(int(status_line.split()[1]), headers, body, wire)

    def close(self) -> None:
        self.writer.transport.abort()


# --- our client -------------------------------------------------------------------------------

@dataclass
class PushStats:
    requests: int = 0
    bytes_sent: int = 0
    items_sent: int = 0
    reconnects: int = 0
    replays: int = 0


async def connect(port: int) -> Http1:
    """Reconnect at once; while the link refuses, try again every 250 ms (no back-off timer)."""
    while True:
        try:
            conn = await Http1.open(port)
            return conn
        except OSError:
            await asyncio.sleep(0.25)


def check_receipts(outbox: list[Sent], start: int, results: list[dict[str, Any]],
                   commune_id: str, keys: dict[str, str]) -> None:
    """What a device does with a version-2 answer: every submission's compact receipt must
    verify over the rebuilt receipt record (its own mutation hash, its dossier id)."""
    for sent, res in zip(outbox[start:start + len(results)], results, strict=True):
        if sent.op == "submit":
            rc = res["receipt"]
            record = receipt_record(commune_id, sent.entity_id, sent.hash, rc["key_id"], rc["at"])
            verify("Ed25519", keys[rc["key_id"]], record.encode(), rc["sig"])


async def push_pipelined(port: int, auth: dict[str, str], device_id: str,
                         outbox: list[Sent], prev0: str, protocol: int = 2,
                         commune_id: str = "", keys: dict[str, str] | None = None,
                         dictionary: Dictionary | None = None) -> PushStats:
    """Push the whole outbox: batches sized from the acknowledged throughput (about 0.64 s
    of link each, at most IN_FLIGHT_MAX bytes in flight), pipelined on one connection,
    resent from the first unacknowledged item after a reset. Bodies are deflated with the
    server's preset dictionary when one is given (gzip after a `415`), else gzip."""
    stats = PushStats()
    coding = "gzip" if dictionary is None else "deflate"
    headers = dict(auth, **{"Content-Type": "application/json", "Content-Encoding": coding})
    acked = 0
    ratio = 0.4  # gzip size / raw size, learned from the previous batch
    rate = 8_000.0  # acknowledged bytes/s since the start, learned
    acked_bytes, began = 0, asyncio.get_running_loop().time()
    conn: Http1 | None = None
    in_flight: deque[tuple[int, int, int, float]] = deque()  # start, end, bytes, sent at
    next_index = 0
    wire: list[dict[str, str]] = (
        [{"p": compact_payload(s.item.payload), "s": s.item.sig} for s in outbox]
        if protocol == 2 else [s.item.to_wire() for s in outbox])
    sizes = [len(json.dumps(w)) for w in wire]

    def envelope(start: int, end: int) -> dict[str, Any]:
        if protocol == 1:
            return {"protocol": 1, "device_id": device_id, "mutations": wire[start:end]}
        return {"protocol": 2, "device_id": device_id, "n": outbox[start].n,
                "prev": outbox[start - 1].hash if start else prev0,
                "mutations": wire[start:end]}

    loop = asyncio.get_running_loop()
    answered = True  # has the current connection answered anything yet?
    while acked < len(outbox):
        if conn is None:
            if not answered:  # the last connection died before any answer: the link is down
                await asyncio.sleep(0.25)
            conn = await connect(port)
            next_index = acked
            in_flight.clear()
            answered = False
        try:
            # About 0.64 s of link per batch, so that four batches — enough to cover the
            # round trip and the server's work — stay within IN_FLIGHT_MAX; at least 8 KB so a
            # slow answer under server load does not shrink batches into round trips (the same
            # numbers as the PWA, pwa/src/net/batch-size.ts).
            target = min(IN_FLIGHT_MAX / 4, max(MIN_BATCH, rate * 0.64))
            # A new connection carries one batch until it has answered: after a reset, probe
            # the link before filling it again.
            window = IN_FLIGHT_MAX if answered else 1
            while next_index < len(outbox) and (
                    sum(b for _, _, b, _ in in_flight) + target <= window
                    or not in_flight):
                end, raw = next_index, 0
                while end < len(outbox) and end - next_index < 500 and (
                        (raw + sizes[end]) * ratio <= target or end == next_index):
                    raw += sizes[end]
                    end += 1
                rest = sum(sizes[end:])
                if (end < len(outbox) and rest * ratio < target / 2
                        and (raw + rest) * ratio <= IN_FLIGHT_MAX / 4
                        and len(outbox) - next_index <= 500):
                    end = len(outbox)  # a small tail rides along (batch-size.ts)
                body_raw = json.dumps(envelope(next_index, end), separators=(",", ":"),
                                      ensure_ascii=False).encode()
                body = (gzip.compress(body_raw, 9) if dictionary is None
                        else deflate(body_raw, dictionary))
                ratio = len(body) / len(body_raw)
                conn.send("POST", "/api/sync/push", headers, body)
                stats.requests += 1
                stats.bytes_sent += len(body)
                stats.items_sent += end - next_index
                in_flight.append((next_index, end, len(body), loop.time()))
                next_index = end
            answer = await conn.receive()
            answered = True
            start, end, size, _sent_at = in_flight.popleft()
            if answer.status == 200:
                results = answer.json()["results"]
                assert len(results) == end - start, "one result per item"
                for res in results:
                    if res["status"] not in ("applied", "merged"):
                        raise SystemExit(f"unexpected result: {res}")
                if protocol == 2 and keys is not None:
                    check_receipts(outbox, start, results, commune_id, keys)
                acked = end
                acked_bytes += size
                rate = acked_bytes / max(loop.time() - began, 0.1)
            elif answer.status == 409 and answer.json().get("code") == "chain_gap":
                expected = answer.json()["errors"][0]["expected_n"]
                acked = next(i for i, s in enumerate(outbox) if s.n == expected)
                conn.close()
                conn = None
            elif answer.status == 415 and dictionary is not None:
                dictionary = None  # the server lacks the dictionary: nothing written, gzip now
                headers["Content-Encoding"] = "gzip"
                conn.close()
                conn = None
            elif answer.status == 503:
                await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
                conn.close()
                conn = None
            else:
                raise SystemExit(f"push refused: {answer.status} {answer.body[:300]!r}")
        except LinkClosed:
            stats.reconnects += 1
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return stats


PULL_LIMIT, PULL_LIMIT_CATCH_UP, PAGE_BYTES = 200, 1000, 64 * 1024


def next_page_limit(wire_bytes: int, changes: int, seconds: float) -> int:
    """The PWA's rule (pwa/src/net/pull.ts nextPageLimit): the most after a page under a
    second; else about 64 KB at the bytes per change seen, between 200 and 1,000."""
    if seconds < 1.0:
        return PULL_LIMIT_CATCH_UP
    if not changes or not wire_bytes:
        return PULL_LIMIT
    return max(PULL_LIMIT, min(PULL_LIMIT_CATCH_UP, PAGE_BYTES * changes // wire_bytes))


async def first_pull(port: int, username: str, password: str, view: str = "lean"
                     ) -> dict[str, int]:
    """A fresh device: log in, then pull every page (the lean view unless told) sized like the
    PWA's; after a reset it resumes from the last cursor it stored (a page is applied, then its
    cursor kept)."""
    pages = 0
    seen: set[tuple[str, str]] = set()  # distinct records received (a replica's size)
    closed: set[str] = set()
    limit = PULL_LIMIT
    token: str | None = None
    cursor: str | None = None
    while True:
        conn = await connect(port)
        try:
            if token is None:
                conn.send("POST", "/api/auth/login", {"Content-Type": "application/json"},
                          json.dumps({"username": username, "password": password}).encode())
                token = (await conn.receive()).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            while True:
                target = (f"/api/sync/pull?limit={limit}&view={view}"
                          + (f"&cursor={cursor}" if cursor else ""))
                asked = asyncio.get_running_loop().time()
                conn.send("GET", target, auth)
                answer = await conn.receive()
                page = answer.json()
                limit = next_page_limit(answer.wire, len(page["changes"])
                                        + len(page.get("closed", [])),
                                        asyncio.get_running_loop().time() - asked)
                pages += 1
                seen.update((c["entity"], c["id"]) for c in page["changes"])
                rows = page.get("closed", [])
                seen.update(("dossier", r[0]) for r in rows)
                closed |= {r[0] for r in rows}
                cursor = page["cursor"]
                if not page["more"]:
                    return {"changes": len(seen), "pages": pages, "closed": len(closed)}
        except LinkClosed:
            await asyncio.sleep(0.25)
        finally:
            conn.close()


# --- the dossiers -----------------------------------------------------------------------------

SURNAMES = ["Giàng", "Vàng", "Thào", "Sùng", "Lý", "Hờ", "Mùa", "Lầu"]
GIVEN = ["Lử", "Páo", "Dính", "Chứ", "Mỷ", "Sính", "Tủa", "Pó", "Dế", "Chá", "Say", "Vư"]


def dossier_content(i: int, applicant: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(create fields, submit fields) of the i-th dossier: distinct child, photo and signature."""
    sex = "male" if i % 2 else "female"
    form = dict(BIRTH_FORM, child_sex=sex,
                child_full_name=f"{SURNAMES[i % 8]} {'A' if sex == 'male' else 'Thị'} "
                                f"{GIVEN[(i // 8) % 12]}",
                child_date_of_birth=f"2026-0{1 + i % 2}-{1 + i % 28:02d}")
    photo = hashlib.sha256(f"photo-{i}".encode()).hexdigest()
    sub = submit_fields(form=form, photo=photo)
    sub["consent"]["signature_sha256"] = hashlib.sha256(f"sig-{i}".encode()).hexdigest()
    create = {"procedure_code": "khai-sinh", "applicant_member_id": applicant, "form_data": form}
    return create, sub


# --- one run ----------------------------------------------------------------------------------

@dataclass
class Side:
    seconds: float
    up: int
    down: int
    connections: int
    resets: int
    pull_seconds: float = 0.0
    pull_up: int = 0
    pull_down: int = 0
    pull_items: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process so far (Linux /proc), 0 when unknown: on a shared machine
    the server's CPU, not the wall time, says how much of a run was the server's own work."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch_dictionary(http: httpx.Client) -> Dictionary:
    """The server's current push dictionary (docs/protocol.md §4), fetched once per device like
    the keys; checked against its id."""
    listing = http.get("/api/sync/dictionaries").raise_for_status().json()
    entry = next(d for d in listing["dictionaries"] if d["id"] == listing["current"])
    data = http.get(entry["url"]).raise_for_status().content
    if dictionary_id(data) != entry["id"]:
        raise SystemExit("the dictionary's bytes do not match its id")
    return Dictionary(entry["id"], entry["seq"], data)


async def ours(base: str, dossiers: int, outages: bool, protocol: int,
               server_pid: int | None = None, coding: str = "deflate") -> Side:
    http = httpx.Client(base_url=base, timeout=120)
    dev = SimDevice(http, login(http, "vol_a1"))
    dev.enrol(user_id("vol_a1"))
    hid, head = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    dev.push().raise_for_status()
    prev0 = dev.prev
    keys = {k["key_id"]: k["public_key"]
            for k in http.get("/.well-known/langso/keys.json").json()["keys"]}
    for i in range(dossiers):
        did = new_uuid()
        create, sub = dossier_content(i, head)
        dev.mutate("dossier", did, "create", create)
        dev.mutate("dossier", did, "submit", sub, base=1)
    upstream = int(base.rsplit(":", 1)[1])
    proxy = EdgeProxy(upstream, outages)
    await proxy.start()
    t0, cpu0 = time.perf_counter(), cpu_seconds(server_pid)
    dictionary = fetch_dictionary(http) if coding == "deflate" else None
    stats = await push_pipelined(proxy.port, dev.headers, dev.device_id, dev.outbox, prev0,
                                 protocol, WORLD.commune_a, keys, dictionary)
    side = Side(time.perf_counter() - t0, proxy.up.bytes, proxy.down.bytes, proxy.connections,
                proxy.resets, extra={"requests": stats.requests, "reconnects": stats.reconnects,
                                     "push_body_bytes": stats.bytes_sent,
                                     "server_cpu_s": round(cpu_seconds(server_pid) - cpu0, 1)})
    up0, down0 = proxy.up.bytes, proxy.down.bytes
    t1 = time.perf_counter()
    pulled = await first_pull(proxy.port, "vol_a1", PASSWORD)
    side.pull_seconds = time.perf_counter() - t1
    side.pull_up, side.pull_down = proxy.up.bytes - up0, proxy.down.bytes - down0
    side.pull_items = pulled["changes"]
    side.extra["pull_pages"] = pulled["pages"]
    await proxy.close()
    http.close()
    return side


# --- a village's first pull --------------------------------------------------------------------

VILLAGE_HOUSEHOLDS = 50
VILLAGE_MEMBERS_EACH = 4
NEWCOMER = "vol_a1_moi"


def seed_village(base: str, closed: int, open_: int) -> dict[str, int]:
    """The village of issue 13 through the real protocol (no proxy): households and members,
    `closed` past dossiers (full birth form and signed submission, then withdrawn: a terminal
    state) and `open_` open ones, all prepared by vol_a1."""
    http = httpx.Client(base_url=base, timeout=300)
    dev = SimDevice(http, login(http, "vol_a1"))
    dev.enrol(user_id("vol_a1"))
    members: list[str] = []
    for h in range(VILLAGE_HOUSEHOLDS):
        hid = new_uuid()
        dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
        for k in range(VILLAGE_MEMBERS_EACH):
            mid = new_uuid()
            sex = "male" if k % 2 == 0 else "female"
            name = f"{SURNAMES[h % 8]} {'A' if sex == 'male' else 'Thị'} {GIVEN[(h + k) % 12]}"
            dev.mutate("member", mid, "create",
                       member_fields(hid, name, "chu_ho" if k == 0 else "con", 1960 + (h + 7 * k) % 60,
                                     sex))
            members.append(mid)
    for i in range(closed + open_):
        did = new_uuid()
        create, sub = dossier_content(i, members[i % len(members)])
        dev.mutate("dossier", did, "create", create)
        dev.mutate("dossier", did, "submit", sub, base=1)
        if i < closed:
            dev.mutate("dossier", did, "transition", {"action": "withdraw"}, base=2)
    while dev.outbox:
        r = dev.push(500)
        if r.status_code != 200:
            raise SystemExit(f"seeding refused: {r.status_code} {r.text[:300]}")
        bad = [x for x in r.json()["results"] if x["status"] not in ("applied", "merged")]
        if bad:
            raise SystemExit(f"seeding item refused: {bad[0]}")
    http.close()
    return {"households": VILLAGE_HOUSEHOLDS, "members": len(members), "closed": closed,
            "open": open_}


def add_newcomer(url: str) -> None:
    """A second volunteer of village A1: a fresh device that prepared none of the dossiers."""
    engine = make_engine(url)
    with Session(engine) as s:
        create_user(s, username=NEWCOMER, password=PASSWORD, full_name="Tình nguyện viên mới",
                    role="volunteer", commune_id=WORLD.commune_a, village_codes=["A1"],
                    now=utcnow(), enforce_policy=False)
        s.commit()
    engine.dispose()


async def village_pull(base: str, closed: int, open_: int, server_pid: int | None = None
                       ) -> list[dict[str, Any]]:
    """Seed the village, then a fresh device of the newcomer pulls it through the EDGE proxy:
    the lean view (what the PWA asks for), then the full view for comparison."""
    t0 = time.perf_counter()
    seeded = seed_village(base, closed, open_)
    seed_s = time.perf_counter() - t0
    rows = []
    for view in ("lean", "full"):
        proxy = EdgeProxy(int(base.rsplit(":", 1)[1]), False)
        await proxy.start()
        t1, cpu0 = time.perf_counter(), cpu_seconds(server_pid)
        pulled = await first_pull(proxy.port, NEWCOMER, PASSWORD, view)
        rows.append({"run": "village", "view": view, **seeded,
                     "seconds": round(time.perf_counter() - t1, 1),
                     "down_B": proxy.down.bytes, "up_B": proxy.up.bytes,
                     "connections": proxy.connections, "pages": pulled["pages"],
                     "rows": pulled["changes"], "closed_rows": pulled["closed"],
                     "server_cpu_s": round(cpu_seconds(server_pid) - cpu0, 1),
                     "seed_s": round(seed_s, 1)})
        await proxy.close()
    return rows


def pouch_modules() -> Path:
    """npm-install pouchdb-server and pouchdb-node into the scratch directory (once)."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    modules = SCRATCH / "node_modules"
    if not (modules / ".bin" / "pouchdb-server").exists() or not (modules / "pouchdb-node").exists():
        if not (SCRATCH / "package.json").exists():
            (SCRATCH / "package.json").write_text('{"name": "langso-edge-scratch", "private": true}')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "pouchdb-server",
                        "pouchdb-node"], cwd=SCRATCH, check=True)
    return modules


async def pouch(dossiers: int, outages: bool, modules: Path) -> Side:
    work = Path(tempfile.mkdtemp(prefix="pouch-", dir=SCRATCH))
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        str(modules / ".bin" / "pouchdb-server"), "--in-memory", "--port", str(port),
        cwd=work, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):
                try:
                    r = await http.put(f"http://127.0.0.1:{port}/dossiers")
                    if r.status_code in (201, 412):
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        docs = []
        for i in range(dossiers):
            create, sub = dossier_content(i, new_uuid())
            docs.append({"_id": new_uuid(), "create": create, "submit": sub})
        (work / "docs.json").write_text(json.dumps(docs, ensure_ascii=False))
        proxy = EdgeProxy(port, outages)
        await proxy.start()
        env = dict(os.environ, NODE_PATH=str(modules))
        script = str(ROOT / "bench" / "edge_pouch.cjs")
        remote = f"http://127.0.0.1:{proxy.port}/dossiers"
        node = await asyncio.create_subprocess_exec(
            "node", script, "push", str(work / "docs.json"), remote, str(work), env=env,
            stdout=asyncio.subprocess.PIPE)
        assert node.stdout is not None
        ready = await node.stdout.readline()
        assert ready.strip() == b"ready", ready
        proxy.restart_clock()
        up0, down0 = proxy.up.bytes, proxy.down.bytes
        pushed = json.loads(await node.stdout.readline())
        await node.wait()
        side = Side(pushed["seconds"], proxy.up.bytes - up0, proxy.down.bytes - down0,
                    proxy.connections, proxy.resets, extra={"attempts": pushed["attempts"]})
        up1, down1 = proxy.up.bytes, proxy.down.bytes
        node = await asyncio.create_subprocess_exec(
            "node", script, "pull", remote, str(work), env=env, stdout=asyncio.subprocess.PIPE)
        out, _ = await node.communicate()
        pulled = json.loads(out.splitlines()[-1])
        side.pull_seconds = pulled["seconds"]
        side.pull_up, side.pull_down = proxy.up.bytes - up1, proxy.down.bytes - down1
        side.pull_items = pulled["docs"]
        await proxy.close()
        return side
    finally:
        server.terminate()
        await server.wait()
        shutil.rmtree(work, ignore_errors=True)


def our_server(tmp: str) -> tuple[subprocess.Popen[bytes], str]:
    url = f"sqlite:///{tmp}/edge.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    build_world(engine)
    engine.dispose()
    return start_server(url, Path(tmp))


def report(label: str, name: str, side: Side, n: int, clean_up: int | None) -> dict[str, Any]:
    resent = None if clean_up is None or side.up == 0 else max(0.0, 1 - clean_up / side.up)
    return {
        "run": label, "system": name, "dossiers": n, "seconds": round(side.seconds, 1),
        "up_per_dossier_B": round(side.up / n), "down_per_dossier_B": round(side.down / n),
        "connections": side.connections, "resets": side.resets,
        "resent_share": None if resent is None else round(resent, 3),
        "first_pull_s": round(side.pull_seconds, 1), "first_pull_items": side.pull_items,
        "first_pull_down_B": side.pull_down, "first_pull_up_B": side.pull_up, **side.extra,
    }


async def main_async(args: argparse.Namespace) -> int:
    modules = None if args.no_pouch else pouch_modules()
    rows: list[dict[str, Any]] = []
    clean_up: dict[str, int] = {}
    for label in args.runs.split(","):
        if label == "village":
            with tempfile.TemporaryDirectory() as tmp:
                proc, base = our_server(tmp)
                try:
                    add_newcomer(f"sqlite:///{tmp}/edge.sqlite3")
                    for row in await village_pull(base, args.closed, args.open, proc.pid):
                        print(json.dumps(row, ensure_ascii=False), flush=True)
                finally:
                    proc.terminate()
                    proc.wait(10)
            continue
        outages = label == "outage"
        with tempfile.TemporaryDirectory() as tmp:
            proc, base = our_server(tmp)
            try:
                mine = await ours(base, args.dossiers, outages, args.protocol, proc.pid,
                                  args.coding)
            finally:
                proc.terminate()
                proc.wait(10)
        if not outages:
            clean_up["langso"] = mine.up
        row = report(label, "langso", mine, args.dossiers, clean_up.get("langso") if outages
                     else None)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        if modules is not None:
            theirs = await pouch(args.dossiers, outages, modules)
            if not outages:
                clean_up["pouchdb"] = theirs.up
            row = report(label, "pouchdb", theirs, args.dossiers,
                         clean_up.get("pouchdb") if outages else None)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            print(json.dumps({"run": label, "ratio_time": round(mine.seconds / theirs.seconds, 2),
                              "ratio_up": round(mine.up / theirs.up, 2),
                              "ratio_down": round(mine.down / theirs.down, 2)}), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--runs", default="clean,outage,village",
                        help="comma-separated: clean (no outage), outage (5 s every 20 s), "
                             "village (a fresh device's first pull of a village)")
    parser.add_argument("--closed", type=int, default=3000,
                        help="village run: past (closed) dossiers")
    parser.add_argument("--open", type=int, default=20, help="village run: open dossiers")
    parser.add_argument("--no-pouch", action="store_true", help="measure Làng Số only")
    parser.add_argument("--protocol", type=int, choices=(1, 2), default=2)
    parser.add_argument("--coding", choices=("deflate", "gzip"), default="deflate",
                        help="push bodies: deflate with the server's preset dictionary, or gzip")
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
