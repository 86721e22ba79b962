"""Runs sync/vectors/canonical.json against the Python core (the TS twin runs the same file)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sync.canonical import canonical_bytes, nfc, parse_canonical, parse_json
from sync.errors import CanonicalError

from .conftest import case_ids, load_vectors

CASES = load_vectors("canonical")


def _run(case: dict[str, Any]) -> bytes | None:
    if case["op"] == "canonicalize":
        return canonical_bytes(parse_json(case["input_json"]))
    if case["op"] == "nfc":
        return canonical_bytes(nfc(json.loads(case["input_json"])))
    assert case["op"] == "parse_canonical"
    parse_canonical(bytes.fromhex(case["input_hex"]))
    return None


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_canonical_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(CanonicalError) as info:
            _run(case)
        assert info.value.code == case["error"]
    elif case["op"] == "parse_canonical":
        assert case["expected_ok"] is True
        _run(case)
    else:
        out = _run(case)
        assert out is not None and out.hex() == case["expected_hex"]
