"""Runs sync/vectors/cccd_qr.json against the Python core (the TS twin runs the same file)."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync.cccd_qr import FIELDS, parse_cccd_qr
from tests.contract.conftest import case_ids, load_vectors

CASES = load_vectors("cccd_qr")
SPEC = Path(__file__).resolve().parents[2] / "sync" / "SPEC-identity.md"


def _as_json(text: str, today: str) -> dict[str, Any]:
    result = parse_cccd_qr(text, date.fromisoformat(today))
    out: dict[str, Any] = {f: getattr(result, f) for f in FIELDS}
    out["problems"] = [dataclasses.asdict(p) for p in result.problems]
    return out


def test_every_rule_cited_by_a_vector_is_defined_in_the_spec() -> None:
    spec = SPEC.read_text(encoding="utf-8")
    for rule in {case["rule"] for case in CASES}:
        assert f"**{rule}**" in spec, rule
    assert {case["rule"] for case in CASES} == {f"QR{n}" for n in range(1, 8)}


def test_the_vectors_carry_decomposed_names() -> None:
    texts = [case["input"]["text"] for case in CASES]
    assert any(t != unicodedata.normalize("NFC", t) for t in texts)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_cccd_qr_vector(case: dict[str, Any]) -> None:
    assert _as_json(case["input"]["text"], case["input"]["today"]) == case["expected"], case[
        "comment"
    ]


def test_every_output_string_is_nfc() -> None:
    for case in CASES:
        result = _as_json(case["input"]["text"], case["input"]["today"])
        for field in FIELDS:
            value = result[field]
            assert value is None or value == unicodedata.normalize("NFC", value), case["id"]
