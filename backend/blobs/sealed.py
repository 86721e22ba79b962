"""Blobs sealed at rest: photos, consent signatures and result PDFs are AES-256-GCM ciphertext
in the blob store (local directory or S3), whatever the store.

A sealed blob is `MAGIC ‖ nonce(12) ‖ AES-256-GCM(content key, bytes, AAD = "langso-blob:" + sha)`.
The content key of a blob is HMAC-SHA256(the keyring's `blobs` data key, "blob\\0" + sha): the
same content gets the same key while that data key is active, so two uploads of one hash racing
to the store never leave a file that the winning row's key does not open. The key is kept in the
blob's row (`blobs.content_key`, itself sealed under the `blobs` purpose), so `langso pii rotate`
re-wraps it with every other sealed value and old files keep opening after a rotation.

Legacy blobs written before this (plain JPEG/PNG/WebP/PDF bytes, whose magic numbers never start
with MAGIC) are served as they are until `langso blobs seal` seals them in place.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.privacy.crypto import SealError
from backend.privacy.keys import Keyring

MAGIC = b"LSB1\x00"
NONCE_BYTES = 12
PURPOSE = "blobs"


def _aad(sha256: str) -> bytes:
    return b"langso-blob:" + sha256.encode()


def is_sealed_blob(stored: bytes) -> bool:
    return stored[: len(MAGIC)] == MAGIC


def content_key(ring: Keyring, sha256: str) -> bytes:
    base = ring.keys[ring.active[PURPOSE]]
    return hmac.new(base, b"blob\x00" + sha256.encode(), hashlib.sha256).digest()


def seal_blob(key: bytes, sha256: str, data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, _aad(sha256))


def open_blob(key: bytes, sha256: str, stored: bytes) -> bytes:
    """The plaintext of a sealed blob, checked against its name (the tag binds it to `sha256`;
    the hash check also catches a file sealed under the right key for other bytes)."""
    body = stored[len(MAGIC):]
    try:
        data = AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _aad(sha256))
    except Exception as exc:  # InvalidTag, short input
        raise SealError(f"blob {sha256[:12]}… does not open") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SealError(f"blob {sha256[:12]}… opens to other bytes")
    return data
