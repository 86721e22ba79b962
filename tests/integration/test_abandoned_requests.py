"""Requests whose client goes away never keep a database connection, nor the write lock.

Against a real server process with a deliberately small thread and connection pool
(`--threads 4`: 12 pooled connections), many more requests than the pool holds are abandoned
while their transaction runs: big signed pushes whose client hangs up (TCP reset) right after
sending the body, pushes and pulls whose client times out after 50 ms, and pushes that stop
half-way through the body. Afterwards /health answers, a new device's write succeeds, and each
abandoned device resends its outbox and finds every mutation stored exactly once (applied by
the abandoned request or by the resend, never both, never lost).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.crowd import fresh_database, login, serve, stored_counts
from tests.support.databases import require_postgres
from tests.support.device import (
    SimDevice,
    household_fields,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import WORLD, user_id

DEVICES = 12
DOSSIERS = 60  # per device: 3 + 120 mutations in one push, long enough to be cut short
ROUNDS = 2  # every device's push is abandoned this many times in each way


def _fill(dev: SimDevice) -> None:
    hid, head, mother = new_uuid(), new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    dev.mutate("member", mother, "create",
               member_fields(hid, "Vàng Thị Dính", "vo", 1993, "female"))
    for _ in range(DOSSIERS):
        did = new_uuid()
        dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                               "applicant_member_id": head})
        dev.mutate("dossier", did, "submit", submit_fields(), base=1)


def _raw_request(base: str, headers: dict[str, str], body: bytes, send_bytes: int,
                 wait: float) -> None:
    """POST /api/sync/push by hand: send `send_bytes` of the body, wait, then reset the
    connection (SO_LINGER 0) without reading the answer."""
    host, port = base.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (f"POST /api/sync/push HTTP/1.1\r\nHost: {host}\r\n{head}"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body[:send_bytes]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(request)
        time.sleep(wait)


def _abandon(base: str, dev: SimDevice, rng: random.Random) -> None:
    body = gzip.compress(json.dumps(dev.push_body()).encode())
    headers = dict(dev.headers, **{"Content-Type": "application/json",
                                   "Content-Encoding": "gzip"})
    for _ in range(ROUNDS):
        # the whole body, then a hang-up while the server applies it
        _raw_request(base, headers, body, len(body), rng.uniform(0.01, 0.3))
        # half a body, then a hang-up while the server waits for the rest
        _raw_request(base, headers, body, len(body) // 2, rng.uniform(0.01, 0.1))
        # a client that gives up after 50 ms, on a push and on a pull
        with httpx.Client(base_url=base, timeout=0.05) as quick:
            for call in (
                lambda: quick.post("/api/sync/push", content=body, headers=headers),
                lambda: quick.get("/api/sync/pull", params={"limit": 1000},
                                  headers=dev.headers),
            ):
                with contextlib.suppress(httpx.TimeoutException):
                    call()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_abandoned_requests_give_their_connections_back(kind: str, tmp_path: Path) -> None:
    if kind == "postgres":
        require_postgres()
    with fresh_database(kind, tmp_path) as (url, engine), \
            serve(url, tmp_path, threads=4) as server:
        headers = login(server.base, "vol_a1")
        devices: list[SimDevice] = []
        for _ in range(DEVICES):
            dev = SimDevice(httpx.Client(base_url=server.base, timeout=300), headers)
            dev.enrol(user_id("vol_a1"))
            _fill(dev)
            devices.append(dev)
        sent = {dev.device_id: len(dev.outbox) for dev in devices}

        rng = random.Random(8)
        seeds = [rng.random() for _ in devices]
        threads = [threading.Thread(target=_abandon,
                                    args=(server.base, dev, random.Random(seed)))
                   for dev, seed in zip(devices, seeds, strict=True)]
        for t in threads:
            t.start()
        # While the abandoned work runs, /health answers: it never waits for the write lock.
        assert server.health(timeout=30) == 200
        for t in threads:
            t.join(300)
        assert not any(t.is_alive() for t in threads)

        assert server.health(timeout=30) == 200
        fresh = SimDevice(httpx.Client(base_url=server.base, timeout=300), headers)
        fresh.enrol(user_id("vol_a1"))
        fresh.mutate("household", new_uuid(), "create", household_fields(WORLD.village_a1))
        r = fresh.push()
        assert r.status_code == 200, r.text
        assert [x["status"] for x in r.json()["results"]] == ["applied"]

        for dev in devices:
            r = dev.push()
            assert r.status_code == 200, r.text
            results: list[dict[str, Any]] = r.json()["results"]
            assert len(results) == sent[dev.device_id]
            assert all(x["status"] == "applied" for x in results), results[:3]
        rows, distinct, dossiers = stored_counts(engine, list(sent))
        assert (rows, distinct, dossiers) == (sum(sent.values()), sum(sent.values()),
                                              DEVICES * DOSSIERS)
        log = server.log_text()
        assert "Traceback" not in log, log[-3000:]
