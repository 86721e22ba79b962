"""Sync throughput: a real server (uvicorn, 1 worker, loopback) on a temporary SQLite database and
on a temporary PostgreSQL database; a simulated device pushes signed dossier mutations in batches
of 100 over HTTP, deflated with the preset push dictionary (docs/protocol.md §4), then an officer
pulls everything.

Prints, per database: mutations/s per server core (server CPU time from /proc), wall-clock
mutations/s, pull changes/s, and bytes on the wire for one dossier alone and per dossier in a
batch of 100.

    .venv/bin/python bench/sync_throughput.py [--dossiers 2000] [--db sqlite|postgres|both]
        [--rounds 1] [--mix create|real] [--protocol 1|2]

`--mix real` is the real dossier mix: every dossier is a signed create plus a signed submission
(form validated against the catalogue, a revision stored, a receipt signed by the commune key),
so one dossier is two items; the figures then give items and dossiers per second per core and
the server CPU seconds per item (less sensitive to the machine's load than the rates), also in
units of this machine's Ed25519 verification (printed first), which travel between machines.

With --rounds N every database is measured N times (a fresh database and server each time) and
a summary line gives the median per-core rate: on a shared machine one run can be off by 30 %.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.signing import VerifyKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.db.engine import make_engine  # noqa: E402
from backend.db.migrate import upgrade  # noqa: E402
from backend.sync_api.dictionaries import current, deflate  # noqa: E402
from tests.support.databases import create_database, drop_database  # noqa: E402
from tests.support.device import (  # noqa: E402
    BIRTH_FORM,
    SimDevice,
    household_fields,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import PASSWORD, WORLD, build_world, user_id  # noqa: E402

BATCH = 100
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def start_server(url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, LANGSO_DATABASE_URL=url, LANGSO_DATA_DIR=str(data_dir),
               LANGSO_MAX_BODY_BYTES=str(4 * 1024 * 1024))
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "backend.app:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning",
         "--no-access-log",
         "--no-server-header"],  # as `langso serve` (backend/cli.py): no bytes for nothing
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


def login(http: httpx.Client, username: str) -> dict[str, str]:
    r = http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def gz_size(body: dict[str, Any]) -> int:
    return len(gzip.compress(json.dumps(body, separators=(",", ":")).encode(), 6))


def deflated(body: dict[str, Any]) -> bytes:
    """As a client sends it: deflated with the preset dictionary (docs/protocol.md §4)."""
    return deflate(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
                   current())


def run(label: str, url: str, dossiers: int, mix: str = "create",
        protocol: int = 1) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    build_world(engine)
    engine.dispose()
    with tempfile.TemporaryDirectory() as data_dir:
        proc, base = start_server(url, Path(data_dir))
        try:
            return measure(label, base, proc.pid, dossiers, mix, protocol)
        finally:
            proc.terminate()
            proc.wait(10)


def measure(label: str, base: str, pid: int, dossiers: int, mix: str = "create",
            protocol: int = 1) -> dict[str, Any]:
    http = httpx.Client(base_url=base, timeout=120)
    dev = SimDevice(http, login(http, "vol_a1"), protocol=protocol)
    dev.enrol(user_id("vol_a1"))
    hid, head = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    dev.push().raise_for_status()

    count = [0]

    def dossier() -> None:
        did = new_uuid()
        dev.mutate("dossier", did, "create", {
            "procedure_code": "khai-sinh", "applicant_member_id": head,
            "form_data": BIRTH_FORM})
        if mix == "real":
            count[0] += 1
            sub = submit_fields(photo=hashlib.sha256(f"photo-{count[0]}".encode()).hexdigest())
            dev.mutate("dossier", did, "submit", sub, base=1)

    # Bytes on the wire (request bodies: JSON, gzip level 6, and deflated with the dictionary).
    dossier()
    sample = dev.push_body()
    one, one_deflate = gz_size(sample), len(deflated(sample))
    dev.push().raise_for_status()
    for _ in range(BATCH):
        dossier()
    sample = dev.push_body()
    per_batch, per_batch_deflate = gz_size(sample) / BATCH, len(deflated(sample)) / BATCH
    dev.push().raise_for_status()

    # Throughput: sign everything first, so the clock measures the server.
    for _ in range(dossiers):
        dossier()
    items = len(dev.outbox)
    batches = [dev.outbox[i:i + BATCH] for i in range(0, len(dev.outbox), BATCH)]
    bodies = [deflated(dev.push_body(b)) for b in batches]
    headers = dict(dev.headers, **{"Content-Encoding": "deflate",
                                   "Content-Type": "application/json"})
    cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
    for body in bodies:
        r = http.post("/api/sync/push", content=body, headers=headers)
        r.raise_for_status()
        results = r.json()["results"]
        assert all(x["status"] == "applied" for x in results)
        assert mix == "create" or any("receipt" in x for x in results)
    wall = time.perf_counter() - wall0
    cpu = cpu_seconds(pid) - cpu0

    officer = login(http, "officer_a")
    cpu1, wall1 = cpu_seconds(pid), time.perf_counter()
    cursor, changes, wire = None, 0, 0
    while True:
        params: dict[str, Any] = {"limit": 1000}
        if cursor:
            params["cursor"] = cursor
        with http.stream("GET", "/api/sync/pull", params=params,
                         headers=dict(officer, **{"Accept-Encoding": "gzip"})) as r:
            raw = b"".join(r.iter_raw())
            wire += len(raw)
            page = json.loads(gzip.decompress(raw) if r.headers.get("content-encoding") == "gzip"
                              else raw)
        changes += len(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    pull_wall = time.perf_counter() - wall1
    pull_cpu = cpu_seconds(pid) - cpu1
    out = {
        "db": label,
        "mix": mix,
        "protocol": protocol,
        "mutations": dossiers,
        "items": items,
        "items_per_s_per_core": round(items / cpu) if cpu else None,
        "dossiers_per_s_per_core": round(dossiers / cpu) if cpu else None,
        "server_cpu_ms_per_item": round(1000 * cpu / items, 3),
        "push_wall_s": round(wall, 3),
        "push_server_cpu_s": round(cpu, 3),
        "mutations_per_s_per_core": round(dossiers / cpu) if cpu else None,
        "mutations_per_s_wall": round(dossiers / wall),
        "pull_changes": changes,
        "pull_changes_per_s_wall": round(changes / pull_wall),
        "pull_changes_per_s_per_core": round(changes / pull_cpu) if pull_cpu else None,
        "pull_bytes_per_change": round(wire / changes, 1),
        "bytes_one_dossier": one,
        "bytes_one_dossier_deflate": one_deflate,
        "bytes_per_dossier_in_batch_of_100": round(per_batch, 1),
        "bytes_per_dossier_in_batch_of_100_deflate": round(per_batch_deflate, 1),
    }
    http.close()
    return out


def machine_speed() -> dict[str, Any]:
    """A yardstick printed beside the rates: this machine's Ed25519 verification of a
    dossier-sized payload with OpenSSL (`cryptography`; issue 13's machine: about 125 µs) and
    its load average. Machines differ by 2x; the ratio of CPU per item to this figure travels
    between them. The server verifies with libsodium (ADR 0025), printed beside it."""
    key = Ed25519PrivateKey.generate()
    public, message = key.public_key(), b"x" * 600
    signature = key.sign(message)
    sodium = VerifyKey(public.public_bytes_raw())
    return {"machine": {"ed25519_verify_us": _us_per_call(
                            lambda: public.verify(signature, message)),
                        "ed25519_verify_us_libsodium": _us_per_call(
                            lambda: sodium.verify(message, signature)),
                        "load_average": [round(x, 2) for x in os.getloadavg()]}}


def _us_per_call(call: Callable[[], object]) -> float:
    """The median of three runs of 1,000 calls, in µs per call."""
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(1000):
            call()
        runs.append((time.perf_counter() - t0) * 1000)
    return round(sorted(runs)[1], 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--mix", choices=("create", "real"), default="create")
    parser.add_argument("--protocol", type=int, choices=(1, 2), default=1)
    args = parser.parse_args()
    # The migration seals the PII data keys under a master key and the server must open them
    # with the same one: one key for this process and the servers it starts (as in the tests).
    os.environ.setdefault("LANGSO_PII_KEY", "33" * 32)
    speed = machine_speed()
    print(json.dumps(speed), flush=True)
    results = []
    for _ in range(max(1, args.rounds)):
        if args.db in ("sqlite", "both"):
            with tempfile.TemporaryDirectory() as tmp:
                results.append(run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.dossiers,
                                   args.mix, args.protocol))
        if args.db in ("postgres", "both"):
            url = create_database("langso_bench")
            try:
                results.append(run("postgres", url, args.dossiers, args.mix, args.protocol))
            finally:
                drop_database(url)
    for r in results:
        r["cpu_per_item_in_verifications"] = round(
            r["server_cpu_ms_per_item"] * 1000 / speed["machine"]["ed25519_verify_us"], 2)
        print(json.dumps(r, ensure_ascii=False))
    if args.rounds > 1:
        for db in ("sqlite", "postgres"):
            rates = sorted(r["mutations_per_s_per_core"] for r in results if r["db"] == db)
            items = sorted(r["items_per_s_per_core"] for r in results if r["db"] == db)
            if rates:
                print(json.dumps({"db": db, "rounds": len(rates),
                                  "median_mutations_per_s_per_core": rates[len(rates) // 2],
                                  "min": rates[0], "max": rates[-1],
                                  "median_items_per_s_per_core": items[len(items) // 2],
                                  "items_min": items[0], "items_max": items[-1]}))
    if args.mix == "real":
        print("targets (real mix, issue 13): >= 2000 items/s/core on SQLite, >= 1500 on "
              "PostgreSQL (an item is a create or a signed submission; a dossier is both)")
    else:
        print("targets: >= 2000 mutations/s/core on SQLite; <= 1024 B one dossier; "
              "<= 400 B per dossier in a batch of 100")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
