"""Parse and validate a households CSV (one row per member). Pure: no database, no I/O.

All-or-nothing: if any row is bad, no household is returned and every problem found is listed,
so the officer fixes the file once instead of importing half of it. The format is documented
in docs/csv-import.md; keep the two in step.

Row numbers are CSV *records* counted from 1 for the header (what a spreadsheet shows as the
row number). ``row_number=None`` means the whole file (size, row limit, empty file).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Set
from dataclasses import dataclass
from datetime import date
from typing import Final

from sync.identity import (
    Sex,
    check_cccd,
    check_phone,
    normalise_name,
    normalise_phone,
    search_key,
)
from sync.records import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    OLDEST_BIRTH_DATE,
    RELATIONSHIPS,
    max_length,
)
from sync.text import text_issue

COLUMNS: Final = (
    "household_ref",
    "village_code",
    "address",
    "full_name",
    "date_of_birth",
    "sex",
    "cccd",
    "phone",
    "relationship",
    "ethnicity",
)
MAX_BYTES: Final = 5 * 1024 * 1024
MAX_ROWS: Final = 20_000  # data rows, header excluded
# Limits of member and household fields: the core's one definition (REC1).

MAX_LENGTHS: Final = {
    "household_ref": 50,
    "village_code": 50,
    "address": max_length(HOUSEHOLD_FIELDS, "address"),
    "full_name": max_length(MEMBER_FIELDS, "full_name"),
    "ethnicity": max_length(MEMBER_FIELDS, "ethnicity"),
}
OLDEST_BIRTH_YEAR: Final = int(OLDEST_BIRTH_DATE[:4])

# REC2: the codes are the core's; the words below are how a spreadsheet writes them.
RELATIONSHIP_CODES: Final = RELATIONSHIPS
# Vietnamese words accepted for each code. Matching is accent- and case-insensitive (search_key),
# which is safe because every code already *is* the unaccented word: "ba" is bà (grandmother),
# never the southern "ba" (father) — write "bố" or "cha" for a father.
_RELATIONSHIP_WORDS: Final = {
    "chu_ho": ("chủ hộ",),
    "vo": ("vợ",),
    "chong": ("chồng",),
    "con": ("con", "con trai", "con gái", "con đẻ", "con ruột", "con nuôi", "con riêng"),
    "bo": ("bố", "cha", "bố đẻ", "cha đẻ"),
    "me": ("mẹ", "mẹ đẻ"),
    "ong": ("ông", "ông nội", "ông ngoại"),
    "ba": ("bà", "bà nội", "bà ngoại"),
    "chau": ("cháu", "cháu nội", "cháu ngoại"),
    "anh_chi_em": (
        "anh chị em",
        "anh",
        "chị",
        "em",
        "anh trai",
        "chị gái",
        "em trai",
        "em gái",
        "anh ruột",
        "chị ruột",
        "em ruột",
    ),
    "khac": (
        "khác",
        "con dâu",
        "con rể",
        "bố vợ",
        "mẹ vợ",
        "bố chồng",
        "mẹ chồng",
        "chú",
        "bác",
        "cô",
        "dì",
        "cậu",
        "mợ",
        "thím",
    ),
}


def _relationship_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, words in _RELATIONSHIP_WORDS.items():
        for word in (code.replace("_", " "), *words):
            key = search_key(word)
            if table.setdefault(key, code) != code:
                raise AssertionError(f"ambiguous relationship word {word!r}")
    return table


_RELATIONSHIPS: Final = _relationship_lookup()
_SEXES: Final[dict[str, Sex]] = {"nam": "male", "nu": "female", "male": "male", "female": "female"}
_REQUIRED_SEX: Final[dict[str, Sex]] = {
    "vo": "female",
    "chong": "male",
    "bo": "male",
    "me": "female",
    "ong": "male",
    "ba": "female",
}
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DMY_DATE: Final = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


@dataclass(frozen=True, slots=True)
class RowError:
    row_number: int | None
    column: str | None
    code: str
    message_vi: str
    message_en: str


@dataclass(frozen=True, slots=True)
class ParsedMember:
    row_number: int
    full_name: str
    date_of_birth: date
    sex: Sex
    cccd: str | None
    phone: str | None
    relationship: str
    ethnicity: str | None


@dataclass(frozen=True, slots=True)
class ParsedHousehold:
    """Invariant: exactly one member has relationship "chu_ho"; ``members`` keep file order."""

    ref: str
    village_code: str
    address: str
    members: tuple[ParsedMember, ...]

    @property
    def head(self) -> ParsedMember:
        return next(m for m in self.members if m.relationship == "chu_ho")


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Either households (no errors) or errors (no households) — never both."""

    households: tuple[ParsedHousehold, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _refuse(errors: list[RowError]) -> ParseResult:
    order = {name: i for i, name in enumerate(COLUMNS)}
    errors.sort(
        key=lambda e: (
            -1 if e.row_number is None else e.row_number,
            -1 if e.column is None else order.get(e.column, len(order)),
        )
    )
    return ParseResult(households=(), errors=tuple(errors))


def _file_error(code: str, vi: str, en: str, row: int | None = None) -> ParseResult:
    return ParseResult(households=(), errors=(RowError(row, None, code, vi, en),))


@dataclass(slots=True)
class _Row:
    number: int
    cells: dict[str, str]
    member: ParsedMember | None  # None when a member-level check failed


def parse_households_csv(
    data: bytes, known_village_codes: Set[str], *, today: date | None = None
) -> ParseResult:
    """Parse ``data`` (the uploaded file) against the commune's village codes.

    ``today`` (default: the current date) bounds dates of birth. Never raises for bad input.
    """
    today = today if today is not None else date.today()
    if len(data) > MAX_BYTES:
        return _file_error(
            "file_too_large",
            f"Tệp quá lớn ({len(data):,} byte). Tối đa {MAX_BYTES // (1024 * 1024)} MB; "
            "hãy chia thành nhiều tệp.",
            f"File too large ({len(data):,} bytes). The limit is "
            f"{MAX_BYTES // (1024 * 1024)} MB; split it into several files.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _file_error(
            "not_utf8",
            f"Tệp không phải mã UTF-8 (lỗi ở dòng {line}). Trong Excel hãy chọn "
            "“Lưu thành… CSV UTF-8 (phân tách bằng dấu phẩy)”.",
            f"The file is not UTF-8 (first bad byte on line {line}). In Excel use "
            "“Save as… CSV UTF-8 (comma delimited)”.",
            row=line,
        )
    if not text.strip():
        return _file_error("empty_file", "Tệp trống.", "The file is empty.")

    errors: list[RowError] = []
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(records)
        header_errors, positions = _check_header(header)
        if header_errors:
            return _refuse(header_errors)
        rows: list[_Row] = []
        for number, record in enumerate(records, start=2):
            if all(not cell.strip() for cell in record):
                continue  # blank lines, e.g. at the end of a spreadsheet export
            if len(rows) >= MAX_ROWS:
                return _file_error(
                    "too_many_rows",
                    f"Tệp có hơn {MAX_ROWS:,} dòng thành viên; hãy chia thành nhiều tệp.",
                    f"The file has more than {MAX_ROWS:,} member rows; split it.",
                )
            if len(record) != len(header):
                errors.append(
                    RowError(
                        number,
                        None,
                        "wrong_field_count",
                        f"Dòng có {len(record)} cột nhưng tiêu đề có {len(header)} cột.",
                        f"The row has {len(record)} fields but the header has {len(header)}.",
                    )
                )
                continue
            cells = {name: record[i].strip() for name, i in positions.items()}
            if _bad_text(number, cells, errors):
                rows.append(_Row(number, cells, None))
                continue
            rows.append(_Row(number, cells, _parse_member(number, cells, today, errors)))
    except csv.Error as exc:
        return _file_error(
            "bad_csv",
            f"Tệp CSV hỏng gần dòng {records.line_num} (dấu ngoặc kép không đóng?): {exc}",
            f"Malformed CSV near line {records.line_num} (unclosed quote?): {exc}",
            row=records.line_num,
        )
    if not rows and not errors:
        return _file_error("no_rows", "Tệp chỉ có dòng tiêu đề.", "The file has only a header.")

    _check_villages(rows, known_village_codes, errors)
    _check_duplicate_cccd(rows, errors)
    households = _group(rows, errors)
    if errors:
        return _refuse(errors)
    return ParseResult(households=tuple(households), errors=())


def _check_header(header: list[str]) -> tuple[list[RowError], dict[str, int]]:
    names = [cell.strip().lower() for cell in header]
    if len(names) == 1 and ";" in names[0]:
        return [
            RowError(
                1,
                None,
                "wrong_delimiter",
                "Tệp dùng dấu chấm phẩy (;). Hãy lưu lại dưới dạng CSV phân tách bằng dấu phẩy.",
                "The file uses semicolons (;). Save it again as comma-separated CSV.",
            )
        ], {}
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            errors.append(
                RowError(
                    1,
                    None,
                    "unknown_column",
                    f"Cột thứ {i + 1} của dòng tiêu đề không có tên (xóa cột trống thừa).",
                    f"Header column {i + 1} has no name (delete the extra empty column).",
                )
            )
        elif name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    name,
                    "unknown_column",
                    f"Cột không xác định “{header[i]}”. Các cột hợp lệ: {', '.join(COLUMNS)}.",
                    f"Unknown column “{header[i]}”. Valid columns: {', '.join(COLUMNS)}.",
                )
            )
        elif name in positions:
            errors.append(
                RowError(
                    1,
                    name,
                    "duplicate_column",
                    f"Cột “{name}” bị lặp.",
                    f"Column “{name}” appears twice.",
                )
            )
        else:
            positions[name] = i
    for name in COLUMNS:
        if name not in positions:
            errors.append(
                RowError(
                    1, name, "missing_column", f"Thiếu cột “{name}”.", f"Missing column “{name}”."
                )
            )
    return errors, positions


