"""Runs sync/vectors/hashing.json against the Python core (SPEC §HASH)."""

from __future__ import annotations

from typing import Any

import pytest

from sync.hashing import GENESIS, sha256_hex

from .conftest import case_ids, load_vectors

CASES = load_vectors("hashing")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_hashing_vector(case: dict[str, Any]) -> None:
    if case["op"] == "genesis":
        assert case["expected"] == GENESIS
    else:
        assert case["op"] == "sha256_hex"
        assert sha256_hex(bytes.fromhex(case["input_hex"])) == case["expected"]
