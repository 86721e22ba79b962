"""Runs sync/vectors/signatures.json against the Python core."""

from __future__ import annotations

from typing import Any

import pytest

from sync.errors import SignatureError
from sync.signatures import (
    b64u_decode,
    key_id,
    private_key_from_bytes,
    public_key_b64u,
    sign,
    verify,
)

from .conftest import case_ids, load_vectors

CASES = load_vectors("signatures")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_signature_vector(case: dict[str, Any]) -> None:
    op = case["op"]
    if op == "verify":
        message = bytes.fromhex(case["message_hex"])
        args = (case["alg"], case["public_key"], message, case["signature"])
        if "error" in case:
            with pytest.raises(SignatureError) as info:
                verify(*args)
            assert info.value.code == case["error"]
        else:
            assert case["expected_ok"] is True
            verify(*args)
    elif op == "sign":
        key = private_key_from_bytes(case["alg"], b64u_decode(case["private_key"]))
        assert sign(case["alg"], key, bytes.fromhex(case["message_hex"])) == case["expected"]
    elif op == "public_key":
        key = private_key_from_bytes(case["alg"], b64u_decode(case["private_key"]))
        assert public_key_b64u(key) == case["expected"]
    else:
        assert op == "key_id"
        assert key_id(case["alg"], case["public_key"]) == case["expected"]
