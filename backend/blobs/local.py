"""The local-directory blob store (the default; one machine): partial uploads under `data_dir/uploads/`, verified blobs under
`data_dir/blobs/ab/abcdef…` (first two hex digits fan the directory out).

Invariants: a file under `blobs/` holds exactly the content its name hashes to, sealed
(backend/blobs/sealed.py) or, written before sealing, plain; it arrives there only by an atomic
rename of a fsynced file, so a crash leaves either the old state or the whole blob, never half a
blob. A partial file may hold bytes beyond the
offset recorded in the database (a crash between write and commit); every write therefore
seeks to the committed offset and truncates after itself.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SAFE_ID = re.compile(r"[0-9a-zA-Z-]{1,64}")


def _fsync_dir(path: Path) -> None:
    # The rename itself is durable only once the directory entry is flushed (POSIX).
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LocalBlobStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir)

    def blob_path(self, sha256: str) -> Path:
        if not _HEX64.fullmatch(sha256):
            raise ValueError("not a lowercase SHA-256 hex digest")
        return self.root / "blobs" / sha256[:2] / sha256

    def partial_relpath(self, sha256: str, user_id: str) -> str:
        if not _HEX64.fullmatch(sha256) or not _SAFE_ID.fullmatch(user_id):
            raise ValueError("unsafe path component")
        return f"uploads/{user_id}/{sha256}.part"

    def resolve(self, relpath: str) -> Path:
        path = (self.root / relpath).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError("path escapes the data directory")
        return path

    def start_partial(self, relpath: str) -> None:
        """Creates (or empties) the partial file."""
        path = self.resolve(relpath)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            fh.flush()
            os.fsync(fh.fileno())

    def write_chunk(self, relpath: str, offset: int, data: bytes) -> None:
        """Writes `data` at `offset`, drops anything after it, and fsyncs before returning,
        so that an acknowledged offset survives a power cut."""
        path = self.resolve(relpath)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.ftruncate(fd, offset + len(data))
            os.fsync(fd)
        finally:
            os.close(fd)

    def partial_size(self, relpath: str) -> int:
        path = self.resolve(relpath)
        return path.stat().st_size if path.exists() else 0

    def sha256_of(self, relpath: str) -> str:
        digest = hashlib.sha256()
        with self.resolve(relpath).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def read_partial(self, relpath: str) -> bytes:
        return self.resolve(relpath).read_bytes()

    def promote(self, relpath: str, sha256: str) -> Path:
        """Atomically moves a verified partial file to its blob path. If the blob is already
        there (same content by construction) the rename simply replaces it."""
        source = self.resolve(relpath)
        target = self.blob_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        _fsync_dir(target.parent)
        return target

    def discard(self, relpath: str) -> None:
        self.resolve(relpath).unlink(missing_ok=True)

    def has_blob(self, sha256: str) -> bool:
        return self.blob_path(sha256).is_file()

    def put_blob(self, sha256: str, data: bytes) -> None:
        path = self.blob_path(sha256)
        if path.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{sha256}.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)

    def put_stored(self, sha256: str, stored: bytes) -> None:
        path = self.blob_path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{sha256}.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            fh.write(stored)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)

    def read_blob(self, sha256: str) -> bytes | None:
        path = self.blob_path(sha256)
        return path.read_bytes() if path.is_file() else None
