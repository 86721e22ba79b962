"""Protocol version 2 wire forms (SPEC.md §WIRE): the same signed records as version 1, with
what the other side can recompute left off the wire.

* A push item travels as ``{"p": <compact payload>, "s": <sig>}``. The compact payload is the
  canonical JSON of the mutation without ``v``, ``device``, ``n`` and ``prev``, and with the
  HLC's node (always the device id) cut off (WIRE1). The receiver rebuilds the full version-1
  payload from the envelope (``device_id``, the first item's ``n`` and ``prev``) and the chain
  so far (WIRE2); the signature is over that full payload, exactly as in version 1, so nothing
  the signature covers is weakened: a wrong ``n`` or ``prev`` makes the signature fail.
* A result carries no echo of the item (``id``, ``n``, ``entity``, ``entity_id``), no per-item
  server clock, no revision hash (it is the mutation hash) and, for a submission, a compact
  receipt ``{"at": <received ms>, "key_id", "sig"}``: the device rebuilds the version-1 receipt
  record (commune, its own mutation hash, dossier id, key id, time, receipt code) and checks
  the commune's signature over it (WIRE3). Missing attachments are indices into the
  submission's attachment list (WIRE4).
"""

from __future__ import annotations

import json
from typing import Any

from sync.canonical import INT_MAX, canonical_text, canonical_text_of_checked, parse_canonical
from sync.errors import MutationInvalid
from sync.receipt_code import receipt_code_for
from sync.result_record import parse_rfc3339_ms, rfc3339_ms

DERIVED = ("device", "n", "prev", "v")
ECHOES = ("id", "n", "entity", "entity_id", "hlc", "revision")
MUTATION_VERSION = 1


def _bad(key: str, why: str) -> MutationInvalid:
    return MutationInvalid(
        f"Trường «{key}» không hợp lệ / field '{key}' is invalid: {why}", code=f"bad_field:{key}"
    )


def compact_payload(payload_text: str) -> str:
    """WIRE1: the compact form of a full (version-1) canonical payload."""
    obj = parse_canonical(payload_text.encode("utf-8"))
    for key in DERIVED:
        obj.pop(key, None)
    ms, counter, _node = obj["hlc"].split("-", 2)
    obj["hlc"] = f"{ms}-{counter}"
    return canonical_text(obj)


def expand_payload(compact_text: str, device: str, n: int, prev: str) -> str:
    """WIRE2: the full canonical payload (the signed bytes) of a compact one. Raises
    CanonicalError (not canonical, …) or MutationInvalid (a derived key present, a bad clock)."""
    return expand(compact_text, device, n, prev)[0]


def expand(compact_text: str, device: str, n: int, prev: str) -> tuple[str, dict[str, Any]]:
    """`expand_payload` and `expand_object` together: the text and the value it parses to."""
    full = expand_object(compact_text, device, n, prev)
    # The compact value passed parse_canonical; what was added is plain ASCII text and a small
    # integer when the envelope is well formed, so the profile need not be walked again.
    if device.isascii() and prev.isascii() and 0 < n <= INT_MAX:
        return canonical_text_of_checked(full), full
    return canonical_text(full), full


def expand_object(compact_text: str, device: str, n: int, prev: str) -> dict[str, Any]:
    """WIRE2 as a value: what parsing `expand_payload`'s text gives back (a receiver that holds
    it need not parse the text it just encoded)."""
    obj = parse_canonical(compact_text.encode("utf-8"))
    if not isinstance(obj, dict):
        raise MutationInvalid("payload phải là đối tượng / payload must be an object")
    for key in DERIVED:
        if key in obj:
            raise _bad(key, "derived by the receiver in protocol 2; leave it out")
    hlc = obj.get("hlc")
    if not isinstance(hlc, str) or hlc.count("-") != 1:
        raise _bad("hlc", "protocol 2 sends '<ms>-<counter>' without the node")
    full: dict[str, Any] = dict(obj, v=MUTATION_VERSION, device=device, n=n, prev=prev,
                                hlc=f"{hlc}-{device}")
    return full


def receipt_record(commune_id: str, dossier_id: str, content_hash: str, key_id: str,
                   received_ms: int) -> str:
    """WIRE3: the receipt payload the commune signed (identical to version 1's), rebuilt
    from what the device knows plus the received time."""
    return canonical_text({
        "commune_id": commune_id, "content_hash": content_hash, "dossier_id": dossier_id,
        "key_id": key_id, "received_at": rfc3339_ms(received_ms),
        "receipt_code": receipt_code_for(dossier_id, received_ms),
    })


def attachment_refs(fields: dict[str, Any]) -> list[str]:
    """WIRE4: a submission's attachments in wire order: components by code (canonical key
    order), each list in order, then the consent signature image."""
    comps = fields.get("components") or {}
    refs = [h for code in sorted(comps) for h in comps[code]]
    refs.append(fields["consent"]["signature_sha256"])
    return refs


def compact_result(result: dict[str, Any], fields: dict[str, Any] | None) -> dict[str, Any]:
    """A version-1 result in its version-2 form; ``fields`` are the item's mutation fields
    (needed only to turn missing attachment hashes into indices)."""
    out = {k: v for k, v in result.items() if k not in ECHOES}
    receipt = out.pop("receipt", None)
    if receipt is not None:
        record = json.loads(receipt["payload"])  # the server's own canonical text
        out["receipt"] = {"at": parse_rfc3339_ms(record["received_at"]),
                          "key_id": record["key_id"], "sig": receipt["sig"]}
    missing = out.pop("missing_attachments", None)
    if missing is not None:
        gone = set(missing)
        refs = attachment_refs(fields or {})
        out["missing"] = [i for i, h in enumerate(refs) if h in gone]
    return out
