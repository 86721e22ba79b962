"""The S3-compatible blob store (AWS S3, MinIO, Garage, Ceph RGW, …), for a fleet of nodes.

Chosen by `LANGSO_BLOB_URL=s3://<bucket>[/<prefix>]?endpoint_url=…&region=…`; credentials
come the standard AWS way (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or a role).

Layout under the prefix:
- `blobs/ab/abcdef…`: verified blobs, immutable, named by their SHA-256;
- `uploads/<user>/<sha>.part/<offset:015d>`: one object per acknowledged chunk of a resumable
  upload, named by its start offset.

Why chunks as objects and not S3 multipart: multipart parts must be at least 5 MiB (but the
last), while phones on a weak signal send 256 KiB chunks; buffering to 5 MiB would keep the
acknowledged bytes on one node (lost if that node dies, invisible to the node that serves the
resume). A chunk object is on the shared store before the offset is committed, so any node can
resume any upload. The price is one read of the chunks when the upload completes (≤ 10 MiB by
default): they are concatenated into a node-local file while hashing, the hash is checked, the
content sniffed, and the file uploaded as the blob (boto3 switches to multipart for big files).

Blobs are stored sealed (backend/blobs/sealed.py): the bucket, and the node-local cache of
blobs (`<data_dir>/blob-cache/`) that reads go through, hold ciphertext; a legacy plain blob is
checked against its hash when fetched; blobs are immutable, so the cache never goes stale and may be deleted
at any time.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from backend.blobs.sealed import MAGIC, is_sealed_blob

_HEX64 = re.compile(r"[0-9a-f]{64}")
_SAFE_ID = re.compile(r"[0-9a-zA-Z-]{1,64}")
_RELPATH = re.compile(r"uploads/[0-9a-zA-Z-]{1,64}/[0-9a-f]{64}\.part")
_READ_BLOCK = 1 << 20


def parse_s3_url(url: str) -> dict[str, Any]:
    """`s3://bucket/prefix?endpoint_url=http://host:9000&region=us-east-1&addressing_style=path`
    → client and location settings. Raises SystemExit naming the problem."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise SystemExit(f"LANGSO_BLOB_URL: expected s3://bucket[/prefix]?…, got {url!r}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint_url", "region", "addressing_style"}
    if unknown:
        raise SystemExit(f"LANGSO_BLOB_URL: unknown option(s) {', '.join(sorted(unknown))}")
    prefix = parts.path.strip("/")
    return {
        "bucket": parts.netloc,
        "prefix": f"{prefix}/" if prefix else "",
        "endpoint_url": query.get("endpoint_url"),
        "region": query.get("region") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        "addressing_style": query.get("addressing_style", "path"),
    }


