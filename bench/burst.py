"""Burst: N devices at once against a real server (`langso serve`, loopback).

Every simulated device, released together by a barrier, enrols, pushes its new household (a
head and a mother) and `--dossiers` signed dossiers with their submissions in one gzip batch,
then pulls from zero. Devices are spread over villages of `--per-village` devices, one
volunteer each (a volunteer pulls the villages assigned to them). SQLite runs the `make run`
default (1 worker); PostgreSQL runs `--workers 2`. A client retries a 503 after Retry-After
and a timeout (at most 5 tries per request, as the PWA does); every answer is counted.

Prints per database and N: answers by status (errors are anything but 2xx, timeouts
included), p50/p99 of push and pull requests, mutations sent / accepted (in push answers) /
stored (rows in the database: lost = sent − stored), device threads still running at the
deadline (hangs), and whether /health answers afterwards.

    .venv/bin/python bench/burst.py [--db sqlite|postgres|both] [--n 50,200,500]
        [--dossiers 2] [--per-village 10] [--timeout 120] [--deadline 900]
        [--nodes 2]   # PostgreSQL: two `langso serve` nodes (1 worker each) in fleet mode

With `--nodes 2` the two nodes share one PostgreSQL database and their secrets (fleet mode,
signing keys made once by `langso keys create`, blobs in one shared directory), each with its
own data directory, as two machines behind a sticky balancer: device i talks to node i mod 2
(its token from the other node's login). Same process count as one node with `--workers 2`.

Bounded: every request has a client timeout, every run a deadline, and the server is stopped
(SIGTERM, then SIGKILL) at the end of each run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.crowd import (  # noqa: E402
    Device,
    add_villages,
    fresh_database,
    login,
    percentile,
    run_crowd,
    serve,
    stored_counts,
)
from tests.unit.test_fleet_settings import vapid_pem  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of every live process in the server's process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def fleet_env(url: str, tmp: Path) -> dict[str, str]:
    """Shared secrets and blob store for two nodes; the signing keys made once, up front."""
    (tmp / "vapid.pem").write_text(vapid_pem())
    env = {"LANGSO_FLEET": "true", "LANGSO_SESSION_SECRET": secrets.token_hex(32),
           "LANGSO_TICKET_SECRET": secrets.token_hex(32),
           "LANGSO_KEY_ENCRYPTION_KEY": secrets.token_hex(32),
           "LANGSO_VAPID_PRIVATE_KEY_FILE": str(tmp / "vapid.pem"),
           "LANGSO_BLOB_URL": f"file://{tmp}/shared-blobs"}
    subprocess.run([sys.executable, "-m", "backend.cli", "keys", "create"], cwd=ROOT,
                   env={**os.environ, **env, "LANGSO_DATABASE_URL": url,
                        "LANGSO_DATA_DIR": str(tmp / "admin")},
                   check=True, capture_output=True, timeout=300)
    return env


@contextmanager
def servers(kind: str, url: str, tmp: Path, nodes: int, workers: int,
            threads: int | None) -> Iterator[list[Any]]:
    if nodes == 1:
        with serve(url, tmp, workers=workers, threads=threads) as server:
            yield [server]
        return
    env = fleet_env(url, tmp)
    with ExitStack() as stack:
        yield [stack.enter_context(serve(url, tmp / f"node{i}", workers=workers,
                                         threads=threads, extra_env=env))
               for i in range(nodes)]


def burst(kind: str, n: int, dossiers: int, per_village: int, timeout: float,
          deadline: float, threads: int | None = None, nodes: int = 1) -> dict[str, Any]:
    workers = 1 if kind == "sqlite" or nodes > 1 else 2
    with tempfile.TemporaryDirectory() as tmp, \
            fresh_database(kind, Path(tmp)) as (url, engine):
        volunteers = add_villages(engine, -(-n // per_village))
        with servers(kind, url, Path(tmp), nodes, workers, threads) as fleet:
            with ThreadPoolExecutor(4) as pool:  # log in on the last node, work on any
                tokens = dict(zip([v[0] for v in volunteers],
                                  pool.map(lambda v: login(fleet[-1].base, v[0]), volunteers),
                                  strict=True))
            devices = []
            for i in range(n):
                name, uid, village = volunteers[i // per_village]
                devices.append(Device(fleet[i % nodes].base, tokens[name], uid, village,
                                      dossiers, timeout=timeout))
            cpu0 = sum(group_cpu_seconds(s.proc.pid) for s in fleet)
            outcomes, hung, wall = run_crowd(devices, join_timeout=deadline)
            server_cpu = sum(group_cpu_seconds(s.proc.pid) for s in fleet) - cpu0
            t0 = time.perf_counter()
            healths = [s.health(timeout=30) for s in fleet]
            health = max(healths, key=lambda h: h != 200)  # any node's failure shows
            health_s = time.perf_counter() - t0
            log = "".join(s.log_text() for s in fleet)
        ids = [d.sim.device_id for d in devices if d.sim.device_id]
        rows, distinct, _ = stored_counts(engine, ids)
    statuses: Counter[str] = Counter()
    for o in outcomes:
        statuses.update(o.statuses)
    errors = {k: v for k, v in sorted(statuses.items()) if not k.split()[-1].startswith("2")}
    push = [s for o in outcomes for s in o.seconds["push"]]
    pull = [s for o in outcomes for s in o.seconds["pull"]]
    sent = n * (3 + 2 * dossiers)

    def ms(values: list[float], q: float) -> int | None:
        p = percentile(values, q)
        return None if p is None else round(p * 1000)

    return {
        "db": kind, "nodes": nodes, "workers": workers, "threads": threads or "default", "devices": n, "wall_s": round(wall, 1),
        "server_cpu_s": round(server_cpu, 1),
        "requests": sum(statuses.values()), "errors": errors,
        "push_p50_ms": ms(push, 0.5), "push_p99_ms": ms(push, 0.99),
        "pull_p50_ms": ms(pull, 0.5), "pull_p99_ms": ms(pull, 0.99),
        "mutations_sent": sent, "accepted": sum(o.accepted for o in outcomes),
        "stored": rows, "stored_twice": rows - distinct, "lost": sent - rows,
        "hung_devices": hung, "health_after": health, "health_s": round(health_s, 2),
        "server_log_tracebacks": log.count("Traceback"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--n", default="50,200,500", help="comma-separated device counts")
    parser.add_argument("--dossiers", type=int, default=2, help="per device")
    parser.add_argument("--per-village", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120.0, help="per request, seconds")
    parser.add_argument("--threads", type=int, help="langso serve --threads (default: its own)")
    parser.add_argument("--deadline", type=float, default=900.0, help="per run, seconds")
    parser.add_argument("--nodes", type=int, choices=(1, 2), default=1,
                        help="2: two server nodes on one PostgreSQL database")
    args = parser.parse_args()
    # The migration seals the PII data keys under a master key and the server must open them
    # with the same one: one key for this process and the servers it starts (as in the tests).
    os.environ.setdefault("LANGSO_PII_KEY", "33" * 32)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.nodes > 1 and kinds != ["postgres"]:
        parser.error("--nodes 2 needs --db postgres (a fleet shares one PostgreSQL database)")
    # one personal-data master key for the database this process migrates and its servers
    os.environ.setdefault("LANGSO_PII_KEY", secrets.token_hex(32))
    print(f"# burst on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"at start; clients on the same machine", flush=True)
    for kind in kinds:
        for n in (int(x) for x in args.n.split(",")):
            result = burst(kind, n, args.dossiers, args.per_village, args.timeout,
                           args.deadline, args.threads, args.nodes)
            result["load_avg_1m_after"] = round(os.getloadavg()[0], 1)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
