"""Runs sync/vectors/push_dictionary.json (SPEC WIRE6) against the server's body decoding."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from backend.sync_api.body_coding import decode_body
from backend.sync_api.dictionaries import dictionaries, dictionary_id

from .conftest import case_ids, load_vectors

ROOT = Path(__file__).resolve().parents[2]
CASES = load_vectors("push_dictionary")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_push_dictionary_vector(case: dict[str, Any]) -> None:
    data = (ROOT / case["file"]).read_bytes()
    if case["op"] == "dictionary_id":
        assert len(data) == case["size"]
        assert dictionary_id(data) == case["expected"]
        assert dictionaries()[case["expected"]].data == data
    else:
        body = base64.b64decode(case["zlib_b64"])
        assert body[2:6].hex() == case["dictionary_id"] == dictionary_id(data)
        assert decode_body(body, "deflate").decode("utf-8") == case["expected"]


def test_every_shipped_dictionary_has_vectors() -> None:
    named = {c["expected"] for c in CASES if c["op"] == "dictionary_id"}
    assert named == set(dictionaries())
