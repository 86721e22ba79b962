"""The push's byte-level fast path of the text rule never misses what the rule refuses:
whenever `find_bad_text` finds something in a value, `may_hold_bad_text` says so of its canonical bytes."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
from hypothesis import given, settings

from backend.changelog.context import may_hold_bad_text
from sync.canonical import canonical_bytes, nfc
from sync.text import find_bad_text

TEXT = st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x3000), max_size=20)
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=500, derandomize=True, database=None)
@given(VALUES)
def test_clean_bytes_mean_clean_text(value: Any) -> None:
    value = nfc(value)
    if find_bad_text(value) is not None:
        assert may_hold_bad_text(canonical_bytes(value))
