"""Ed25519 and ES256 signatures over exact bytes (SPEC §SIG).

Wire forms are those WebCrypto produces, so the browser needs no conversion:

* public keys: Ed25519 raw 32 bytes; P-256 uncompressed point ``0x04‖X‖Y`` (65 bytes);
* signatures: Ed25519 64 bytes; ES256 raw ``r‖s`` (64 bytes, big-endian, *not* DER);
* all byte strings as base64url without padding, strictly decoded (SIG3).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from functools import lru_cache
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from sync.errors import MalformedKey, SignatureInvalid, UnsupportedAlgorithm

Alg = Literal["Ed25519", "ES256"]
ALGORITHMS: tuple[Alg, ...] = ("Ed25519", "ES256")
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

_B64U = re.compile(r"[A-Za-z0-9_-]*")
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def b64u_encode(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict base64url decode (SIG3): alphabet ``A–Z a–z 0–9 - _`` only, no padding, no
    whitespace, length ≢ 1 (mod 4), and unused trailing bits zero (so each byte string has
    exactly one encoding). Raises ``ValueError``.
    """
    if not isinstance(text, str) or not _B64U.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not strict base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - regex already guards
        raise ValueError("not strict base64url") from exc
    if b64u_encode(raw) != text:
        raise ValueError("non-zero trailing bits in base64url")
    return raw


def _check_alg(alg: str) -> Alg:
    if alg == "Ed25519":
        return "Ed25519"
    if alg == "ES256":
        return "ES256"
    raise UnsupportedAlgorithm(
        f"Thuật toán chữ ký không được hỗ trợ: {alg!r} / unsupported signature algorithm",
    )


def _bad_key(why: str) -> MalformedKey:
    return MalformedKey(f"Khoá công khai không hợp lệ / malformed public key: {why}")


def _bad_sig(why: str) -> SignatureInvalid:
    return SignatureInvalid(f"Chữ ký không hợp lệ / invalid signature: {why}")


@lru_cache(maxsize=1024)
def load_public_key(
    alg: str, public_key_b64u: str
) -> ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey:
    """Decode and validate a wire public key. Raises ``bad_alg`` / ``bad_key``.

    Cached per (alg, key) — the server verifies every mutation of a batch with the same
    device key; key objects are immutable, and failures are never cached."""
    checked = _check_alg(alg)
    try:
        raw = b64u_decode(public_key_b64u)
    except ValueError as exc:
        raise _bad_key("base64url") from exc
    if checked == "Ed25519":
        if len(raw) != 32:
            raise _bad_key(f"Ed25519 key must be 32 bytes, got {len(raw)}")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if len(raw) != 65 or raw[0] != 0x04:
        raise _bad_key("P-256 key must be 65 bytes 0x04‖X‖Y (uncompressed)")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise _bad_key("point is not on P-256") from exc


@lru_cache(maxsize=1024)
def _sodium_key(public_key_b64u: str) -> VerifyKey:
    """The libsodium form of an Ed25519 key :func:`load_public_key` has accepted: libsodium
    verifies in half OpenSSL's time, and the server verifies every item it is sent (ADR 0025)."""
    return VerifyKey(b64u_decode(public_key_b64u))


def verify(alg: str, public_key_b64u: str, message: bytes, signature_b64u: str) -> None:
    """Verify ``signature_b64u`` over exactly ``message``.

    Check order (SIG6): algorithm (``bad_alg``) → key (``bad_key``) → signature encoding and
    length (``bad_signature``) → cryptographic check (``bad_signature``). High-S ES256
    signatures are accepted (SIG5). Returns ``None`` on success.
    """
    key = load_public_key(alg, public_key_b64u)
    try:
        sig = b64u_decode(signature_b64u)
    except ValueError as exc:
        raise _bad_sig("base64url") from exc
    if len(sig) != 64:
        raise _bad_sig(f"signature must be 64 bytes, got {len(sig)}")
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            _sodium_key(public_key_b64u).verify(message, sig)
        else:
            r = int.from_bytes(sig[:32], "big")
            s = int.from_bytes(sig[32:], "big")
            if not (0 < r < _P256_ORDER and 0 < s < _P256_ORDER):
                raise _bad_sig("r or s out of range")
            key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, BadSignatureError) as exc:
        raise _bad_sig("verification failed") from exc


def private_key_from_bytes(alg: str, raw: bytes) -> PrivateKey:
    """Build a private key from 32 raw bytes: the Ed25519 seed, or the P-256 scalar ``d``
    (big-endian). For tests, vectors and the commune key. Raises ``bad_alg`` / ``bad_key``.
    """
    checked = _check_alg(alg)
    if len(raw) != 32:
        raise MalformedKey("Khoá bí mật phải dài 32 byte / private key must be 32 bytes")
    if checked == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(raw)
    d = int.from_bytes(raw, "big")
    if not 0 < d < _P256_ORDER:
        raise MalformedKey("Khoá bí mật P-256 ngoài miền / P-256 scalar out of range")
    return ec.derive_private_key(d, ec.SECP256R1())


def private_key_bytes(private_key: PrivateKey) -> bytes:
    """Inverse of :func:`private_key_from_bytes`."""
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    return private_key.private_numbers().private_value.to_bytes(32, "big")


def alg_of(private_key: PrivateKey) -> Alg:
    """The algorithm name a private key signs with. Raises ``bad_alg`` for non-P-256 EC keys."""
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "Ed25519"
    if isinstance(private_key.curve, ec.SECP256R1):
        return "ES256"
    raise UnsupportedAlgorithm("Chỉ hỗ trợ P-256 / only P-256 is supported")


def public_key_b64u(private_key: PrivateKey) -> str:
    """The wire form of the public half of ``private_key`` (SIG2)."""
    pub = private_key.public_key()
    if isinstance(pub, ed25519.Ed25519PublicKey):
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        raw = pub.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    return b64u_encode(raw)


@lru_cache(maxsize=64)
def _sodium_signer(private_key: ed25519.Ed25519PrivateKey) -> SigningKey:
    """The libsodium form of an Ed25519 private key (keyed by the object: the server signs a
    receipt per submission with the same commune key). Ed25519 is deterministic, so both
    libraries give the same signature; libsodium's costs two thirds."""
    return SigningKey(private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption()))


def sign(alg: str, private_key: PrivateKey, message: bytes) -> str:
    """Sign ``message``; returns the wire signature (base64url). Ed25519 is deterministic;
    ES256 uses a random nonce, so its output differs per call. Raises ``bad_alg`` if ``alg``
    does not match the key.
    """
    checked = _check_alg(alg)
    if alg_of(private_key) != checked:
        raise UnsupportedAlgorithm(
            f"Khoá không dùng được với {alg} / key does not match algorithm {alg}"
        )
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return b64u_encode(_sodium_signer(private_key).sign(message).signature)
    der = private_key.sign(message, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return b64u_encode(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def key_id(alg: str, public_key_b64u: str) -> str:
    """Short stable id of a public key (SIG7): first 16 lowercase hex characters of
    ``SHA-256(ASCII(alg) ‖ ":" ‖ raw public key bytes)``. Validates the key first.
    """
    checked = _check_alg(alg)
    load_public_key(checked, public_key_b64u)
    raw = b64u_decode(public_key_b64u)
    return hashlib.sha256(checked.encode("ascii") + b":" + raw).hexdigest()[:16]
