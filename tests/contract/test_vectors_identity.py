"""Runs sync/vectors/identity.json against the Python core (the TS twin runs the same file)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync.identity import (
    ISSUE_MESSAGES,
    check_cccd,
    check_phone,
    matches,
    normalise_name,
    normalise_phone,
    search_key,
)

VECTORS = Path(__file__).resolve().parents[2] / "sync" / "vectors" / "identity.json"
DOC: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DOC["cases"]


def _run(op: str, args: dict[str, Any]) -> object:
    if op == "check_cccd":
        dob = args["date_of_birth"]
        issues = check_cccd(
            args["cccd"], date.fromisoformat(dob) if dob is not None else None, args["sex"]
        )
        return [issue.code for issue in issues]
    if op == "check_phone":
        return [issue.code for issue in check_phone(args["normalised"])]
    if op == "normalise_phone":
        return normalise_phone(args["text"])
    if op == "normalise_name":
        return normalise_name(args["text"])
    if op == "search_key":
        return search_key(args["text"])
    if op == "matches":
        return matches(args["query"], args["text"])
    if op == "messages":
        return {code: list(texts) for code, texts in ISSUE_MESSAGES.items()}
    raise AssertionError(f"unknown op {op!r}")


def test_vector_file_has_the_shared_shape() -> None:
    assert DOC["spec"].startswith("sync/SPEC-identity.md")
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    ops = {case["op"] for case in CASES}
    assert ops == {
        "check_cccd",
        "check_phone",
        "normalise_phone",
        "normalise_name",
        "search_key",
        "matches",
        "messages",
    }


def test_every_rule_cited_by_a_vector_is_defined_in_the_spec() -> None:
    spec = (VECTORS.parents[1] / "SPEC-identity.md").read_text(encoding="utf-8")
    for rule in {case["rule"] for case in CASES}:
        assert f"**{rule}**" in spec, rule


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_identity_vector(case: dict[str, Any]) -> None:
    assert _run(case["op"], case["input"]) == case["expected"], case["comment"]
