"""The text rule every free-text field obeys, on the server and in the PWA (SPEC §TXT).

Why: NUL cannot be stored in PostgreSQL text or JSONB, and other control characters are never
typed by a person — they come from broken clients or hostile input and corrupt exports, logs and
printed certificates. One rule, run before anything is written, keeps both databases and every
screen in agreement. Checks never raise: they return the first issue or ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

# TXT1: the only control characters a person types into a text box.
ALLOWED_CONTROLS: Final = frozenset({0x09, 0x0A})

# TXT4: the one definition of the maximum length (code points) of each member and household
# text field; the server's columns are this wide and the PWA's member form uses the same numbers.
TEXT_LIMITS: Final[Mapping[str, int]] = {
    "household.address": 300,
    "household.notes": 2000,
    "member.full_name": 120,
    "member.ethnicity": 40,
    "member.notes": 2000,
}

MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    "control_char": (
        "Không được chứa ký tự điều khiển (chỉ cho phép xuống dòng và tab).",
        "Must not contain control characters (only newline and tab are allowed).",
    ),
    "lone_surrogate": (
        "Chứa ký tự Unicode không hợp lệ.",
        "Contains an invalid Unicode character (a lone surrogate).",
    ),
}


@dataclass(frozen=True, slots=True)
class TextIssue:
    """``index`` counts code points from the start of the offending string; ``path`` names
    where that string sits in a JSON value (``""`` for the value itself, SPEC TXT3)."""

    code: str
    index: int
    path: str = ""

    @property
    def message_vi(self) -> str:
        return MESSAGES[self.code][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1]


def is_forbidden(code_point: int) -> bool:
    """TXT1: C0 controls except tab and newline, DEL and the C1 controls."""
    if code_point < 0x20:
        return code_point not in ALLOWED_CONTROLS
    return 0x7F <= code_point <= 0x9F


# TXT1 and TXT2 as one character class: the check runs on every string of every pushed
# mutation, so it runs at C speed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def text_issue(text: str) -> TextIssue | None:
    """TXT1/TXT2: the first forbidden code point of ``text``, or ``None``."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    code = "lone_surrogate" if ord(found.group()) >= 0xD800 else "control_char"
    return TextIssue(code, found.start())


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _any_bad(value: object) -> bool:
    if isinstance(value, str):
        return _FORBIDDEN.search(value) is not None
    if isinstance(value, Mapping):
        return any((isinstance(k, str) and _FORBIDDEN.search(k) is not None) or _any_bad(v)
                   for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_any_bad(item) for item in value)
    return False


def find_bad_text(value: object, path: str = "") -> TextIssue | None:
    """TXT3: the first string (object key or value) inside a JSON value that breaks the rule.

    Objects are walked in UTF-16 order of their keys, each key before its value; arrays in
    order. Paths join keys with ``.`` and indices as ``[i]``."""
    # Nearly every value is clean: one unordered pass answers that without sorting keys.
    return _first_bad(value, path) if _any_bad(value) else None


def _first_bad(value: object, path: str) -> TextIssue | None:
    if isinstance(value, str):
        found = text_issue(value)
        return None if found is None else TextIssue(found.code, found.index, path)
    if isinstance(value, Mapping):
        for key in sorted((k for k in value if isinstance(k, str)), key=_utf16):
            inner = f"{path}.{key}" if path else key
            found = text_issue(key)
            if found is not None:
                return TextIssue(found.code, found.index, inner)
            found = _first_bad(value[key], inner)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _first_bad(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None
