"""CPU per pushed item, in process: the push service alone (no HTTP, no client on the clock).

The real dossier mix (each dossier = a signed create + a signed submission with a receipt) is
signed up front; then every batch of `--batch` items goes through `backend.sync_api.service.push`
exactly as the route calls it (a fresh write session per batch, commit inside), and the
process's own CPU time is measured — on a shared machine this moves far less with the load than
wall-clock rates. `--profile FILE` writes a cProfile of the timed part only.

For load-independent figures run it under callgrind twice and subtract (setup and imports
cancel out): instructions per dossier = (I(2N) − I(N)) / N.

    .venv/bin/python bench/push_cpu.py [--db sqlite|postgres] [--dossiers 1000] [--batch 100]
        [--profile push.prof] [--protocol 2]
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p .venv/bin/python \
        bench/push_cpu.py --dossiers 100
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from litestar.testing import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.db.engine import write_session  # noqa: E402
from backend.db.migrate import upgrade  # noqa: E402
from backend.db.models import User  # noqa: E402
from backend.lib.auth import load_principal  # noqa: E402
from backend.lib.clock import utcnow  # noqa: E402
from backend.push.notify import drain  # noqa: E402
from backend.settings import Settings  # noqa: E402
from backend.sync_api import service  # noqa: E402
from backend.sync_api.body_coding import decode_body  # noqa: E402
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


def run(url: str, data_dir: Path, dossiers: int, batch: int, protocol: int,
        profile: str | None, mix: str = "real") -> dict[str, Any]:
    # The migration seals the data keys under the master key the app must then open them with.
    os.environ["LANGSO_DATA_DIR"] = str(data_dir)
    upgrade(url)
    settings = Settings(database_url=url, data_dir=data_dir)
    app = create_app(settings)
    engine = app.state.engine
    build_world(engine)
    with TestClient(app) as http:
        r = http.post("/api/auth/login", json={"username": "vol_a1", "password": PASSWORD})
        r.raise_for_status()
        dev = SimDevice(http, {"Authorization": f"Bearer {r.json()['token']}"},
                        protocol=protocol)
        dev.enrol(user_id("vol_a1"))
        hid, head = new_uuid(), new_uuid()
        dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
        dev.mutate("member", head, "create", member_fields(hid))
        dev.push().raise_for_status()
        cuts = []
        for k in range(dossiers):
            if mix == "device" and k % 2 == 0:  # bench/burst.py's device: a new household
                cuts.append(len(dev.outbox))
                hid, head = new_uuid(), new_uuid()
                dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
                dev.mutate("member", head, "create", member_fields(hid))
                dev.mutate("member", new_uuid(), "create",
                           member_fields(hid, "Vàng Thị Dính", "vo", 1993, "female"))
            did = new_uuid()
            dev.mutate("dossier", did, "create", {
                "procedure_code": "khai-sinh", "applicant_member_id": head,
                "form_data": BIRTH_FORM})
            dev.mutate("dossier", did, "submit", submit_fields(
                photo=hashlib.sha256(f"photo-{k}".encode()).hexdigest()), base=1)
        items = len(dev.outbox)
        if mix != "device":
            cuts = list(range(0, items, batch))
        cuts.append(items)
        bodies = [gzip.compress(json.dumps(dev.push_body(dev.outbox[a:b])).encode(), 6)
                  for a, b in itertools.pairwise(cuts)]
    with Session(engine) as s:
        user = s.get(User, user_id("vol_a1"))
        assert user is not None
        principal = load_principal(s, user)
    catalog = app.state.catalog
    # Timed by this thread's CPU clock: on a shared machine a wall-clock profile charges
    # whatever ran while this thread waited for a core to the function that was waiting.
    prof = cProfile.Profile(time.thread_time) if profile else None
    cpu0, wall0, own0 = time.process_time(), time.perf_counter(), time.thread_time()
    if prof:
        prof.enable()
    for body in bodies:
        session = write_session(engine)
        try:
            answer = service.push(session, principal, catalog, data_dir,
                                  decode_body(body, "gzip"), utcnow(),
                                  settings.max_dossier_attachment_bytes)
        finally:
            session.close()
        assert all(x["status"] == "applied" for x in answer["results"]), answer["results"][:2]
    # Each committed submission's notice is delivered by a background thread of the same
    # process: its CPU is part of the push's cost (process_time counts every thread).
    drain(60)
    if prof:
        prof.disable()
        prof.dump_stats(profile)
    own = time.thread_time() - own0
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    engine.dispose()
    return {"db": engine.dialect.name, "mix": mix, "dossiers": dossiers, "items": items,
            "batches": len(bodies),
            "protocol": protocol, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
            "cpu_ms_per_item": round(1000 * cpu / items, 3),
            # the push itself; the rest of cpu_s is the background notice delivery
            "push_thread_cpu_s": round(own, 3),
            "items_per_s_per_core": round(items / cpu)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--protocol", type=int, choices=(1, 2), default=2)
    parser.add_argument("--profile")
    parser.add_argument("--mix", choices=("real", "device"), default="real",
                        help="real: create + submission per dossier in batches of --batch; "
                             "device: bench/burst.py's device, one batch per new household "
                             "(the household, two members, two dossiers with submissions)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db == "sqlite":
            out = run(f"sqlite:///{tmp}/push.sqlite3", Path(tmp), args.dossiers, args.batch,
                      args.protocol, args.profile, args.mix)
        else:
            url = create_database("langso_pushcpu")
            try:
                out = run(url, Path(tmp), args.dossiers, args.batch, args.protocol,
                          args.profile, args.mix)
            finally:
                drop_database(url)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
