"""The master key and the per-purpose data keys (envelope encryption).

Where the master key comes from, first match wins:
1. `LANGSO_PII_KEY` — 64 hex characters or base64 of 32 bytes (for several app servers);
2. `LANGSO_PII_KEY_FILE` — a file holding the same;
3. `<data dir>/keys/pii-master.key`, generated on first run (the single-machine default,
   like the session and signing keys).

Data keys (one per purpose: members, dossiers, sync, results, blobs, and `bidx` for blind
indexes)
live in `pii_data_keys`, each sealed under the master key. The unwrapped keyring is attached
to the engine's dialect, so that every engine (one per database) carries its own keys: the
column types receive the dialect on every bind and result, and nothing else is global.

This module is kept apart from backend/lib/secrets.py on purpose (another branch owns that);
it only borrows its atomic exclusive file creation.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import Dialect

from backend.lib.clock import utcnow
from backend.lib.secrets import _create_exclusive
from backend.privacy import crypto
from backend.settings import Settings

PURPOSES = ("members", "dossiers", "sync", "results", "bidx", "blobs")
MASTER_FILE = Path("keys") / "pii-master.key"
_ATTR = "langso_keyring"


class KeyError_(RuntimeError):
    """No usable key: the keyring is not installed, or a row is sealed under a lost key."""


def parse_master(raw: str) -> bytes:
    raw = raw.strip()
    try:
        key = bytes.fromhex(raw) if len(raw) == 64 else base64.b64decode(raw, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise SystemExit("LANGSO_PII_KEY must be 64 hex digits or base64 of 32 bytes") from exc
    if len(key) != 32:
        raise SystemExit("LANGSO_PII_KEY must be 32 bytes (64 hex digits)")
    return key


def master_key(data_dir: Path, env_key: str = "", key_file: str = "") -> bytes:
    if env_key:
        return parse_master(env_key)
    if key_file:
        return parse_master(Path(key_file).read_text())
    path = data_dir / MASTER_FILE
    if not path.exists():
        _create_exclusive(path, secrets.token_hex(32).encode())
    return parse_master(path.read_text())


@dataclass
class Keyring:
    master: bytes
    keys: dict[str, bytes] = field(default_factory=dict)
    active: dict[str, str] = field(default_factory=dict)

    def seal(self, purpose: str, plaintext: bytes) -> str:
        kid = self.active[purpose]
        return crypto.seal(kid, self.keys[kid], purpose, plaintext)

    def open(self, purpose: str, value: str) -> bytes:
        kid = crypto.key_id_of(value)
        key = self.keys.get(kid)
        if key is None:
            raise KeyError_(f"no data key {kid} for a sealed {purpose} value")
        return crypto.open_sealed(key, purpose, value)

    def blind_index(self, purpose: str, value: str) -> str:
        return crypto.blind_index(self.keys[self.active["bidx"]], purpose, value)


def _insert_key(conn: Connection, ring: Keyring, purpose: str, key: bytes, now: datetime) -> str:
    kid = str(uuid.uuid4())
    conn.execute(
        text("INSERT INTO pii_data_keys (id, purpose, wrapped, master_fingerprint, created_at)"
             " VALUES (:id, :p, :w, :f, :t)"),
        {"id": kid, "p": purpose, "w": crypto.wrap_key(ring.master, key, kid),
         "f": crypto.fingerprint(ring.master), "t": now.replace(tzinfo=None)
         if conn.dialect.name == "sqlite" else now},
    )
    ring.keys[kid] = key
    ring.active[purpose] = kid
    return kid


_SELECT_KEYS = ("SELECT id, purpose, wrapped, master_fingerprint, retired_at FROM pii_data_keys"
                " ORDER BY created_at, id")


def _ring_from_rows(master: bytes, rows: Sequence[Sequence[Any]]) -> Keyring:
    ring = Keyring(master)
    fp = crypto.fingerprint(master)
    if any(r[3] != fp for r in rows):
        raise KeyError_(
            "pii_data_keys holds keys wrapped by another master key; set LANGSO_PII_KEY "
            "(or LANGSO_PII_KEY_FILE) to the master key this database was encrypted with")
    for kid, purpose, wrapped, _fp, retired in rows:
        ring.keys[kid] = crypto.unwrap_key(master, wrapped, kid)
        if retired is None and purpose not in ring.active:
            ring.active[purpose] = kid
    return ring


def load_keyring(conn: Connection, master: bytes, *, create: bool = True) -> Keyring:
    """Unwrap every data key sealed under `master`; create the missing purposes' keys.

    The oldest live key of a purpose is its active one, so two processes agree; the blind-index
    key in particular must be one key per database (the migration creates it first)."""
    ring = _ring_from_rows(master, [tuple(r) for r in conn.execute(text(_SELECT_KEYS)).all()])
    if create:
        for purpose in PURPOSES:
            if purpose not in ring.active:
                _insert_key(conn, ring, purpose, crypto.new_key(), utcnow())
    return ring


def attach(engine: Engine, ring: Keyring) -> None:
    setattr(engine.dialect, _ATTR, ring)


def install(engine: Engine, master: bytes) -> Keyring:
    with engine.begin() as conn:
        ring = load_keyring(conn, master)
    attach(engine, ring)
    return ring


def master_for(settings: Settings) -> bytes:
    return master_key(settings.data_dir, settings.pii_key, settings.pii_key_file)


_SOURCE = "langso_keyring_source"  # dialect attribute: (engine ref, settings) to load from


def bind(engine: Engine, settings: Settings) -> None:
    """Where this engine's keyring comes from; called once, by `backend.db.engine.make_engine`.

    The keyring is loaded on first use (a tool's engine may be made before `db upgrade` has
    created the keys) with the master key of the settings the engine was made with — not of
    whatever the environment says at that later moment."""
    setattr(engine.dialect, _SOURCE, (weakref.ref(engine), settings))


def _bound(dialect: Dialect) -> tuple[Engine, Settings]:
    ref, settings = getattr(dialect, _SOURCE, (None, None))
    engine = ref() if ref else None
    if engine is None or settings is None:
        raise KeyError_("PII keyring not bound to this engine (make it with make_engine)")
    return engine, settings


def load_now(engine: Engine) -> Keyring:
    """A server's start: load the bound keyring at once, creating a missing purpose's key, so
    a wrong master key stops the start instead of the first request."""
    return install(engine, master_for(_bound(engine.dialect)[1]))


def _lazy_load(dialect: Dialect) -> Keyring:
    engine, settings = _bound(dialect)
    # A raw autocommit read: the caller may hold the write lock on another connection.
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(_SELECT_KEYS)
        rows = [tuple(r) for r in cur.fetchall()]
        cur.close()
        raw.rollback()
    finally:
        raw.close()
    if not rows:
        raise KeyError_("no PII data keys in this database: run `langso db upgrade`")
    ring = _ring_from_rows(master_for(settings), rows)
    attach(engine, ring)
    return ring


def keyring_of(dialect: Dialect) -> Keyring:
    ring = getattr(dialect, _ATTR, None)
    return ring if ring is not None else _lazy_load(dialect)
