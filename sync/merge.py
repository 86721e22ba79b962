"""Three-way per-field merge (SPEC §MRG). Pure: no clock, no storage.

Inputs are the field values at the client's ``base`` version, the server's ``current``
values with the HLC of the last write to each field, and the client's ``proposed`` changed
fields stamped with one ``proposed_hlc``. A field missing from a mapping is the same as
``null`` (MRG2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from sync.errors import ConflictStale, MergeError
from sync.hlc import SERVER_NODE, Hlc, parse_hlc

Rule = Literal["identity", "lww", "union", "server"]
RULES: Final[tuple[Rule, ...]] = ("identity", "lww", "union", "server")
FieldOutcome = Literal[
    "noop", "kept", "applied", "lww_won", "lww_lost", "union", "conflict", "rejected"
]
Verdict = Literal["applied", "merged", "conflict", "rejected"]

# Rules whose stored value is always exactly one writer's value, so that the field's clock names
# the writer of the value in force (MRG11). A union value mixes writers: its clock does not.
_SELF_RULES: Final = frozenset({"identity", "lww"})
_EFFECTIVE: Final = frozenset({"applied", "lww_won", "lww_lost", "union"})
_MERGED: Final = frozenset({"kept", "lww_won", "lww_lost", "union"})


@dataclass(frozen=True, slots=True)
class Loser:
    """A value that lost a last-writer-wins race; kept for the audit log."""

    field: str
    losing_value: Any
    winning_value: Any
    losing_hlc: str | None
    winning_hlc: str | None
    rule: Rule


@dataclass(frozen=True, slots=True)
class Conflict:
    """An open conflict: a person must choose. ``current`` stays in force meanwhile."""

    field: str
    base: Any
    current: Any
    proposed: Any
    current_hlc: str | None
    proposed_hlc: str


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    values: dict[str, Any]
    """``current`` with every applied/merged field set (new value may be ``None``)."""
    clocks: dict[str, str]
    """``current_clocks`` with the clock of every written field advanced."""
    verdict: Verdict
    outcomes: dict[str, FieldOutcome]
    applied: list[str] = field(default_factory=list)
    losers: list[Loser] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    @property
    def changed(self) -> dict[str, Any]:
        """Fields whose stored value the merge changes (for the new version's diff)."""
        return {
            f: self.values[f]
            for f, o in self.outcomes.items()
            if o in ("applied", "lww_won", "union")
        }


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-be")


def json_equal(a: Any, b: Any) -> bool:
    """JSON value equality (MRG2): same JSON type — so ``true`` ≠ ``1`` although Python says
    otherwise — objects member-wise regardless of order, arrays element-wise in order,
    strings exactly (no normalisation). ``None`` is ``null``.
    """
    kind = type(a)
    if kind is type(b) and (kind is str or kind is int or a is None):  # the common case
        return bool(a == b)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (dict, list, tuple)) or isinstance(b, (dict, list, tuple)):
        return False
    return type(a) is type(b) and bool(a == b)


def _union_list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MergeError(
            f"Trường «{name}» phải là danh sách chuỗi / union field '{name}' must be a list "
            "of strings or null",
            code=f"bad_union_value:{name}",
        )
    return sorted(set(value), key=_utf16)


def _union3(base: list[str], current: list[str], proposed: list[str]) -> list[str]:
    b, c, p = set(base), set(current), set(proposed)
    # Keep what both sides kept, plus each side's additions; a removal on either side wins.
    return sorted((b & c & p) | (c - b) | (p - b), key=_utf16)


def _later(proposed_hlc: str, current_hlc: str | None) -> bool:
    return current_hlc is None or parse_hlc(proposed_hlc) > parse_hlc(current_hlc)


def _follows_own_write(proposed: Hlc, current_hlc: str | None) -> bool:
    """MRG11: the value in force was written by the proposing device itself, earlier.

    A device's writes are totally ordered by its chain and its clock only moves forward, so a
    later clock on the same device node causally follows that write. ``server`` is not one
    writer (every officer, every worker process) and never counts as "self".
    """
    if current_hlc is None or proposed.node == SERVER_NODE:
        return False
    current = parse_hlc(current_hlc)
    return current.node == proposed.node and proposed > current


def _max_clock(a: str | None, b: str) -> str:
    return b if a is None or parse_hlc(b) > parse_hlc(a) else a


