"""AES-256-GCM sealing and HMAC blind indexes: pure functions over bytes and keys.

A sealed value is text, so it fits a TEXT column on SQLite and PostgreSQL alike:
`pii1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id names the data key, so a
rotation can leave old rows readable until they are re-encrypted. The associated data binds a
value to its purpose (table), so a ciphertext copied into another table does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "pii1:"
NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that does not open: wrong key, wrong purpose or tampered."""


@lru_cache(maxsize=64)
def _aead(key: bytes) -> AESGCM:
    # Key schedule once per key, not per value: the push path seals five values per mutation.
    return AESGCM(key)


def seal(key_id: str, key: bytes, purpose: str, plaintext: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    body = _aead(key).encrypt(nonce, plaintext, purpose.encode())
    return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + body).decode()}"


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(value: str) -> str:
    return value[len(PREFIX):].split(":", 1)[0]


def open_sealed(key: bytes, purpose: str, value: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value[len(PREFIX):].split(":", 1)[1])
        return _aead(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
    except Exception as exc:  # InvalidTag, binascii.Error, IndexError
        raise SealError("sealed value does not open") from exc


def wrap_key(master: bytes, data_key: bytes, key_id: str) -> str:
    """The data key sealed under the master key, bound to its id."""
    return seal("master", master, f"wrap:{key_id}", data_key)


def unwrap_key(master: bytes, wrapped: str, key_id: str) -> bytes:
    return open_sealed(master, f"wrap:{key_id}", wrapped)


def blind_index(key: bytes, purpose: str, value: str) -> str:
    """Keyed hash for equality look-ups: same value → same index; without the key a dump
    cannot test guesses (a bare SHA-256 of a 12-digit CCCD falls to a dictionary in minutes)."""
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def fingerprint(master: bytes) -> str:
    """A short public name for a master key (stored next to wrapped keys, never the key)."""
    return hashlib.sha256(b"langso-pii-master\x00" + master).hexdigest()[:16]
