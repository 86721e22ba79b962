"""Lock contention: several devices update the same household members, each batch in its
own random order, all at once. Without one global lock order PostgreSQL detects deadlocks
(issue 8: 71 of 80 batches failed with a 500). The push service locks a batch's rows sorted
(households, members, dossiers) and retries deadlocks and serialization failures itself; no
batch may get a 5xx and every mutation is stored exactly once. Runs on SQLite too, where the
one writer lock serialises the batches.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.crowd import fresh_database, login, serve, stored_counts
from tests.support.device import SimDevice, household_fields, member_fields, new_uuid
from tests.support.world import WORLD, user_id

MEMBERS = 6
DEVICES = 8
ROUNDS = 4
NAMES = ["Giàng A Páo", "Sùng A Dế", "Lý A Sử", "Vàng A Chứ", "Thào A Lử", "Hầu A Mỷ",
         "Lò Văn Tâm", "Tẩn A Sinh"]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_devices_updating_the_same_members_in_random_orders(kind: str, tmp_path: Path) -> None:
    if kind == "postgres":
        from tests.support.databases import require_postgres

        require_postgres()
    with fresh_database(kind, tmp_path) as (url, engine), serve(url, tmp_path) as server:
        headers = login(server.base, "vol_a1")
        owner = SimDevice(httpx.Client(base_url=server.base, timeout=120), headers)
        owner.enrol(user_id("vol_a1"))
        hid = new_uuid()
        members = [new_uuid() for _ in range(MEMBERS)]
        owner.mutate("household", hid, "create", household_fields(WORLD.village_a1))
        for i, mid in enumerate(members):
            owner.mutate("member", mid, "create", member_fields(
                hid, NAMES[i], "chu_ho" if i == 0 else "con", 1990 + i))
        r = owner.push()
        assert r.status_code == 200 and all(
            x["status"] == "applied" for x in r.json()["results"]), r.text

        rng = random.Random(8)
        devices: list[SimDevice] = []
        bodies: list[list[dict[str, Any]]] = []
        for _ in range(DEVICES):
            dev = SimDevice(httpx.Client(base_url=server.base, timeout=120), headers)
            dev.enrol(user_id("vol_a1"))
            rounds = []
            for _ in range(ROUNDS):
                order = rng.sample(members, len(members))
                batch = [dev.mutate("member", mid, "update",
                                    {"full_name": rng.choice(NAMES),
                                     "ethnicity": rng.choice(["Mông", "Dao", "Thái"])},
                                    base=1)
                         for mid in order]
                rounds.append(dev.push_body(batch))
            devices.append(dev)
            bodies.append(rounds)

        barrier = threading.Barrier(DEVICES)
        statuses: list[int] = []
        lock = threading.Lock()

        def run(dev: SimDevice, rounds: list[dict[str, Any]]) -> None:
            barrier.wait()
            for body in rounds:
                got = dev.post_push(body)
                with lock:
                    statuses.append(got.status_code)

        threads = [threading.Thread(target=run, args=(d, b)) for d, b in zip(devices, bodies, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        assert not any(t.is_alive() for t in threads)
        assert statuses == [200] * (DEVICES * ROUNDS), statuses
        assert server.health() == 200
        log = server.log_text()
        sent = DEVICES * ROUNDS * MEMBERS
        rows, distinct, _ = stored_counts(engine, [d.device_id for d in devices])
        assert (rows, distinct) == (sent, sent)
        assert "Traceback" not in log, log[-3000:]