def merge_fields(
    base: Mapping[str, Any],
    current: Mapping[str, Any],
    current_clocks: Mapping[str, str],
    proposed: Mapping[str, Any],
    proposed_hlc: str,
    rules: Mapping[str, str],
    default_rule: str = "lww",
) -> MergeOutcome:
    """Merge ``proposed`` into ``current`` field by field (MRG3–MRG9, MRG11).

    Fields are processed in UTF-16 order of their names; the result does not depend on it.
    Raises :class:`MergeError` for an unknown rule name (``bad_rule:<field>``) or a non-list
    union value (``bad_union_value:<field>``), and :class:`~sync.errors.HlcError`
    (``bad_hlc``) for a malformed ``proposed_hlc`` or a malformed current clock that a rule reads.
    """
    p_hlc = parse_hlc(proposed_hlc)
    values = dict(current)
    clocks = dict(current_clocks)
    outcomes: dict[str, FieldOutcome] = {}
    applied: list[str] = []
    losers: list[Loser] = []
    conflicts: list[Conflict] = []
    rejected: list[str] = []

    for name in sorted(proposed, key=_utf16):
        rule = rules.get(name, default_rule)
        if rule not in RULES:
            raise MergeError(
                f"Quy tắc gộp không tồn tại / unknown merge rule {rule!r}", code=f"bad_rule:{name}"
            )
        b: Any = base.get(name)
        c: Any = current.get(name)
        p: Any = proposed[name]
        c_hlc = current_clocks.get(name)
        if rule == "union":
            b, c, p = _union_list(name, b), _union_list(name, c), _union_list(name, p)
        elif rule in _SELF_RULES and _follows_own_write(p_hlc, c_hlc):
            # MRG11: the device's own earlier write is not a concurrent change; the proposal
            # is merged as if that write were its base.
            b = c

        outcome: FieldOutcome
        if json_equal(p, c):
            outcome = "noop"
        elif json_equal(p, b):
            outcome = "kept"  # the client did not change it; the server's newer value stands
        elif rule == "server":
            outcome = "rejected"
            rejected.append(name)
        elif json_equal(c, b):
            outcome = "applied"
            values[name] = p
            clocks[name] = proposed_hlc
            applied.append(name)
        elif rule == "identity":
            outcome = "conflict"
            conflicts.append(Conflict(name, b, c, p, c_hlc, proposed_hlc))
        elif rule == "lww":
            if _later(proposed_hlc, c_hlc):
                outcome = "lww_won"
                values[name] = p
                clocks[name] = proposed_hlc
                losers.append(Loser(name, c, p, c_hlc, proposed_hlc, "lww"))
            else:
                outcome = "lww_lost"
                losers.append(Loser(name, p, c, proposed_hlc, c_hlc, "lww"))
        else:  # union, with a concurrent change on both sides
            outcome = "union"
            values[name] = _union3(b, c, p)
            clocks[name] = _max_clock(c_hlc, proposed_hlc)
        outcomes[name] = outcome

    kinds = set(outcomes.values())
    verdict: Verdict
    if "conflict" in kinds:
        verdict = "conflict"
    elif "rejected" in kinds and not kinds & _EFFECTIVE:
        verdict = "rejected"
    elif kinds & _MERGED:
        verdict = "merged"
    else:
        verdict = "applied"
    return MergeOutcome(values, clocks, verdict, outcomes, applied, losers, conflicts, rejected)


def resolve_conflict(
    conflict: Conflict,
    current: Mapping[str, Any],
    current_clocks: Mapping[str, str],
    chosen: Any,
    resolver_hlc: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Apply a person's choice for an open conflict (MRG10); returns new values and clocks.

    ``chosen`` may be the current value, the proposed one or a new value. The field's clock
    becomes ``resolver_hlc``. Raises :class:`ConflictStale` (``conflict_stale``) if the field
    changed since the conflict was opened, i.e. ``current[field] != conflict.current``: the
    person decided on values that are no longer the ones in force.
    """
    parse_hlc(resolver_hlc)
    if not json_equal(current.get(conflict.field), conflict.current):
        raise ConflictStale(
            f"Trường «{conflict.field}» đã thay đổi sau khi phát sinh xung đột / field "
            f"'{conflict.field}' changed since the conflict was opened"
        )
    values = dict(current)
    clocks = dict(current_clocks)
    values[conflict.field] = chosen
    clocks[conflict.field] = resolver_hlc
    return values, clocks
