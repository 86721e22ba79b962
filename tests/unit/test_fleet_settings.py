"""Fleet configuration: secrets from settings (or files named by settings), fleet mode refusing
to start without them, and client addresses read from proxy headers only behind a trusted
proxy."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from backend.lib.client_address import forwarded_chain, parse_trusted, resolve
from backend.lib.keyring import FleetConfigError, load_server_keys, parse_kek
from backend.settings import Settings


def vapid_pem() -> str:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def fleet_settings(tmp_path: Path, **over: str | None) -> Settings:
    given: dict[str, Any] = dict(
        session_secret=secrets.token_hex(32), ticket_secret=secrets.token_hex(32),
        key_encryption_key=secrets.token_hex(32), vapid_private_key=vapid_pem(),
        blob_url=f"file://{tmp_path}/shared-blobs")
    given.update(over)
    return Settings(database_url="sqlite://", data_dir=tmp_path, fleet=True, **given)


def test_fleet_mode_refuses_to_start_naming_every_missing_secret(tmp_path: Path) -> None:
    with pytest.raises(FleetConfigError) as caught:
        load_server_keys(Settings(database_url="sqlite://", data_dir=tmp_path, fleet=True))
    text = str(caught.value.code)
    for name in ("LANGSO_SESSION_SECRET", "LANGSO_TICKET_SECRET", "LANGSO_KEY_ENCRYPTION_KEY",
                 "LANGSO_VAPID_PRIVATE_KEY", "LANGSO_BLOB_URL"):
        assert name in text
    assert not (tmp_path / "keys").exists(), "fleet mode must not invent a secret"
    with pytest.raises(FleetConfigError) as one:
        load_server_keys(fleet_settings(tmp_path, ticket_secret=None))
    assert "LANGSO_TICKET_SECRET" in str(one.value.code)
    assert "LANGSO_SESSION_SECRET" not in str(one.value.code)


def test_fleet_secrets_come_from_settings_and_are_checked(tmp_path: Path) -> None:
    s = fleet_settings(tmp_path)
    keys = load_server_keys(s)
    assert keys.session.hex() == s.session_secret and keys.ticket.hex() == s.ticket_secret
    assert keys.kek.hex() == s.key_encryption_key and not keys.may_generate
    assert not (tmp_path / "keys").exists()
    with pytest.raises(FleetConfigError, match="too short"):
        load_server_keys(fleet_settings(tmp_path, session_secret="ab" * 8))
    with pytest.raises(FleetConfigError, match="not a PEM"):
        load_server_keys(fleet_settings(tmp_path, vapid_private_key="not a key"))
    ed = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8,
                                                    NoEncryption()).decode()
    with pytest.raises(FleetConfigError, match="P-256"):
        load_server_keys(fleet_settings(tmp_path, vapid_private_key=ed))
    with pytest.raises(FleetConfigError, match="32 bytes"):
        load_server_keys(fleet_settings(tmp_path, key_encryption_key="abcd"))


def test_kek_accepts_hex_and_base64url() -> None:
    raw = secrets.token_bytes(32)
    assert parse_kek(raw.hex()) == raw
    assert parse_kek(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw
    assert parse_kek(base64.b64encode(raw).decode()) == raw


def test_a_single_machine_generates_its_secrets_once(tmp_path: Path) -> None:
    s = Settings(database_url="sqlite://", data_dir=tmp_path)
    first, again = load_server_keys(s), load_server_keys(s)
    assert first.session == again.session and first.ticket == again.ticket
    assert first.kek == again.kek and first.may_generate
    assert first.session != first.ticket
    assert {p.name for p in (tmp_path / "keys").iterdir()} >= {"session.key", "ticket.key",
                                                                 "kek.key", "vapid.pem"}


def test_secrets_are_read_from_files_named_by_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = secrets.token_hex(32)
    (tmp_path / "session").write_text(secret + "\n")
    pem = tmp_path / "vapid.pem"
    pem.write_text(vapid_pem())
    monkeypatch.setenv("LANGSO_FLEET", "true")
    monkeypatch.setenv("LANGSO_SESSION_SECRET_FILE", str(tmp_path / "session"))
    monkeypatch.setenv("LANGSO_VAPID_PRIVATE_KEY_FILE", str(pem))
    monkeypatch.setenv("LANGSO_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    s = Settings.from_env()
    assert s.fleet and s.session_secret == secret
    assert s.vapid_private_key is not None and "PRIVATE KEY" in s.vapid_private_key
    assert s.trusted_proxies == ("10.0.0.0/8", "127.0.0.1")
    monkeypatch.setenv("LANGSO_SESSION_SECRET", secret)
    with pytest.raises(SystemExit, match="not both"):
        Settings.from_env()
    monkeypatch.delenv("LANGSO_SESSION_SECRET")
    monkeypatch.setenv("LANGSO_SESSION_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(SystemExit, match="cannot read"):
        Settings.from_env()


def test_client_address_uses_proxy_headers_only_from_a_trusted_peer() -> None:
    trusted = parse_trusted(("10.0.0.0/8", "::1"))
    xff = {"x-forwarded-for": "1.2.3.4, 203.0.113.7, 10.0.0.5"}
    # untrusted peer: its headers are the client's own words
    assert resolve("198.51.100.9", forwarded_chain(xff), trusted) == "198.51.100.9"
    # trusted peer: rightmost hop that is not a trusted proxy
    assert resolve("10.0.0.2", forwarded_chain(xff), trusted) == "203.0.113.7"
    # no trusted proxies configured: never read headers
    assert resolve("10.0.0.2", forwarded_chain(xff), ()) == "10.0.0.2"
    fwd = {"forwarded": 'for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"',
           "x-forwarded-for": "6.6.6.6"}
    assert forwarded_chain(fwd) == ["192.0.2.60", "[2001:db8::17]:4711"]
    assert resolve("::1", forwarded_chain(fwd), trusted) == "2001:db8::17"
    assert resolve("10.0.0.2", ["garbage"], trusted) == "10.0.0.2"
    assert resolve("10.0.0.2", ["192.0.2.1:8080"], trusted) == "192.0.2.1"
    with pytest.raises(SystemExit, match="not an address"):
        parse_trusted(("10.0.0.0/33",))
