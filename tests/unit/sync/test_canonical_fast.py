"""The fast path of `parse_canonical` (msgspec parse + sorted encode) must decide exactly as the
checked path (stdlib parse, profile walk, RFC 8785 comparison): same value on success, same
error code on failure. These tests compare the two on generated and hand-picked inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import canonical
from sync.canonical import INT_MAX, MAX_DEPTH, parse_canonical, parse_json
from sync.errors import CanonicalError


def checked_path(data: bytes) -> Any:
    """The reference: what parse_canonical did before the fast path existed."""
    value = parse_json(data)
    if canonical.canonical_bytes(value) != data:
        raise CanonicalError("not canonical", code="not_canonical")
    return value


def outcome(fn: Any, data: bytes) -> tuple[str, Any]:
    try:
        return "ok", fn(data)
    except CanonicalError as exc:
        return "error", exc.code


def test_msgspec_escapes_every_bmp_character_as_rfc8785_does() -> None:
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        text = chr(cp)
        assert canonical._FAST_ENCODE(text) == rfc8785.dumps(text), hex(cp)


def test_msgspec_sorts_keys_as_rfc8785_does_in_the_bmp() -> None:
    keys = ["b", "a", "B", "_", "a_b", "aa", "é", "ạ", "\u00ff", "\u0100", "\uffff", "Z9", ""]
    value = {k: i for i, k in enumerate(keys)}
    assert canonical._FAST_ENCODE(value) == rfc8785.dumps(value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet=st.characters(codec="utf-8"), max_size=6), inner,
                      max_size=4),
    max_leaves=20,
)


@settings(max_examples=400)
@given(json_values)
def test_fast_and_checked_paths_agree_on_canonical_and_near_canonical_text(value: Any) -> None:
    variants = [
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(),
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
        json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True).encode(),
        json.dumps(value, ensure_ascii=False, sort_keys=True).encode(),
    ]
    for data in variants:
        assert outcome(parse_canonical, data) == outcome(checked_path, data), data


@pytest.mark.parametrize("data", [
    b'{"a":1,"a":2}', b'{"a":2}', b"[1.0]", b"[1.5]", b"1e2", b"-0", b"NaN", b"[Infinity]",
    b'"\\ud800"', b'"\\udc00x"', b'"\\ud83d\\ude00"', "\"😀\"".encode(), b'"\\u00e9"',
    "\"é\"".encode(), "\"e\u0301\"".encode(), "\"\u212b\"".encode(), b'"\xed\xa0\x80"',
    b"\xff", b'"\\u001f"', b'"\\u001F"', b'"\\n"', b'"\\/"', b'"\x7f"', b"[1,]", b" {} ",
    str(INT_MAX).encode(), str(INT_MAX + 1).encode(), str(-INT_MAX - 1).encode(),
    b"1" * 40, b"\xef\xbb\xbf{}", b"{}x", b"[]", b"{}", b"null", b"true", b'""',
    b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    b"[" * 5000 + b"]" * 5000, b'{"\\u00e9":1}', '{"é":1,"z":2}'.encode(),
    '{"z":2,"é":1}'.encode(), '{"\U0001f600":1,"\uffff":2}'.encode(),
    '{"\uffff":2,"\U0001f600":1}'.encode(),
])
def test_fast_and_checked_paths_agree_on_edge_cases(data: bytes) -> None:
    assert outcome(parse_canonical, data) == outcome(checked_path, data)


def checked_bytes(value: Any) -> tuple[str, Any]:
    """The reference for `canonical_bytes`: profile walk, then the RFC 8785 library."""
    try:
        canonical.check_profile(value)
    except CanonicalError as exc:
        return "error", exc.code
    return "ok", rfc8785.dumps(value)


@settings(max_examples=400)
@given(json_values)
def test_canonical_bytes_fast_path_equals_rfc8785(value: Any) -> None:
    try:
        got: tuple[str, Any] = ("ok", canonical.canonical_bytes(value))
    except CanonicalError as exc:
        got = ("error", exc.code)
    assert got == checked_bytes(value)


@pytest.mark.parametrize("value", [
    {"😀": 1, "\uffff": 2}, ["e\u0301"], [1.0], (1, 2), {"a": (1,)}, [INT_MAX + 1],
    ["\ud800"], {1: 2}, [[[]]] , {"b": None, "a": True, "é": "ạ"}, "\u001f\x7f",
])
def test_canonical_bytes_fast_path_on_hand_picked_values(value: Any) -> None:
    try:
        got: tuple[str, Any] = ("ok", canonical.canonical_bytes(value))
    except CanonicalError as exc:
        got = ("error", exc.code)
    assert got == checked_bytes(value)
