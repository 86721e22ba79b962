"""parse_households_csv: all-or-nothing import of one-row-per-member household files."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from backend.demo import generate_demo
from backend.households.csv_import import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    ParseResult,
    parse_households_csv,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VILLAGES = {"03532-01", "03532-02", "03532-03"}
TODAY = date(2025, 10, 1)
HEADER = ",".join(COLUMNS)
HEAD_ROW = "H1,03532-01,Bản Nậm Khăn,Giàng A Páo,1990-05-12,nam,012090123456,,chủ hộ,Mông"


def parse(text: str | bytes, villages: set[str] = VILLAGES) -> ParseResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_households_csv(data, villages, today=TODAY)


def codes(result: ParseResult) -> list[tuple[int | None, str | None, str]]:
    return [(e.row_number, e.column, e.code) for e in result.errors]


def test_good_fixture_parses_into_three_households_with_one_head_each() -> None:
    result = parse((FIXTURES / "households_good.csv").read_bytes())
    assert result.ok, result.errors
    assert [h.ref for h in result.households] == ["H001", "H002", "H003"]
    assert [len(h.members) for h in result.households] == [4, 3, 5]
    for household in result.households:
        assert sum(m.relationship == "chu_ho" for m in household.members) == 1
        assert household.head.relationship == "chu_ho"
        assert household.address.endswith("xã Pu Sam Cáp, tỉnh Lai Châu")


def test_good_fixture_values_are_cleaned() -> None:
    h001, h002, h003 = parse((FIXTURES / "households_good.csv").read_bytes()).households
    wife = h001.members[1]
    assert (wife.date_of_birth, wife.sex, wife.relationship) == (date(1993, 2, 14), "female", "vo")
    assert wife.phone == "0386123456"
    assert h001.members[3].date_of_birth == date(2021, 7, 3)  # D/M/YYYY with one-digit parts
    assert h001.members[3].relationship == "con"  # "con gái"
    head = h002.head
    assert head.full_name == "Lò Thị Sươi"  # decomposed + double space in the file
    assert unicodedata.is_normalized("NFC", head.full_name)
    assert head.phone == "0971234567"
    assert h002.members[2].relationship == "me"
    assert h003.head.phone == "0987654321"
    assert [m.relationship for m in h003.members] == ["chu_ho", "vo", "con", "khac", "chau"]
    assert h003.members[3].cccd == "010197333444"
    assert h003.members[1].sex == "female"  # "nu" without accent


def test_bad_fixture_lists_every_bad_row_and_returns_no_household() -> None:
    result = parse((FIXTURES / "households_bad.csv").read_bytes())
    assert not result.ok
    assert result.households == ()
    assert codes(result) == [
        (3, "date_of_birth", "bad_date"),
        (4, "date_of_birth", "date_in_future"),
        (5, "sex", "bad_sex"),
        (6, "cccd", "not_12_digits"),
        (7, "cccd", "century_sex_mismatch"),
        (8, "cccd", "birth_year_mismatch"),
        (8, "phone", "bad_phone_prefix"),
        (9, "village_code", "unknown_village"),
        (10, "relationship", "no_head"),
        (12, "relationship", "multiple_heads"),
        (13, "phone", "not_digits"),
        (14, "cccd", "duplicate_cccd"),
        (15, "village_code", "village_mismatch"),
        (16, "relationship", "relationship_sex_mismatch"),
        (17, "full_name", "required"),
        (18, "relationship", "bad_relationship"),
        (19, None, "wrong_field_count"),
        (20, "phone", "bad_phone_length"),
        (21, "address", "address_mismatch"),
        (22, "full_name", "bad_name"),
        (23, "date_of_birth", "date_too_old"),
    ]
    for error in result.errors:
        assert error.message_vi and error.message_en and error.message_vi != error.message_en


def test_excel_dropped_leading_zero_gets_a_hint() -> None:
    result = parse((FIXTURES / "households_bad.csv").read_bytes())
    row6 = next(e for e in result.errors if e.row_number == 6)
    assert "Excel" in row6.message_vi and "Excel" in row6.message_en


def test_non_utf8_file_gives_one_clear_error_with_its_line() -> None:
    text = f"{HEADER}\r\n{HEAD_ROW}\r\n"
    result = parse(text.encode("cp1258", errors="replace"))
    assert codes(result) == [(2, None, "not_utf8")]
    assert "UTF-8" in result.errors[0].message_vi


def test_utf8_bom_is_accepted() -> None:
    assert parse(b"\xef\xbb\xbf" + f"{HEADER}\n{HEAD_ROW}\n".encode()).ok


def test_header_may_be_in_any_order_and_case() -> None:
    columns = list(reversed(COLUMNS))
    values = dict(zip(COLUMNS, HEAD_ROW.split(","), strict=True))
    row = ",".join(values[c] for c in columns)
    result = parse(",".join(c.upper() for c in columns) + "\n" + row + "\n")
    assert result.ok
    assert result.households[0].head.full_name == "Giàng A Páo"


def test_header_problems_are_each_reported_on_row_1() -> None:
    header = HEADER.replace("phone,", "").replace("ethnicity", "dan_toc") + ",sex"
    result = parse(header + "\n")
    assert sorted(codes(result), key=str) == sorted(
        [
            (1, "sex", "duplicate_column"),
            (1, "dan_toc", "unknown_column"),
            (1, "phone", "missing_column"),
            (1, "ethnicity", "missing_column"),
        ],
        key=str,
    )


def test_semicolon_file_is_recognised() -> None:
    result = parse(HEADER.replace(",", ";") + "\n")
    assert codes(result) == [(1, None, "wrong_delimiter")]


def test_empty_file_and_header_only_file_are_refused() -> None:
    assert codes(parse("")) == [(None, None, "empty_file")]
    assert codes(parse(" \r\n")) == [(None, None, "empty_file")]
    assert codes(parse(HEADER + "\n")) == [(None, None, "no_rows")]


def test_file_over_the_byte_limit_is_refused_before_parsing() -> None:
    result = parse(b"x" * (MAX_BYTES + 1))
    assert codes(result) == [(None, None, "file_too_large")]
    assert "MB" in result.errors[0].message_vi


def test_file_over_the_row_limit_is_refused() -> None:
    rows = [
        f"H{i},03532-01,Bản Nậm Khăn,Giàng A Páo,1990-05-12,nam,,,chủ hộ,Mông"
        for i in range(MAX_ROWS + 1)
    ]
    result = parse(HEADER + "\n" + "\n".join(rows) + "\n")
    assert codes(result) == [(None, None, "too_many_rows")]


def test_exactly_the_row_limit_is_accepted() -> None:
    rows = [
        f"H{i},03532-01,Bản Nậm Khăn,Giàng A Páo,1990-05-12,nam,,,chủ hộ,Mông"
        for i in range(MAX_ROWS)
    ]
    result = parse(HEADER + "\n" + "\n".join(rows) + "\n")
    assert result.ok
    assert len(result.households) == MAX_ROWS


def test_unclosed_quote_is_a_csv_error() -> None:
    result = parse(f'{HEADER}\nH1,03532-01,"Bản Nậm Khăn,Giàng A Páo\n')
    assert [e.code for e in result.errors] == ["bad_csv"]


def test_blank_lines_are_skipped_but_still_counted() -> None:
    text = (
        f"{HEADER}\n\n,,,,,,,,,\n{HEAD_ROW}\nH1,03532-09,,Vàng Thị Dính,1993-02-14,nữ,,,vợ,Mông\n"
    )
    assert codes(parse(text)) == [
        (5, "village_code", "unknown_village"),
        (5, "village_code", "village_mismatch"),
    ]


def test_quoted_field_with_newline_counts_as_one_row() -> None:
    text = (
        f'{HEADER}\nH1,03532-01,"Bản Nậm Khăn\nxã Pu Sam Cáp",Giàng A Páo,1990-05-12,nam,,,'
        "chủ hộ,Mông\nH1,03532-01,,Vàng Thị Dính,1993-02-30,nữ,,,vợ,Mông\n"
    )
    assert codes(parse(text)) == [(3, "date_of_birth", "bad_date")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("nam", "male"),
        ("Nam", "male"),
        ("NỮ", "female"),
        ("nu", "female"),
        ("male", "male"),
        ("Female", "female"),
    ],
)
def test_sex_spellings(written: str, expected: str) -> None:
    result = parse(
        f"{HEADER}\n{HEAD_ROW.replace(',nam,', f',{written},')}\n".replace(
            "012090123456", "012090123456" if expected == "male" else "012190123456"
        )
    )
    assert result.ok, result.errors
    assert result.households[0].head.sex == expected


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("chủ hộ", "chu_ho"),
        ("CHỦ HỘ", "chu_ho"),
        ("chu ho", "chu_ho"),
        ("chu_ho", "chu_ho"),
        ("vợ", "vo"),
        ("con trai", "con"),
        ("bố", "bo"),
        ("cha", "bo"),
        ("mẹ", "me"),
        ("ông nội", "ong"),
        ("bà ngoại", "ba"),
        ("ba", "ba"),
        ("cháu", "chau"),
        ("em gái", "anh_chi_em"),
        ("anh chị em", "anh_chi_em"),
        ("con dâu", "khac"),
        ("khác", "khac"),
    ],
)
def test_relationship_words_and_codes(written: str, code: str) -> None:
    sex = "nữ" if code in ("vo", "me", "ba") else "nam"
    row = f"H1,03532-01,,Lò Văn Ún,2000-01-15,{sex},,,{written},Thái"
    text = f"{HEADER}\n{HEAD_ROW}\n{row}\n"
    if code == "chu_ho":
        text = f"{HEADER}\n{row.replace(',,Lò', ',Bản Nậm Khăn,Lò')}\n"
    result = parse(text)
    assert result.ok, result.errors
    assert result.households[0].members[-1].relationship == code


def test_multiple_heads_are_reported_on_every_extra_head_row() -> None:
    second = HEAD_ROW.replace("012090123456", "")
    text = f"{HEADER}\n{HEAD_ROW}\n{second}\n{second}\n"
    assert codes(parse(text)) == [
        (3, "relationship", "multiple_heads"),
        (4, "relationship", "multiple_heads"),
    ]


def test_head_row_needs_an_address_other_rows_may_leave_it_empty() -> None:
    text = f"{HEADER}\n{HEAD_ROW.replace('Bản Nậm Khăn', '')}\n"
    assert codes(parse(text)) == [(2, "address", "required")]


def test_every_required_column_is_reported_on_an_empty_row() -> None:
    result = parse(f"{HEADER}\n,,,,,,,,,x\n")
    reported = {(e.column, e.code) for e in result.errors}
    for column in (
        "household_ref",
        "village_code",
        "full_name",
        "date_of_birth",
        "sex",
        "relationship",
    ):
        assert (column, "required") in reported


def test_too_long_values_are_refused() -> None:
    text = f"{HEADER}\n{HEAD_ROW.replace('Giàng A Páo', 'A' * 121)}\n"
    assert codes(parse(text)) == [(2, "full_name", "too_long")]


def test_unknown_village_when_the_commune_has_none() -> None:
    assert codes(parse(f"{HEADER}\n{HEAD_ROW}\n", villages=set())) == [
        (2, "village_code", "unknown_village")
    ]


def test_today_defaults_to_the_current_date() -> None:
    data = f"{HEADER}\n{HEAD_ROW}\n".encode()
    assert parse_households_csv(data, VILLAGES).ok


def test_the_demo_commune_round_trips_through_the_csv_format() -> None:
    demo = generate_demo()
    village_of = {h.id: h for h in demo.households}
    lines = [HEADER]
    for m in demo.members:
        household = village_of[m.household_id]
        address = f'"{household.address}"' if m.relationship == "chu_ho" else ""
        lines.append(
            ",".join(
                [
                    str(household.id),
                    household.village_code,
                    address,
                    m.full_name,
                    m.date_of_birth.isoformat(),
                    m.sex,
                    m.cccd or "",
                    m.phone or "",
                    m.relationship,
                    m.ethnicity,
                ]
            )
        )
    result = parse_households_csv(
        "\n".join(lines).encode(), {v.code for v in demo.villages}, today=demo.as_of
    )
    assert result.ok, result.errors[:5]
    assert len(result.households) == len(demo.households)
    assert sum(len(h.members) for h in result.households) == len(demo.members)


def test_control_characters_in_any_cell_are_refused_with_row_and_column() -> None:
    # SPEC TXT1: NUL in a name, a vertical tab in the address; tab inside a cell is allowed.
    rows = [
        HEAD_ROW.replace("Giàng A Páo", "Giàng\x00A Páo"),
        HEAD_ROW.replace("H1", "H2").replace("Bản Nậm Khăn", "Bản\x0bNậm"),
        HEAD_ROW.replace("H1", "H3").replace("Bản Nậm Khăn", '"Bản\tNậm Khăn"'),
    ]
    result = parse("\n".join([HEADER, *rows]) + "\n")
    assert not result.households
    assert [c for c in codes(result) if c[2] == "control_char"] == [
        (2, "full_name", "control_char"), (3, "address", "control_char")]
    assert all(e.message_vi for e in result.errors)
