"""Provisional receipt codes "XXXX-XXXX-C" (SPEC §RC).

Eight Crockford base32 symbols carry the first 40 bits of SHA-256 of the caller's seed bytes;
``C`` is the Crockford mod-37 check symbol of that 40-bit number. Short enough to read over
the phone, and the check symbol catches every single-symbol error and adjacent swap.
"""

from __future__ import annotations

import hashlib
from typing import Final

from sync.errors import ReceiptCodeInvalid

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET: Final = ALPHABET + "*~$=U"
_DECODE: Final = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES: Final = {"I": "1", "L": "1", "O": "0"}


def receipt_seed(dossier_id: str, received_at_ms: int) -> bytes:
    """The conventional seed: UTF-8 of ``"<dossier_id>|<received_at_ms in decimal>"``."""
    return f"{dossier_id}|{received_at_ms}".encode()


def _format(value: int) -> str:
    body = "".join(ALPHABET[(value >> (5 * (7 - i))) & 31] for i in range(8))
    return f"{body[:4]}-{body[4:]}-{CHECK_ALPHABET[value % 37]}"


def receipt_code(seed: bytes) -> str:
    """Code for ``seed``: value = first 5 bytes of SHA-256(seed), big-endian (RC1–RC3)."""
    value = int.from_bytes(hashlib.sha256(seed).digest()[:5], "big")
    return _format(value)


def receipt_code_for(dossier_id: str, received_at_ms: int) -> str:
    return receipt_code(receipt_seed(dossier_id, received_at_ms))


def validate_receipt_code(text: str) -> str:
    """Return the canonical form of a typed code, or raise :class:`ReceiptCodeInvalid` (RC4).

    Tolerated: lowercase, missing or extra hyphens, spaces, and the confusables I/L → 1,
    O → 0 (in any position). Codes: ``bad_receipt_code`` (wrong length or symbol),
    ``receipt_check_mismatch`` (well-formed but the check symbol disagrees).
    """
    if not isinstance(text, str):
        raise ReceiptCodeInvalid("Mã biên nhận phải là chuỗi / receipt code must be a string")
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in text.upper() if ch not in "- ")
    if len(cleaned) != 9:
        raise ReceiptCodeInvalid("Mã biên nhận phải có 9 ký tự / receipt code must have 9 symbols")
    value = 0
    for ch in cleaned[:8]:
        if ch not in _DECODE:
            raise ReceiptCodeInvalid(
                f"Ký tự không hợp lệ «{ch}» / invalid symbol {ch!r} in receipt code"
            )
        value = value * 32 + _DECODE[ch]
    check = cleaned[8]
    if check not in CHECK_ALPHABET:
        raise ReceiptCodeInvalid(
            f"Ký tự kiểm tra không hợp lệ «{check}» / invalid check symbol {check!r}"
        )
    if CHECK_ALPHABET[value % 37] != check:
        raise ReceiptCodeInvalid(
            "Mã biên nhận sai (ký tự kiểm tra không khớp) / receipt code check symbol mismatch",
            code="receipt_check_mismatch",
        )
    return _format(value)
