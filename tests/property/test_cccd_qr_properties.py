"""Properties of the CCCD QR parser (sync/cccd_qr.py) over generated input.

* Any text at all: no exception, every string out is NFC and a value that passed its own check,
  every problem names a known field, and "nothing usable" problems come alone.
* Any well-formed card (names from Vietnamese letters, real dates, a number consistent with the
  holder's sex and year of birth): the fields come back as written, with no problem, whether
  the reader gave NFC or decomposed text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import hypothesis.strategies as st
from hypothesis import given

from sync.cccd_qr import FIELDS, parse_cccd_qr
from sync.identity import PROVINCE_CODES, Sex, century_sex_digit

TODAY = date(2026, 12, 6)
ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Text near the real thing: separators, digits, Vietnamese letters in both forms, whitespace.
_near = st.text(
    alphabet=st.sampled_from(
        [
            *"|0123456789 \t\r\nNamNữLòThịSươiĐặngÀẢÃÁẠ",
            *("\u0301", "\u0303", "\u0309", "\u0323", "\u00a0", "\ufeff", "０"),
        ]
    ),
    max_size=120,
)


@given(st.one_of(st.text(max_size=300), _near))
def test_any_text_is_parsed_without_raising_into_checked_values(text: str) -> None:
    result = parse_cccd_qr(text, TODAY)
    for field in FIELDS:
        value = getattr(result, field)
        if value is None:
            continue
        assert value == unicodedata.normalize("NFC", value)
        if field == "cccd":
            assert re.fullmatch(r"[0-9]{12}", value)
        if field in ("date_of_birth", "issue_date"):
            assert ISO.fullmatch(value) and value <= TODAY.isoformat()
            date.fromisoformat(value)
        if field == "sex":
            assert value in ("male", "female")
    codes = [p.code for p in result.problems]
    assert all(p.field is None or p.field in FIELDS for p in result.problems)
    if any(p.field is None for p in result.problems):
        assert len(codes) == 1 and all(getattr(result, f) is None for f in FIELDS)


_letters = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
_word = st.text(alphabet=_letters, min_size=1, max_size=7).map(lambda w: w[0].upper() + w[1:])
_name = st.lists(_word, min_size=2, max_size=4).map(" ".join)
_address = st.lists(_word, min_size=2, max_size=8).map(", ".join)
_birth = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def _card(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    born = draw(_birth)
    sex: Sex = draw(st.sampled_from(["male", "female"]))
    issued = born + timedelta(days=draw(st.integers(0, (TODAY - born).days)))
    number = (
        draw(st.sampled_from(sorted(PROVINCE_CODES)))
        + century_sex_digit(born.year, sex)
        + f"{born.year % 100:02d}"
        + draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    )
    old_id = draw(st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=9, max_size=9)))
    name, address = draw(_name), draw(_address)
    text = "|".join(
        [
            number,
            old_id,
            name,
            born.strftime("%d%m%Y"),
            "Nam" if sex == "male" else "Nữ",
            address,
            issued.strftime("%d%m%Y"),
        ]
    )
    expected: dict[str, object] = {
        "cccd": number,
        "old_id": old_id or None,
        "full_name": name,
        "date_of_birth": born.isoformat(),
        "sex": sex,
        "address": address,
        "issue_date": issued.isoformat(),
    }
    return text, expected


@given(_card(), st.sampled_from(["NFC", "NFD"]))
def test_a_well_formed_card_reads_back_exactly(
    card: tuple[str, dict[str, object]], form: str
) -> None:
    text, expected = card
    result = parse_cccd_qr(unicodedata.normalize(form, text), TODAY)  # type: ignore[arg-type]
    assert result.problems == ()
    assert {f: getattr(result, f) for f in FIELDS} == expected
