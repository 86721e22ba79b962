"""Runs sync/vectors/mutations.json against the Python core."""

from __future__ import annotations

from typing import Any

import pytest

from sync.errors import SyncError
from sync.hashing import GENESIS
from sync.mutations import Mutation, check_chain, decode_signed_mutation, validate_mutation

from .conftest import case_ids, load_vectors

CASES = load_vectors("mutations")
FIELDS = ("v", "id", "device", "n", "prev", "hlc", "entity", "entity_id", "op", "base", "fields")


def _stub(n: int, prev: str) -> Mutation:
    # check_chain only reads n and prev; build a real Mutation around them.
    obj = {
        "v": 1,
        "id": "00000000-0000-4000-8000-000000000000",
        "device": "00000000-0000-4000-8000-000000000001",
        "n": n,
        "prev": prev if n > 1 else GENESIS,
        "hlc": "000000000000000-00000-00000000-0000-4000-8000-000000000001",
        "entity": "household",
        "entity_id": "00000000-0000-4000-8000-000000000002",
        "op": "create",
        "base": 0,
        "fields": {},
    }
    m = validate_mutation(obj)
    return Mutation(**{**{f: getattr(m, f) for f in m.__slots__}, "prev": prev})


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_mutation_vector(case: dict[str, Any]) -> None:
    if case["op"] == "chain":
        verdict = check_chain(case["last_n"], case["last_hash"], _stub(case["n"], case["prev"]))
        assert verdict.value == case["expected"]
        return
    args = (case["payload"], case["sig"], case["alg"], case["public_key"])
    if "error" in case:
        with pytest.raises(SyncError) as info:
            decode_signed_mutation(*args)
        assert info.value.code == case["error"]
        return
    m = decode_signed_mutation(*args)
    assert {f: getattr(m, f) for f in FIELDS} == case["expected"]
    assert m.hash == case["expected_hash"]
    assert m.payload == case["payload"].encode("utf-8")


def test_chain_of_valid_vectors_links_by_hash() -> None:
    first, second = CASES[0], CASES[1]
    assert second["expected"]["prev"] == first["expected_hash"]
