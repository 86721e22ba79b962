"""Merge properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sync.merge import json_equal, merge_fields

S, C1, C2 = (
    "000000000001000-00000-server",
    "000000000002000-00000-0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11",
    "000000000003000-00000-0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11",
)
ids = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=5)
vals = st.none() | st.integers(0, 3) | st.sampled_from(["x", "y"])
RULES = {"f": "lww", "g": "identity", "m": "union", "s": "server"}


@given(ids, ids, ids)
def test_union_keeps_additions_and_honours_removals(
    b: list[str], c: list[str], p: list[str]
) -> None:
    out = merge_fields({"m": b}, {"m": c}, {"m": S}, {"m": p}, C1, RULES)
    merged = set(out.values["m"])
    assert (set(c) - set(b)) <= merged and (set(p) - set(b)) <= merged
    assert not merged & ((set(b) - set(c)) | (set(b) - set(p)))
    assert out.values["m"] == sorted(merged) or out.outcomes["m"] in ("noop", "kept")


@given(vals, vals, vals)
def test_no_concurrent_change_always_applies(b: object, p: object, _unused: object) -> None:
    out = merge_fields({"f": b, "g": b}, {"f": b, "g": b}, {}, {"f": p, "g": p}, C1, RULES)
    assert out.verdict == "applied"
    assert json_equal(out.values["f"], p) and json_equal(out.values["g"], p)


@given(vals, vals, vals)
def test_server_fields_never_take_a_client_value(b: object, c: object, p: object) -> None:
    out = merge_fields({"s": b}, {"s": c}, {"s": S}, {"s": p}, C2, RULES)
    assert json_equal(out.values["s"], c)


@given(vals, vals, vals)
def test_identity_fields_never_change_under_concurrency(b: object, c: object, p: object) -> None:
    out = merge_fields({"g": b}, {"g": c}, {"g": S}, {"g": p}, C2, RULES)
    if not json_equal(b, c):
        assert json_equal(out.values["g"], c)
        assert (out.verdict == "conflict") == (not json_equal(p, b) and not json_equal(p, c))


@given(vals, vals, vals)
def test_lww_result_is_the_value_with_the_later_clock(b: object, c: object, p: object) -> None:
    early = merge_fields({"f": b}, {"f": c}, {"f": C2}, {"f": p}, C1, RULES)
    late = merge_fields({"f": b}, {"f": c}, {"f": C1}, {"f": p}, C2, RULES)
    if not json_equal(b, c) and not json_equal(p, b):
        assert json_equal(early.values["f"], c)
        assert json_equal(late.values["f"], p)


def test_json_equal_distinguishes_booleans_from_integers() -> None:
    assert not json_equal(True, 1)
    assert not json_equal(0, False)
    assert json_equal({"a": [1, None]}, {"a": [1, None]})
    assert not json_equal([1, 2], [2, 1])
