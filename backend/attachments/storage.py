"""Where attachment bytes live: see backend/blobs/ (local directory or S3-compatible store)."""

from backend.blobs import open_blob_store
from backend.blobs.base import BlobStore

__all__ = ["BlobStore", "open_blob_store"]
