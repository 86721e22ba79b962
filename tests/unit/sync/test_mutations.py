"""Mutation envelope: signing helpers and chain behaviour."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from sync.canonical import canonical_bytes
from sync.errors import CanonicalError, MutationInvalid, SignatureInvalid
from sync.hashing import GENESIS, sha256_hex
from sync.mutations import (
    ChainVerdict,
    check_chain,
    decode_signed_mutation,
    mutation_hash,
    mutation_payload,
    sign_mutation,
)
from sync.signatures import public_key_b64u

DEV = "0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11"


def _payload(n: int, prev: str, **over: object) -> dict[str, object]:
    p = mutation_payload(
        id=f"00000000-0000-4000-8000-{n:012d}",
        device=DEV,
        n=n,
        prev=prev,
        hlc=f"{1763820000000 + n:015d}-00000-{DEV}",
        entity="member",
        entity_id="5f0c7d2e-3b1a-4e9f-8d6c-1a2b3c4d5e6f",
        op="create" if n == 1 else "update",
        base=0 if n == 1 else n - 1,
        fields={"ho_ten": "Trần Thị Bích"},
    )
    p.update(over)
    return p


def test_signed_chain_of_three_links_and_decodes() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    pub = public_key_b64u(key)
    last_n, last_hash = 0, GENESIS
    for n in (1, 2, 3):
        item = sign_mutation(_payload(n, last_hash), "Ed25519", key)
        m = decode_signed_mutation(item.payload, item.sig, "Ed25519", pub)
        assert check_chain(last_n, last_hash, m) is ChainVerdict.NEXT
        assert m.hash == mutation_hash(item.payload.encode()) == sha256_hex(m.payload)
        last_n, last_hash = m.n, m.hash
    replay = decode_signed_mutation(item.payload, item.sig, "Ed25519", pub)
    assert check_chain(last_n, last_hash, replay) is ChainVerdict.DUPLICATE
    assert ChainVerdict.DUPLICATE.code is None
    assert ChainVerdict.GAP.code == "chain_gap"
    assert ChainVerdict.FORK.code == "chain_fork"


def test_sign_mutation_refuses_invalid_payloads_before_signing() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(MutationInvalid) as info:
        sign_mutation(_payload(1, "ab" * 32), "Ed25519", key)
    assert info.value.code == "bad_field:prev"
    with pytest.raises(CanonicalError):
        sign_mutation(_payload(1, GENESIS, fields={"ho_ten": "Tra\u0300n"}), "Ed25519", key)


def test_lone_surrogate_payload_text_is_refused_before_verification() -> None:
    with pytest.raises(CanonicalError) as info:
        decode_signed_mutation('{"a":"\ud800"}', "AA", "Ed25519", "AA")
    assert info.value.code == "invalid_unicode"


def test_tampered_payload_fails_signature() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    item = sign_mutation(_payload(1, GENESIS), "Ed25519", key)
    tampered = item.payload.replace("Bích", "Bich")
    assert canonical_bytes(_payload(1, GENESIS)).decode() == item.payload
    with pytest.raises(SignatureInvalid):
        decode_signed_mutation(tampered, item.sig, "Ed25519", public_key_b64u(key))
