"""Ceph's RADOS Gateway for the tests: a one-node Ceph cluster (one monitor, one in-memory
OSD, one radosgw) started from Debian's packages (`radosgw`, `ceph-mon`, `ceph-osd`) in a
temporary directory, each daemon in the foreground as a child of the test run. It is the
gateway province operators run in production, so the blob store is tested against the real
S3 dialect (multipart, listing, deletes) of an object store, not an emulator.

No authentication inside the cluster (`auth ... = none`) and messenger mode `crc`: it listens
on 127.0.0.1 only and lives as long as the test session. The S3 user is made with
`radosgw-admin` before the gateway starts (so no cache notify waits on it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import httpx

DAEMONS = ("ceph", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool")


def installed() -> bool:
    return all(shutil.which(d) for d in DAEMONS)


def _conf(root: Path, fsid: str, mon_port: int, rgw_port: int) -> str:
    return f"""[global]
fsid = {fsid}
mon host = v2:127.0.0.1:{mon_port}
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 1073741824
osd max object name len = 460
osd max object namespace len = 64
run dir = {root}/run
log file = {root}/$name.log
admin socket = {root}/run/$name.asok
keyring = {root}/keyring
mon data = {root}/mon.$id
osd data = {root}/osd.$id
crash dir = {root}/crash
[client.rgw.t]
rgw frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw data = {root}/rgw
rgw dns name = 127.0.0.1
"""


class CephRgw:
    """Same surface as the moto server: `endpoint`, `start()`, `stop()`."""

    def __init__(self, access_key: str, secret_key: str, free_port: object) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="langso-ceph-"))
        self.access_key, self.secret_key = access_key, secret_key
        self.mon_port = free_port()  # type: ignore[operator]
        self.port = free_port()  # type: ignore[operator]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.conf = self.root / "ceph.conf"
        self.procs: list[subprocess.Popen[bytes]] = []

    def _run(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run([*args, "-c", str(self.conf)], capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def _daemon(self, *args: str) -> None:
        log = (self.root / f"{args[0]}.out").open("ab")
        self.procs.append(subprocess.Popen([*args, "-c", str(self.conf), "-f"], cwd=self.root,
                                           stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def _alive(self) -> None:
        for p in self.procs:
            if p.poll() is not None:
                logs = "".join(f.read_text()[-1500:] for f in self.root.glob("*.out"))
                raise RuntimeError(f"a Ceph daemon exited ({p.args[0]}):\n{logs}")

    def start(self) -> CephRgw:
        fsid = str(uuid.uuid4())
        for d in ("run", "mon.a", "osd.0", "rgw", "crash"):
            (self.root / d).mkdir()
        self.conf.write_text(_conf(self.root, fsid, self.mon_port, self.port))
        try:
            subprocess.run(["monmaptool", "--create", "--addv", "a",
                            f"[v2:127.0.0.1:{self.mon_port}]", "--fsid", fsid,
                            str(self.root / "monmap")], check=True, capture_output=True)
            (self.root / "keyring").write_text("")
            self._run("ceph-mon", "-i", "a", "--mkfs", "--monmap", str(self.root / "monmap"))
            self._daemon("ceph-mon", "-i", "a")
            osd_uuid = str(uuid.uuid4())
            osd_id = self._run("ceph", "osd", "new", osd_uuid).strip()
            self._run("ceph-osd", "-i", osd_id, "--mkfs", "--osd-uuid", osd_uuid)
            self._daemon("ceph-osd", "-i", osd_id)
            self._alive()
            # creates the gateway's pools too: it returns once the OSD serves writes
            self._run("radosgw-admin", "user", "create", "--uid", "langso-test",
                      "--display-name", "langso tests", "--access-key", self.access_key,
                      "--secret-key", self.secret_key, timeout=300)
            self._daemon("radosgw", "-n", "client.rgw.t")
            for _ in range(1200):  # the first start on a loaded machine is slow
                self._alive()
                try:
                    if httpx.get(self.endpoint, timeout=1).status_code < 500:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            raise RuntimeError("radosgw did not start listening")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        self.procs.clear()
        shutil.rmtree(self.root, ignore_errors=True)
