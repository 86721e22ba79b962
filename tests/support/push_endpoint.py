"""A Web Push service for tests, on loopback, in a thread.

It plays both the push service and the browser behind it:
- `subscription()` creates a receiver key pair (P-256 ECDH) and a 16-byte auth secret, and
  returns what `PushSubscription.toJSON()` would give a web page;
- each POST is checked like a strict push service would: the VAPID token (RFC 8292) is an
  ES256 JWT signed by the key in `k=`, which must be the server's published VAPID key, with
  `aud` = this endpoint's origin, `exp` in the future and at most 24 h away, and a `sub`;
  TTL and Urgency headers are present; the body is RFC 8291 `aes128gcm` and decrypts with the
  receiver's private key and auth secret into JSON.
Good messages are answered 201 and kept in `received`; problems are answered 400 and kept
in `errors`. A subscription made with `status=410` (or 404) answers that after checking, to
test that the server forgets gone subscriptions.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Receiver:
    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    status: int = 201


@dataclass
class Received:
    token: str
    claims: dict[str, Any]
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class PushEndpoint:
    expected_vapid_key: str | None = None
    received: list[Received] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    receivers: dict[str, Receiver] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _cond: threading.Condition = field(default_factory=threading.Condition)

    @property
    def origin(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PushEndpoint:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, reason = endpoint._handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", str(len(reason)))
                self.end_headers()
                self.wfile.write(reason)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def subscription(self, status: int = 201) -> dict[str, Any]:
        token = secrets.token_urlsafe(12)
        key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        self.receivers[token] = Receiver(token, key, auth, status)
        point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{token}", "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(auth)}}

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) + len(self.errors) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.received)

    # --- checks -------------------------------------------------------------------------

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        lower = {k.lower(): v for k, v in headers.items()}
        token = path.rsplit("/", 1)[-1]
        receiver = self.receivers.get(token)
        try:
            if receiver is None:
                return 404, b"unknown subscription"
            claims = self._check_vapid(lower.get("authorization", ""))
            ttl = lower.get("ttl")
            if ttl is None or not ttl.isdigit():
                raise ValueError(f"missing or bad TTL header: {ttl!r}")
            if lower.get("urgency") not in ("very-low", "low", "normal", "high"):
                raise ValueError(f"missing or bad Urgency header: {lower.get('urgency')!r}")
            if lower.get("content-encoding") != "aes128gcm":
                raise ValueError("Content-Encoding must be aes128gcm")
            plain = http_ece.decrypt(body, private_key=receiver.private_key,
                                     auth_secret=receiver.auth, version="aes128gcm")
            payload = json.loads(plain)
        except (ValueError, InvalidSignature, KeyError) as exc:
            with self._cond:
                self.errors.append(f"{type(exc).__name__}: {exc}")
                self._cond.notify_all()
            return 400, str(exc).encode()
        with self._cond:
            self.received.append(Received(token, claims, lower, payload))
            self._cond.notify_all()
        return receiver.status, b""

    def _check_vapid(self, authorization: str) -> dict[str, Any]:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"Authorization scheme must be vapid, got {scheme!r}")
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        token, k = parts["t"], parts["k"]
        if self.expected_vapid_key is not None and k != self.expected_vapid_key:
            raise ValueError("k= is not the server's published VAPID public key")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(k))
        head_b64, claims_b64, sig_b64 = token.split(".")
        header = json.loads(b64url_decode(head_b64))
        if header.get("alg") != "ES256":
            raise ValueError(f"JWT alg must be ES256, got {header.get('alg')!r}")
        raw_sig = b64url_decode(sig_b64)
        if len(raw_sig) != 64:
            raise ValueError("ES256 signature must be 64 bytes (r||s)")
        der = encode_dss_signature(int.from_bytes(raw_sig[:32], "big"),
                                   int.from_bytes(raw_sig[32:], "big"))
        public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        claims: dict[str, Any] = json.loads(b64url_decode(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin!r}")
        exp = claims.get("exp")
        now = time.time()
        if not isinstance(exp, int) or exp <= now or exp > now + 24 * 3600:
            raise ValueError(f"exp {exp!r} must be in the future and within 24 hours")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            raise ValueError(f"sub {sub!r} must be a mailto: or https: URI")
        return claims
