"""A simulated device: key pair, per-device counter and hash chain, hybrid clock, outbox and a
local replica fed by pulls. Used by the integration tests, the stateful property test, the
benchmark and end-to-end tests.

`http` is anything with httpx's `post(url, content=…, headers=…)` / `get(url, params=…)`
(Litestar's TestClient or an httpx.Client on a real server). Time is a parameter (`now_ms`),
so tests stay deterministic.
"""

from __future__ import annotations

import gzip
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from backend.sync_api.dictionaries import current, deflate
from sync.canonical import canonical_bytes, nfc
from sync.hashing import GENESIS
from sync.hlc import Hlc, format_hlc, tick
from sync.mutations import SignedMutation, mutation_hash, mutation_payload, sign_mutation
from sync.signatures import PrivateKey, alg_of, private_key_from_bytes, public_key_b64u, sign
from sync.wire import compact_payload
from tests.support.world import user_id

ENROL_PURPOSE = "langso-enrol-v1"


def new_uuid() -> str:
    return str(uuid.uuid4())


def make_key(alg: str = "Ed25519", seed: int | None = None) -> PrivateKey:
    if seed is None:
        raw = uuid.uuid4().bytes + uuid.uuid4().bytes
    else:
        raw = (seed + 1).to_bytes(32, "big")
    return private_key_from_bytes(alg, raw)


def enrol_proof(key: PrivateKey, user_id: str | None = None, ticket: str | None = None) -> str:
    alg = alg_of(key)
    body: dict[str, Any] = {"alg": alg, "public_key": public_key_b64u(key),
                            "purpose": ENROL_PURPOSE}
    if ticket is not None:
        body["ticket"] = ticket
    else:
        body["user_id"] = user_id
    return sign(alg, key, canonical_bytes(body))


@dataclass
class Sent:
    """An outbox entry: the signed item plus what it was about (for assertions)."""

    item: SignedMutation
    n: int
    id: str
    entity: str
    entity_id: str
    op: str
    hash: str