def _bad_text(number: int, cells: dict[str, str], errors: list[RowError]) -> bool:
    """SPEC TXT (sync/text.py): no control characters but tab and newline in any cell."""
    bad = False
    for column, value in cells.items():
        found = text_issue(value)
        if found is not None:
            errors.append(RowError(number, column, found.code, found.message_vi, found.message_en))
            bad = True
    return bad


def _required(number: int, column: str, value: str, errors: list[RowError]) -> bool:
    if value:
        return True
    errors.append(
        RowError(
            number,
            column,
            "required",
            f"Thiếu giá trị cho cột “{column}”.",
            f"A value is required in column “{column}”.",
        )
    )
    return False


def _too_long(number: int, column: str, value: str, errors: list[RowError]) -> bool:
    limit = MAX_LENGTHS[column]
    if len(value) <= limit:
        return False
    errors.append(
        RowError(
            number, column, "too_long", f"Tối đa {limit} ký tự.", f"At most {limit} characters."
        )
    )
    return True


def _parse_date(number: int, value: str, today: date, errors: list[RowError]) -> date | None:
    parsed: date | None = None
    try:
        if _ISO_DATE.fullmatch(value):
            parsed = date.fromisoformat(value)
        elif dmy := _DMY_DATE.fullmatch(value):
            parsed = date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    except ValueError:
        parsed = None
    if parsed is None:
        errors.append(
            RowError(
                number,
                "date_of_birth",
                "bad_date",
                f"Ngày sinh “{value}” không hợp lệ; dùng YYYY-MM-DD hoặc DD/MM/YYYY.",
                f"Date of birth “{value}” is not valid; use YYYY-MM-DD or DD/MM/YYYY.",
            )
        )
        return None
    if parsed > today:
        errors.append(
            RowError(
                number,
                "date_of_birth",
                "date_in_future",
                "Ngày sinh không được ở tương lai.",
                "The date of birth is in the future.",
            )
        )
        return None
    if parsed.year < OLDEST_BIRTH_YEAR:
        errors.append(
            RowError(
                number,
                "date_of_birth",
                "date_too_old",
                f"Ngày sinh trước năm {OLDEST_BIRTH_YEAR}.",
                f"The date of birth is before {OLDEST_BIRTH_YEAR}.",
            )
        )
        return None
    return parsed


