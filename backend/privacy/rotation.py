"""`langso pii rotate`: new data keys, optionally a new master key, every sealed row re-sealed.

One transaction: either every row is under the new keys and the old key rows are gone, or
nothing changed. The blind-index key is kept (re-wrapped under the new master) so that the
indexes stay valid; it is the one key a rotation does not replace (see docs/privacy.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Engine, text

from backend.lib.clock import utcnow
from backend.privacy.keys import (
    MASTER_FILE,
    PURPOSES,
    Keyring,
    _insert_key,
    attach,
    load_keyring,
    master_for,
    parse_master,
)
from backend.privacy.sealing import reseal
from backend.settings import Settings


def rotate(engine: Engine, old_master: bytes, new_master: bytes) -> int:
    """Re-wrap and re-encrypt. Returns how many values were re-sealed."""
    now = utcnow()
    with engine.begin() as conn:
        old = load_keyring(conn, old_master, create=False)
        new = Keyring(new_master)
        bidx = old.keys[old.active["bidx"]]
        conn.execute(text("DELETE FROM pii_data_keys"))
        _insert_key(conn, new, "bidx", bidx, now)
        for purpose in PURPOSES:
            if purpose != "bidx":
                _insert_key(conn, new, purpose, os.urandom(32), now)
        count = reseal(conn, new, old)
    attach(engine, new)
    return count


def rotate_configured(engine: Engine, settings: Settings, new_key_file: str | None) -> str:
    """Rotate with the master key where the settings say it is. With the data-dir default a
    new master is generated and replaces the file after the database commit; with
    LANGSO_PII_KEY or LANGSO_PII_KEY_FILE the new key comes from `new_key_file` (or, without
    one, only the data keys are rotated) and the operator switches the setting afterwards."""

    old = master_for(settings)
    if new_key_file:
        new = parse_master(Path(new_key_file).read_text())
        count = rotate(engine, old, new)
        return (f"re-sealed {count} values under a new master key; now set LANGSO_PII_KEY_FILE"
                f" (or LANGSO_PII_KEY) to {new_key_file}")
    if settings.pii_key or settings.pii_key_file:
        count = rotate(engine, old, old)
        return f"re-sealed {count} values under new data keys (master key unchanged)"
    path = settings.data_dir / MASTER_FILE
    pending = path.with_suffix(".key.new")
    new_hex = secrets.token_hex(32)
    pending.write_text(new_hex)
    pending.chmod(0o600)
    count = rotate(engine, old, bytes.fromhex(new_hex))
    os.replace(pending, path)  # after the commit: the database is already under the new key
    return f"re-sealed {count} values under a new master key ({path})"
