"""Receipts signed with the commune's Ed25519 key, and the published public keys.

The receipt itself — payload, signed text and how a device checks it — is the pure core's
(sync/receipts.py, SPEC-records §RCP, twin pwa/src/sync/receipts.ts); this module finds the
commune's key and signs. A device verifies a receipt offline with the key of its `key_id` from
/.well-known/langso/keys.json.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from backend.changelog.clock import ms_of
from backend.lib import commune_keys
from backend.lib.clock import utcnow
from backend.lib.keyring import keys_for
from sync.receipts import receipt_payload, receipt_text
from sync.result_record import rfc3339_ms as ms_rfc3339
from sync.signatures import sign


def commune_key(session: Session, data_dir: Path,
                commune_id: str) -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, public key b64url, key id) of the commune's newest signing key, from the
    database (see backend/lib/commune_keys.py); a single machine creates it on first use."""
    return commune_keys.signing_key(session, keys_for(data_dir), commune_id, utcnow())


def rfc3339_ms(moment: datetime) -> str:
    """A database time in the core's RFC 3339 form (milliseconds, UTC)."""
    return ms_rfc3339(ms_of(moment.astimezone(UTC)))


def make_receipt(
    session: Session, data_dir: Path, commune_id: str, dossier_id: str, content_hash: str,
    received_at: datetime, key: tuple[Ed25519PrivateKey, str, str] | None = None,
) -> dict[str, str]:
    """`key`: the commune's `commune_key`, when the caller holds it already (a push batch)."""
    private, _, kid = key or commune_key(session, data_dir, commune_id)
    # Millisecond precision everywhere, so the code can be recomputed from the receipt.
    text = receipt_text(receipt_payload(commune_id, content_hash, dossier_id, kid,
                                        ms_of(received_at)))
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
