"""HLC properties: monotonicity and string order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.errors import ClockDrift
from sync.hlc import MAX_DRIFT_MS, Hlc, format_hlc, parse_hlc, receive, tick

NODE = "0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11"
nodes = st.sampled_from([NODE, "server", "f3a9e0d4-11b2-4c6e-8e7a-5d4c3b2a1f00"])
ms = st.integers(0, 10**13)
clocks = st.builds(Hlc, ms, st.integers(0, 99_999), nodes)


@given(clocks)
def test_format_parse_round_trip(h: Hlc) -> None:
    assert parse_hlc(format_hlc(h)) == h


@given(clocks, clocks)
def test_string_order_equals_clock_order(a: Hlc, b: Hlc) -> None:
    assert (format_hlc(a) < format_hlc(b)) == (a < b)


@given(clocks, ms)
def test_tick_is_strictly_monotonic_and_never_behind_wall_clock(local: Hlc, now: int) -> None:
    t = tick(local, now)
    assert t > local
    assert t.ms >= now
    assert t.node == local.node


@given(clocks, clocks, ms)
def test_receive_exceeds_both_clocks(local: Hlc, remote: Hlc, now: int) -> None:
    if remote.ms - now > MAX_DRIFT_MS:
        with pytest.raises(ClockDrift):
            receive(local, remote, now)
        return
    r = receive(local, remote, now)
    assert r > local
    assert (r.ms, r.counter) > (remote.ms, remote.counter)
    assert r.node == local.node
