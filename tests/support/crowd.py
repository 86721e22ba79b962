"""A crowd of simulated devices against a real server process: shared by the integration tests
(tests/integration/test_crowd.py, test_abandoned_requests.py) and bench/burst.py.

`serve()` starts `langso serve` (the CLI, as `make run` does) on a free port against a given
database; `add_villages()` gives the database one extra village with one volunteer per group
of devices (a volunteer sees only the villages assigned to them, as in a real commune);
`Device` runs one device's day: enrol, push its new households and signed dossiers with
their submissions, pull from zero — recording every status and latency instead of asserting,
so that a benchmark can count failures.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from backend.db.engine import make_engine
from backend.db.migrate import upgrade
from backend.db.models import Dossier, SyncMutation, User, UserVillage, Village
from sync.hlc import Hlc
from sync.signatures import public_key_b64u
from tests.support.databases import create_database, drop_database
from tests.support.device import (
    SimDevice,
    enrol_proof,
    household_fields,
    make_key,
    member_fields,
    new_uuid,
    submit_fields,
)
from tests.support.world import PASSWORD, WORLD, _hash, build_world

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@contextmanager
def fresh_database(kind: str, tmp: Path) -> Iterator[tuple[str, Engine]]:
    """A new migrated database holding the test world: a SQLite file under `tmp`, or a new
    PostgreSQL database dropped afterwards."""
    url = f"sqlite:///{tmp}/crowd.sqlite3" if kind == "sqlite" else create_database("langso_crowd")
    try:
        upgrade(url)
        engine = make_engine(url)
        build_world(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()
    finally:
        if kind != "sqlite":
            drop_database(url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def health(self, timeout: float = 10.0) -> int | None:
        """/health's status, or None when it does not answer within `timeout` seconds."""
        try:
            return httpx.get(self.base + "/health", timeout=timeout).status_code
        except httpx.HTTPError:
            return None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def serve(url: str, data_dir: Path, workers: int = 1, threads: int | None = None,
          access_log: bool = False, extra_env: dict[str, str] | None = None
          ) -> Iterator[Server]:
    """`langso serve` in a subprocess; stopped (SIGTERM, then SIGKILL) on exit."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, LANGSO_DATABASE_URL=url, LANGSO_DATA_DIR=str(data_dir),
               LANGSO_MAX_BODY_BYTES=str(4 * 1024 * 1024), **(extra_env or {}))
    env.pop("LANGSO_THREADS", None)
    args = [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port",
            str(port), "--workers", str(workers)]
    if threads:
        args += ["--threads", str(threads)]
    log = data_dir / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 60
        while server.health(timeout=1) != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + server.log_text()[-3000:])
            time.sleep(0.1)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # the process group: uvicorn's workers too
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(15)


def add_villages(engine: Engine, count: int) -> list[tuple[str, str, str]]:
    """`count` extra villages of commune A, each with one volunteer: [(username, user id,
    village id)]. The password is the test world's."""
    out: list[tuple[str, str, str]] = []
    with Session(engine) as s:
        for i in range(count):
            village = str(uuid.uuid5(uuid.NAMESPACE_URL, f"langso-crowd-village:{i}"))
            username = f"crowd_{i:03d}"
            uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"langso-crowd-user:{i}"))
            s.add(Village(id=village, commune_id=WORLD.commune_a, code=f"C{i:03d}",
                          name=f"Bản Đông {i}"))
            s.add(User(id=uid, username=username, full_name=f"Tình Nguyện {i}",
                       password_hash=_hash(), role="volunteer", commune_id=WORLD.commune_a,
                       created_at=NOW))
            s.flush()
            s.add(UserVillage(user_id=uid, village_id=village))
            out.append((username, uid, village))
        s.commit()
    return out


def login(base: str, username: str) -> dict[str, str]:
    r = httpx.post(base + "/api/auth/login", json={"username": username, "password": PASSWORD},
                   timeout=60)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


@dataclass
class Outcome:
    """What one device saw."""

    statuses: Counter[str] = field(default_factory=Counter)  # "push 200", "pull timeout", …
    seconds: dict[str, list[float]] = field(
        default_factory=lambda: {"enrol": [], "push": [], "pull": []})
    sent: int = 0
    accepted: int = 0
    pushed: bool = False
    pulled: bool = False


