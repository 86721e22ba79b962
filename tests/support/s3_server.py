"""A real S3-compatible server for the tests: moto's standalone server (`python -m
moto.server`), started as a subprocess on a free loopback port and spoken to over HTTP with
boto3 — the client library is the real one, nothing is mocked in-process.

Why moto: MinIO, Garage and SeaweedFS are not installable from the package registries this
project may use, and Debian's radosgw needs a whole Ceph cluster (docs/deployment.md).
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

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "langso-test", "AWS_SECRET_ACCESS_KEY": "langso-test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class S3Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> S3Server:
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
    server = S3Server().start()
    try:
        yield server
    finally:
        server.stop()
