"""The signed mutation envelope and per-device hash chain (SPEC §MUT).

A push item on the wire is ``{"payload": "<canonical JSON text>", "sig": "<base64url>"}``.
The signature covers the UTF-8 bytes of ``payload`` exactly; those bytes must also be the
RFC 8785 canonical form of the mutation object (so they can be re-derived and hashed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

from sync.canonical import canonical_bytes, parse_canonical
from sync.errors import CanonicalError, MutationInvalid
from sync.hashing import GENESIS, sha256_hex
from sync.hlc import Hlc, is_uuid, parse_hlc
from sync.signatures import PrivateKey, sign, verify
from sync.states import ACTIONS

Entity = Literal["household", "member", "dossier", "rating"]
Op = Literal["create", "update", "submit", "delete", "transition"]

VERSION: Final = 1
ENTITIES: Final[tuple[Entity, ...]] = ("household", "member", "dossier", "rating")
OPS: Final[tuple[Op, ...]] = ("create", "update", "submit", "delete", "transition")
# submit/supplement are expressed by op "submit" (MUT7); other actions by op "transition".
TRANSITION_ACTIONS: Final[tuple[str, ...]] = tuple(
    a for a in ACTIONS if a not in ("submit", "supplement")
)
# Key order in which shape checks run (MUT5): the first failing key names the error.
KEYS: Final[tuple[str, ...]] = (
    "v",
    "id",
    "device",
    "n",
    "prev",
    "hlc",
    "entity",
    "entity_id",
    "op",
    "base",
    "fields",
)
FIELD_KEY_RE: Final = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
FIELD_KEY_MAX = 64
_HEX64 = re.compile(r"[0-9a-f]{64}")
_INT_MAX = 2**53 - 1


@dataclass(frozen=True, slots=True)
class Mutation:
    """A validated mutation. ``payload`` holds the exact canonical bytes; ``hash`` is their
    SHA-256 hex, which the next mutation of the same device carries as ``prev``.
    """

    v: int
    id: str
    device: str
    n: int
    prev: str
    hlc: str
    entity: Entity
    entity_id: str
    op: Op
    base: int
    fields: dict[str, Any]
    payload: bytes
    hash: str

    @property
    def clock(self) -> Hlc:
        return parse_hlc(self.hlc)


@dataclass(frozen=True, slots=True)
class SignedMutation:
    """A push item: ``payload`` is canonical JSON text, ``sig`` base64url."""

    payload: str
    sig: str

    def to_wire(self) -> dict[str, str]:
        return {"payload": self.payload, "sig": self.sig}


def _bad(key: str, why: str) -> MutationInvalid:
    return MutationInvalid(
        f"Trường «{key}» không hợp lệ / field '{key}' is invalid: {why}", code=f"bad_field:{key}"
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _one_of(value: object, options: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value in options


def _check_key(obj: Mapping[str, Any], key: str) -> Any:
    if key not in obj:
        raise MutationInvalid(
            f"Thiếu trường «{key}» / missing field '{key}'", code=f"missing_field:{key}"
        )
    value = obj[key]
    if key == "v":
        if not _is_int(value):
            raise _bad(key, "must be an integer")
        if value != VERSION:
            raise MutationInvalid(
                f"Phiên bản {value} không được hỗ trợ / unsupported version {value}",
                code="unsupported_version",
            )
    elif key in ("id", "device", "entity_id"):
        if not is_uuid(value):
            raise _bad(key, "must be a lowercase 8-4-4-4-12 uuid")
    elif key == "n":
        if not _is_int(value) or value < 1:
            raise _bad(key, "must be an integer >= 1")
    elif key == "prev":
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            raise _bad(key, "must be 64 lowercase hex characters")
    elif key == "hlc":
        if not isinstance(value, str):
            raise _bad(key, "must be an HLC string")
        try:
            parse_hlc(value)
        except Exception as exc:
            raise _bad(key, "malformed HLC") from exc
    elif key == "entity":
        if not _one_of(value, ENTITIES):
            raise _bad(key, f"must be one of {', '.join(ENTITIES)}")
    elif key == "op":
        if not _one_of(value, OPS):
            raise _bad(key, f"must be one of {', '.join(OPS)}")
    elif key == "base":
        if not _is_int(value) or value < 0:
            raise _bad(key, "must be an integer >= 0")
    elif key == "fields":
        if not isinstance(value, dict):
            raise _bad(key, "must be an object")
        for name in sorted(value, key=lambda k: k.encode("utf-16-be")):
            if len(name) > FIELD_KEY_MAX or not FIELD_KEY_RE.fullmatch(name):
                raise _bad(key, f"bad field name {name!r}")
    return value


_KEY_SET: Final = frozenset(KEYS)


def _well_formed_clock(obj: dict[str, Any]) -> Hlc | None:
    """Fast path of the per-key checks of :func:`_check_key` (hot on the server): the parsed
    HLC when every key is present and valid and no other key exists, else ``None`` — the
    caller then runs the ordered checks, which alone decide which error is reported. Must
    never accept what ``_check_key`` refuses."""
    if obj.keys() != _KEY_SET:
        return None
    v, n, base, fields, hlc = obj["v"], obj["n"], obj["base"], obj["fields"], obj["hlc"]
    prev, entity, op = obj["prev"], obj["entity"], obj["op"]
    if not (
        type(v) is int and v == VERSION
        and type(n) is int and n >= 1
        and type(base) is int and base >= 0
        and is_uuid(obj["id"]) and is_uuid(obj["device"]) and is_uuid(obj["entity_id"])
        and type(prev) is str and _HEX64.fullmatch(prev)
        and type(entity) is str and entity in ENTITIES
        and type(op) is str and op in OPS
        and type(fields) is dict
        and type(hlc) is str
    ):
        return None
    for name in fields:
        if type(name) is not str or len(name) > FIELD_KEY_MAX or not FIELD_KEY_RE.fullmatch(name):
            return None
    try:
        return parse_hlc(hlc)
    except Exception:
        return None


def validate_mutation(obj: Any, payload: bytes | None = None) -> Mutation:
    """Check the shape of a parsed mutation object (MUT4–MUT7); raise the first error.

    ``payload`` are the canonical bytes the object came from; when ``None`` they are
    computed. Error codes: ``bad_payload``, ``missing_field:<k>``, ``bad_field:<k>``,
    ``unsupported_version``, ``unknown_field:<k>``.
    """
    if not isinstance(obj, dict):
        raise MutationInvalid("Mutation phải là đối tượng JSON / mutation must be a JSON object")
    clock = _well_formed_clock(obj)
    if clock is not None:
        values: dict[str, Any] = obj
    else:  # something is wrong: the ordered checks name the first error (MUT5)
        values = {key: _check_key(obj, key) for key in KEYS}
        extra = sorted((k for k in obj if k not in KEYS), key=lambda k: k.encode("utf-16-be"))
        if extra:
            raise MutationInvalid(
                f"Trường lạ «{extra[0]}» / unknown field '{extra[0]}'",
                code=f"unknown_field:{extra[0]}",
            )
        clock = parse_hlc(values["hlc"])  # only if the fast path is stricter than these
    # Cross-field rules (MUT6, MUT7), in this order.
    if values["n"] == 1 and values["prev"] != GENESIS:
        raise _bad("prev", "the first mutation (n = 1) must have prev = 64 zeros")
    if clock.node != values["device"]:
        raise _bad("hlc", "the HLC node must equal the device id")
    op: Op = values["op"]
    base: int = values["base"]
    fields: dict[str, Any] = values["fields"]
    if op == "create" and base != 0:
        raise _bad("base", "create must have base = 0")
    if op != "create" and base < 1:
        raise _bad("base", f"{op} must have base >= 1")
    if op in ("submit", "transition") and values["entity"] != "dossier":
        raise _bad("op", f"{op} applies only to dossiers")
    if op == "update" and not fields:
        raise _bad("fields", "update must change at least one field")
    if op == "delete" and fields:
        raise _bad("fields", "delete must have empty fields")
    if op == "transition" and (
        set(fields) != {"action"} or not _one_of(fields["action"], TRANSITION_ACTIONS)
    ):
        raise _bad("fields", 'transition needs exactly {"action": <action>}')
    data = payload if payload is not None else canonical_bytes(obj)
    return Mutation(
        v=values["v"],
        id=values["id"],
        device=values["device"],
        n=values["n"],
        prev=values["prev"],
        hlc=values["hlc"],
        entity=values["entity"],
        entity_id=values["entity_id"],
        op=op,
        base=base,
        fields=fields,
        payload=data,
        hash=sha256_hex(data),
    )


def mutation_hash(payload_bytes: bytes) -> str:
    """SHA-256 hex of the exact canonical payload bytes (MUT8)."""
    return sha256_hex(payload_bytes)


def decode_signed_mutation(payload_text: str, sig: str, alg: str, public_key: str) -> Mutation:
    """Verify and decode one push item (MUT3), in this order:

    1. encode ``payload_text`` as UTF-8 (lone surrogates → ``invalid_unicode``);
    2. verify ``sig`` over those bytes with the device key (``bad_alg``/``bad_key``/
       ``bad_signature``) — nothing is parsed before the signature holds;
    3. :func:`parse_canonical` (CAN codes, e.g. ``not_canonical``);
    4. :func:`validate_mutation` (MUT codes).
    """
    if not isinstance(payload_text, str):
        raise MutationInvalid("payload phải là chuỗi / payload must be a string")
    try:
        data = payload_text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError(
            "Chuỗi chứa surrogate đơn lẻ / payload contains a lone surrogate",
            code="invalid_unicode",
        ) from exc
    verify(alg, public_key, data, sig)
    obj = parse_canonical(data)
    return validate_mutation(obj, data)


class ChainVerdict(StrEnum):
    """Where a mutation sits in its device's chain (MUT9)."""

    NEXT = "next"
    DUPLICATE = "duplicate"
    GAP = "gap"
    FORK = "fork"

    @property
    def code(self) -> str | None:
        """Error code to report, or ``None`` when the caller may proceed."""
        return {"gap": "chain_gap", "fork": "chain_fork"}.get(self.value)


