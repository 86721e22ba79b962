"""Server secrets, generated on first run and kept in the data directory (never in the repo).

Files are created with mode 0600 and written atomically, so two workers starting together
agree on one key (the loser of the race reads the winner's file).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)


def _create_exclusive(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # unique per call: threads of one process race too (a shared name let one thread link
    # another's half-written file: a corrupt key for good)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process created it first
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def session_secret(data_dir: Path) -> bytes:
    path = data_dir / "keys" / "session.key"
    if not path.exists():
        _create_exclusive(path, secrets.token_hex(32).encode())
    return bytes.fromhex(path.read_text().strip())


def signing_key(data_dir: Path, name: str) -> Ed25519PrivateKey:
    """An Ed25519 key by name (e.g. `commune-<id>`), generated on first use."""
    path = data_dir / "keys" / f"{name}.pem"
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
        )
        _create_exclusive(path, pem)
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{path} does not hold an Ed25519 private key")
    return key
