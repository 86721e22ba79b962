"""`langso serve` as a real subprocess on a free loopback port, on SQLite or PostgreSQL, with
the demo commune seeded and its stdout/stderr captured to a file (the tests that grep the
logs read it). Restartable on the same port and database: the e2e suite stops it to prove
the PWA works with the server truly unreachable, then starts it again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from backend.demo.seed import seed_demo
from tests.support.databases import migrated_database

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, tmp: Path, database_url: str, extra_env: dict[str, str] | None = None
                 ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.data_dir = tmp / "data"
        self.log = tmp / "server.log"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.process is not None:
            return
        env = {
            **os.environ,
            "LANGSO_DATABASE_URL": self.database_url,
            "LANGSO_DATA_DIR": str(self.data_dir),
            "LANGSO_PORT": str(self.port),
            "LANGSO_HOST": "127.0.0.1",
            **self.extra_env,
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend.cli", "serve"],
                cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log.read_text()[-3000:])
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        # The port must really be closed before a test claims "server unreachable".
        try:
            httpx.get(self.url + "/health", timeout=1)
        except httpx.ConnectError:
            return
        raise RuntimeError(f"{self.url} still answers after the server was stopped")

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any
            ) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.request(method, self.url + path, headers=headers, timeout=60, **kwargs)

    def login(self, username: str, password: str = "demo") -> str:
        response = self.api("POST", "/api/auth/login",
                            json={"username": username, "password": password})
        response.raise_for_status()
        return str(response.json()["token"])

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def seeded_database(kind: str, tmp: Path) -> Iterator[str]:
    """A migrated database holding the demo commune: `kind` is "sqlite" or "postgres"."""
    with migrated_database(kind, tmp / "live.sqlite3", seed_demo, "langso_live") as url:
        yield url


@contextmanager
def live_server(kind: str, tmp: Path, extra_env: dict[str, str] | None = None
                ) -> Iterator[LiveServer]:
    with seeded_database(kind, tmp) as url:
        server = LiveServer(tmp, url, extra_env)
        server.start()
        try:
            yield server
        finally:
            server.stop()
