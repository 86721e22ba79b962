"""Writes a new preset dictionary for push bodies (docs/protocol.md §4, "Content-Encoding:
deflate") from the catalogue and the record rules, as `sync/dictionaries/push-<K>.txt`.

A dictionary is frozen once written: devices hold it in their app bundle and the server keeps
accepting every file of `sync/dictionaries/` (a body names its dictionary by the zlib DICTID,
the Adler-32 of its bytes). Run this only to add a dictionary (a new procedure or field made
the old one stale); then point the PWA (`pwa/src/net/push-dictionary.ts`) at the new file.

What goes in: the protocol-2 envelope and, for each entity and procedure, a create and a
submission in the exact wire form (canonical compact payload, JSON-escaped inside `"p"`), the
values as empty placeholders; the select options and common values before them. Deflate finds
nearer matches cheaper, so the commonest (birth registration) comes last.

    .venv/bin/python tools/push_dictionary.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.catalog.loader import DEFAULT_DIRECTORY as CATALOGUE  # noqa: E402
from backend.sync_api.dictionaries import DIRECTORY as OUT  # noqa: E402
from backend.sync_api.dictionaries import dictionaries, dictionary_id  # noqa: E402
from sync.canonical import canonical_text  # noqa: E402
from sync.records import HOUSEHOLD_FIELDS, MEMBER_FIELDS  # noqa: E402

COMMONEST = "khai-sinh"
COMMON_VALUES = ["Mông", "Dao", "Tày", "Thái", "Nùng", "Kinh", "Giáy", "Hà Nhì", "Bản ",
                 " xã ", "Giàng", "Vàng", "Thị", "Sùng", "Lý", "Hoàng"]


def escaped(text: str) -> str:
    """`text` as it appears inside a JSON string (the wire's `"p"`)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def item(payload: dict[str, Any]) -> str:
    return '{"p":"' + escaped(canonical_text(payload)) + '","s":""},'


def placeholder(field: dict[str, Any]) -> str:
    """A select's first option (short, and often the value sent); empty for the rest."""
    options = option_values([field]) if field.get("type") == "select" else []
    return options[0] if options else ""


def form_of(fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {f["key"]: placeholder(f) for f in fields}


def option_values(fields: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for f in fields:
        for o in f.get("options") or []:
            out.append(o["value"] if isinstance(o, dict) else str(o))
    return out


def entity_items() -> str:
    household = {"base": 0, "entity": "household", "entity_id": "", "fields": {
        "village_id": "", **form_of(list(HOUSEHOLD_FIELDS))}, "hlc": "0017", "id": "",
        "op": "create"}
    member = {"base": 0, "entity": "member", "entity_id": "", "fields": {
        "household_id": "", **form_of(list(MEMBER_FIELDS))}, "hlc": "0017", "id": "",
        "op": "create"}
    return item(household) + item(member)


def procedure_items(proc: dict[str, Any]) -> str:
    form = form_of(proc["form"]["fields"])
    create = {"base": 0, "entity": "dossier", "entity_id": "", "fields": {
        "applicant_member_id": "", "form_data": form, "procedure_code": proc["code"]},
        "hlc": "0017", "id": "", "op": "create"}
    submit = {"base": 1, "entity": "dossier", "entity_id": "", "fields": {
        "components": {c["code"]: [""] for c in proc["components"]},
        "consent": {"signature_sha256": "", "signed_at": "2026-", "signer_name": ""},
        "fill_seconds": 0, "fill_started_at": "2026-", "form_data": form,
        "prefilled_fields": 0, "prev_revision": None, "total_fields": 0},
        "hlc": "0017", "id": "", "op": "submit"}
    return item(create) + item(submit)


def build() -> bytes:
    procs = {p["code"]: p for p in (json.loads(f.read_text(encoding="utf-8"))
                                    for f in sorted(CATALOGUE.glob("*.json")))}
    order = sorted(procs, key=lambda code: (code == COMMONEST, code))
    options = [*option_values(list(MEMBER_FIELDS))]
    for code in order:
        options += option_values(procs[code]["form"]["fields"])
    values = '"' + '","'.join(dict.fromkeys(options)) + '",' + ",".join(COMMON_VALUES) + ","
    body = (values + entity_items() + "".join(procedure_items(procs[c]) for c in order)
            + '{"protocol":2,"device_id":"","n":1,"prev":"","mutations":[')
    return body.encode("utf-8")


def main() -> int:
    data = build()
    dict_id = dictionary_id(data)
    shipped = dictionaries()
    if dict_id in shipped and shipped[dict_id].data == data:
        print(f"unchanged: push-{shipped[dict_id].seq}.txt (id {dict_id}, {len(data)} bytes)")
        return 0
    seq = 1 + max((d.seq for d in shipped.values()), default=0)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"push-{seq}.txt"
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} (id {dict_id}, {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
