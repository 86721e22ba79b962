"""The server's VAPID key pair (RFC 8292): from settings (LANGSO_VAPID_PRIVATE_KEY, needed in
fleet mode so every node signs with the same key), else generated on first run into
`<data_dir>/keys/vapid.pem` (PKCS#8 PEM, mode 0600, created atomically).

The public key is published as the uncompressed P-256 point in base64url: exactly what the
browser's `pushManager.subscribe({applicationServerKey})` takes.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from backend.lib.keyring import keys_for

DEFAULT_SUBJECT = "mailto:quan-tri@langso.invalid"


def private_key(data_dir: Path) -> ec.EllipticCurvePrivateKey:
    """From LANGSO_VAPID_PRIVATE_KEY(_FILE), or generated on a single machine's first run."""
    return keys_for(data_dir).vapid


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key_b64(data_dir: Path) -> str:
    point = private_key(data_dir).public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    return b64url(point)


def signer(data_dir: Path) -> Vapid:
    return Vapid(private_key=private_key(data_dir))


def subject() -> str:
    """The `sub` claim push services use to reach the operator (LANGSO_VAPID_SUBJECT)."""
    return os.environ.get("LANGSO_VAPID_SUBJECT") or DEFAULT_SUBJECT
