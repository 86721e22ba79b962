"""A real S3-compatible server for the tests, started as subprocesses on free loopback ports and
spoken to over HTTP with boto3 — the client library is the real one, nothing is mocked.

Which server: Ceph's RADOS Gateway when Debian's `radosgw`, `ceph-mon` and `ceph-osd` are
installed (`make s3-server` installs them; tests/support/ceph_rgw.py starts a one-node cluster),
else moto's standalone server (`python -m moto.server`). MinIO, Garage and SeaweedFS are not
in the package registries this project may use. `LANGSO_TEST_S3=ceph` makes a missing Ceph
an error (CI), `LANGSO_TEST_S3=moto` forces moto (docs/deployment.md).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.support import ceph_rgw

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "langso-test", "AWS_SECRET_ACCESS_KEY": "langso-test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chosen_kind() -> str:
    wanted = os.environ.get("LANGSO_TEST_S3", "auto")
    if wanted not in ("auto", "ceph", "moto"):
        raise ValueError(f"LANGSO_TEST_S3={wanted!r}: auto, ceph or moto")
    if wanted == "auto":
        return "ceph" if ceph_rgw.installed() else "moto"
    if wanted == "ceph" and not ceph_rgw.installed():
        raise RuntimeError("LANGSO_TEST_S3=ceph but radosgw/ceph-mon/ceph-osd are not "
                           "installed: run `make s3-server`")
    return wanted


class S3Server:
    def __init__(self, kind: str = "moto") -> None:
        self.kind = kind
        self.ceph: ceph_rgw.CephRgw | None = None
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> S3Server:
        if self.kind == "ceph":
            self.ceph = ceph_rgw.CephRgw(CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                         CREDENTIALS["AWS_SECRET_ACCESS_KEY"], free_port)
            self.ceph.start()
            self.port, self.endpoint = self.ceph.port, self.ceph.endpoint
            return self
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, **CREDENTIALS})
        for _ in range(600):  # moto imports a lot before it listens
            if self.proc.poll() is not None:
                raise RuntimeError("moto server exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not start listening")

    def stop(self) -> None:
        if self.ceph is not None:
            self.ceph.stop()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def client(self) -> object:
        import boto3  # type: ignore[import-untyped]

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def new_bucket_url(self, prefix: str = "langso") -> str:
        """A fresh bucket, as a LANGSO_BLOB_URL."""
        bucket = f"langso-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        return f"s3://{bucket}/{prefix}?endpoint_url={self.endpoint}&region=us-east-1"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    for name, value in CREDENTIALS.items():
        os.environ.setdefault(name, value)  # boto3 in this process signs with these
    server = S3Server(chosen_kind()).start()
    try:
        yield server
    finally:
        server.stop()
