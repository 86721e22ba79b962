"""Signature behaviour beyond the shared vectors."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.errors import MalformedKey, SignatureInvalid, UnsupportedAlgorithm
from sync.signatures import (
    b64u_decode,
    b64u_encode,
    key_id,
    private_key_bytes,
    private_key_from_bytes,
    public_key_b64u,
    sign,
    verify,
)


@given(st.binary(max_size=80))
def test_b64u_round_trips_and_has_no_padding(data: bytes) -> None:
    text = b64u_encode(data)
    assert "=" not in text
    assert b64u_decode(text) == data


@settings(max_examples=20)
@given(st.binary(max_size=200))
def test_fresh_keys_sign_and_verify_any_message(message: bytes) -> None:
    for alg, key in (
        ("Ed25519", ed25519.Ed25519PrivateKey.generate()),
        ("ES256", ec.generate_private_key(ec.SECP256R1())),
    ):
        sig = sign(alg, key, message)
        verify(alg, public_key_b64u(key), message, sig)
        assert len(b64u_decode(sig)) == 64
        with pytest.raises(SignatureInvalid):
            verify(alg, public_key_b64u(key), message + b"x", sig)


def test_private_key_bytes_round_trip() -> None:
    for alg in ("Ed25519", "ES256"):
        key = private_key_from_bytes(alg, bytes(31) + b"\x07")
        assert private_key_bytes(key) == bytes(31) + b"\x07"


def test_signing_with_the_wrong_algorithm_name_is_refused() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(UnsupportedAlgorithm):
        sign("ES256", key, b"x")


def test_p256_scalar_zero_is_refused() -> None:
    with pytest.raises(MalformedKey):
        private_key_from_bytes("ES256", bytes(32))


def test_key_id_depends_on_algorithm_and_key() -> None:
    a = public_key_b64u(ed25519.Ed25519PrivateKey.generate())
    b = public_key_b64u(ed25519.Ed25519PrivateKey.generate())
    assert key_id("Ed25519", a) != key_id("Ed25519", b)
    assert len(key_id("Ed25519", a)) == 16


@settings(max_examples=60)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=1200), st.integers(0, 1 << 20),
       st.sampled_from(("signature", "message", "none")))
def test_libsodium_signs_and_judges_as_openssl_does(seed: bytes, message: bytes, at: int,
                                                    tamper: str) -> None:
    """`sign`/`verify` use libsodium for Ed25519 (ADR 0025): the same deterministic signature
    as OpenSSL's, and the same verdict on intact and altered signatures and messages."""
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    sig = sign("Ed25519", key, message)
    assert b64u_decode(sig) == key.sign(message)
    raw, checked = bytearray(b64u_decode(sig)), message
    if tamper == "signature":
        raw[at % 64] ^= 1 << (at % 8)
    elif tamper == "message" and not message:
        checked = b"\x00"
    elif tamper == "message":
        i = at % len(message)
        checked = message[:i] + bytes([message[i] ^ 1]) + message[i + 1:]
    try:
        key.public_key().verify(bytes(raw), checked)
        openssl_accepts = True
    except InvalidSignature:
        openssl_accepts = False
    try:
        verify("Ed25519", public_key_b64u(key), checked, b64u_encode(bytes(raw)))
        ours_accepts = True
    except SignatureInvalid:
        ours_accepts = False
    assert ours_accepts == openssl_accepts == (tamper == "none")


def test_a_small_order_key_verifies_nothing() -> None:
    """Where the two libraries differ: the identity point as a public key with R = identity
    and S = 0 passes OpenSSL's check for every message; libsodium refuses small-order keys,
    so such a key neither proves possession at enrolment nor signs anything (no honest signer
    produces one)."""
    identity = b64u_encode(bytes([1]) + bytes(31))
    forged = b64u_encode(bytes([1]) + bytes(31) + bytes(32))
    ed25519.Ed25519PublicKey.from_public_bytes(b64u_decode(identity)).verify(
        b64u_decode(forged), b"any mutation")  # OpenSSL: accepted
    with pytest.raises(SignatureInvalid):
        verify("Ed25519", identity, b"any mutation", forged)
