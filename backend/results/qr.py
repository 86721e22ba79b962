"""The signed result record and its compact QR form: the rules are the pure core's
(sync/result_record.py, SPEC-records §RES, shared with the PWA and the public page /v); this
module adds what only the server does — drawing the QR matrix and finding a QR text in a PDF.

The QR code holds a link to the public verification page with the compact text after `#`:
`<public base URL>/v#LSR2.…` — a phone camera opens it, the page checks the signature in the
browser, and the fragment never reaches a server log. Verifiers accept the bare text too, and
version-1 texts (`LSR1.…`) issued before keep verifying.
"""

from __future__ import annotations

import json
import re

import segno

from sync.result_record import (
    EPOCH,
    LETTER_OUTCOMES,
    OUTCOME_LETTERS,
    VERIFY_PATH,
    ResultRecord,
    from_compact,
    initials,
    make_record,
    rfc3339_ms,
    to_compact,
    verify_url,
)
from sync.result_record import BadRecord as BadQr

__all__ = ["EPOCH", "LETTER_OUTCOMES", "OUTCOME_LETTERS", "QR_TEXT_RE", "VERIFY_PATH", "BadQr",
           "ResultRecord", "from_compact", "initials", "qr_modules", "record_from_text",
           "rfc3339_ms", "to_compact", "verify_url"]

# A QR text found inside a PDF's metadata (or pasted with surrounding noise).
QR_TEXT_RE = re.compile(rb"LSR[12]\.[0-9A-Za-z_.\-]{40,600}")


def record_from_text(text: str) -> ResultRecord:
    """Parses a stored record text (canonical, written by this server), either version."""
    return make_record(json.loads(text))


def qr_modules(text: str, border: int = 2) -> list[list[bool]]:
    """The QR matrix (error correction M, byte mode) with a quiet zone of `border` modules."""
    code = segno.make_qr(text, error="m", boost_error=False)
    return [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=border)]