@dataclass
class SimDevice:
    http: Any
    headers: dict[str, str]
    alg: str = "Ed25519"
    seed: int | None = None
    key: Any = None
    device_id: str = ""
    n: int = 0
    prev: str = GENESIS
    clock: Hlc | None = None
    outbox: list[Sent] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    replica: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    gzip_push: bool = True
    deflate_push: bool = False  # deflate with the preset dictionary instead (protocol.md §4)
    protocol: int = 1

    # --- enrolment ----------------------------------------------------------------------
    def enrol(self, user_id: str, label: str = "test phone") -> str:
        self.key = self.key or make_key(self.alg, self.seed)
        body = {"alg": self.alg, "public_key": public_key_b64u(self.key), "label": label,
                "proof": enrol_proof(self.key, user_id=user_id)}
        r = self.http.post("/api/devices", json=body, headers=self.headers)
        assert r.status_code == 201, r.text
        self.device_id = r.json()["id"]
        self.clock = Hlc(0, 0, self.device_id)
        return self.device_id

    # --- local edits --------------------------------------------------------------------
    def mutate(self, entity: str, entity_id: str, op: str, fields: dict[str, Any],
               base: int | None = None, now_ms: int = 1_772_438_400_000) -> Sent:
        """Record one signed mutation in the outbox. `base` defaults to the replica's version
        (0 for create)."""
        assert self.clock is not None, "enrol first"
        if base is None:
            base = 0 if op == "create" else self.replica.get((entity, entity_id), {}).get(
                "version", 1)
        self.clock = tick(self.clock, now_ms)
        payload = mutation_payload(
            id=new_uuid(), device=self.device_id, n=self.n + 1, prev=self.prev,
            hlc=format_hlc(self.clock), entity=entity, entity_id=entity_id, op=op, base=base,
            fields=nfc(fields),
        )
        signed = sign_mutation(payload, self.alg, self.key)
        digest = mutation_hash(signed.payload.encode("utf-8"))
        self.n += 1
        self.prev = digest
        self.hashes.append(digest)
        sent = Sent(signed, self.n, payload["id"], entity, entity_id, op, digest)
        self.outbox.append(sent)
        return sent

    # --- network ------------------------------------------------------------------------
    def push_body(self, items: list[Sent] | None = None) -> dict[str, Any]:
        chosen = self.outbox if items is None else items
        if self.protocol == 2:
            first = chosen[0] if chosen else None
            prev = GENESIS if first is None or first.n == 1 else self.hash_of(first.n - 1)
            return {"protocol": 2, "device_id": self.device_id,
                    "n": first.n if first else self.n + 1, "prev": prev,
                    "mutations": [{"p": compact_payload(s.item.payload), "s": s.item.sig}
                                  for s in chosen]}
        return {"protocol": 1, "device_id": self.device_id,
                "mutations": [s.item.to_wire() for s in chosen]}

    def hash_of(self, n: int) -> str:
        """The hash of this device's mutation n (the chain is kept in `hashes`)."""
        return self.hashes[n - 1]

    def post_push(self, body: dict[str, Any] | bytes, gzip_body: bool | None = None,
                  encoding: str | None = None) -> Any:
        """`encoding` "deflate" (default: `deflate_push`) sends the body deflated with the
        server's current preset dictionary; otherwise gzip when `gzip_body` (default:
        `gzip_push`)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = dict(self.headers, **{"Content-Type": "application/json"})
        if encoding == "deflate" or (encoding is None and gzip_body is None
                                     and self.deflate_push):
            raw = deflate(raw, current())
            headers["Content-Encoding"] = "deflate"
        elif self.gzip_push if gzip_body is None else gzip_body:
            raw = gzip.compress(raw)
            headers["Content-Encoding"] = "gzip"
        return self.http.post("/api/sync/push", content=raw, headers=headers)

    def push(self, limit: int = 500) -> Any:
        """Send the head of the outbox; on success drop acknowledged items from it."""
        items = self.outbox[:limit]
        r = self.post_push(self.push_body(items))
        if r.status_code == 200:
            self.acknowledge(r.json(), items)
        return r

    def acknowledge(self, body: dict[str, Any], items: list[Sent] | None = None) -> None:
        if body.get("protocol") == 2:  # no echoes: results are in item order
            chosen = self.outbox if items is None else items
            done = {s.id: res for s, res in zip(chosen, body["results"], strict=True)}
        else:
            done = {res["id"]: res for res in body["results"]}
        self.acked.update(done)
        self.outbox = [s for s in self.outbox if s.id not in done]

    def pull(self, limit: int = 200) -> list[dict[str, Any]]:
        """Pull until `more` is false; apply every change to the replica."""
        seen: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"limit": limit}
            if self.cursor:
                params["cursor"] = self.cursor
            r = self.http.get("/api/sync/pull", params=params, headers=self.headers)
            assert r.status_code == 200, r.text
            body = r.json()
            if body.get("reset"):
                self.replica.clear()
            for change in body["changes"]:
                self.replica[(change["entity"], change["id"])] = change
                seen.append(change)
            self.cursor = body["cursor"]
            if not body["more"]:
                return seen


# --- builders for mutation fields ---------------------------------------------------------

def household_fields(village_id: str, address: str = "Bản Nậm Khăn, xã Pu Sam Cáp",
                     **extra: Any) -> dict[str, Any]:
    return {"village_id": village_id, "address": address, **extra}


def cccd_for(year: int, sex: str, tail: int = 123456, province: str = "012") -> str:
    digit = ((year // 100) - 19) * 2 + (1 if sex == "female" else 0)
    return f"{province}{digit}{year % 100:02d}{tail:06d}"


def member_fields(household_id: str, full_name: str = "Giàng A Páo",
                  relationship: str = "chu_ho", year: int = 1990, sex: str = "male",
                  **extra: Any) -> dict[str, Any]:
    return {"household_id": household_id, "full_name": full_name,
            "relationship": relationship, "date_of_birth": f"{year}-05-12", "sex": sex,
            "cccd": cccd_for(year, sex, tail=uuid.UUID(household_id).int % 1_000_000),
            "ethnicity": "Mông", **extra}


BIRTH_FORM: dict[str, Any] = {
    "child_full_name": "Giàng A Lử", "child_sex": "male", "child_date_of_birth": "2026-02-20",
    "child_place_of_birth_kind": "tai_nha",
    "child_place_of_birth_address": "Bản Nậm Khăn, xã Pu Sam Cáp",
    "mother_full_name": "Vàng Thị Dính", "mother_date_of_birth": "1993-05-12",
    "mother_ethnicity": "Mông", "mother_residence": "Bản Nậm Khăn", "child_ethnicity": "Mông",
    "father_known": "co", "father_full_name": "Giàng A Páo",
    "father_date_of_birth": "1990-05-12", "father_ethnicity": "Mông",
    "father_residence": "Bản Nậm Khăn", "requester_relationship": "cha",
    "requester_full_name": "Giàng A Páo", "requester_cccd": "012090123456",
}
PHOTO_SHA = "a" * 64
CONSENT_SHA = "c" * 64


def submit_fields(form: dict[str, Any] | None = None, prev_revision: str | None = None,
                  photo: str = PHOTO_SHA) -> dict[str, Any]:
    return {
        "form_data": dict(BIRTH_FORM if form is None else form),
        "components": {"giay-chung-sinh": [photo]},
        "consent": {"signature_sha256": CONSENT_SHA, "signer_name": "Giàng A Páo",
                    "signed_at": "2026-03-02T08:00:00.000Z"},
        "prev_revision": prev_revision,
        "fill_started_at": "2026-03-02T07:56:00.000Z",
        "fill_seconds": 240,
    }


@pytest.fixture()
def make_device(client: Any, as_user: Any) -> Any:
    """Factory fixture: an enrolled SimDevice for a test-world user (import it into a test
    module to use it)."""

    def make(username: str = "vol_a1", alg: str = "Ed25519") -> SimDevice:
        device = SimDevice(client, as_user(username), alg=alg)
        device.enrol(user_id(username))
        return device

    return make
