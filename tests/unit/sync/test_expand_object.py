"""`expand_object` is what parsing `expand_payload`'s text gives back: the protocol-2 push
validates that value instead of parsing the bytes it checked the signature over
(backend/sync_api/service._decode_rebuilt), so the two must never differ."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sync.canonical import canonical_text, parse_canonical
from sync.errors import CanonicalError
from sync.wire import expand_object, expand_payload

DEVICE = "0b6f3c1e-8f1a-4c8e-9a43-5f2d7c9e1a22"
PREV = "ab" * 32
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
leaf = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | text
values = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(text, inner, max_size=4), max_leaves=12)


def _compact(fields: dict[str, Any], hlc: str) -> str | None:
    obj = {"id": "1d7e0d1c-3b7a-4f0e-8a51-2f4b6f8e9c10", "entity": "dossier",
           "entity_id": "5c2a9f1e-6d3b-4a8c-9e7f-1b2c3d4e5f60", "op": "update", "base": 2,
           "hlc": hlc, "fields": fields}
    try:
        return canonical_text(obj)
    except CanonicalError:  # outside the profile (e.g. not NFC): not a payload a device can send
        return None


@given(st.dictionaries(text, values, max_size=5), st.integers(1, 2**40))
def test_the_expanded_value_is_the_parsed_expanded_text(fields: dict[str, Any], n: int) -> None:
    compact = _compact(fields, "1733472000000-7")
    if compact is None:
        return
    value = expand_object(compact, DEVICE, n, PREV)
    assert parse_canonical(expand_payload(compact, DEVICE, n, PREV).encode()) == value
    assert canonical_text(value) == expand_payload(compact, DEVICE, n, PREV)
