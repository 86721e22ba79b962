"""SHA-256 helpers (SPEC §HASH)."""

from __future__ import annotations

import hashlib

GENESIS = "0" * 64
"""The ``prev`` of a device's first mutation (n = 1)."""


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data`` (64 characters)."""
    return hashlib.sha256(data).hexdigest()
