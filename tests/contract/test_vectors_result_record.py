"""Runs sync/vectors/result_record.json and receipts.json against the Python core (SPEC-records
§RES, §RCP); the TypeScript twins and the public page's script run the same files."""

from __future__ import annotations

from typing import Any

import pytest

from sync.receipts import check_receipt, receipt_payload, receipt_text
from sync.result_record import (
    BadRecord,
    check_compact,
    from_compact,
    initials,
    make_record,
    to_compact,
)

from .conftest import case_ids, load_vectors

RES = load_vectors("result_record")
RCP = load_vectors("receipts")


@pytest.mark.parametrize("case", RES, ids=case_ids(RES))
def test_result_record_vector(case: dict[str, Any]) -> None:
    op = case["op"]
    if op == "parse_compact" and "error" in case:
        with pytest.raises(BadRecord):
            from_compact(case["text"])
        return
    got: object
    if op == "record_text":
        got = make_record(case["record"]).text()
    elif op == "initials":
        got = initials(case["name"])
    elif op == "compact":
        got = to_compact(make_record(case["record"]), case["sig"])
    elif op == "parse_compact":
        record, sig = from_compact(case["text"])
        got = {"record": record.as_json(), "sig": sig}
    else:
        assert op == "check_compact"
        verdict, rec = check_compact(case["text"], case["keys"])
        got = {"verdict": verdict, "record": None if rec is None else rec.as_json()}
    assert got == case["expected"]


@pytest.mark.parametrize("case", RCP, ids=case_ids(RCP))
def test_receipt_vector(case: dict[str, Any]) -> None:
    if case["op"] == "payload":
        p = receipt_payload(case["commune_id"], case["content_hash"], case["dossier_id"],
                            case["key_id"], case["received_ms"])
        assert {"payload": p, "text": receipt_text(p)} == case["expected"]
    else:
        assert case["op"] == "check"
        verdict, reason, payload = check_receipt(case["receipt"], case["dossier_id"],
                                                 case["content_hash"], case["keys"])
        assert {"verdict": verdict, "reason": reason, "payload": payload} == case["expected"]
