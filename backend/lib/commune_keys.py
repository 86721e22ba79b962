"""Commune signing keys kept in the database, sealed under the key-encryption key.

Every node reads the same keys, so a receipt or result signed by one node verifies against
the keys any node publishes. `langso keys create` makes the first key of each commune and
`langso keys rotate` adds a newer one: the newest signs, every older key stays published.
A single machine (not fleet mode) still creates a missing key on first use, importing the
key file an older release kept in `<data_dir>/keys/commune-<id>.pem` so its receipts verify.
"""

from __future__ import annotations

import base64
import os
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from backend.db.engine import ensure_writable
from backend.db.models import CommuneSigningKey
from backend.lib.errors import AppError
from backend.lib.keyring import ServerKeys
from sync.signatures import key_id, public_key_b64u

ALG = "Ed25519"
_AAD = b"langso-commune-key:"
_PRIVATE: dict[tuple[str, bytes], Ed25519PrivateKey] = {}


def seal(kek: bytes, kid: str, private: Ed25519PrivateKey) -> str:
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(kek).encrypt(nonce, seed, _AAD + kid.encode("ascii"))
    return base64.urlsafe_b64encode(sealed).decode("ascii")


def unseal(kek: bytes, row: CommuneSigningKey) -> Ed25519PrivateKey:
    cached = _PRIVATE.get((row.key_id, kek))
    if cached is not None:
        return cached
    raw = base64.urlsafe_b64decode(row.private_key_enc)
    try:
        seed = AESGCM(kek).decrypt(raw[:12], raw[12:], _AAD + row.key_id.encode("ascii"))
    except InvalidTag as exc:
        raise AppError(
            "signing_key_sealed",
            "Máy chủ không mở được khoá ký của xã (sai khoá mã hoá khoá). Báo quản trị viên.",
            "The commune signing key cannot be unsealed: wrong LANGSO_KEY_ENCRYPTION_KEY.",
            503,
        ) from exc
    private = Ed25519PrivateKey.from_private_bytes(seed)
    _PRIVATE[(row.key_id, kek)] = private
    return private


def newest(session: Session, commune_id: str) -> CommuneSigningKey | None:
    return session.exec(
        select(CommuneSigningKey)
        .where(CommuneSigningKey.commune_id == commune_id)
        .order_by(col(CommuneSigningKey.seq).desc())
        .limit(1)
    ).first()


def by_id(session: Session, kid: str) -> CommuneSigningKey | None:
    return session.get(CommuneSigningKey, kid)


def _new_row(session: Session, keys: ServerKeys, commune_id: str, now: datetime,
             private: Ed25519PrivateKey | None) -> CommuneSigningKey:
    private = private or Ed25519PrivateKey.generate()
    public = public_key_b64u(private)
    kid = key_id(ALG, public)
    top = session.exec(
        select(func.max(CommuneSigningKey.seq)).where(CommuneSigningKey.commune_id == commune_id)
    ).one()
    return CommuneSigningKey(key_id=kid, commune_id=commune_id, seq=int(top or 0) + 1, alg=ALG,
                             public_key=public, private_key_enc=seal(keys.kek, kid, private),
                             created_at=now)


def add_key(session: Session, keys: ServerKeys, commune_id: str, now: datetime,
            private: Ed25519PrivateKey | None = None) -> CommuneSigningKey:
    """A new newest key for the commune (flushed, not committed)."""
    row = _new_row(session, keys, commune_id, now, private)
    session.add(row)
    session.flush()
    return row


def _legacy_file_key(keys: ServerKeys, commune_id: str) -> Ed25519PrivateKey | None:
    path = keys.data_dir / "keys" / f"commune-{commune_id}.pem"
    if not path.exists():
        return None
    key = load_pem_private_key(path.read_bytes(), password=None)
    return key if isinstance(key, Ed25519PrivateKey) else None


def _first_use(session: Session, keys: ServerKeys, commune_id: str,
               now: datetime) -> CommuneSigningKey:
    if not keys.may_generate:
        raise AppError(
            "signing_key_missing",
            "Xã chưa có khoá ký. Quản trị viên cần chạy `langso keys create`.",
            "This commune has no signing key yet: run `langso keys create` once.",
            503,
        )
    # Two first requests may race (PostgreSQL): the loser's insert waits for the winner's
    # commit and does nothing, then reads the winner's key. No savepoint, so nothing that
    # listens for commits (push notices) fires early.
    # A GET (keys.json, a page that signs) holds a read transaction: the first key is a write.
    ensure_writable(session)
    row = _new_row(session, keys, commune_id, now, _legacy_file_key(keys, commune_id))
    values = row.model_dump()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(CommuneSigningKey).values(**values).on_conflict_do_nothing())
    found = newest(session, commune_id)
    if found is None:  # pragma: no cover - the insert or the winner's row is there
        raise RuntimeError(f"no signing key for commune {commune_id}")
    return found


def signing_key(session: Session, keys: ServerKeys, commune_id: str,
                now: datetime) -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, public key b64url, key id) of the commune's newest key."""
    row = newest(session, commune_id) or _first_use(session, keys, commune_id, now)
    return unseal(keys.kek, row), row.public_key, row.key_id


def published(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(
        select(CommuneSigningKey).order_by(col(CommuneSigningKey.commune_id),
                                           col(CommuneSigningKey.seq))
    ).all()
    return [{"key_id": r.key_id, "alg": r.alg, "public_key": r.public_key,
             "commune_id": r.commune_id, "use": "receipt", "seq": r.seq} for r in rows]
