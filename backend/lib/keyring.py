"""The server's secrets, from settings or (single machine only) generated on first run.

Fleet mode (`LANGSO_FLEET=true`): every node must be given the same secrets; a node refuses to
start when one is missing instead of inventing its own (which is what made tokens, tickets and
signatures from one node fail on another). On a single machine the secrets are generated into
`<data_dir>/keys/` the first time, as before.

Service code that only knows the data directory finds the keys with `keys_for(data_dir)`:
`create_app` and the CLI register the keys of their settings; an unregistered directory (a
unit test calling a service directly) gets the single-machine keys of that directory.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from backend.lib.secrets import _create_exclusive, session_secret
from backend.settings import Settings

MIN_SECRET_BYTES = 32


class FleetConfigError(SystemExit):
    """A setting a node cannot run without; the message names it and says how to make one."""


@dataclass(frozen=True)
class ServerKeys:
    session: bytes  # HMAC key of session tokens and look-up buckets
    ticket: bytes  # HMAC key of enrolment tickets
    vapid: ec.EllipticCurvePrivateKey
    kek: bytes  # AES-256-GCM key sealing commune signing keys in the database
    fleet: bool
    data_dir: Path  # where a single machine keeps legacy key files

    @property
    def may_generate(self) -> bool:
        """Only a single machine creates missing commune keys on first use."""
        return not self.fleet


HOW_TO = {
    "LANGSO_SESSION_SECRET": "openssl rand -hex 32",
    "LANGSO_TICKET_SECRET": "openssl rand -hex 32",
    "LANGSO_KEY_ENCRYPTION_KEY": "openssl rand -hex 32",
    "LANGSO_BLOB_URL": "s3://bucket/prefix?endpoint_url=… (or file:///shared/mount)",
    "LANGSO_VAPID_PRIVATE_KEY": "openssl ecparam -name prime256v1 -genkey -noout "
    "| openssl pkcs8 -topk8 -nocrypt",
}


def _hex_secret(name: str, raw: str) -> bytes:
    try:
        value = bytes.fromhex(raw)
    except ValueError as exc:
        raise FleetConfigError(f"langso: {name} must be hex ({HOW_TO[name]})") from exc
    if len(value) < MIN_SECRET_BYTES:
        raise FleetConfigError(
            f"langso: {name} is too short: {len(value)} bytes, need at least "
            f"{MIN_SECRET_BYTES} ({HOW_TO[name]})"
        )
    return value


def parse_kek(raw: str) -> bytes:
    """32 bytes as 64 hex digits or as base64/base64url."""
    name = "LANGSO_KEY_ENCRYPTION_KEY"
    value: bytes | None = None
    try:
        value = bytes.fromhex(raw)
    except ValueError:
        try:
            value = base64.urlsafe_b64decode(raw.replace("+", "-").replace("/", "_")
                                             + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            value = None
    if value is None or len(value) != 32:
        raise FleetConfigError(
            f"langso: {name} must be exactly 32 bytes, hex or base64 ({HOW_TO[name]})"
        )
    return value


def parse_vapid(pem: str) -> ec.EllipticCurvePrivateKey:
    name = "LANGSO_VAPID_PRIVATE_KEY"
    try:
        key = load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise FleetConfigError(f"langso: {name} is not a PEM private key ({HOW_TO[name]})") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise FleetConfigError(f"langso: {name} must be a P-256 key ({HOW_TO[name]})")
    return key


def _file_key(path: Path, make: bytes) -> bytes:
    if not path.exists():
        _create_exclusive(path, make)
    return path.read_bytes()


def _local_vapid(data_dir: Path) -> ec.EllipticCurvePrivateKey:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    return parse_vapid(_file_key(data_dir / "keys" / "vapid.pem", pem).decode("ascii"))


def missing_fleet_secrets(settings: Settings) -> list[str]:
    given = {
        "LANGSO_SESSION_SECRET": settings.session_secret,
        "LANGSO_TICKET_SECRET": settings.ticket_secret,
        "LANGSO_KEY_ENCRYPTION_KEY": settings.key_encryption_key,
        "LANGSO_VAPID_PRIVATE_KEY": settings.vapid_private_key,
    }
    missing = [name for name, value in given.items() if not value]
    if not settings.blob_url:  # not a secret, but a node-local directory splits the blobs
        missing.append("LANGSO_BLOB_URL")
    return missing


def load_server_keys(settings: Settings) -> ServerKeys:
    """Raises `FleetConfigError` (a `SystemExit`) naming every missing or malformed secret."""
    if settings.fleet:
        missing = missing_fleet_secrets(settings)
        if missing:
            lines = "\n".join(
                f"  {n}{'' if n == 'LANGSO_BLOB_URL' else f' (or {n}_FILE)'}: {HOW_TO[n]}"
                for n in missing)
            raise FleetConfigError(
                "langso: chế độ nhiều máy chủ (LANGSO_FLEET=true) thiếu khoá bí mật / "
                "fleet mode needs every secret from settings; missing:\n" + lines
            )
    data_dir = settings.data_dir
    keys_dir = data_dir / "keys"
    session = (_hex_secret("LANGSO_SESSION_SECRET", settings.session_secret)
               if settings.session_secret else session_secret(data_dir))
    ticket = (_hex_secret("LANGSO_TICKET_SECRET", settings.ticket_secret)
              if settings.ticket_secret
              else bytes.fromhex(_file_key(keys_dir / "ticket.key",
                                           secrets.token_hex(32).encode()).decode().strip()))
    kek = (parse_kek(settings.key_encryption_key) if settings.key_encryption_key
           else bytes.fromhex(_file_key(keys_dir / "kek.key",
                                        secrets.token_hex(32).encode()).decode().strip()))
    vapid = (parse_vapid(settings.vapid_private_key) if settings.vapid_private_key
             else _local_vapid(data_dir))
    return ServerKeys(session=session, ticket=ticket, vapid=vapid, kek=kek,
                      fleet=settings.fleet, data_dir=data_dir)


_REGISTRY: dict[Path, ServerKeys] = {}


def register(settings: Settings) -> ServerKeys:
    keys = load_server_keys(settings)
    _REGISTRY[settings.data_dir.resolve()] = keys
    return keys


@cache
def _single_machine(data_dir: Path) -> ServerKeys:
    return load_server_keys(Settings(database_url="", data_dir=data_dir))


def keys_for(data_dir: Path) -> ServerKeys:
    resolved = Path(data_dir).resolve()
    return _REGISTRY.get(resolved) or _single_machine(resolved)
