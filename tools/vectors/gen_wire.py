"""Generates sync/vectors/wire.json (protocol version 2 wire forms, SPEC.md §WIRE) from the
Python core. Run from the repository root: .venv/bin/python tools/vectors/gen_wire.py"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sync.canonical import canonical_text  # noqa: E402
from sync.errors import SyncError  # noqa: E402
from sync.mutations import mutation_hash, mutation_payload, sign_mutation  # noqa: E402
from sync.signatures import private_key_from_bytes, public_key_b64u, sign  # noqa: E402
from sync.wire import (  # noqa: E402
    attachment_refs,
    compact_payload,
    compact_result,
    expand_payload,
    receipt_record,
)

DEVICE = "39a6aea7-366c-47a4-a274-7226ddd81f54"
DOSSIER = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
COMMUNE = "99001"
KEY = private_key_from_bytes("Ed25519", hashlib.sha256(b"wire-device").digest())
COMMUNE_KEY = private_key_from_bytes("Ed25519", hashlib.sha256(b"wire-commune").digest())
cases: list[dict[str, Any]] = []


def nid() -> str:
    return f"WIRE-{len(cases) + 1:03d}"


def signed(n: int, prev: str, entity: str, op: str, fields: dict[str, Any], base: int,
           hlc: str) -> tuple[str, str]:
    payload = mutation_payload(id=f"5f0c7d2e-3b1a-4e9f-8d6c-{n:012d}", device=DEVICE, n=n,
                               prev=prev, hlc=f"{hlc}-{DEVICE}", entity=entity,
                               entity_id=DOSSIER, op=op, base=base, fields=fields)
    s = sign_mutation(payload, "Ed25519", KEY)
    return s.payload, s.sig


form = {"child_full_name": "Giàng A Lử", "child_sex": "male"}
sub_fields = {"form_data": form, "components": {"to-khai": ["b" * 64], "giay-chung-sinh": ["a" * 64]},
              "consent": {"signature_sha256": "c" * 64, "signer_name": "Giàng A Páo",
                          "signed_at": "2026-03-02T08:00:00.000Z"},
              "prev_revision": None}
p1, s1 = signed(1, "0" * 64, "dossier", "create",
                {"procedure_code": "khai-sinh", "form_data": form}, 0, "001772438400000-00000")
p2, s2 = signed(2, mutation_hash(p1.encode()), "dossier", "submit", sub_fields, 1,
                "001772438400500-00001")
public = public_key_b64u(KEY)
prev = "0" * 64
for n, (p, s) in enumerate([(p1, s1), (p2, s2)], start=1):
    compact = compact_payload(p)
    cases.append({"id": nid(), "rule": "WIRE1", "op": "compact",
                  "comment": "drop v, device, n, prev and the clock's node", "payload": p,
                  "expected": compact})
    assert expand_payload(compact, DEVICE, n, prev) == p
    cases.append({"id": nid(), "rule": "WIRE2", "op": "expand",
                  "comment": "rebuild the signed version-1 payload; the signature holds over it",
                  "compact": compact, "device": DEVICE, "n": n, "prev": prev, "sig": s,
                  "public_key": public, "expected": p,
                  "expected_hash": mutation_hash(p.encode())})
    prev = mutation_hash(p.encode())
base_compact = json.loads(compact_payload(p1))
bad_inputs = [
    (canonical_text(dict(base_compact, n=1)), "a derived key is refused"),
    (canonical_text(dict(base_compact, device=DEVICE)), "device is derived"),
    (canonical_text(dict(base_compact, hlc=f"001772438400000-00000-{DEVICE}")), "clock with node"),
    (compact_payload(p1).replace(":", ": ", 1), "not canonical"),
    ("[1]", "not an object"),
]
for text, note in bad_inputs:
    try:
        expand_payload(text, DEVICE, 1, "0" * 64)
        raise AssertionError(note)
    except SyncError as exc:
        cases.append({"id": nid(), "rule": "WIRE2", "op": "expand", "comment": note,
                      "compact": text, "device": DEVICE, "n": 1, "prev": "0" * 64,
                      "error": exc.code})

commune_public = public_key_b64u(COMMUNE_KEY)
for ms in (1772438400123, 1772438400000):
    record = receipt_record(COMMUNE, DOSSIER, mutation_hash(p2.encode()), "b5780dcb976fc94b", ms)
    cases.append({"id": nid(), "rule": "WIRE3", "op": "receipt_record",
                  "comment": "the version-1 receipt payload rebuilt from the compact receipt",
                  "commune_id": COMMUNE, "dossier_id": DOSSIER,
                  "content_hash": mutation_hash(p2.encode()), "key_id": "b5780dcb976fc94b",
                  "received_ms": ms, "expected": record,
                  "sig": sign("Ed25519", COMMUNE_KEY, record.encode()),
                  "public_key": commune_public})

sub = json.loads(p2)["fields"]
cases.append({"id": nid(), "rule": "WIRE4", "op": "attachment_refs",
              "comment": "components by code, then the consent signature image",
              "fields": sub, "expected": attachment_refs(sub)})
record = receipt_record(COMMUNE, DOSSIER, mutation_hash(p2.encode()), "b5780dcb976fc94b",
                        1772438400123)
v1_submit = {"id": "5f0c7d2e-3b1a-4e9f-8d6c-000000000002", "n": 2, "entity": "dossier",
             "entity_id": DOSSIER, "status": "applied", "version": 2,
             "hlc": "001772438400501-00000-server", "revision": mutation_hash(p2.encode()),
             "receipt": {"payload": record, "sig": sign("Ed25519", COMMUNE_KEY, record.encode())},
             "missing_attachments": ["a" * 64, "c" * 64]}
v1_rejected = {"id": "5f0c7d2e-3b1a-4e9f-8d6c-000000000001", "n": 1, "entity": "dossier",
               "entity_id": DOSSIER, "status": "rejected", "code": "invalid_form",
               "message_vi": "Biểu mẫu chưa hợp lệ.", "message_en": "The form is invalid.",
               "version": None, "hlc": "001772438400501-00000-server",
               "errors": [{"field": "child_sex", "code": "required"}]}
cases.append({"id": nid(), "rule": "WIRE5", "op": "compact_result",
              "comment": "a submission: no echoes, compact receipt, missing as indices",
              "result": v1_submit, "fields": sub, "expected": compact_result(v1_submit, sub)})
cases.append({"id": nid(), "rule": "WIRE5", "op": "compact_result",
              "comment": "a rejection keeps its code, messages and errors",
              "result": v1_rejected, "fields": None,
              "expected": compact_result(v1_rejected, None)})

doc = {"description": "Protocol version 2 wire forms: compact push items, rebuilt signed "
                      "payloads, compact results and receipts.",
       "spec": "sync/SPEC.md#wire", "cases": cases}
(ROOT / "sync" / "vectors" / "wire.json").write_text(
    json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print("wire", len(cases))
