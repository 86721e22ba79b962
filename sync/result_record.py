"""The signed result record, its compact QR text and its offline check (SPEC-records §RES).

Why in the core: the server signs the record, and three verifiers read it — the server's
`/verify`, the PWA (pull entity `result`) and the public page `/v` that a villager's phone opens
from the QR code with no server. They must agree byte for byte on what was signed.

The record is the canonical JSON (CAN1) of exactly these keys; the commune's Ed25519 key signs
its UTF-8 bytes:

- v1: ``commune_id, dossier_id, issued_at, key_id, official_code, outcome, result_sha256, v=1``
- v2: v1's keys and ``holder_initials, procedure_code, procedure_name``, ``v=2`` — so `/v` can
  show who holds the paper (initials only) and for which procedure without asking the server.

The QR text carries the same record positionally (RES3); every version keeps verifying.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sync.canonical import canonical_text
from sync.errors import SyncError
from sync.signatures import b64u_decode, b64u_encode, key_id, verify

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
OUTCOME_LETTERS: Final = {"approved": "a", "rejected": "r"}
LETTER_OUTCOMES: Final = {v: k for k, v in OUTCOME_LETTERS.items()}
PREFIXES: Final = {1: "LSR1", 2: "LSR2"}
V1_KEYS: Final = ("commune_id", "dossier_id", "issued_at", "key_id", "official_code", "outcome",
                  "result_sha256")
V2_KEYS: Final = (*V1_KEYS, "holder_initials", "procedure_code", "procedure_name")
VERIFY_PATH: Final = "/v"
MAX_INITIALS: Final = 24
MAX_MS: Final = 253402300799999  # 9999-12-31T23:59:59.999Z, the last time RFC 3339 can write
MAX_PROCEDURE_NAME: Final = 120

_COMMUNE = re.compile(r"[0-9A-Za-z_-]{1,16}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CODE = re.compile(r"[0-9A-Za-z.\-]{1,48}")
_PROCEDURE = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
_MS = re.compile(r"[0-9]{1,15}")
_RFC3339_MS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
# NAM1's whitespace set (SPEC-identity), so both languages split names the same way.
_WHITESPACE = re.compile("[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


class BadRecord(SyncError):
    """The text is not a well-formed result record or compact QR text (code ``bad_record``);
    the message names the first bad part."""

    code = "bad_record"


@dataclass(frozen=True)
class ResultRecord:
    commune_id: str
    dossier_id: str
    issued_at: str
    key_id: str
    official_code: str
    outcome: str
    result_sha256: str
    v: int = 1
    holder_initials: str = ""
    procedure_code: str = ""
    procedure_name: str = ""

    def as_json(self) -> dict[str, Any]:
        """RES1: exactly the keys of the record's version."""
        keys = V2_KEYS if self.v == 2 else V1_KEYS
        out: dict[str, Any] = {k: getattr(self, k) for k in keys}
        out["v"] = self.v
        return out

    def text(self) -> str:
        """The exact signed text (canonical JSON)."""
        return canonical_text(self.as_json())

    @property
    def issued_ms(self) -> int:
        return parse_rfc3339_ms(self.issued_at)


def rfc3339_ms(ms: int) -> str:
    """RES1: Unix milliseconds as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC)."""
    # Formatted by hand: strftime was a tenth of signing a receipt (the push hot path).
    m = EPOCH + timedelta(milliseconds=ms)
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:"
            f"{m.second:02d}.{ms % 1000:03d}Z")


def parse_rfc3339_ms(text: str) -> int:
    """The inverse of :func:`rfc3339_ms`; anything but that exact form raises BadRecord."""
    if not _RFC3339_MS.fullmatch(text):
        raise BadRecord(f"not an RFC 3339 UTC time with milliseconds: {text!r}")
    try:  # the shape is fixed by the pattern: slices instead of strptime (much slower)
        moment = datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                          int(text[14:16]), int(text[17:19]), tzinfo=UTC)
    except ValueError as exc:
        raise BadRecord(f"not a real time: {text!r}") from exc
    return (moment - EPOCH) // timedelta(milliseconds=1) + int(text[20:23])


def initials(name: str) -> str:
    """RES2: "Lò Văn Pọm" → "L.V.P.": the first letter of each word of the NFC name, upper
    case, each followed by a dot; "" for a blank name. All a verifier learns of the holder."""
    words = [w for w in _WHITESPACE.split(unicodedata.normalize("NFC", name)) if w]
    return "".join(f"{w[0].upper()}." for w in words)[:MAX_INITIALS]


def _check_shape(r: ResultRecord) -> None:
    """What every record obeys: the outcome, and v2's initials and procedure."""
    if r.outcome not in OUTCOME_LETTERS:
        raise BadRecord("outcome")
    if r.v == 2:
        if len(r.holder_initials) > MAX_INITIALS \
                or unicodedata.normalize("NFC", r.holder_initials) != r.holder_initials:
            raise BadRecord("holder initials")
        if not _PROCEDURE.fullmatch(r.procedure_code):
            raise BadRecord("procedure code")
        if not r.procedure_name or len(r.procedure_name) > MAX_PROCEDURE_NAME \
                or unicodedata.normalize("NFC", r.procedure_name) != r.procedure_name:
            raise BadRecord("procedure name")
    elif r.v != 1:
        raise BadRecord("version")


