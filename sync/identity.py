"""Identity rules: CCCD numbers, Vietnamese mobile numbers, person names and search keys.

Pure functions only (no I/O, no clock). Every rule here has a stable id in
``sync/SPEC-identity.md`` and cases in ``sync/vectors/identity.json`` that the
TypeScript twin must also pass, so behaviour changes need a spec + vector change.

Checks never raise for bad *data*: they return a list of :class:`IdentityIssue`
(empty = valid). They raise :class:`IdentityError` only for a programming error
(an argument outside its documented domain).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

Sex = Literal["male", "female"]

__all__ = [
    "CENTURY_SEX_DIGITS",
    "ISSUE_MESSAGES",
    "MOBILE_PREFIXES",
    "PROVINCE_CODES",
    "IdentityError",
    "IdentityIssue",
    "Sex",
    "century_sex_digit",
    "check_cccd",
    "check_phone",
    "matches",
    "normalise_name",
    "normalise_phone",
    "search_key",
]


class IdentityError(ValueError):
    """Raised for arguments outside a function's domain (a caller bug, not bad data)."""

    code: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class IdentityIssue:
    """One problem found in an identity value. ``code`` is stable; messages are for people."""

    code: str
    message_vi: str
    message_en: str


# Rule ID-MSG: the message table is part of the spec so both implementations show the same text.
ISSUE_MESSAGES: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "not_12_digits": (
            "Số CCCD phải gồm đúng 12 chữ số (0–9), không có khoảng trắng hay ký tự khác.",
            "A CCCD number must be exactly 12 digits (0–9), with no spaces or other characters.",
        ),
        "unknown_province": (
            "Ba số đầu của CCCD không phải là mã tỉnh/thành phố nơi đăng ký khai sinh hợp lệ.",
            "The first three digits of the CCCD are not a valid birth-registration province code.",
        ),
        "century_sex_mismatch": (
            "Chữ số thứ 4 của CCCD (mã thế kỷ và giới tính) không khớp với năm sinh"
            " hoặc giới tính.",
            "The 4th CCCD digit (century and sex code) does not match the date of birth or sex.",
        ),
        "birth_year_mismatch": (
            "Chữ số thứ 5–6 của CCCD không khớp với hai số cuối của năm sinh.",
            "CCCD digits 5–6 do not match the last two digits of the year of birth.",
        ),
        "not_digits": (
            "Số điện thoại chỉ được chứa chữ số.",
            "A phone number may contain digits only.",
        ),
        "bad_phone_length": (
            "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 0.",
            "A mobile phone number must have 10 digits, starting with 0.",
        ),
        "bad_phone_prefix": (
            "Đầu số không phải đầu số di động Việt Nam đang dùng.",
            "The prefix is not a Vietnamese mobile prefix in use.",
        ),
    }
)


def _issue(code: str) -> IdentityIssue:
    vi, en = ISSUE_MESSAGES[code]
    return IdentityIssue(code=code, message_vi=vi, message_en=en)


# ---------------------------------------------------------------------------------------------
# CCCD
# ---------------------------------------------------------------------------------------------

