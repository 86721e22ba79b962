"""Runs sync/vectors/states.json against the Python core."""

from __future__ import annotations

from typing import Any

import pytest

from sync.errors import StateError
from sync.states import (
    ACTIONS,
    CLOCK,
    LABELS_EN,
    LABELS_VI,
    STATES,
    TERMINAL,
    allowed_actions,
    transition,
)

from .conftest import case_ids, load_vectors

CASES = load_vectors("states")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_state_vector(case: dict[str, Any]) -> None:
    if case["op"] == "describe":
        s = case["state"]
        assert case["expected"] == {
            "label_vi": LABELS_VI[s],
            "label_en": LABELS_EN[s],
            "terminal": s in TERMINAL,
            "clock": CLOCK[s],
            "actions": list(allowed_actions(s)),
        }
        return
    if "error" in case:
        with pytest.raises(StateError) as info:
            transition(case["state"], case["action"], case["actor"])
        assert info.value.code == case["error"]
    else:
        t = transition(case["state"], case["action"], case["actor"])
        assert {"state": t.target, "outcome": t.outcome} == case["expected"]


def test_vectors_cover_every_state_action_pair() -> None:
    pairs = {(c["state"], c["action"]) for c in CASES if c["rule"] == "ST3"}
    assert pairs == {(s, a) for s in STATES for a in ACTIONS}