def _check_fields(r: ResultRecord) -> None:
    """RES3: what a record must also obey to have a compact text."""
    _check_shape(r)
    if not _COMMUNE.fullmatch(r.commune_id):
        raise BadRecord("commune")
    try:
        if str(uuid.UUID(r.dossier_id)) != r.dossier_id:
            raise ValueError(r.dossier_id)
    except ValueError as exc:
        raise BadRecord("dossier id") from exc
    parse_rfc3339_ms(r.issued_at)
    if not _KEY_ID.fullmatch(r.key_id):
        raise BadRecord("key id")
    if not _HEX64.fullmatch(r.result_sha256):
        raise BadRecord("hash")
    if not _CODE.fullmatch(r.official_code):
        raise BadRecord("official code")


def make_record(fields: Mapping[str, Any]) -> ResultRecord:
    """RES1: a checked record from its JSON object (exact keys of v1 or v2, strings)."""
    v = fields.get("v")
    if isinstance(v, bool) or v not in (1, 2):
        raise BadRecord("version")
    keys = V2_KEYS if v == 2 else V1_KEYS
    if set(fields) != {*keys, "v"} or not all(isinstance(fields[k], str) for k in keys):
        raise BadRecord("keys")
    record = ResultRecord(v=int(v), **{k: fields[k] for k in keys})
    _check_shape(record)
    return record


def _text_part(text: str) -> str:
    return b64u_encode(text.encode("utf-8"))


def to_compact(record: ResultRecord, sig: str) -> str:
    """RES3: the compact QR text of a record and its signature. Only what the text needs is
    checked here; :func:`from_compact` checks every part."""
    _check_shape(record)
    if not _HEX64.fullmatch(record.result_sha256):
        raise BadRecord("hash")
    try:
        b64u_decode(sig)
        did = uuid.UUID(record.dossier_id).bytes
        if str(uuid.UUID(bytes=did)) != record.dossier_id:
            raise ValueError(record.dossier_id)
    except ValueError as exc:
        raise BadRecord("signature or dossier id") from exc
    parts = [
        PREFIXES[record.v],
        record.commune_id,
        b64u_encode(did),
        str(record.issued_ms),
        record.key_id,
        OUTCOME_LETTERS[record.outcome],
        b64u_encode(bytes.fromhex(record.result_sha256)),
        sig,
    ]
    if record.v == 2:
        parts += [record.procedure_code, _text_part(record.holder_initials),
                  _text_part(record.procedure_name)]
    return ".".join([*parts, record.official_code])


def verify_url(base: str, compact: str) -> str:
    """RES4: what the QR code encodes: the public page with the record after `#`."""
    return f"{base.rstrip('/')}{VERIFY_PATH}#{compact}"


def _decode_text(part: str, what: str) -> str:
    try:
        return b64u_decode(part).decode("utf-8")
    except ValueError as exc:  # bad base64url or bad UTF-8
        raise BadRecord(what) from exc


def from_compact(text: str) -> tuple[ResultRecord, str]:
    """RES3/RES4: (record, signature) from a QR text or a verification link (`…/v#LSR…`).
    Surrounding whitespace is ignored; nothing else is repaired."""
    text = text.strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    version = next((v for v, p in PREFIXES.items() if text.startswith(p + ".")), None)
    if version is None:
        raise BadRecord("not a Làng Số result code (LSR1.… or LSR2.…)")
    count = 9 if version == 1 else 12
    parts = text.split(".", count - 1)
    if len(parts) != count:
        raise BadRecord("parts")
    _, commune, did, ms, kid, letter, digest, sig = parts[:8]
    extra: dict[str, str] = {}
    if version == 2:
        extra = {"procedure_code": parts[8],
                 "holder_initials": _decode_text(parts[9], "holder initials"),
                 "procedure_name": _decode_text(parts[10], "procedure name")}
    try:
        dossier_id = str(uuid.UUID(bytes=b64u_decode(did)))
    except ValueError as exc:
        raise BadRecord("dossier id") from exc
    if not _MS.fullmatch(ms) or int(ms) > MAX_MS:
        raise BadRecord("issued time")
    if letter not in LETTER_OUTCOMES:
        raise BadRecord("outcome")
    try:
        digest_raw = b64u_decode(digest)
        b64u_decode(sig)
    except ValueError as exc:
        raise BadRecord("hash or signature encoding") from exc
    if len(digest_raw) != 32:
        raise BadRecord("hash length")
    record = ResultRecord(commune_id=commune, dossier_id=dossier_id,
                          issued_at=rfc3339_ms(int(ms)), key_id=kid,
                          official_code=parts[-1], outcome=LETTER_OUTCOMES[letter],
                          result_sha256=digest_raw.hex(), v=version, **extra)
    _check_fields(record)
    return record, sig


def check_compact(text: str, keys: Sequence[Mapping[str, Any]]) -> tuple[str, ResultRecord | None]:
    """RES5: the offline verdict on a QR text with the published commune keys
    (``{key_id, alg, public_key, commune_id, revoked_at?}``): ``valid``, ``altered`` (the
    signature does not match), ``revoked`` (signed with a key the commune revoked),
    ``unknown_key`` or ``malformed``; with the record when it could be read."""
    try:
        record, sig = from_compact(text)
    except BadRecord:
        return "malformed", None
    entry = next((k for k in keys if k.get("key_id") == record.key_id
                  and k.get("commune_id") == record.commune_id), None)
    if entry is None:
        return "unknown_key", record
    try:
        if key_id(str(entry.get("alg") or "Ed25519"), str(entry.get("public_key"))) \
                != record.key_id:
            return "unknown_key", record
    except (SyncError, ValueError):
        return "unknown_key", record
    if entry.get("revoked_at"):
        return "revoked", record
    try:
        verify("Ed25519", str(entry.get("public_key")), record.text().encode("utf-8"), sig)
    except SyncError:
        return "altered", record
    return "valid", record
