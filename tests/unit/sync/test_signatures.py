"""Signature behaviour beyond the shared vectors."""

from __future__ import annotations

import pytest
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
