"""Writes sync/vectors/cccd_qr.json (rules QR1–QR7 of sync/SPEC-identity.md).

Expectations are written by hand here, not computed by sync/cccd_qr.py, so the vectors check
the implementation instead of copying it. Run from the repository root:

    .venv/bin/python tools/vectors/gen_cccd_qr.py
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[2] / "sync" / "vectors" / "cccd_qr.json"
TODAY = "2026-12-06"
FIELDS = ("cccd", "old_id", "full_name", "date_of_birth", "sex", "address", "issue_date")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


cases: list[dict[str, Any]] = []


def case(
    rule: str,
    comment: str,
    text: str,
    problems: list[tuple[str, str | None]],
    today: str = TODAY,
    **fields: str | None,
) -> None:
    expected: dict[str, Any] = dict.fromkeys(FIELDS)
    for key, value in fields.items():
        assert key in FIELDS, key
        expected[key] = value
    expected["problems"] = [{"code": c, "field": f} for c, f in problems]
    cases.append(
        {
            "id": f"QR-{len(cases) + 1:03d}",
            "rule": rule,
            "op": "parse_cccd_qr",
            "comment": comment,
            "input": {"text": text, "today": today},
            "expected": expected,
        }
    )


# A Thái woman from Lai Châu, born 2001 (digit 4 = 3: 2000s, female; digits 5–6 = 01).
SUOI = dict(
    cccd="012301004567",
    full_name="Lò Thị Sươi",
    date_of_birth="2001-03-15",
    sex="female",
    address="Bản Nậm Cười, xã Nậm Tăm, huyện Sìn Hồ, tỉnh Lai Châu",
    issue_date="2021-04-20",
)
SUOI_TEXT = "012301004567||Lò Thị Sươi|15032001|Nữ|Bản Nậm Cười, xã Nậm Tăm, huyện Sìn Hồ, tỉnh Lai Châu|20042021"
# A Mông man from Lào Cai, born 1986, who still has his 9-digit ID (digit 4 = 0: 1900s, male).
PAO = dict(
    cccd="010086012345",
    old_id="063123456",
    full_name="Giàng A Páo",
    date_of_birth="1986-11-02",
    sex="male",
    address="Thôn Lao Chải, xã Lao Chải, huyện Sa Pa, tỉnh Lào Cai",
    issue_date="2022-08-10",
)
PAO_TEXT = "010086012345|063123456|Giàng A Páo|02111986|Nam|Thôn Lao Chải, xã Lao Chải, huyện Sa Pa, tỉnh Lào Cai|10082022"

# --- well-formed cards
case("QR3", "real format, no old ID (the common case)", SUOI_TEXT, [], **SUOI)
case("QR3", "real format with the 9-digit old ID", PAO_TEXT, [], **PAO)
case("QR1", "decomposed Unicode (NFD) comes out NFC", nfd(SUOI_TEXT), [], **SUOI)
case("QR1", "decomposed Mông name", nfd(PAO_TEXT), [], **PAO)
case(
    "QR1",
    "trailing CR LF and a BOM around the text are removed",
    "\ufeff" + PAO_TEXT + "\r\n",
    [],
    **PAO,
)
case(
    "QR5",
    "name and address spaces collapsed; fields trimmed",
    "  012301004567 | |  Lò   Thị  Sươi |15032001| Nữ |Bản Nậm Cười,  xã Nậm Tăm, huyện Sìn Hồ, tỉnh Lai Châu | 20042021 ",
    [],
    **SUOI,
)
case(
    "QR5",
    "sex in capitals (NAM) and decomposed lowercase nữ are accepted",
    "010086012345|063123456|Giàng A Páo|02111986|NAM|Thôn Lao Chải, xã Lao Chải, huyện Sa Pa, tỉnh Lào Cai|10082022",
    [],
    **PAO,
)
case(
    "QR5",
    "decomposed lowercase nữ",
    "012301004567||Lò Thị Sươi|15032001|" + nfd("nữ") + "|Bản Nậm Cười, xã Nậm Tăm, huyện Sìn Hồ, tỉnh Lai Châu|20042021",
    [],
    **SUOI,
)
case(
    "QR3",
    "Đ in a Kinh name, Hà Nội, male born 1990",
    "001090012345||Đặng Văn Đức|01051990|Nam|Số 5 ngõ 12 phố Đội Cấn, Ba Đình, Hà Nội|01072021",
    [],
    cccd="001090012345",
    full_name="Đặng Văn Đức",
    date_of_birth="1990-05-01",
    sex="male",
    address="Số 5 ngõ 12 phố Đội Cấn, Ba Đình, Hà Nội",
    issue_date="2021-07-01",
)
case(
    "QR5",
    "hyphen and apostrophe in names are allowed",
    "012301004567||H'Hen Niê-Lò|15032001|Nữ|Lai Châu|20042021",
    [],
    **{**SUOI, "full_name": "H'Hen Niê-Lò", "address": "Lai Châu"},
)
case(
    "QR4",
    "29 February of a leap year; issued today",
    "012300004567||Lò Thị Mai|29022000|Nữ|Lai Châu|06122026",
    [],
    cccd="012300004567",
    full_name="Lò Thị Mai",
    date_of_birth="2000-02-29",
    sex="female",
    address="Lai Châu",
    issue_date="2026-12-06",
)
case(
    "QR2",
    "empty padding fields after the seventh are dropped",
    SUOI_TEXT + "||",
    [],
    **SUOI,
)

# --- missing trailing fields
case(
    "QR2",
    "issue date missing (six fields)",
    "012301004567||Lò Thị Sươi|15032001|Nữ|Bản Nậm Cười, xã Nậm Tăm, huyện Sìn Hồ, tỉnh Lai Châu",
    [("missing", "issue_date")],
    **{**SUOI, "issue_date": None},
)
case(
    "QR2",
    "address and issue date missing (five fields)",
    "010086012345|063123456|Giàng A Páo|02111986|Nam",
    [("missing", "address"), ("missing", "issue_date")],
    **{**PAO, "address": None, "issue_date": None},
)
case(
    "QR2",
    "only number and old ID (two fields)",
    "010086012345|063123456",
    [
        ("missing", "full_name"),
        ("missing", "date_of_birth"),
        ("missing", "sex"),
        ("missing", "address"),
        ("missing", "issue_date"),
    ],
    cccd="010086012345",
    old_id="063123456",
)
case(
    "QR3",
    "empty name field is missing",
    "012301004567|||15032001|Nữ|Lai Châu|20042021",
    [("missing", "full_name")],
    **{**SUOI, "full_name": None, "address": "Lai Châu"},
)
case(
    "QR3",
    "empty card number is missing; nothing to cross-check",
    "|063123456|Giàng A Páo|02111986|Nam|Sa Pa|10082022",
    [("missing", "cccd")],
    **{**PAO, "cccd": None, "address": "Sa Pa"},
)

# --- not a CCCD at all
for comment, text in [
    ("empty text", ""),
    ("only whitespace", " \r\n\t"),
    ("a web address from another QR code", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"),
    ("a bare number without separators", "012301004567"),
    ("longer than 1000 code points", "012301004567||" + "A" * 1000 + "|15032001|Nữ|Lai Châu|20042021"),
]:
    case("QR1", comment, text, [("not_cccd_qr", None)])
case(
    "QR2",
    "eight non-empty fields: which is which is unknown",
    "012301004567||Lò Thị Sươi|15032001|Nữ|Lai Châu|20042021|extra",
    [("too_many_fields", None)],
)
case(
    "QR2",
    "a name containing | shifts every field: too many",
    "012301004567||Lò|Thị Sươi|15032001|Nữ|Lai Châu|20042021",
    [("too_many_fields", None)],
)

# --- malformed fields
case(
    "QR3",
    "card number with 11 digits",
    "01230100456||Lò Thị Sươi|15032001|Nữ|Lai Châu|20042021",
    [("not_12_digits", "cccd")],
    **{**SUOI, "cccd": None, "address": "Lai Châu"},
)
case(
    "QR3",
    "card number with full-width digits is not digits",
    "０１２３０１００４５６７||Lò Thị Sươi|15032001|Nữ|Lai Châu|20042021",
    [("not_12_digits", "cccd")],
    **{**SUOI, "cccd": None, "address": "Lai Châu"},
)
case(
    "QR3",
    "card number with an inner space",
    "012301 004567||Lò Thị Sươi|15032001|Nữ|Lai Châu|20042021",
    [("not_12_digits", "cccd")],
    **{**SUOI, "cccd": None, "address": "Lai Châu"},
)
case(
    "QR3",
    "old ID with 8 digits",
    "010086012345|06312345|Giàng A Páo|02111986|Nam|Sa Pa|10082022",
    [("bad_format", "old_id")],
    **{**PAO, "old_id": None, "address": "Sa Pa"},
)
case(
    "QR3",
    "old ID with a letter",
    "010086012345|06312345X|Giàng A Páo|02111986|Nam|Sa Pa|10082022",
    [("bad_format", "old_id")],
    **{**PAO, "old_id": None, "address": "Sa Pa"},
)
case(
    "QR5",
    "digits in the name",
    "010086012345||Giàng A Páo 2|02111986|Nam|Sa Pa|10082022",
    [("bad_format", "full_name")],
    **{**PAO, "old_id": None, "full_name": None, "address": "Sa Pa"},
)
case(
    "QR5",
    "name longer than 100 code points",
    "010086012345||" + "Giàng A Páo " * 9 + "|02111986|Nam|Sa Pa|10082022",
    [("bad_format", "full_name")],
    **{**PAO, "old_id": None, "full_name": None, "address": "Sa Pa"},
)
case(
    "QR5",
    "a control character in the address",
    "010086012345||Giàng A Páo|02111986|Nam|Sa\u0000Pa|10082022",
    [("bad_format", "address")],
    **{**PAO, "old_id": None, "address": None},
)
case(
    "QR5",
    "sex written without its diacritic (Nu) is not accepted",
    "012301004567||Lò Thị Sươi|15032001|Nu|Lai Châu|20042021",
    [("bad_format", "sex")],
    **{**SUOI, "sex": None, "address": "Lai Châu"},
)
case(
    "QR5",
    "sex in English is not accepted",
    "010086012345||Giàng A Páo|02111986|male|Sa Pa|10082022",
    [("bad_format", "sex")],
    **{**PAO, "old_id": None, "sex": None, "address": "Sa Pa"},
)

# --- wrong dates
for comment, dob in [
    ("31 February", "31022001"),
    ("29 February of a non-leap year", "29022001"),
    ("month 13", "15132001"),
    ("day 00", "00032001"),
    ("ISO instead of ddmmyyyy", "2001-03-15"),
    ("with slashes", "15/03/2001"),
    ("two-digit year", "150301"),
    ("before 1900", "15031899"),
]:
    case(
        "QR4",
        f"date of birth: {comment}",
        f"012301004567||Lò Thị Sươi|{dob}|Nữ|Lai Châu|20042021",
        [("bad_format", "date_of_birth")],
        **{**SUOI, "date_of_birth": None, "address": "Lai Châu"},
    )
case(
    "QR4",
    "29 February 1900 is not a date (1900 is not a leap year)",
    "001100012345||Lò Thị Xuân|29021900|Nữ|Hà Nội|20042021",
    [("bad_format", "date_of_birth")],
    cccd="001100012345",
    full_name="Lò Thị Xuân",
    sex="female",
    address="Hà Nội",
    issue_date="2021-04-20",
)
case(
    "QR4",
    "issue date in the future",
    "012301004567||Lò Thị Sươi|15032001|Nữ|Lai Châu|07122026",
    [("date_in_future", "issue_date")],
    **{**SUOI, "issue_date": None, "address": "Lai Châu"},
)
case(
    "QR4",
    "date of birth in the future (no year check without a date)",
    "012326004567||Lò Thị Sươi|01012027|Nữ|Lai Châu|20042021",
    [("date_in_future", "date_of_birth")],
    **{**SUOI, "cccd": "012326004567", "date_of_birth": None, "address": "Lai Châu"},
)
case(
    "QR7",
    "issued before the holder was born",
    "012301004567||Lò Thị Sươi|15032001|Nữ|Lai Châu|20042000",
    [("issued_before_birth", "issue_date")],
    **{**SUOI, "issue_date": "2000-04-20", "address": "Lai Châu"},
)

# --- number inconsistent with sex or year of birth (CCD rules through QR6)
case(
    "QR6",
    "digit 4 says female, the card says Nam",
    "012301004567||Lò Văn Sươi|15032001|Nam|Lai Châu|20042021",
    [("century_sex_mismatch", "cccd")],
    **{**SUOI, "full_name": "Lò Văn Sươi", "sex": "male", "address": "Lai Châu"},
)
case(
    "QR6",
    "digit 4 says 2000s, born 1999",
    "012301004567||Lò Thị Sươi|15031999|Nữ|Lai Châu|20042021",
    [("century_sex_mismatch", "cccd"), ("birth_year_mismatch", "cccd")],
    **{**SUOI, "date_of_birth": "1999-03-15", "address": "Lai Châu"},
)
case(
    "QR6",
    "digits 5–6 say 01, born 2002",
    "012301004567||Lò Thị Sươi|15032002|Nữ|Lai Châu|20042021",
    [("birth_year_mismatch", "cccd")],
    **{**SUOI, "date_of_birth": "2002-03-15", "address": "Lai Châu"},
)
case(
    "QR6",
    "unknown province 003",
    "003301004567||Lò Thị Sươi|15032001|Nữ|Lai Châu|20042021",
    [("unknown_province", "cccd")],
    **{**SUOI, "cccd": "003301004567", "address": "Lai Châu"},
)
case(
    "QR6",
    "every CCCD rule broken, in CCD5 order after the field problems",
    "999099004567||Lò Thị Sươi|15032001|Nu|Lai Châu|20042021",
    [("bad_format", "sex"), ("unknown_province", "cccd"), ("century_sex_mismatch", "cccd"),
     ("birth_year_mismatch", "cccd")],
    **{**SUOI, "cccd": "999099004567", "sex": None, "address": "Lai Châu"},
)
case(
    "QR6",
    "a bad sex is not used for the cross-check",
    "012301004567||Lò Thị Sươi|15032001|X|Lai Châu|20042021",
    [("bad_format", "sex")],
    **{**SUOI, "sex": None, "address": "Lai Châu"},
)
case(
    "QR6",
    "a bad date of birth is not used for the cross-check",
    "012301004567||Lò Thị Sươi|15131999|Nam|Lai Châu|20042021",
    [("bad_format", "date_of_birth"), ("century_sex_mismatch", "cccd")],
    **{**SUOI, "date_of_birth": None, "sex": "male", "address": "Lai Châu"},
)

doc = {
    "description": (
        "The CCCD QR code parser: parse_cccd_qr(text, today) → the seven typed fields (ISO dates, "
        "sex 'male'/'female', null when absent or unusable) and problems [{code, field}] in rule "
        "order. Strings are literal; combining marks and invisible characters are written as "
        "\\u escapes so no editor silently recomposes them."
    ),
    "spec": "sync/SPEC-identity.md#the-cccds-qr-code",
    "cases": cases,
}
ids = [c["id"] for c in cases]
assert len(ids) == len(set(ids))
text = json.dumps(doc, ensure_ascii=False, indent=2)
out = []
for ch in text:
    if (unicodedata.category(ch) in ("Mn", "Zs", "Cf", "Cc") and ch not in " \n") or ch == "\u3000":
        out.append(f"\\u{ord(ch):04x}")
    else:
        out.append(ch)
OUT.write_text("".join(out) + "\n", encoding="utf-8")
print(OUT.name, len(cases), "cases")
