"""Properties of the canonical JSON profile."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.canonical import INT_MAX, canonical_bytes, nfc, parse_canonical, parse_json
from sync.errors import CanonicalError

nfc_text = (
    st.text()
    .map(lambda s: unicodedata.normalize("NFC", s))
    .filter(lambda s: unicodedata.is_normalized("NFC", s))
)
scalars = st.none() | st.booleans() | st.integers(-INT_MAX, INT_MAX) | nfc_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nfc_text, inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_canonical_bytes_round_trip_through_parse_canonical(value: Any) -> None:
    data = canonical_bytes(value)
    assert parse_canonical(data) == value


@given(json_values)
def test_canonical_form_is_a_fixed_point(value: Any) -> None:
    data = canonical_bytes(value)
    assert canonical_bytes(parse_json(data)) == data


@given(json_values)
def test_pretty_printed_text_is_refused_unless_identical(value: Any) -> None:
    pretty = json.dumps(value, ensure_ascii=False, indent=1).encode()
    if pretty == canonical_bytes(value):
        assert parse_canonical(pretty) == value
    else:
        with pytest.raises(CanonicalError) as info:
            parse_canonical(pretty)
        assert info.value.code == "not_canonical"


@given(st.text())
def test_nfc_output_is_always_accepted(text: str) -> None:
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        return
    assert parse_canonical(canonical_bytes(nfc({"k": text})))["k"] == unicodedata.normalize(
        "NFC", text
    )


def test_python_float_is_refused_even_when_integral() -> None:
    with pytest.raises(CanonicalError) as info:
        canonical_bytes({"a": 1.0})
    assert info.value.code == "float_forbidden"


def test_non_string_keys_and_foreign_types_are_refused() -> None:
    with pytest.raises(CanonicalError) as info:
        canonical_bytes({1: "a"})
    assert info.value.code == "key_not_string"
    with pytest.raises(CanonicalError) as info:
        canonical_bytes({"a": b"bytes"})
    assert info.value.code == "not_json_type"


def test_decomposed_vietnamese_is_not_silently_normalised() -> None:
    with pytest.raises(CanonicalError) as info:
        canonical_bytes("Nguye\u0302\u0303n")
    assert info.value.code == "not_nfc"
    assert canonical_bytes(nfc("Nguye\u0302\u0303n")) == '"Nguyễn"'.encode()


def test_very_deep_input_reports_too_deep_not_recursion_error() -> None:
    with pytest.raises(CanonicalError) as info:
        parse_canonical(b"[" * 5000 + b"]" * 5000)
    assert info.value.code == "too_deep"
