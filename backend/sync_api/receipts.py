"""Receipts signed with the commune's Ed25519 key, and the published public keys.

A receipt is `{"payload": <canonical JSON text>, "sig": <base64url Ed25519 signature of the
payload's UTF-8 bytes>}`; the payload holds exactly `commune_id`, `content_hash` (the revision
hash = the submitted mutation's hash), `dossier_id`, `key_id`, `received_at` (RFC 3339 UTC with
milliseconds) and `receipt_code` (sync.receipt_code, seeded by dossier id and received time).
A device verifies it offline with the key of that `key_id` from /.well-known/langso/keys.json.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.lib.secrets import signing_key
from backend.sync_api.clock import ms_of
from sync.canonical import canonical_text
from sync.receipt_code import receipt_code_for
from sync.signatures import key_id, public_key_b64u, sign


@cache
def commune_key(data_dir: Path, commune_id: str) -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, public key b64url, key id); the key file is created on first use."""
    private = signing_key(data_dir, f"commune-{commune_id}")
    public = public_key_b64u(private)
    return private, public, key_id("Ed25519", public)


def rfc3339_ms(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def make_receipt(
    data_dir: Path, commune_id: str, dossier_id: str, content_hash: str, received_at: datetime
) -> dict[str, str]:
    private, _, kid = commune_key(data_dir, commune_id)
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


def published_keys(data_dir: Path, commune_ids: list[str]) -> dict[str, Any]:
    keys = []
    for cid in sorted(commune_ids):
        _, public, kid = commune_key(data_dir, cid)
        keys.append({"key_id": kid, "alg": "Ed25519", "public_key": public,
                     "commune_id": cid, "use": "receipt"})
    return {"keys": keys}
