"""Blob stores: the local directory (default) or an S3-compatible object store, chosen by
`LANGSO_BLOB_URL` (unset or `file:///dir` → local; `s3://bucket/prefix?…` → S3).

Services that only know the data directory find the store with `open_blob_store(data_dir)`:
`create_app` and the CLI register their settings; an unregistered directory is local.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from backend.blobs.base import BlobStore
from backend.blobs.local import LocalBlobStore
from backend.settings import Settings

_REGISTRY: dict[Path, BlobStore] = {}


def make_blob_store(settings: Settings) -> BlobStore:
    url = settings.blob_url
    if not url:
        return LocalBlobStore(settings.data_dir)
    if url.startswith("file://"):
        return LocalBlobStore(Path(unquote(urlsplit(url).path)))
    if url.startswith("s3://"):
        # boto3 takes ~0.5 s to import: only a node configured for S3 pays it.
        from backend.blobs.s3 import S3BlobStore  # noqa: PLC0415

        return S3BlobStore(url, settings.data_dir / "blob-cache")
    raise SystemExit(f"LANGSO_BLOB_URL: expected file:///dir or s3://bucket/prefix, got {url!r}")


def register(settings: Settings) -> BlobStore:
    store = make_blob_store(settings)
    _REGISTRY[Path(settings.data_dir).resolve()] = store
    return store


def open_blob_store(data_dir: Path) -> BlobStore:
    return _REGISTRY.get(Path(data_dir).resolve()) or LocalBlobStore(Path(data_dir))


__all__ = ["BlobStore", "LocalBlobStore", "make_blob_store", "open_blob_store", "register"]
