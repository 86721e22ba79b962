"""RES1 time text: the hand-written formatter and parser agree with the standard library's
strftime/strptime for every millisecond from 1970 to 9999, and refuse what is not a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.result_record import EPOCH, BadRecord, parse_rfc3339_ms, rfc3339_ms

LAST_MS = 253402300799999  # 9999-12-31T23:59:59.999Z


@given(st.integers(min_value=0, max_value=LAST_MS))
def test_formatting_and_parsing_agree_with_the_standard_library(ms: int) -> None:
    moment = EPOCH + timedelta(milliseconds=ms)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    assert rfc3339_ms(ms) == text
    assert parse_rfc3339_ms(text) == ms
    parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert (parsed - EPOCH) // timedelta(milliseconds=1) == ms


@pytest.mark.parametrize("text", [
    "2026-02-30T10:00:00.000Z", "2026-13-01T10:00:00.000Z", "2026-01-01T24:00:00.000Z",
    "2026-01-01T10:60:00.000Z", "2026-01-01T10:00:60.000Z", "2026-01-01T10:00:00Z",
    "2026-01-01 10:00:00.000Z", "2026-01-01T10:00:00.000+00:00", "",
])
def test_what_is_not_a_time_is_refused(text: str) -> None:
    with pytest.raises(BadRecord):
        parse_rfc3339_ms(text)
