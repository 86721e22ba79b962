"""Runs sync/vectors/wire.json (protocol version 2 wire forms) against the Python core."""

from __future__ import annotations

from typing import Any

import pytest

from sync.errors import SyncError
from sync.mutations import mutation_hash
from sync.signatures import verify
from sync.wire import (
    attachment_refs,
    compact_payload,
    compact_result,
    expand_payload,
    receipt_record,
)

from .conftest import case_ids, load_vectors

CASES = load_vectors("wire")


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_wire_vector(case: dict[str, Any]) -> None:
    op = case["op"]
    if op == "compact":
        assert compact_payload(case["payload"]) == case["expected"]
    elif op == "expand" and "error" in case:
        with pytest.raises(SyncError) as info:
            expand_payload(case["compact"], case["device"], case["n"], case["prev"])
        assert info.value.code == case["error"]
    elif op == "expand":
        full = expand_payload(case["compact"], case["device"], case["n"], case["prev"])
        assert full == case["expected"]
        assert mutation_hash(full.encode()) == case["expected_hash"]
        verify("Ed25519", case["public_key"], full.encode(), case["sig"])
    elif op == "receipt_record":
        record = receipt_record(case["commune_id"], case["dossier_id"], case["content_hash"],
                                case["key_id"], case["received_ms"])
        assert record == case["expected"]
        verify("Ed25519", case["public_key"], record.encode(), case["sig"])
    elif op == "attachment_refs":
        assert attachment_refs(case["fields"]) == case["expected"]
    else:
        assert compact_result(case["result"], case["fields"]) == case["expected"]
