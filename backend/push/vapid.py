"""The server's VAPID key pair (RFC 8292), generated on first run into
`<data_dir>/keys/vapid.pem` (PKCS#8 PEM, mode 0600, created atomically like the other server
secrets so that concurrent workers agree on one key).

The public key is published as the uncompressed P-256 point in base64url: exactly what the
browser's `pushManager.subscribe({applicationServerKey})` takes.
"""

from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from py_vapid import Vapid

from backend.lib.secrets import _create_exclusive

DEFAULT_SUBJECT = "mailto:quan-tri@langso.invalid"


def key_path(data_dir: Path) -> Path:
    return data_dir / "keys" / "vapid.pem"


@cache
def _load(path: str) -> ec.EllipticCurvePrivateKey:
    file = Path(path)
    if not file.exists():
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
        )
        _create_exclusive(file, pem)
    key = load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise SystemExit(f"{file} does not hold a P-256 private key")
    return key


def private_key(data_dir: Path) -> ec.EllipticCurvePrivateKey:
    return _load(str(key_path(data_dir).resolve()))


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
