"""Writes sync/vectors/text.json (SPEC §TXT) from the Python core.

Run: .venv/bin/python tools/vectors/gen_text.py
The file is written with ASCII escapes so control characters and lone surrogates survive
editors and diffs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sync.text import TEXT_LIMITS, find_bad_text, text_issue  # noqa: E402

cases: list[dict[str, Any]] = []


def _id() -> str:
    return f"TXT-{len(cases) + 1:03d}"


def check(rule: str, comment: str, text: str) -> None:
    found = text_issue(text)
    expected = None if found is None else {"code": found.code, "index": found.index}
    cases.append({"id": _id(), "rule": rule, "op": "check", "comment": comment, "input": text,
                  "expected": expected})


def find(comment: str, value: Any) -> None:
    found = find_bad_text(value)
    expected = None if found is None else {"code": found.code, "index": found.index,
                                           "path": found.path}
    cases.append({"id": _id(), "rule": "TXT3", "op": "find", "comment": comment, "input": value,
                  "expected": expected})


check("TXT1", "plain Vietnamese text", "Giàng A Páo, bản Nậm Khăn")
check("TXT1", "empty string", "")
check("TXT1", "tab and newline are allowed", "dòng 1\n\tdòng 2\n")
check("TXT1", "NUL", "Lò\u0000Văn")
check("TXT1", "NUL at the start", "\u0000")
check("TXT1", "carriage return is refused", "dòng 1\r\ndòng 2")
for cp in (0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F):
    check("TXT1", f"C0 control U+{cp:04X}", f"ab{chr(cp)}")
check("TXT1", "U+0020 space is fine", " ")
check("TXT1", "DEL U+007F", "a\u007f")
check("TXT1", "C1 control U+0080", "a\u0080")
check("TXT1", "C1 control U+009F", "a\u009f")
check("TXT1", "U+00A0 no-break space is fine", "a\u00a0b")
check("TXT1", "U+2028 line separator is not a control character", "a\u2028b")
check("TXT1", "U+FEFF byte order mark is not a control character", "\ufeffa")
check("TXT1", "index counts code points: an astral character counts once", "𠀀𠀀\u0000")
check("TXT1", "the first offending character is reported", "a\u0001b\u0000")
check("TXT2", "lone high surrogate", "ab\ud800")
check("TXT2", "lone low surrogate", "\udc00")
check("TXT2", "a control character before a lone surrogate wins", "\u0007\ud800")
find("a bare good string", "Bản Nậm Khăn")
find("a bare bad string", "x\u0000")
find("numbers, booleans and null", [1, True, None, {"a": 2}])
find("a nested value", {"form_data": {"child_full_name": "Giàng\u0000A"}})
find("keys are checked too", {"form_data": {"a\u0001": "ok"}})
find("keys in UTF-16 order, key before value",
     {"b": "x\u0002", "a": {"c\u0003": "y\u0004"}})
find("array positions in the path", {"components": {"giay": ["ok", "bad\u001b"]}})
find("nothing wrong in a deep value", {"a": [{"b": ["c", {"d": "e\n\t"}]}]})
find("first of two bad strings by key order", {"z": "\u0000", "m": "\u007f"})
cases.append({"id": _id(), "rule": "TXT4", "op": "limits",
              "comment": "maximum lengths (code points) of member and household text fields",
              "expected": dict(TEXT_LIMITS)})

doc = {
    "description": "The text rule. op=check: text_issue(input) → {code, index} or null; op=find: "
                   "find_bad_text(input) → {code, index, path} or null; op=limits: TEXT_LIMITS.",
    "spec": "sync/SPEC.md#txt-text-fields",
    "cases": cases,
}
out = ROOT / "sync" / "vectors" / "text.json"
out.write_text(json.dumps(doc, ensure_ascii=True, indent=2) + "\n", encoding="utf-8")
print(out.relative_to(ROOT), len(cases))