def _parse_member(
    number: int, cells: dict[str, str], today: date, errors: list[RowError]
) -> ParsedMember | None:
    """Member-level checks; appends to ``errors`` and returns None if any failed."""
    before = len(errors)
    _required(number, "household_ref", cells["household_ref"], errors)
    _too_long(number, "household_ref", cells["household_ref"], errors)
    _required(number, "village_code", cells["village_code"], errors)
    _too_long(number, "address", normalise_name(cells["address"]), errors)

    full_name = normalise_name(cells["full_name"])
    if (
        _required(number, "full_name", full_name, errors)
        and not _too_long(number, "full_name", full_name, errors)
        and any(ch.isdigit() for ch in full_name)
    ):
        errors.append(
            RowError(
                number,
                "full_name",
                "bad_name",
                "Họ tên không được chứa chữ số.",
                "A name may not contain digits.",
            )
        )

    born = None
    if _required(number, "date_of_birth", cells["date_of_birth"], errors):
        born = _parse_date(number, cells["date_of_birth"], today, errors)

    sex: Sex | None = None
    if _required(number, "sex", cells["sex"], errors):
        sex = _SEXES.get(search_key(cells["sex"]))
        if sex is None:
            errors.append(
                RowError(
                    number,
                    "sex",
                    "bad_sex",
                    f"Giới tính “{cells['sex']}” không hợp lệ; dùng “nam” hoặc “nữ”.",
                    f"Sex “{cells['sex']}” is not valid; use “nam” or “nữ”.",
                )
            )

    relationship = None
    if _required(number, "relationship", cells["relationship"], errors):
        relationship = _RELATIONSHIPS.get(search_key(cells["relationship"].replace("_", " ")))
        if relationship is None:
            errors.append(
                RowError(
                    number,
                    "relationship",
                    "bad_relationship",
                    f"Quan hệ với chủ hộ “{cells['relationship']}” không hợp lệ "
                    "(ví dụ: chủ hộ, vợ, chồng, con, bố, mẹ, ông, bà, cháu, anh chị em, khác).",
                    f"Relationship to the head “{cells['relationship']}” is not valid "
                    f"(codes: {', '.join(RELATIONSHIP_CODES)}).",
                )
            )
        elif sex is not None and _REQUIRED_SEX.get(relationship, sex) != sex:
            errors.append(
                RowError(
                    number,
                    "relationship",
                    "relationship_sex_mismatch",
                    "Quan hệ với chủ hộ không khớp với giới tính.",
                    "The relationship to the head does not match the sex.",
                )
            )

    cccd = cells["cccd"] or None
    if cccd is not None:
        for issue in check_cccd(cccd, born, sex):
            vi, en = issue.message_vi, issue.message_en
            if issue.code == "not_12_digits" and len(cccd) == 11 and cccd.isascii():
                vi += " Có thể Excel đã bỏ số 0 ở đầu: hãy định dạng cột là Văn bản (Text)."
                en += " Excel may have dropped the leading 0: format the column as Text."
            errors.append(RowError(number, "cccd", issue.code, vi, en))

    phone = normalise_phone(cells["phone"]) if cells["phone"] else None
    if phone is not None:
        for issue in check_phone(phone):
            vi, en = issue.message_vi, issue.message_en
            if issue.code == "bad_phone_length" and len(phone) == 9 and phone[0] != "0":
                vi += " Có thể Excel đã bỏ số 0 ở đầu: hãy định dạng cột là Văn bản (Text)."
                en += " Excel may have dropped the leading 0: format the column as Text."
            errors.append(RowError(number, "phone", issue.code, vi, en))

    ethnicity = normalise_name(cells["ethnicity"]) or None
    if ethnicity is not None:
        _too_long(number, "ethnicity", ethnicity, errors)

    if len(errors) > before or born is None or sex is None or relationship is None:
        return None
    return ParsedMember(
        row_number=number,
        full_name=full_name,
        date_of_birth=born,
        sex=sex,
        cccd=cccd,
        phone=phone,
        relationship=relationship,
        ethnicity=ethnicity,
    )