# Appendix 1 of Circular 07/2016/TT-BCA (carried over by Decree 70/2024/NĐ-CP): code of the
# province where the birth was registered. The 2025 province merger did not renumber existing
# identity numbers, so the 63 pre-merger codes stay the only valid ones.
PROVINCE_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "001": "Hà Nội",
        "002": "Hà Giang",
        "004": "Cao Bằng",
        "006": "Bắc Kạn",
        "008": "Tuyên Quang",
        "010": "Lào Cai",
        "011": "Điện Biên",
        "012": "Lai Châu",
        "014": "Sơn La",
        "015": "Yên Bái",
        "017": "Hòa Bình",
        "019": "Thái Nguyên",
        "020": "Lạng Sơn",
        "022": "Quảng Ninh",
        "024": "Bắc Giang",
        "025": "Phú Thọ",
        "026": "Vĩnh Phúc",
        "027": "Bắc Ninh",
        "030": "Hải Dương",
        "031": "Hải Phòng",
        "033": "Hưng Yên",
        "034": "Thái Bình",
        "035": "Hà Nam",
        "036": "Nam Định",
        "037": "Ninh Bình",
        "038": "Thanh Hóa",
        "040": "Nghệ An",
        "042": "Hà Tĩnh",
        "044": "Quảng Bình",
        "045": "Quảng Trị",
        "046": "Thừa Thiên Huế",
        "048": "Đà Nẵng",
        "049": "Quảng Nam",
        "051": "Quảng Ngãi",
        "052": "Bình Định",
        "054": "Phú Yên",
        "056": "Khánh Hòa",
        "058": "Ninh Thuận",
        "060": "Bình Thuận",
        "062": "Kon Tum",
        "064": "Gia Lai",
        "066": "Đắk Lắk",
        "067": "Đắk Nông",
        "068": "Lâm Đồng",
        "070": "Bình Phước",
        "072": "Tây Ninh",
        "074": "Bình Dương",
        "075": "Đồng Nai",
        "077": "Bà Rịa - Vũng Tàu",
        "079": "Hồ Chí Minh",
        "080": "Long An",
        "082": "Tiền Giang",
        "083": "Bến Tre",
        "084": "Trà Vinh",
        "086": "Vĩnh Long",
        "087": "Đồng Tháp",
        "089": "An Giang",
        "091": "Kiên Giang",
        "092": "Cần Thơ",
        "093": "Hậu Giang",
        "094": "Sóc Trăng",
        "095": "Bạc Liêu",
        "096": "Cà Mau",
    }
)

# Digit 4: (first year of the century, sex). Even digits are male, odd female.
CENTURY_SEX_DIGITS: Final[Mapping[str, tuple[int, Sex]]] = MappingProxyType(
    {
        "0": (1900, "male"),
        "1": (1900, "female"),
        "2": (2000, "male"),
        "3": (2000, "female"),
        "4": (2100, "male"),
        "5": (2100, "female"),
        "6": (2200, "male"),
        "7": (2200, "female"),
        "8": (1800, "male"),
        "9": (1800, "female"),
    }
)

_ASCII_DIGITS: Final = frozenset("0123456789")


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() accepts full-width and other script digits; the spec wants ASCII only.
    return text != "" and all(ch in _ASCII_DIGITS for ch in text)


def _check_sex_argument(sex: object) -> None:
    if sex is not None and sex not in ("male", "female"):
        raise IdentityError(
            "bad_sex_argument", f"sex must be 'male', 'female' or None, not {sex!r}"
        )


def century_sex_digit(year: int, sex: Sex) -> str:
    """Digit 4 of a CCCD for someone born in ``year`` (1800–2299) with ``sex``.

    Raises IdentityError(code="year_out_of_range") outside 1800–2299.
    """
    _check_sex_argument(sex)
    for digit, (century, digit_sex) in CENTURY_SEX_DIGITS.items():
        if century <= year < century + 100 and digit_sex == sex:
            return digit
    raise IdentityError("year_out_of_range", f"no CCCD century code for year {year}")


def check_cccd(
    cccd: str, date_of_birth: date | None = None, sex: Sex | None = None
) -> list[IdentityIssue]:
    """Check a CCCD against its structure and, when given, the holder's date of birth and sex.

    Rules CCD1–CCD5. If the value is not 12 ASCII digits only ``not_12_digits`` is returned
    (nothing else can be read from it). Otherwise issues come in the fixed order
    unknown_province, century_sex_mismatch, birth_year_mismatch, each at most once.
    The six random digits are never checked: they carry no checksum.
    """
    _check_sex_argument(sex)
    if len(cccd) != 12 or not _is_ascii_digits(cccd):
        return [_issue("not_12_digits")]
    issues: list[IdentityIssue] = []
    if cccd[:3] not in PROVINCE_CODES:
        issues.append(_issue("unknown_province"))
    century, coded_sex = CENTURY_SEX_DIGITS[cccd[3]]
    sex_wrong = sex is not None and sex != coded_sex
    century_wrong = date_of_birth is not None and not (
        century <= date_of_birth.year < century + 100
    )
    if sex_wrong or century_wrong:
        issues.append(_issue("century_sex_mismatch"))
    if date_of_birth is not None and int(cccd[4:6]) != date_of_birth.year % 100:
        issues.append(_issue("birth_year_mismatch"))
    return issues


