"""Receipts signed with the commune's Ed25519 key, and the published public keys.

A receipt is `{"payload": <canonical JSON text>, "sig": <base64url Ed25519 signature of the
payload's UTF-8 bytes>}`; the payload holds exactly `commune_id`, `content_hash` (the revision
hash = the submitted mutation's hash), `dossier_id`, `key_id`, `received_at` (RFC 3339 UTC with
milliseconds) and `receipt_code` (sync.receipt_code, seeded by dossier id and received time).
A device verifies it offline with the key of that `key_id` from /.well-known/langso/keys.json.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from backend.lib import commune_keys
from backend.lib.clock import utcnow
from backend.lib.keyring import keys_for
from backend.sync_api.clock import ms_of
from sync.canonical import canonical_text
from sync.receipt_code import receipt_code_for
from sync.signatures import sign


def commune_key(session: Session, data_dir: Path,
                commune_id: str) -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, public key b64url, key id) of the commune's newest signing key, from the
    database (see backend/lib/commune_keys.py); a single machine creates it on first use."""
    return commune_keys.signing_key(session, keys_for(data_dir), commune_id, utcnow())


def rfc3339_ms(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def make_receipt(
    session: Session, data_dir: Path, commune_id: str, dossier_id: str, content_hash: str,
    received_at: datetime, key: tuple[Ed25519PrivateKey, str, str] | None = None,
) -> dict[str, str]:
    """`key`: the commune's `commune_key`, when the caller holds it already (a push batch)."""
    private, _, kid = key or commune_key(session, data_dir, commune_id)
    # Millisecond precision everywhere, so the code can be recomputed from the receipt.
    received_ms = ms_of(received_at)
    body = {
        "commune_id": commune_id,
        "content_hash": content_hash,
        "dossier_id": dossier_id,
        "key_id": kid,
        "received_at": rfc3339_ms(received_at),
        "receipt_code": receipt_code_for(dossier_id, received_ms),
    }
    text = canonical_text(body)
    return {"payload": text, "sig": sign("Ed25519", private, text.encode("utf-8"))}


def published_keys(session: Session, data_dir: Path, commune_ids: list[str]) -> dict[str, Any]:
    """Every key of every commune, old ones included, so old receipts keep verifying. A single
    machine first gives each commune its key (as it always did); a fleet only lists."""
    keys = keys_for(data_dir)
    if keys.may_generate:
        have = {k["commune_id"] for k in commune_keys.published(session)}
        missing = [cid for cid in sorted(commune_ids) if cid not in have]
        for cid in missing:
            commune_keys.signing_key(session, keys, cid, utcnow())
        if missing:
            session.commit()
    return {"keys": commune_keys.published(session)}