def _check_villages(rows: list[_Row], known: Set[str], errors: list[RowError]) -> None:
    for row in rows:
        code = row.cells["village_code"]
        if code and code not in known:
            errors.append(
                RowError(
                    row.number,
                    "village_code",
                    "unknown_village",
                    f"Mã thôn/bản “{code}” không thuộc xã này.",
                    f"Village code “{code}” is not a village of this commune.",
                )
            )


def _check_duplicate_cccd(rows: list[_Row], errors: list[RowError]) -> None:
    first_seen: dict[str, int] = {}
    for row in rows:
        cccd = row.cells["cccd"]
        if not cccd:
            continue
        if cccd in first_seen:
            errors.append(
                RowError(
                    row.number,
                    "cccd",
                    "duplicate_cccd",
                    f"Số CCCD trùng với dòng {first_seen[cccd]}.",
                    f"The CCCD number repeats row {first_seen[cccd]}.",
                )
            )
        else:
            first_seen[cccd] = row.number


def _group(rows: list[_Row], errors: list[RowError]) -> list[ParsedHousehold]:
    """Group rows by household_ref and check one head, one village, one address per household."""
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        if row.cells["household_ref"]:
            groups.setdefault(row.cells["household_ref"], []).append(row)
    households: list[ParsedHousehold] = []
    for ref, group in groups.items():
        heads = [r for r in group if r.member is not None and r.member.relationship == "chu_ho"]
        head_like = [
            r
            for r in group
            if _RELATIONSHIPS.get(search_key(r.cells["relationship"].replace("_", " "))) == "chu_ho"
        ]
        if not head_like:
            errors.append(
                RowError(
                    group[0].number,
                    "relationship",
                    "no_head",
                    f"Hộ “{ref}” không có chủ hộ (cần đúng một dòng “chủ hộ”).",
                    f"Household “{ref}” has no head (exactly one “chu_ho” row is needed).",
                )
            )
        for extra in head_like[1:]:
            errors.append(
                RowError(
                    extra.number,
                    "relationship",
                    "multiple_heads",
                    f"Hộ “{ref}” có nhiều hơn một chủ hộ (chủ hộ đầu tiên ở dòng "
                    f"{head_like[0].number}).",
                    f"Household “{ref}” has more than one head (first head on row "
                    f"{head_like[0].number}).",
                )
            )
        village = (head_like[0] if head_like else group[0]).cells["village_code"]
        for row in group:
            if row.cells["village_code"] and row.cells["village_code"] != village:
                errors.append(
                    RowError(
                        row.number,
                        "village_code",
                        "village_mismatch",
                        f"Mã thôn/bản khác với các dòng khác của hộ “{ref}” ({village}).",
                        f"Village code differs from household “{ref}” ({village}).",
                    )
                )
        address = normalise_name(head_like[0].cells["address"]) if head_like else ""
        if head_like and not address:
            _required(head_like[0].number, "address", "", errors)
        for row in group:
            other = normalise_name(row.cells["address"])
            if head_like and other and address and other != address:
                errors.append(
                    RowError(
                        row.number,
                        "address",
                        "address_mismatch",
                        f"Địa chỉ khác với dòng chủ hộ của hộ “{ref}” (để trống nếu giống chủ hộ).",
                        f"Address differs from the head's row of household “{ref}” "
                        "(leave it empty when it is the same).",
                    )
                )
        members = tuple(r.member for r in group if r.member is not None)
        if len(heads) == 1 and len(members) == len(group):
            households.append(ParsedHousehold(ref, village, address, members))
    return households