# ---------------------------------------------------------------------------------------------
# Phone
# ---------------------------------------------------------------------------------------------

# Mobile prefixes after the 2018 11→10 digit conversion (Decision 798/QĐ-BTTTT and later
# allocations): Viettel 032–039, 086, 096–098; VinaPhone 081–085, 088, 091, 094;
# MobiFone 070, 076–079, 089, 090, 093; Vietnamobile 052, 056, 058, 092; Gmobile 059, 099;
# iTel 087; Reddi 055. 095 (ex S-Fone) was withdrawn and is not accepted.
MOBILE_PREFIXES: Final[frozenset[str]] = frozenset(
    [f"03{d}" for d in "23456789"]
    + ["052", "055", "056", "058", "059"]
    + ["070", "076", "077", "078", "079"]
    + [f"08{d}" for d in "123456789"]
    + ["090", "091", "092", "093", "094", "096", "097", "098", "099"]
)

# Separators people type between digit groups; removed before anything else (PHN1).
_PHONE_SEPARATORS: Final = frozenset(" \t\u00a0.-()")


def normalise_phone(text: str) -> str:
    """Turn a typed phone number into the national form ``0XXXXXXXXX`` where possible (PHN1).

    Steps: drop separators (space, tab, NBSP, ``.``, ``-``, ``(``, ``)``); then a leading
    ``+84`` or ``0084`` becomes ``0`` (an extra ``0`` straight after it, as in
    ``+84 (0)912…``, is dropped); a bare leading ``84`` becomes ``0`` only when the result has
    exactly 11 characters. Anything else is returned unchanged, for :func:`check_phone` to judge;
    this function never fails.
    """
    compact = "".join(ch for ch in text if ch not in _PHONE_SEPARATORS)
    for international in ("+84", "0084"):
        if compact.startswith(international):
            rest = compact[len(international) :]
            return "0" + (rest[1:] if rest.startswith("0") else rest)
    if compact.startswith("84") and len(compact) == 11:
        return "0" + compact[2:]
    return compact


def check_phone(normalised: str) -> list[IdentityIssue]:
    """Check a value already passed through :func:`normalise_phone` (PHN2).

    Returns at most one issue, the first that applies of: not_digits (empty or any character
    other than ASCII 0–9), bad_phone_length (not 10 digits), bad_phone_prefix (first three
    digits not in :data:`MOBILE_PREFIXES`).
    """
    if not _is_ascii_digits(normalised):
        return [_issue("not_digits")]
    if len(normalised) != 10:
        return [_issue("bad_phone_length")]
    if normalised[:3] not in MOBILE_PREFIXES:
        return [_issue("bad_phone_prefix")]
    return []


# ---------------------------------------------------------------------------------------------
# Names and search
# ---------------------------------------------------------------------------------------------

# Explicit whitespace set (NAM1) so Python and JavaScript split identically; str.split() and
# JS /\s/ disagree on a few control characters.
_WHITESPACE_RUN: Final = re.compile(
    "[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
)


def _collapse_whitespace(text: str) -> str:
    return _WHITESPACE_RUN.sub(" ", text).strip(" ")


def normalise_name(text: str) -> str:
    """NFC, whitespace runs → one space, trimmed (NAM1). Case and diacritics are kept."""
    return _collapse_whitespace(unicodedata.normalize("NFC", text))


def search_key(text: str) -> str:
    """Accent- and case-insensitive key: "Nguyễn  Văn A" → "nguyen van a" (NAM2).

    NFD, drop every nonspacing mark (general category Mn), map đ/Đ → d, lowercase,
    collapse whitespace. Punctuation is kept.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _collapse_whitespace(stripped.replace("đ", "d").replace("Đ", "d").lower())


def matches(query: str, text: str) -> bool:
    """True when every token of the query's key is a prefix of some token of the text's key (NAM3).

    Order does not matter and two query tokens may match the same text token. An empty or
    blank query matches everything. Prefix (not substring) so "an" finds "An" and "Anh" but
    not every "Lan"/"Xuân"/"Loan" in a commune.
    """
    text_tokens = search_key(text).split(" ")
    return all(
        any(token.startswith(q) for token in text_tokens) for q in search_key(query).split(" ") if q
    )
