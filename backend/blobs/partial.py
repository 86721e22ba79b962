"""Uploads in progress sealed at rest: the bytes of a partial upload are AES-256-CTR ciphertext
in the store (local file or S3 chunk objects) from the first chunk on, not only once complete.

A counter mode keeps every byte at its offset, so the stores' offset-based resumable writes,
`partial_size` and the crash rule "rewrite from the committed offset" are unchanged. Each upload
gets a fresh random key, kept in its row (`uploads.content_key`, sealed under the `blobs`
purpose, so `langso pii rotate` re-wraps it); a restart from zero gets a new key. The only
keystream ever reused is a chunk rewritten at the same offset after a crash, and the bytes there
are fixed by the declared SHA-256 (a client sending other bytes only fails its own hash check).
CTR has no tag: integrity is the SHA-256 of the whole opened file, checked before the upload
becomes a blob, which is then sealed with AES-GCM (backend/blobs/sealed.py).

Uploads begun before this (row key NULL) stay plain until they finish or are purged.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_BYTES = 32
_BLOCK = 16


def new_partial_key() -> str:
    return os.urandom(KEY_BYTES).hex()


def crypt_at(key_hex: str, offset: int, data: bytes) -> bytes:
    """Encrypts (or, the same operation, decrypts) `data` lying at `offset` of the upload."""
    if not data:
        return data
    block, skip = divmod(offset, _BLOCK)
    counter = block.to_bytes(_BLOCK, "big")
    cipher = Cipher(algorithms.AES(bytes.fromhex(key_hex)), modes.CTR(counter)).encryptor()
    cipher.update(b"\x00" * skip)
    return cipher.update(data) + cipher.finalize()
