"""Runs sync/vectors/text.json against the Python core (SPEC §TXT)."""

from __future__ import annotations

from typing import Any

import pytest

from sync.text import TEXT_LIMITS, find_bad_text, text_issue

from .conftest import case_ids, load_vectors

CASES = load_vectors("text")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_text_vector(case: dict[str, Any]) -> None:
    op = case["op"]
    if op == "check":
        found = text_issue(case["input"])
        got = None if found is None else {"code": found.code, "index": found.index}
    elif op == "find":
        found = find_bad_text(case["input"])
        got = None if found is None else {"code": found.code, "index": found.index,
                                          "path": found.path}
    else:
        assert op == "limits"
        got = dict(TEXT_LIMITS)
    assert got == case["expected"]


def test_every_rule_has_a_case() -> None:
    assert {c["rule"] for c in CASES} == {"TXT1", "TXT2", "TXT3", "TXT4"}
