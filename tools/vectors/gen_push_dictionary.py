"""Generates sync/vectors/push_dictionary.json (push bodies deflated with a preset dictionary,
SPEC.md WIRE6) from the Python side. Run from the repository root:
.venv/bin/python tools/vectors/gen_push_dictionary.py"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from backend.sync_api.dictionaries import deflate, dictionaries, dictionary_id  # noqa: E402

cases: list[dict[str, Any]] = []


def nid() -> str:
    return f"DICT-{len(cases) + 1:03d}"


ITEM_P = ('{"base":0,"entity":"household","entity_id":"0b6c2f4e-8a1d-4c3b-9e7f-5a6b7c8d9e0f",'
          '"fields":{"address":"Bản Nậm Khăn, xã Pu Sam Cáp","village_id":"v-a1"},'
          '"hlc":"001772438400000-00000","id":"5f0c7d2e-3b1a-4e9f-8d6c-000000000001",'
          '"op":"create"}')
BODIES = [
    ("one household create, protocol 2",
     json.dumps({"protocol": 2, "device_id": "39a6aea7-366c-47a4-a274-7226ddd81f54", "n": 1,
                 "prev": "0" * 64, "mutations": [{"p": ITEM_P, "s": "A" * 86}]},
                ensure_ascii=False, separators=(",", ":"))),
    ("text the dictionary does not foresee (Vietnamese, control-free)",
     "Giàng Thị Lử — Bản Nậm Khăn, xã Pu Sam Cáp, tỉnh Lai Châu. " * 3),
    ("an empty body", ""),
]

for did, d in dictionaries().items():
    name = f"push-{d.seq}.txt"
    cases.append({"id": nid(), "rule": "WIRE6", "op": "dictionary_id",
                  "comment": f"{name}: its DICTID is the Adler-32 of its bytes, 8 hex digits",
                  "file": f"sync/dictionaries/{name}", "size": len(d.data),
                  "expected": dictionary_id(d.data)})
    for comment, text in BODIES:
        packed = deflate(text.encode("utf-8"), d)
        cases.append({"id": nid(), "rule": "WIRE6", "op": "inflate",
                      "comment": f"{comment}, deflated at level 9 with {name}",
                      "file": f"sync/dictionaries/{name}", "dictionary_id": did,
                      "zlib_b64": base64.b64encode(packed).decode(),
                      "header_hex": packed[:6].hex(), "expected": text})

doc = {"description": "Push bodies deflated with a preset dictionary (Content-Encoding: "
                      "deflate): the DICTID of each shipped dictionary, and bodies any client "
                      "must inflate to the exact text.",
       "spec": "sync/SPEC.md#wire", "cases": cases}
(ROOT / "sync" / "vectors" / "push_dictionary.json").write_text(
    json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print("push_dictionary", len(cases))