class Device:
    """One device's burst: enrol, push everything in one batch, pull from zero."""

    def __init__(self, base: str, headers: dict[str, str], user: str, village: str,
                 dossiers: int, timeout: float, attempts: int = 5) -> None:
        self.http = httpx.Client(base_url=base, timeout=timeout)
        self.sim = SimDevice(self.http, headers)
        self.user, self.village, self.dossiers = user, village, dossiers
        self.attempts = attempts
        self.outcome = Outcome()
        self.outcome.sent = 3 + 2 * dossiers

    def _enrol(self) -> bool:
        sim = self.sim
        sim.key = make_key(sim.alg)
        body = {"alg": sim.alg, "public_key": public_key_b64u(sim.key), "label": "crowd",
                "proof": enrol_proof(sim.key, user_id=self.user)}
        r = self._call("enrol", lambda: self.http.post("/api/devices", json=body,
                                                       headers=sim.headers))
        if r is None or r.status_code != 201:
            return False
        sim.device_id = r.json()["id"]
        sim.clock = Hlc(0, 0, sim.device_id)
        return True

    def _sign(self) -> None:
        hid, head, mother = new_uuid(), new_uuid(), new_uuid()
        self.sim.mutate("household", hid, "create", household_fields(self.village))
        self.sim.mutate("member", head, "create", member_fields(hid))
        self.sim.mutate("member", mother, "create",
                        member_fields(hid, "Vàng Thị Dính", "vo", 1993, "female"))
        for _ in range(self.dossiers):
            did = new_uuid()
            self.sim.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                                        "applicant_member_id": head})
            self.sim.mutate("dossier", did, "submit", submit_fields(), base=1)
        assert len(self.sim.outbox) == self.outcome.sent

    def _call(self, kind: str, send: Any) -> httpx.Response | None:
        """One request, retried like the PWA does on 503/timeouts (bounded); every answer is
        counted by status."""
        for _ in range(self.attempts):
            t0 = time.perf_counter()
            try:
                r: httpx.Response = send()
            except httpx.TimeoutException:
                self.outcome.statuses[f"{kind} timeout"] += 1
                continue
            except httpx.HTTPError as exc:
                self.outcome.statuses[f"{kind} {type(exc).__name__}"] += 1
                time.sleep(0.5)
                continue
            self.outcome.seconds[kind].append(time.perf_counter() - t0)
            self.outcome.statuses[f"{kind} {r.status_code}"] += 1
            if r.status_code == 503:
                time.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            return r
        return None

    def run(self) -> Outcome:
        try:
            if not self._enrol():
                return self.outcome
            self._sign()
            body = self.sim.push_body()
            r = self._call("push", lambda: self.sim.post_push(body))
            if r is not None and r.status_code == 200:
                results = r.json()["results"]
                self.outcome.accepted = sum(x["status"] == "applied" for x in results)
                self.sim.acknowledge(r.json())
                self.outcome.pushed = True
            self.outcome.pulled = self._pull()
        finally:
            self.http.close()
        return self.outcome

    def _pull(self) -> bool:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 200}
            if cursor:
                params["cursor"] = cursor
            r = self._call("pull", lambda p=params: self.http.get(  # type: ignore[misc]
                "/api/sync/pull", params=p, headers=self.sim.headers))
            if r is None or r.status_code != 200:
                return False
            page = r.json()
            cursor = page["cursor"]
            if not page["more"]:
                return True


def run_crowd(devices: list[Device], join_timeout: float) -> tuple[list[Outcome], int, float]:
    """Every device at once (a barrier releases them together). Returns the outcomes, how
    many device threads were still running after `join_timeout` (hangs) and the wall time."""
    barrier = threading.Barrier(len(devices))
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def go(dev: Device) -> None:
        barrier.wait()
        out = dev.run()
        with lock:
            outcomes.append(out)

    threads = [threading.Thread(target=go, args=(d,), daemon=True) for d in devices]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    deadline = time.monotonic() + join_timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    hung = sum(t.is_alive() for t in threads)
    return outcomes, hung, time.perf_counter() - t0


def stored_counts(engine: Engine, device_ids: list[str]) -> tuple[int, int, int]:
    """(mutation rows of these devices, distinct mutation ids among them, dossiers)."""
    with Session(engine) as s:
        rows, distinct = s.execute(
            select(func.count(), func.count(func.distinct(SyncMutation.id)))
            .where(SyncMutation.device_id.in_(device_ids))  # type: ignore[attr-defined]
        ).one()
        dossiers = s.execute(select(func.count()).select_from(Dossier)).scalar_one()
        return int(rows), int(distinct), int(dossiers)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
