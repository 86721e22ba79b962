"""Runs sync/vectors/receipt_code.json against the Python core."""

from __future__ import annotations

from typing import Any

import pytest

from sync.errors import ReceiptCodeInvalid
from sync.receipt_code import receipt_code, receipt_code_for, validate_receipt_code

from .conftest import case_ids, load_vectors

CASES = load_vectors("receipt_code")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_receipt_code_vector(case: dict[str, Any]) -> None:
    op = case["op"]
    if op == "code":
        assert receipt_code(bytes.fromhex(case["seed_hex"])) == case["expected"]
    elif op == "code_for":
        assert receipt_code_for(case["dossier_id"], case["received_at_ms"]) == case["expected"]
    elif "error" in case:
        with pytest.raises(ReceiptCodeInvalid) as info:
            validate_receipt_code(case["input"])
        assert info.value.code == case["error"]
    else:
        assert validate_receipt_code(case["input"]) == case["expected"]
