"""Dossier state machine: messages and table invariants."""

from __future__ import annotations

import pytest

from sync.errors import IllegalTransition
from sync.states import (
    ACTIONS,
    CLOCK,
    LABELS_VI,
    STATES,
    TERMINAL,
    TRANSITIONS,
    allowed_actions,
    transition,
)


def test_illegal_transition_message_names_state_and_action_in_both_languages() -> None:
    with pytest.raises(IllegalTransition) as info:
        transition("done", "approve", "officer")
    msg = info.value.message
    assert info.value.code == "illegal_transition"
    assert LABELS_VI["done"] in msg and "'done'" in msg and "'approve'" in msg
    assert msg.index("Không thể") < msg.index("not allowed")


def test_terminal_states_allow_no_action_and_end_the_clock() -> None:
    for s in TERMINAL:
        assert allowed_actions(s) == ()
        assert CLOCK[s] == "ended"


def test_every_state_is_reachable_from_draft() -> None:
    seen, todo = {"draft"}, ["draft"]
    while todo:
        s = todo.pop()
        for a in ACTIONS:
            rule = TRANSITIONS[a]
            if s in rule.sources and rule.target not in seen:
                seen.add(rule.target)
                todo.append(rule.target)
    assert seen == set(STATES)


def test_only_supplement_requested_pauses_the_clock() -> None:
    assert [s for s in STATES if CLOCK[s] == "paused"] == ["supplement_requested"]
