"""RFC 8785 (JCS) canonical JSON with the Làng Số profile (SPEC §CAN).

Profile on top of RFC 8785:

* every string (values and keys) is NFC — non-NFC input is *refused* (``not_nfc``), never
  silently normalised, because the signer must have signed the normalised text;
* no non-integral numbers (``float_forbidden``); integers within ±(2**53 − 1)
  (``int_out_of_range``);
* no lone surrogates (``invalid_unicode``); nesting depth at most :data:`MAX_DEPTH`
  (``too_deep``).

``parse_canonical`` is how the server verifies "the exact bytes it received": the bytes must
parse, satisfy the profile *and* be byte-identical to their own canonical serialisation.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any, NoReturn

import msgspec
import rfc8785

from sync.errors import CanonicalError

INT_MAX = 2**53 - 1
INT_MIN = -INT_MAX
MAX_DEPTH = 32

# Precedence when a document has several violations (SPEC CAN9): lower index wins, so the
# reported code never depends on traversal order (JS objects reorder integer-like keys).
_PRECEDENCE = (
    "invalid_json",
    "too_deep",
    "not_json_type",
    "key_not_string",
    "float_forbidden",
    "int_out_of_range",
    "invalid_unicode",
    "not_nfc",
)

_MESSAGES = {
    "invalid_json": ("Dữ liệu không phải JSON UTF-8 hợp lệ", "data is not valid UTF-8 JSON"),
    "too_deep": (
        f"JSON lồng quá {MAX_DEPTH} cấp",
        f"JSON nested deeper than {MAX_DEPTH} levels",
    ),
    "not_json_type": ("Giá trị không thuộc kiểu JSON", "value is not a JSON type"),
    "key_not_string": ("Khoá của đối tượng phải là chuỗi", "object keys must be strings"),
    "float_forbidden": (
        "Không cho phép số thực (chỉ số nguyên)",
        "non-integral numbers are forbidden",
    ),
    "int_out_of_range": (
        "Số nguyên vượt quá ±(2^53−1)",
        "integer outside ±(2^53−1)",
    ),
    "invalid_unicode": (
        "Chuỗi chứa ký tự thay thế (surrogate) đơn lẻ",
        "string contains a lone surrogate",
    ),
    "not_nfc": ("Chuỗi chưa được chuẩn hoá NFC", "string is not in Unicode NFC"),
    "not_canonical": (
        "Dữ liệu không ở dạng chuẩn RFC 8785",
        "bytes are not the RFC 8785 canonical form",
    ),
    "duplicate_key": (
        "Hai khoá trùng nhau sau khi chuẩn hoá NFC",
        "two keys collide after NFC normalisation",
    ),
}

_SURROGATE = re.compile("[\ud800-\udfff]")


def _fail(code: str, detail: str = "") -> NoReturn:
    vi, en = _MESSAGES[code]
    suffix = f": {detail}" if detail else ""
    raise CanonicalError(f"{vi} / {en}{suffix}", code=code)


def _check_string(s: str, found: set[str]) -> None:
    if _SURROGATE.search(s):
        found.add("invalid_unicode")
    elif not unicodedata.is_normalized("NFC", s):
        found.add("not_nfc")


def _walk(value: Any, depth: int, found: set[str]) -> None:
    # Collect every violation kind; the caller reports the highest-precedence one.
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            found.add("int_out_of_range")
        return
    if isinstance(value, float):
        found.add("float_forbidden")
        return
    if isinstance(value, str):
        _check_string(value, found)
        return
    if isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH:
            found.add("too_deep")
            return
        for item in value:
            _walk(item, depth + 1, found)
        return
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            found.add("too_deep")
            return
        for key, item in value.items():
            if isinstance(key, str):
                _check_string(key, found)
            else:
                found.add("key_not_string")
            _walk(item, depth + 1, found)
        return
    found.add("not_json_type")


def check_profile(value: Any) -> None:
    """Raise :class:`CanonicalError` if ``value`` violates the profile (rules CAN2–CAN6, CAN9).

    Python ``float`` is always refused, even ``1.0``: Python distinguishes the types, and a
    float reaching the signer is a bug upstream.
    """
    found: set[str] = set()
    _walk(value, 0, found)
    for code in _PRECEDENCE:
        if code in found:
            _fail(code)


def canonical_bytes(value: Any) -> bytes:
    """The RFC 8785 serialisation of ``value`` after checking the profile.

    Accepts ``None``, ``bool``, ``int``, ``str``, ``list``/``tuple`` and ``dict`` with ``str``
    keys. Raises :class:`CanonicalError` (codes in SPEC §CAN) and never normalises.
    """
    # Fast path (receipts and the protocol-2 payload rebuilt for every pushed item): for a
    # value inside the profile whose text stays in the BMP, msgspec's sorted encoding IS the
    # RFC 8785 form (same argument as in parse_canonical). Anything else — tuples, floats,
    # characters beyond U+FFFF, profile violations — takes the checked path and its errors.
    if _in_profile(value, 0):
        fast = _FAST_ENCODE(value)
        if _NON_BMP.search(fast) is None:
            return fast
    check_profile(value)
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:  # pragma: no cover - profile check is stricter
        _fail("not_canonical", str(exc))


def canonical_text_of_checked(value: Any) -> str:
    """:func:`canonical_text` of a value already known to be inside the profile — what
    :func:`parse_canonical` returned, possibly extended by the caller with ASCII strings and
    integers within ±(2^53 − 1) at depth 1 — without walking it again (the protocol-2 push
    rebuilds every item's payload this way). Text beyond the BMP still takes the full path."""
    fast = _FAST_ENCODE(value)
    if _NON_BMP.search(fast) is None:
        return fast.decode("utf-8")
    return canonical_text(value)


def canonical_text(value: Any) -> str:
    """:func:`canonical_bytes` decoded as UTF-8 (the form carried in a push item's payload)."""
    return canonical_bytes(value).decode("utf-8")


def _parse_int(text: str) -> int:
    # Any literal with more than 16 digits is >= 10**16 > 2**53 (JSON forbids leading zeros);
    # answering early also avoids CPython's int-digit limit on absurd literals.
    if len(text.lstrip("-")) > 16:
        return INT_MAX + 1
    return int(text)


def _parse_float(text: str) -> int | float:
    # IEEE-754 double model (SPEC CAN3): the literal denotes the nearest double, exactly as
    # JSON.parse does, so "1.0" and "1e2" are the integers 1 and 100 (and then fail the
    # byte-identity check in parse_canonical, not the float check).
    f = float(text)
    if math.isfinite(f) and f.is_integer():
        return int(f)
    return f


def _reject_constant(name: str) -> NoReturn:
    _fail("invalid_json", f"literal {name}")


_LOADS: Callable[[str], Any] = json.JSONDecoder(
    parse_int=_parse_int, parse_float=_parse_float, parse_constant=_reject_constant
).decode


def parse_json(data: bytes | str) -> Any:
    """Parse JSON text leniently (any whitespace/order) and check the profile.

    Duplicate keys: the last occurrence wins, as with ``JSON.parse``. Numbers follow the
    IEEE-754 model of CAN3. Raises :class:`CanonicalError`.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            _fail("invalid_json", "not UTF-8")
    else:
        text = data
    try:
        value = _LOADS(text)
    except RecursionError:
        _fail("too_deep")
    except CanonicalError:
        raise
    except ValueError as exc:
        _fail("invalid_json", str(exc))
    check_profile(value)
    return value


def parse_canonical(data: bytes) -> Any:
    """Parse ``data`` and refuse it unless it is byte-identical to its canonical form (CAN8).

    Order: UTF-8 decode → JSON parse → profile check → byte comparison, each failing with
    its own code (``invalid_json`` … ``not_canonical``).
    """
    # Fast path (the push hot path): a C parser and a C serialiser. It only ever *accepts*:
    # whenever anything is off (parse error, profile violation, bytes that differ from the
    # re-serialisation, characters beyond U+FFFF) the checked path below runs from scratch
    # and decides, so error codes and their precedence (CAN9) are exactly the checked path's.
    # Soundness: for a value inside the profile (integers only, no lone surrogates, BMP
    # only), msgspec's sorted encoding equals the RFC 8785 bytes — its string escaping is
    # identical to RFC 8785 / json.dumps(ensure_ascii=False) for every BMP code point, and
    # code-point key order equals UTF-16 order in the BMP (tests/unit/test_canonical_fast.py).
    # Equality with ``data`` then proves ``data`` canonical, and the stdlib parse of canonical
    # text yields the same value (no duplicate keys, no floats, no exponents).
    if _NON_BMP.search(data) is None:
        try:
            value = _FAST_DECODE(data)
            if _in_profile(value, 0) and _FAST_ENCODE(value) == data:
                return value
        except (msgspec.DecodeError, ValueError, RecursionError):
            pass
    value = parse_json(data)
    # For values that passed the profile (integers only, no lone surrogates), json.dumps
    # with sorted keys produces the RFC 8785 bytes, except that it sorts keys by code point
    # instead of UTF-16 unit — which differ only with characters beyond U+FFFF (4-byte
    # UTF-8, lead byte >= 0xF0). Equality therefore proves canonical form; anything else
    # takes the full RFC 8785 comparison.
    if _NON_BMP.search(data) is None and _fast_dumps(value) == data:
        return value
    if canonical_bytes(value) != data:
        _fail("not_canonical")
    return value


# A lead byte of a 4-byte UTF-8 sequence (a character beyond U+FFFF), or an invalid byte.
_NON_BMP = re.compile(rb"[\xf0-\xff]")
_FAST_DECODE: Callable[[bytes], Any] = msgspec.json.Decoder().decode
_FAST_ENCODE: Callable[[Any], bytes] = msgspec.json.Encoder(order="sorted").encode


def _in_profile(value: Any, depth: int) -> bool:
    """True when :func:`check_profile` would accept ``value`` (same depth rule as
    :func:`_walk`); for the JSON types a parser produces. Never raises."""
    kind = type(value)
    if kind is str:
        text: str = value
        return text.isascii() or (
            _SURROGATE.search(text) is None and unicodedata.is_normalized("NFC", text)
        )
    if kind is int:
        number: int = value
        return INT_MIN <= number <= INT_MAX
    if kind is dict:
        if depth >= MAX_DEPTH:
            return False
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or (
                _SURROGATE.search(key) is None and unicodedata.is_normalized("NFC", key)
            )):
                return False
            if not _in_profile(item, depth + 1):
                return False
        return True
    if kind is list:
        if depth >= MAX_DEPTH:
            return False
        return all(_in_profile(item, depth + 1) for item in value)
    return value is None or kind is bool


def _fast_dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def nfc(value: Any) -> Any:
    """Return a copy of a JSON value with every string and key NFC-normalised.

    For clients preparing data before signing. Raises ``duplicate_key`` if two keys of one
    object become equal after normalisation. Tuples become lists.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, (list, tuple)):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key = unicodedata.normalize("NFC", key) if isinstance(key, str) else key
            if new_key in out:
                _fail("duplicate_key", repr(new_key))
            out[new_key] = nfc(item)
        return out
    return value
