"""Runs sync/vectors/hlc.json against the Python core."""

from __future__ import annotations

from typing import Any

import pytest

from sync.errors import HlcError
from sync.hlc import Hlc, compare, format_hlc, parse_hlc, receive, server_receive, tick

from .conftest import case_ids, load_vectors

CASES = load_vectors("hlc")


def _run(case: dict[str, Any]) -> object:
    op = case["op"]
    if op == "parse":
        h = parse_hlc(case["input"])
        return {"ms": h.ms, "counter": h.counter, "node": h.node}
    if op == "format":
        return format_hlc(Hlc(case["ms"], case["counter"], case["node"]))
    if op == "compare":
        return compare(case["a"], case["b"])
    if op == "tick":
        return format_hlc(tick(parse_hlc(case["local"]), case["now_ms"]))
    if op == "server_receive":
        return format_hlc(server_receive(parse_hlc(case["local"]), parse_hlc(case["remote"]),
                                         case["now_ms"]))
    assert op == "receive"
    return format_hlc(receive(parse_hlc(case["local"]), parse_hlc(case["remote"]), case["now_ms"]))


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_hlc_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(HlcError) as info:
            _run(case)
        assert info.value.code == case["error"]
    else:
        assert _run(case) == case["expected"]


def test_string_order_matches_compare_for_every_pair_in_the_vectors() -> None:
    clocks = [c["input"] for c in CASES if c["op"] == "parse" and "expected" in c]
    clocks += [c[k] for c in CASES if c["op"] == "compare" for k in ("a", "b")]
    for a in clocks:
        for b in clocks:
            assert compare(a, b) == (a > b) - (a < b)
