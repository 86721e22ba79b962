"""Behaviour of sync/identity.py beyond the shared vectors: properties, spec consistency, errors."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.identity import (
    CENTURY_SEX_DIGITS,
    ISSUE_MESSAGES,
    MOBILE_PREFIXES,
    PROVINCE_CODES,
    IdentityError,
    IdentityIssue,
    Sex,
    century_sex_digit,
    check_cccd,
    check_phone,
    matches,
    normalise_name,
    normalise_phone,
    search_key,
)

SPEC = (Path(__file__).resolve().parents[2] / "sync" / "SPEC-identity.md").read_text("utf-8")


def _codes(issues: list[IdentityIssue]) -> list[str]:
    return [issue.code for issue in issues]


# --- CCCD ---------------------------------------------------------------------------------


def test_province_table_has_the_63_provinces_with_lai_chau_and_dien_bien() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["012"] == "Lai Châu"
    assert PROVINCE_CODES["011"] == "Điện Biên"
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isascii() and code.isdigit() for code in PROVINCE_CODES)
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCE_CODES.values())


def test_spec_province_table_lists_exactly_the_module_codes() -> None:
    spec_codes = dict(re.findall(r"\| (\d{3}) \| ([^|]+?) (?=\|)", SPEC))
    assert spec_codes == dict(PROVINCE_CODES)


def test_spec_message_table_matches_module_messages() -> None:
    rows = re.findall(r"^\| ([a-z_0-9]+) \| (.+?) \| (.+?) \|$", SPEC, flags=re.MULTILINE)
    table = {code: (vi, en) for code, vi, en in rows if code in ISSUE_MESSAGES}
    assert table == dict(ISSUE_MESSAGES)


def test_every_issue_has_vietnamese_and_english_messages() -> None:
    for issue in check_cccd("000190012345", date(2091, 1, 1), "male"):
        assert issue.message_vi and issue.message_en
        assert issue.message_vi != issue.message_en
    assert check_phone("")[0].message_vi == ISSUE_MESSAGES["not_digits"][0]


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2299, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
    tail=st.integers(min_value=0, max_value=999_999),
)
def test_a_cccd_built_from_the_rules_always_passes(
    province: str, born: date, sex: Sex, tail: int
) -> None:
    cccd = f"{province}{century_sex_digit(born.year, sex)}{born.year % 100:02d}{tail:06d}"
    assert check_cccd(cccd, born, sex) == []
    assert check_cccd(cccd) == []


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
)
def test_the_opposite_sex_is_always_a_century_sex_mismatch(born: date, sex: Sex) -> None:
    other: Sex = "female" if sex == "male" else "male"
    cccd = f"012{century_sex_digit(born.year, sex)}{born.year % 100:02d}000000"
    assert _codes(check_cccd(cccd, born, other)) == ["century_sex_mismatch"]


@given(st.text(max_size=14))
def test_check_cccd_never_raises_and_rejects_anything_not_12_ascii_digits(text: str) -> None:
    issues = _codes(check_cccd(text))
    is_structurally_ok = len(text) == 12 and all("0" <= ch <= "9" for ch in text)
    assert ("not_12_digits" in issues) is not is_structurally_ok


def test_century_digits_alternate_male_female() -> None:
    for digit, (century, sex) in CENTURY_SEX_DIGITS.items():
        assert sex == ("male" if int(digit) % 2 == 0 else "female")
        assert century % 100 == 0


def test_century_sex_digit_rejects_years_without_a_code() -> None:
    with pytest.raises(IdentityError) as caught:
        century_sex_digit(1799, "male")
    assert caught.value.code == "year_out_of_range"
    with pytest.raises(IdentityError):
        century_sex_digit(2300, "female")


def test_check_cccd_rejects_an_invalid_sex_argument_as_a_caller_bug() -> None:
    with pytest.raises(IdentityError) as caught:
        check_cccd("012090012345", None, "nam")  # type: ignore[arg-type]
    assert caught.value.code == "bad_sex_argument"


# --- phone --------------------------------------------------------------------------------


def test_prefix_list_covers_the_five_mobile_ranges_and_excludes_095() -> None:
    assert {prefix[:2] for prefix in MOBILE_PREFIXES} == {"03", "05", "07", "08", "09"}
    assert "095" not in MOBILE_PREFIXES
    assert len(MOBILE_PREFIXES) == 36


@pytest.mark.parametrize(
    "typed",
    ["0912 345 678", "+84 912345678", "84912345678", "(091) 234-5678", "+84 (0)912.345.678"],
)
def test_common_typed_forms_normalise_to_the_same_valid_number(typed: str) -> None:
    assert normalise_phone(typed) == "0912345678"
    assert check_phone(normalise_phone(typed)) == []


@given(prefix=st.sampled_from(sorted(MOBILE_PREFIXES)), rest=st.integers(0, 9_999_999))
def test_every_allowed_prefix_with_seven_digits_is_valid_in_every_input_form(
    prefix: str, rest: int
) -> None:
    national = f"{prefix}{rest:07d}"
    for typed in (national, "+84" + national[1:], "84" + national[1:], "0084 " + national[1:]):
        assert normalise_phone(typed) == national
    assert check_phone(national) == []


@given(st.text(max_size=20))
def test_normalise_then_check_never_raises_and_returns_at_most_one_issue(text: str) -> None:
    assert len(check_phone(normalise_phone(text))) <= 1


def test_normalise_phone_is_idempotent_on_national_numbers() -> None:
    assert normalise_phone(normalise_phone("+84 (0)86 123 4567")) == "0861234567"


# --- names --------------------------------------------------------------------------------


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent_and_nfc(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "  " not in once
    assert once == once.strip(" ")


@given(st.text(max_size=40))
def test_search_key_is_idempotent_and_has_no_marks_or_uppercase(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert not any(unicodedata.category(ch) == "Mn" for ch in key)
    assert "đ" not in key and "Đ" not in key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Lò Thị Sươi", "lo thi suoi"),
        ("Giàng A Páo", "giang a pao"),
        ("Vàng Thị Dính", "vang thi dinh"),
        ("Sùng Seo Chứ", "sung seo chu"),
        ("Chảo Láo Lở", "chao lao lo"),
        ("ĐỖ ĐỨC ĐẠT", "do duc dat"),
    ],
)
def test_search_key_is_the_same_for_composed_and_decomposed_names(name: str, key: str) -> None:
    assert search_key(name) == key
    assert search_key(unicodedata.normalize("NFD", name)) == key


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặ ", max_size=30))
def test_a_name_always_matches_itself_and_its_own_key(name: str) -> None:
    assert matches(name, name)
    assert matches(search_key(name), name.upper())


def test_matches_uses_token_prefixes_not_substrings() -> None:
    assert matches("giang", "Giàng A Páo")
    assert matches("gi a", "Giàng A Páo")
    assert not matches("ang", "Giàng A Páo")
    assert not matches("pao vang", "Giàng A Páo")
