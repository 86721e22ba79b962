"""Runs sync/vectors/merge.json against the Python core."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from sync.errors import SyncError
from sync.merge import Conflict, merge_fields, resolve_conflict

from .conftest import case_ids, load_vectors

CASES = load_vectors("merge")


def _run(case: dict[str, Any]) -> object:
    if case["op"] == "resolve":
        values, clocks = resolve_conflict(
            Conflict(**case["conflict"]),
            case["current"],
            case["current_clocks"],
            case["chosen"],
            case["resolver_hlc"],
        )
        return {"values": values, "clocks": clocks}
    o = merge_fields(
        case["base"],
        case["current"],
        case["current_clocks"],
        case["proposed"],
        case["proposed_hlc"],
        case["rules"],
        case["default_rule"],
    )
    return {
        "values": o.values,
        "clocks": o.clocks,
        "verdict": o.verdict,
        "outcomes": o.outcomes,
        "applied": o.applied,
        "losers": [dataclasses.asdict(x) for x in o.losers],
        "conflicts": [dataclasses.asdict(x) for x in o.conflicts],
        "rejected": o.rejected,
    }


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_merge_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(SyncError) as info:
            _run(case)
        assert info.value.code == case["error"]
    else:
        assert _run(case) == case["expected"]


def test_every_rule_and_verdict_is_covered() -> None:
    merges = [c for c in CASES if c["op"] == "merge" and "expected" in c]
    verdicts = {c["expected"]["verdict"] for c in merges}
    assert verdicts == {"applied", "merged", "conflict", "rejected"}
    used = {c["rules"].get(f, c["default_rule"]) for c in merges for f in c["proposed"]}
    assert used >= {"identity", "lww", "union", "server"}