def check_chain(last_n: int, last_hash: str, m: Mutation) -> ChainVerdict:
    """Classify ``m`` against the device's last accepted mutation (``last_n`` = 0 and
    ``last_hash`` = GENESIS when none). ``duplicate`` means ``m.n <= last_n``: the caller
    compares ``m.hash`` with the stored hash of mutation ``m.n`` to tell an identical replay
    (acknowledge again) from a conflicting rewrite (refuse).
    """
    if m.n <= last_n:
        return ChainVerdict.DUPLICATE
    if m.n > last_n + 1:
        return ChainVerdict.GAP
    if m.prev != last_hash:
        return ChainVerdict.FORK
    return ChainVerdict.NEXT


def mutation_payload(
    *,
    id: str,
    device: str,
    n: int,
    prev: str,
    hlc: str,
    entity: str,
    entity_id: str,
    op: str,
    base: int,
    fields: Mapping[str, Any],
) -> dict[str, Any]:
    """Build the payload object (not yet validated)."""
    return {
        "v": VERSION,
        "id": id,
        "device": device,
        "n": n,
        "prev": prev,
        "hlc": hlc,
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "base": base,
        "fields": dict(fields),
    }


def sign_mutation(payload: Mapping[str, Any], alg: str, private_key: PrivateKey) -> SignedMutation:
    """Validate ``payload``, serialise canonically and sign it (tests, benchmarks, tools).

    Strings must already be NFC (use :func:`sync.canonical.nfc`); nothing is normalised.
    """
    obj = dict(payload)
    data = canonical_bytes(obj)
    validate_mutation(obj, data)
    return SignedMutation(payload=data.decode("utf-8"), sig=sign(alg, private_key, data))
