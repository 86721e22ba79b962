"""The submission receipt: its payload and its offline check (SPEC-records §RCP).

Why in the core: the server signs the receipt when it accepts a dossier, and the phone checks
it with no network before it tells the volunteer "Đã gửi — biên nhận CODE". The two must agree
on every byte of the payload and on every reason a receipt is refused.

A receipt is ``{"payload": <canonical JSON text>, "sig": <base64url Ed25519 signature of the
payload's UTF-8 bytes>}``; the payload holds exactly ``commune_id``, ``content_hash`` (the
submitted mutation's hash), ``dossier_id``, ``key_id``, ``received_at`` (RFC 3339 UTC with
milliseconds) and ``receipt_code`` (RC1–RC3, seeded by dossier id and received time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from sync.canonical import canonical_text, parse_json
from sync.errors import SyncError
from sync.receipt_code import receipt_code_for
from sync.result_record import BadRecord, parse_rfc3339_ms, rfc3339_ms
from sync.signatures import key_id, verify

RECEIPT_KEYS: Final = ("commune_id", "content_hash", "dossier_id", "key_id", "received_at",
                       "receipt_code")

# RCP2: why a receipt is not valid, in the order they are checked (Vietnamese first).
REASONS: Final[Mapping[str, tuple[str, str]]] = {
    "shape": ("Biên nhận không đúng định dạng.", "The receipt is not well-formed."),
    "nokey": ("Chưa có khoá công khai của xã để kiểm tra (sẽ kiểm tra khi có mạng).",
              "The commune key is not on this device yet (checked after the next sync)."),
    "key": ("Khoá ký của xã không khớp với mã khoá.",
            "The commune key does not match its key id."),
    "sig": ("Chữ ký trên biên nhận KHÔNG hợp lệ.", "The receipt signature is NOT valid."),
    "canonical": ("Nội dung biên nhận không ở dạng chuẩn.", "The receipt is not canonical."),
    "dossier": ("Biên nhận không thuộc hồ sơ này.", "The receipt is for another dossier."),
    "content": ("Biên nhận không khớp với nội dung hồ sơ đã ký trên máy.",
                "The receipt does not match the dossier signed on this device."),
    "code": ("Mã biên nhận không khớp.", "The receipt code does not match."),
}


def receipt_payload(commune_id: str, content_hash: str, dossier_id: str, key_id_: str,
                    received_ms: int) -> dict[str, str]:
    """RCP1: the payload the commune signs; the code is derived so anyone can recompute it."""
    return {
        "commune_id": commune_id,
        "content_hash": content_hash,
        "dossier_id": dossier_id,
        "key_id": key_id_,
        "received_at": rfc3339_ms(received_ms),
        "receipt_code": receipt_code_for(dossier_id, received_ms),
    }


def receipt_text(payload: Mapping[str, str]) -> str:
    """RCP1: the exact signed text (canonical JSON)."""
    return canonical_text(dict(payload))


def check_receipt(receipt: object, dossier_id: str, content_hash: str,
                  keys: Sequence[Mapping[str, Any]]) -> tuple[str, str | None, dict[str, Any] | None]:
    """RCP2: ``(verdict, reason, payload)``; verdict ``valid``, ``invalid`` or ``unverified``
    (the commune key is not known yet), reason a key of ``REASONS`` or None when valid, payload
    the parsed payload once it is an object. Never raises for a bad receipt."""
    if not isinstance(receipt, Mapping) or not isinstance(receipt.get("payload"), str) \
            or not isinstance(receipt.get("sig"), str):
        return "invalid", "shape", None
    text: str = receipt["payload"]
    sig: str = receipt["sig"]
    try:
        parsed = parse_json(text)
    except SyncError:
        return "invalid", "shape", None
    if not isinstance(parsed, dict):
        return "invalid", "shape", None
    payload: dict[str, Any] = parsed
    if not all(isinstance(payload.get(k), str) for k in RECEIPT_KEYS):
        return "invalid", "shape", payload
    key = next((k for k in keys if k.get("key_id") == payload["key_id"]
                and k.get("commune_id") == payload["commune_id"]), None)
    if key is None:
        return "unverified", "nokey", payload
    alg, public = str(key.get("alg") or "Ed25519"), str(key.get("public_key"))
    try:
        if key_id(alg, public) != key.get("key_id"):
            return "invalid", "key", payload
        verify(alg, public, text.encode("utf-8"), sig)
    except (SyncError, ValueError, UnicodeEncodeError):
        return "invalid", "sig", payload
    if canonical_text(payload) != text:
        return "invalid", "canonical", payload
    if payload["dossier_id"] != dossier_id:
        return "invalid", "dossier", payload
    if payload["content_hash"] != content_hash:
        return "invalid", "content", payload
    try:
        received_ms = parse_rfc3339_ms(payload["received_at"])
        if receipt_code_for(dossier_id, received_ms) != payload["receipt_code"]:
            return "invalid", "code", payload
    except (BadRecord, SyncError):
        return "invalid", "code", payload
    return "valid", None, payload
