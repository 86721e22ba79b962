"""The one interface for blobs and partial uploads, whatever holds the bytes.

A blob is immutable and named by the SHA-256 of its content (its plaintext: the store holds it
sealed, backend/blobs/sealed.py); it counts (a `blobs` row) only
after the whole content was hashed and checked. A partial upload is named by `relpath`
(`uploads/<user>/<sha>.part`, stored in `uploads.partial_path`); the offset in the database is
the truth, so a write at `offset` drops whatever a crashed earlier attempt left after it.
Every node of a fleet must see the same partial uploads and blobs: with several nodes use the
S3-compatible backend (backend/blobs/s3.py), not a node-local directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class BlobStore(Protocol):
    # --- partial uploads ---------------------------------------------------------------
    def partial_relpath(self, sha256: str, user_id: str) -> str: ...

    def start_partial(self, relpath: str) -> None:
        """Create (or empty) the partial upload."""

    def write_chunk(self, relpath: str, offset: int, data: bytes) -> None:
        """Durably store `data` at `offset`, dropping anything after it."""

    def partial_size(self, relpath: str) -> int: ...

    def sha256_of(self, relpath: str) -> str:
        """Hash of the partial upload's bytes, in order."""

    def resolve(self, relpath: str) -> Path:
        """A local file holding the partial upload's bytes (for content sniffing)."""

    def read_partial(self, relpath: str) -> bytes:
        """The partial upload's stored bytes as they are now (sealed, backend/blobs/partial.py)."""

    def promote(self, relpath: str, sha256: str) -> Path:
        """Make the verified partial upload the blob `sha256`; the partial is gone after."""

    def discard(self, relpath: str) -> None: ...

    # --- blobs ------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        """A local file with the blob's bytes; it does not exist when the store lacks the
        blob (the caller answers 503 `blob_unavailable`)."""

    def has_blob(self, sha256: str) -> bool: ...

    def put_blob(self, sha256: str, data: bytes) -> None:
        """Store bytes the server made itself (a result PDF); `sha256` must be their hash."""

    def put_stored(self, sha256: str, stored: bytes) -> None:
        """Store `stored` (a sealed blob, backend/blobs/sealed.py) as the blob `sha256`,
        atomically replacing whatever was there; no hash check (ciphertext)."""

    def read_blob(self, sha256: str) -> bytes | None:
        """The bytes as stored: sealed (backend/blobs/sealed.py) or, for a blob written before
        sealing, plain."""
