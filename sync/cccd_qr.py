"""The QR code printed on the chip-based citizen identity card (CCCD), parsed and checked.

The code holds one line of ``|``-separated fields::

    CCCD number|old ID number|full name|ddmmyyyy|Nam or Nữ|permanent address|ddmmyyyy (issued)

Readers differ: some return decomposed Unicode, some drop trailing fields, and any camera can
read a QR code that is not a CCCD at all. So the text is normalised and every field checked
(rules QR1–QR7 in ``sync/SPEC-identity.md``, cases in ``sync/vectors/cccd_qr.json``, shared
with the TypeScript twin ``pwa/src/sync/cccd-qr.ts``). Nothing here reads a clock: ``today``
is a parameter. Bad data never raises; it yields problems.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from sync.identity import Sex, check_cccd, normalise_name

__all__ = [
    "FIELDS",
    "MAX_TEXT_LENGTH",
    "CccdQr",
    "CccdQrField",
    "QrProblem",
    "parse_cccd_qr",
]

CccdQrField = Literal[
    "cccd", "old_id", "full_name", "date_of_birth", "sex", "address", "issue_date"
]

# QR2: the order of the fields on the card.
FIELDS: Final[tuple[CccdQrField, ...]] = (
    "cccd",
    "old_id",
    "full_name",
    "date_of_birth",
    "sex",
    "address",
    "issue_date",
)

MAX_TEXT_LENGTH: Final = 1000
_MAX_NAME: Final = 100
_MAX_ADDRESS: Final = 250
_FIRST_YEAR: Final = 1900

# QR1: the NAM whitespace set of SPEC-identity, so both implementations trim the same characters.
_WHITESPACE: Final = (
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DIGITS_9: Final = re.compile(r"[0-9]{9}")
_DATE: Final = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_NAME_PUNCTUATION: Final = frozenset(" -'")


@dataclass(frozen=True, slots=True)
class QrProblem:
    """One problem with the scanned text. ``field`` is None for the text as a whole."""

    code: str
    field: CccdQrField | None


@dataclass(frozen=True, slots=True)
class CccdQr:
    """Typed fields (None when absent or unusable) and the problems found, in rule order."""

    cccd: str | None
    old_id: str | None
    full_name: str | None
    date_of_birth: str | None  # ISO YYYY-MM-DD
    sex: Sex | None
    address: str | None
    issue_date: str | None  # ISO YYYY-MM-DD
    problems: tuple[QrProblem, ...]


_NOTHING: Final[dict[str, str | None]] = {field: None for field in FIELDS}


def _result(values: dict[str, str | None], problems: list[QrProblem]) -> CccdQr:
    sex = values["sex"]
    return CccdQr(
        cccd=values["cccd"],
        old_id=values["old_id"],
        full_name=values["full_name"],
        date_of_birth=values["date_of_birth"],
        sex="male" if sex == "male" else "female" if sex == "female" else None,
        address=values["address"],
        issue_date=values["issue_date"],
        problems=tuple(problems),
    )


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _parse_date(text: str) -> str | None:
    """QR4: ``ddmmyyyy`` of a real Gregorian date from 1900 on → ISO, else None."""
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    if year < _FIRST_YEAR or not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _name_ok(name: str) -> bool:
    return len(name) <= _MAX_NAME and all(
        ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM" for ch in name
    )


def _address_ok(address: str) -> bool:
    return len(address) <= _MAX_ADDRESS and all(
        unicodedata.category(ch) not in ("Cc", "Cf") for ch in address
    )


def _sex(text: str) -> Sex | None:
    folded = text.lower()
    if folded == "nam":
        return "male"
    if folded == "nữ":
        return "female"
    return None


def parse_cccd_qr(text: str, today: date) -> CccdQr:
    """Parse the text of a CCCD's QR code (QR1–QR7). Never raises for bad data."""
    # QR1: the whole text, NFC, trimmed.
    whole = unicodedata.normalize("NFC", text).strip(_WHITESPACE)
    if whole == "" or len(whole) > MAX_TEXT_LENGTH or "|" not in whole:
        return _result(dict(_NOTHING), [QrProblem("not_cccd_qr", None)])
    # QR2: seven fields; empty trailing ones beyond seven are a reader's padding.
    parts = whole.split("|")
    while len(parts) > len(FIELDS) and parts[-1].strip(_WHITESPACE) == "":
        parts.pop()
    if len(parts) > len(FIELDS):
        return _result(dict(_NOTHING), [QrProblem("too_many_fields", None)])
    raw = dict(zip(FIELDS, [p.strip(_WHITESPACE) for p in parts], strict=False))

    values: dict[str, str | None] = dict(_NOTHING)
    problems: list[QrProblem] = []

    def bad(field: CccdQrField, code: str) -> None:
        problems.append(QrProblem(code, field))

    # QR3–QR5: each field on its own, in card order. Absent and empty are the same.
    for field in FIELDS:
        value = raw.get(field, "")
        if value == "":
            if field != "old_id":  # most people never had the 9-digit ID: not a problem
                bad(field, "missing")
            continue
        if field == "cccd":
            # CCD1 alone here; the rules that need the date of birth and sex come in QR6.
            structure = [issue.code for issue in check_cccd(value)]
            if structure == ["not_12_digits"]:
                bad(field, "not_12_digits")
            else:
                values[field] = value
        elif field == "old_id":
            if _DIGITS_9.fullmatch(value):
                values[field] = value
            else:
                bad(field, "bad_format")
        elif field in ("full_name", "address"):
            cleaned = normalise_name(value)
            if (_name_ok if field == "full_name" else _address_ok)(cleaned):
                values[field] = cleaned
            else:
                bad(field, "bad_format")
        elif field == "sex":
            sex = _sex(value)
            if sex is None:
                bad(field, "bad_format")
            values[field] = sex
        else:  # date_of_birth, issue_date
            iso = _parse_date(value)
            if iso is None:
                bad(field, "bad_format")
            elif iso > today.isoformat():
                bad(field, "date_in_future")
            else:
                values[field] = iso

    # QR6: the number against the date of birth and sex it encodes (CCD2–CCD5).
    cccd, dob = values["cccd"], values["date_of_birth"]
    if cccd is not None:
        coded_sex = values["sex"]
        for issue in check_cccd(
            cccd,
            date.fromisoformat(dob) if dob is not None else None,
            "male" if coded_sex == "male" else "female" if coded_sex == "female" else None,
        ):
            bad("cccd", issue.code)
    # QR7: a card is issued on or after its holder's birth.
    issued = values["issue_date"]
    if issued is not None and dob is not None and issued < dob:
        bad("issue_date", "issued_before_birth")
    return _result(values, problems)
