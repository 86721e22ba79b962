"""The signed result record and its compact QR form.

The record is the RFC 8785 canonical JSON of exactly these keys (all strings except `v`):

    {"commune_id", "dossier_id", "issued_at", "key_id", "official_code", "outcome",
     "result_sha256", "v": 1}

`issued_at` is RFC 3339 UTC with milliseconds; `outcome` is "approved" or "rejected";
`result_sha256` is the lowercase hex SHA-256 of the canonical result content. The commune's
Ed25519 key signs the record's UTF-8 bytes.

The QR carries the same record positionally, so it stays small (about 230 characters, a
version-10 QR at level M) and a verifier rebuilds the exact signed bytes without a network:

    LSR1.<commune_id>.<dossier_id: 16 bytes b64url>.<issued_at: Unix ms>.<key_id>.<a|r>
        .<result_sha256: 32 bytes b64url>.<signature b64url>.<official_code>

The official code comes last because it contains dots: split on "." at most 8 times.

The QR code itself holds a link to the public verification page with that text after `#`:
`<public base URL>/v#LSR1.…` — a phone camera opens it, the page checks the signature in the
browser, and the fragment never reaches a server log. Verifiers accept the bare text too.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import segno

from sync.canonical import canonical_text
from sync.signatures import b64u_decode, b64u_encode

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PREFIX = "LSR1"
RECORD_VERSION = 1
OUTCOME_LETTERS = {"approved": "a", "rejected": "r"}
LETTER_OUTCOMES = {v: k for k, v in OUTCOME_LETTERS.items()}
_COMMUNE = re.compile(r"[0-9A-Za-z_-]{1,16}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CODE = re.compile(r"[0-9A-Za-z.\-]{1,48}")
_MS = re.compile(r"[0-9]{1,15}")
# A QR text found inside a PDF's metadata (or pasted with surrounding noise).
QR_TEXT_RE = re.compile(rb"LSR1\.[0-9A-Za-z_.\-]{40,400}")


class BadQr(ValueError):
    """The text is not a well-formed compact result record."""


@dataclass(frozen=True)
class ResultRecord:
    commune_id: str
    dossier_id: str
    issued_at: str
    key_id: str
    official_code: str
    outcome: str
    result_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "commune_id": self.commune_id,
            "dossier_id": self.dossier_id,
            "issued_at": self.issued_at,
            "key_id": self.key_id,
            "official_code": self.official_code,
            "outcome": self.outcome,
            "result_sha256": self.result_sha256,
            "v": RECORD_VERSION,
        }

    def text(self) -> str:
        """The exact signed text (canonical JSON)."""
        return canonical_text(self.as_json())

    @property
    def issued_ms(self) -> int:
        moment = datetime.strptime(self.issued_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return (moment - EPOCH) // timedelta(milliseconds=1)


def rfc3339_ms(ms: int) -> str:
    moment = EPOCH + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def to_compact(record: ResultRecord, sig: str) -> str:
    parts = [
        PREFIX,
        record.commune_id,
        b64u_encode(uuid.UUID(record.dossier_id).bytes),
        str(record.issued_ms),
        record.key_id,
        OUTCOME_LETTERS[record.outcome],
        b64u_encode(bytes.fromhex(record.result_sha256)),
        sig,
        record.official_code,
    ]
    return ".".join(parts)


VERIFY_PATH = "/v"


def verify_url(base: str, compact: str) -> str:
    """What the QR code encodes: the public verification page with the record after `#`."""
    return f"{base.rstrip('/')}{VERIFY_PATH}#{compact}"


def from_compact(text: str) -> tuple[ResultRecord, str]:
    """(record, signature) from a QR text or a verification link (`…/v#LSR1.…`). Raises
    `BadQr` naming the first bad part. Surrounding whitespace is ignored; nothing else is
    repaired."""
    text = text.strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    parts = text.split(".", 8)
    if len(parts) != 9 or parts[0] != PREFIX:
        raise BadQr("not a Làng Số result code (LSR1.…)")
    _, commune, did, ms, kid, letter, digest, sig, code = parts
    if not _COMMUNE.fullmatch(commune):
        raise BadQr("commune")
    try:
        dossier_id = str(uuid.UUID(bytes=b64u_decode(did)))
    except ValueError as exc:
        raise BadQr("dossier id") from exc
    if not _MS.fullmatch(ms):
        raise BadQr("issued time")
    if not _KEY_ID.fullmatch(kid):
        raise BadQr("key id")
    if letter not in LETTER_OUTCOMES:
        raise BadQr("outcome")
    try:
        raw = b64u_decode(digest)
        b64u_decode(sig)
    except ValueError as exc:
        raise BadQr("hash or signature encoding") from exc
    if len(raw) != 32:
        raise BadQr("hash length")
    if not _CODE.fullmatch(code):
        raise BadQr("official code")
    record = ResultRecord(
        commune_id=commune,
        dossier_id=dossier_id,
        issued_at=rfc3339_ms(int(ms)),
        key_id=kid,
        official_code=code,
        outcome=LETTER_OUTCOMES[letter],
        result_sha256=raw.hex(),
    )
    return record, sig


def record_from_text(text: str) -> ResultRecord:
    """Parses a stored record text (already canonical, written by this server)."""

    obj = json.loads(text)
    return ResultRecord(
        commune_id=obj["commune_id"],
        dossier_id=obj["dossier_id"],
        issued_at=obj["issued_at"],
        key_id=obj["key_id"],
        official_code=obj["official_code"],
        outcome=obj["outcome"],
        result_sha256=obj["result_sha256"],
    )


def qr_modules(text: str, border: int = 2) -> list[list[bool]]:
    """The QR matrix (error correction M, byte mode) with a quiet zone of `border` modules."""
    code = segno.make_qr(text, error="m", boost_error=False)
    return [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=border)]
