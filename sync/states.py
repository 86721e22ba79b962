"""Dossier state machine, mirroring the national public-service portal (SPEC §ST).

Pure data plus one function, :func:`transition`. Which states pause or stop the legal
deadline clock is data too (:data:`CLOCK`), used with :mod:`sync.working_days`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from sync.errors import ActorNotAllowed, IllegalTransition, StateError

State = Literal[
    "draft",
    "submitted",
    "received",
    "not_received",
    "processing",
    "supplement_requested",
    "done",
    "result_returned",
    "withdrawn",
    "stopped",
]
Action = Literal[
    "submit",
    "receive",
    "refuse",
    "start",
    "request_supplement",
    "supplement",
    "approve",
    "reject",
    "return_result",
    "withdraw",
    "stop",
]
Actor = Literal["volunteer", "officer", "system"]
Outcome = Literal["approved", "rejected"]
ClockState = Literal["not_started", "running", "paused", "ended"]

# One list of names: the tuples are read off the Literal types, in declaration order.
STATES: Final[tuple[State, ...]] = get_args(State)
ACTIONS: Final[tuple[Action, ...]] = get_args(Action)
ACTORS: Final[tuple[Actor, ...]] = get_args(Actor)

LABELS_VI: Final[dict[State, str]] = {
    "draft": "Bản nháp",
    "submitted": "Đã nộp, chờ tiếp nhận",
    "received": "Đã tiếp nhận",
    "not_received": "Không tiếp nhận",
    "processing": "Đang xử lý",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "done": "Đã có kết quả",
    "result_returned": "Đã trả kết quả",
    "withdrawn": "Đã rút hồ sơ",
    "stopped": "Dừng xử lý",
}
LABELS_EN: Final[dict[State, str]] = {
    "draft": "Draft",
    "submitted": "Submitted, awaiting receipt",
    "received": "Received",
    "not_received": "Not received (refused at intake)",
    "processing": "Processing",
    "supplement_requested": "Supplement requested",
    "done": "Result ready",
    "result_returned": "Result returned",
    "withdrawn": "Withdrawn",
    "stopped": "Processing stopped",
}
ACTION_LABELS_VI: Final[dict[Action, str]] = {
    "submit": "nộp hồ sơ",
    "receive": "tiếp nhận",
    "refuse": "từ chối tiếp nhận",
    "start": "bắt đầu xử lý",
    "request_supplement": "yêu cầu bổ sung",
    "supplement": "bổ sung hồ sơ",
    "approve": "duyệt (có kết quả)",
    "reject": "từ chối giải quyết",
    "return_result": "trả kết quả",
    "withdraw": "rút hồ sơ",
    "stop": "dừng xử lý",
}


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[State]
    target: State
    actors: frozenset[Actor]
    outcome: Outcome | None = None


def _rule(
    sources: tuple[State, ...],
    target: State,
    actors: tuple[Actor, ...],
    outcome: Outcome | None = None,
) -> Rule:
    return Rule(frozenset(sources), target, frozenset(actors), outcome)


TRANSITIONS: Final[dict[Action, Rule]] = {
    "submit": _rule(("draft",), "submitted", ("volunteer",)),
    "receive": _rule(("submitted",), "received", ("officer",)),
    "refuse": _rule(("submitted",), "not_received", ("officer",)),
    "start": _rule(("received",), "processing", ("officer", "system")),
    "request_supplement": _rule(("processing",), "supplement_requested", ("officer",)),
    "supplement": _rule(("supplement_requested",), "processing", ("volunteer",)),
    "approve": _rule(("processing",), "done", ("officer",), "approved"),
    "reject": _rule(("processing",), "done", ("officer",), "rejected"),
    "return_result": _rule(("done",), "result_returned", ("volunteer", "officer")),
    "withdraw": _rule(
        ("draft", "submitted", "received", "processing", "supplement_requested"),
        "withdrawn",
        ("volunteer",),
    ),
    "stop": _rule(("received", "processing", "supplement_requested"), "stopped", ("officer",)),
}

TERMINAL: Final[frozenset[State]] = frozenset(
    {"not_received", "result_returned", "withdrawn", "stopped"}
)
CLOCK: Final[dict[State, ClockState]] = {
    "draft": "not_started",
    "submitted": "not_started",
    "received": "running",
    "processing": "running",
    "supplement_requested": "paused",
    "not_received": "ended",
    "done": "ended",
    "result_returned": "ended",
    "withdrawn": "ended",
    "stopped": "ended",
}


@dataclass(frozen=True, slots=True)
class Transition:
    """Result of a legal transition. ``outcome`` is set only by ``approve``/``reject``."""

    source: State
    action: Action
    target: State
    outcome: Outcome | None


def _as_state(value: str) -> State:
    for s in STATES:
        if s == value:
            return s
    raise StateError(f"Trạng thái không tồn tại / unknown state: {value!r}", code="unknown_state")


def _as_action(value: str) -> Action:
    for a in ACTIONS:
        if a == value:
            return a
    raise StateError(f"Thao tác không tồn tại / unknown action: {value!r}", code="unknown_action")


def _as_actor(value: str) -> Actor:
    for a in ACTORS:
        if a == value:
            return a
    raise StateError(f"Vai trò không tồn tại / unknown actor: {value!r}", code="unknown_actor")


def allowed_actions(state: str) -> tuple[Action, ...]:
    """Actions legal from ``state``, in :data:`ACTIONS` order (for UI menus)."""
    s = _as_state(state)
    return tuple(a for a in ACTIONS if s in TRANSITIONS[a].sources)


def transition(state: str, action: str, actor: str) -> Transition:
    """Apply ``action`` by ``actor`` to a dossier in ``state`` (ST3).

    Check order: ``unknown_state`` → ``unknown_action`` → ``unknown_actor`` →
    ``illegal_transition`` (action not allowed from this state, which includes every action
    from a terminal state) → ``actor_not_allowed``.
    """
    s = _as_state(state)
    a = _as_action(action)
    who = _as_actor(actor)
    rule = TRANSITIONS[a]
    if s not in rule.sources:
        raise IllegalTransition(
            f"Không thể «{ACTION_LABELS_VI[a]}» khi hồ sơ ở trạng thái «{LABELS_VI[s]}» / "
            f"action '{a}' is not allowed from state '{s}'"
        )
    if who not in rule.actors:
        raise ActorNotAllowed(
            f"Vai trò «{who}» không được «{ACTION_LABELS_VI[a]}» / "
            f"actor '{who}' may not perform '{a}'"
        )
    return Transition(s, a, rule.target, rule.outcome)