class S3BlobStore:
    def __init__(self, url: str, cache_dir: Path) -> None:
        # Imported here, not at the top: see make_blob_store (boto3 is slow to import).
        import boto3  # type: ignore[import-untyped]  # noqa: PLC0415
        from botocore.config import Config  # type: ignore[import-untyped]  # noqa: PLC0415

        cfg = parse_s3_url(url)
        self.bucket: str = cfg["bucket"]
        self.prefix: str = cfg["prefix"]
        self.cache = Path(cache_dir)
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=cfg["endpoint_url"],
            region_name=cfg["region"],
            config=Config(s3={"addressing_style": cfg["addressing_style"]},
                          retries={"max_attempts": 5, "mode": "standard"},
                          connect_timeout=5, read_timeout=30),
        )

    # --- names --------------------------------------------------------------------------
    def _blob_key(self, sha256: str) -> str:
        if not _HEX64.fullmatch(sha256):
            raise ValueError("not a lowercase SHA-256 hex digest")
        return f"{self.prefix}blobs/{sha256[:2]}/{sha256}"

    def _chunk_prefix(self, relpath: str) -> str:
        if not _RELPATH.fullmatch(relpath):
            raise ValueError("not a partial upload path")
        return f"{self.prefix}{relpath}/"

    def partial_relpath(self, sha256: str, user_id: str) -> str:
        if not _HEX64.fullmatch(sha256) or not _SAFE_ID.fullmatch(user_id):
            raise ValueError("unsafe path component")
        return f"uploads/{user_id}/{sha256}.part"

    def _chunks(self, relpath: str) -> list[tuple[int, str, int]]:
        """(offset, key, size) of the chunk objects, in offset order."""
        prefix = self._chunk_prefix(relpath)
        out: list[tuple[int, str, int]] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            for obj in page.get("Contents", []):
                name = obj["Key"][len(prefix):]
                if name.isdigit():
                    out.append((int(name), obj["Key"], int(obj["Size"])))
        return sorted(out)

    def _delete(self, keys: list[str]) -> None:
        for i in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[i:i + 1000]]
            if batch:
                self.client.delete_objects(Bucket=self.bucket,
                                           Delete={"Objects": batch, "Quiet": True})

    def _assembled_path(self, relpath: str) -> Path:
        name = hashlib.sha256(relpath.encode()).hexdigest()
        return self.cache / "assembling" / f"{name}.{os.getpid()}"

    # --- partial uploads ----------------------------------------------------------------
    def start_partial(self, relpath: str) -> None:
        self._delete([key for _, key, _ in self._chunks(relpath)])
        self._assembled_path(relpath).unlink(missing_ok=True)

    def write_chunk(self, relpath: str, offset: int, data: bytes) -> None:
        # Chunks at or after `offset` were never committed (a crash between the write and the
        # commit): drop them so the upload holds exactly the committed bytes plus this chunk.
        stale = [key for start, key, _ in self._chunks(relpath) if start > offset]
        self._delete(stale)
        self.client.put_object(Bucket=self.bucket,
                               Key=f"{self._chunk_prefix(relpath)}{offset:015d}", Body=data)

    def partial_size(self, relpath: str) -> int:
        size = 0
        for start, _, length in self._chunks(relpath):
            if start != size:
                break
            size += length
        return size

    def _assemble(self, relpath: str) -> tuple[Path, str]:
        """Concatenate the contiguous chunks into a node-local file; returns (path, sha256)."""
        path = self._assembled_path(relpath)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with path.open("wb") as out:
            for start, key, _ in self._chunks(relpath):
                if start != size:
                    break
                body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
                for block in body.iter_chunks(_READ_BLOCK):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
        return path, digest.hexdigest()

    def sha256_of(self, relpath: str) -> str:
        return self._assemble(relpath)[1]

    def resolve(self, relpath: str) -> Path:
        path = self._assembled_path(relpath)
        return path if path.is_file() else self._assemble(relpath)[0]

    def read_partial(self, relpath: str) -> bytes:
        # Joined afresh from the chunk objects (a joined copy left by `resolve` may be older).
        path = self._assemble(relpath)[0]
        try:
            return path.read_bytes()
        finally:
            path.unlink(missing_ok=True)

    def promote(self, relpath: str, sha256: str) -> Path:
        source = self.resolve(relpath)
        self.client.upload_file(str(source), self.bucket, self._blob_key(sha256))
        self._delete([key for _, key, _ in self._chunks(relpath)])
        target = self._cache_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return target

    def discard(self, relpath: str) -> None:
        self._delete([key for _, key, _ in self._chunks(relpath)])
        self._assembled_path(relpath).unlink(missing_ok=True)

    # --- blobs --------------------------------------------------------------------------
    def _cache_path(self, sha256: str) -> Path:
        if not _HEX64.fullmatch(sha256):
            raise ValueError("not a lowercase SHA-256 hex digest")
        return self.cache / "blobs" / sha256[:2] / sha256

    def blob_path(self, sha256: str) -> Path:
        path = self._cache_path(sha256)
        if path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{sha256}.{os.getpid()}.tmp")
        digest = hashlib.sha256()
        head = b""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._blob_key(sha256))["Body"]
            with tmp.open("wb") as out:
                for block in body.iter_chunks(_READ_BLOCK):
                    if len(head) < len(MAGIC):
                        head += block[: len(MAGIC)]
                    digest.update(block)
                    out.write(block)
        except ClientError:
            tmp.unlink(missing_ok=True)
            return path  # absent: the caller reports the blob unavailable
        # Never serve bytes that are not what they claim: a plain (legacy) blob must hash to its
        # name; a sealed one is checked by its GCM tag and hash when opened.
        if not is_sealed_blob(head) and digest.hexdigest() != sha256:
            tmp.unlink(missing_ok=True)
            return path
        os.replace(tmp, path)
        return path

    def has_blob(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._blob_key(sha256))
        except ClientError:
            return False
        return True

    def put_blob(self, sha256: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("data does not hash to its name")
        self.client.put_object(Bucket=self.bucket, Key=self._blob_key(sha256), Body=data)

    def put_stored(self, sha256: str, stored: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._blob_key(sha256), Body=stored)
        # The node-local cache may hold the blob as it was (plain, before `langso blobs seal`).
        self._cache_path(sha256).unlink(missing_ok=True)

    def read_blob(self, sha256: str) -> bytes | None:
        path = self.blob_path(sha256)
        return path.read_bytes() if path.is_file() else None

    def purge_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)
