"""Protocol version 2 on the push endpoint: the compact envelope in, the compact answer out.

Version 2 changes only the wire (sync/wire.py, docs/protocol.md §11): the server rebuilds each
item's full version-1 payload from the envelope and the chain, then everything after that — the
signature check over the full payload, chain checks, replays, merging, storage — is the
version-1 path unchanged. Stored payloads and results are the version-1 ones, so a replay over
either protocol answers from the same stored result.
"""

from __future__ import annotations

from typing import Any

from backend.lib.errors import AppError
from sync.errors import SyncError
from sync.hashing import GENESIS
from sync.mutations import Mutation, mutation_hash
from sync.wire import compact_result, expand

ENVELOPE_KEYS = {"protocol", "device_id", "n", "prev", "mutations"}


def _invalid(vi: str, en: str, code: str = "invalid_request",
             errors: list[dict[str, Any]] | None = None) -> AppError:
    return AppError(code, vi, en, 400, errors=errors)


def check_envelope(doc: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Shape of a version-2 body; returns (device_id, items)."""
    device_id, items, n, prev = (doc.get("device_id"), doc.get("mutations"), doc.get("n"),
                                 doc.get("prev"))
    if (set(doc) != ENVELOPE_KEYS or not isinstance(device_id, str)
            or not isinstance(items, list) or not isinstance(n, int) or isinstance(n, bool)
            or n < 1 or not isinstance(prev, str) or len(prev) != len(GENESIS)):
        raise _invalid("Cần đúng các trường protocol, device_id, n (≥ 1), prev (mã băm), "
                       "mutations.",
                       "Expected exactly {protocol: 2, device_id, n (>= 1), prev (hash), "
                       "mutations}.")
    for i, item in enumerate(items):
        if not (isinstance(item, dict) and set(item) == {"p", "s"}
                and isinstance(item["p"], str) and isinstance(item["s"], str)):
            raise _invalid(f"Mục {i} phải là {{p, s}} (chuỗi).",
                           f"Item {i} must be {{p, s}} strings.", "invalid_item",
                           [{"index": i, "code": "invalid_item"}])
    return device_id, items


def expand_items(doc: dict[str, Any], device_id: str, items: list[dict[str, Any]],
                 item_error: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The version-1 items {payload, sig}: item i is mutation n+i whose prev is the hash of
    item i−1 (the envelope's prev for the first); and beside them the value of each payload,
    so the signature check that follows need not parse the text encoded here again."""
    out: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    n, prev = doc["n"], doc["prev"]
    for i, item in enumerate(items):
        try:
            payload, value = expand(item["p"], device_id, n + i, prev)
        except SyncError as exc:
            raise item_error(i, exc) from exc
        out.append({"payload": payload, "sig": item["s"]})
        values.append(value)
        prev = mutation_hash(payload.encode("utf-8"))
    return out, values


def compact_answer(answer: dict[str, Any], ms: list[Mutation]) -> dict[str, Any]:
    results = answer["results"]
    clocks = [r["hlc"] for r in results if r.get("hlc")]
    return {"protocol": 2, "last_n": answer["last_n"],
            "hlc": clocks[-1] if clocks else None,
            "results": [compact_result(r, m.fields if isinstance(m.fields, dict) else None)
                        for r, m in zip(results, ms, strict=True)]}
