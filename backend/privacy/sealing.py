"""Sealing rows in place: the encrypting migration and `langso pii rotate` share this.

Works on raw SQL over a Connection, so it runs inside an Alembic migration (no ORM, no models
of a later schema) as well as from the command line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text

from backend.privacy.crypto import is_sealed
from backend.privacy.keys import Keyring


@dataclass(frozen=True)
class SealedColumn:
    table: str
    pk: tuple[str, ...]
    column: str
    purpose: str
    json: bool


# Every column the models declare with SealedText / SealedJson (a test keeps this in step).
SEALED: tuple[SealedColumn, ...] = (
    SealedColumn("members", ("id",), "cccd", "members", False),
    SealedColumn("members", ("id",), "ethnicity", "members", False),
    SealedColumn("dossiers", ("id",), "form_data", "dossiers", True),
    SealedColumn("dossier_events", ("id",), "data", "dossiers", True),
    SealedColumn("sync_mutations", ("id",), "payload", "sync", False),
    SealedColumn("entity_versions", ("entity", "entity_id", "version"), "data", "sync", True),
    SealedColumn("sync_losers", ("id",), "losing_value", "sync", True),
    SealedColumn("sync_losers", ("id",), "winning_value", "sync", True),
    SealedColumn("sync_conflicts", ("id",), "base_value", "sync", True),
    SealedColumn("sync_conflicts", ("id",), "current_value", "sync", True),
    SealedColumn("sync_conflicts", ("id",), "proposed_value", "sync", True),
    SealedColumn("sync_conflicts", ("id",), "resolved_value", "sync", True),
    SealedColumn("dossier_amendments", ("id",), "fields", "sync", True),
    SealedColumn("dossier_revisions", ("hash",), "payload", "sync", False),
    SealedColumn("dossier_results", ("id",), "content", "results", True),
    SealedColumn("dossier_results", ("id",), "record", "results", False),
    SealedColumn("blobs", ("sha256",), "content_key", "blobs", False),
    SealedColumn("uploads", ("sha256", "user_id"), "content_key", "blobs", False),
)


def _plain_of(raw: object, c: SealedColumn, old: Keyring | None, sqlite: bool) -> str:
    """The plaintext (JSON text for a JSON column) of a stored value, sealed or not."""
    if c.json:
        value = json.loads(raw) if (sqlite and isinstance(raw, str)) else raw
        if isinstance(value, str) and is_sealed(value):
            if old is None:
                raise ValueError(f"{c.table}.{c.column} is sealed but no key was given")
            return old.open(c.purpose, value).decode()
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text_value = str(raw)
    if is_sealed(text_value):
        if old is None:
            raise ValueError(f"{c.table}.{c.column} is sealed but no key was given")
        return old.open(c.purpose, text_value).decode()
    return text_value


def _present_columns(conn: Connection) -> set[tuple[str, str]]:
    inspector = inspect(conn)
    return {(t, col["name"]) for t in {c.table for c in SEALED}
            for col in inspector.get_columns(t)}


def reseal(conn: Connection, new: Keyring | None, old: Keyring | None,
           columns: Sequence[SealedColumn] = SEALED, batch: int = 500) -> int:
    """Rewrite every value of `columns`: open with `old` (plaintext passes through), seal
    with `new` (None = write plaintext back, for the downgrade). Returns values rewritten."""
    sqlite = conn.dialect.name == "sqlite"
    count = 0
    present = _present_columns(conn)
    for c in columns:
        if (c.table, c.column) not in present:
            continue  # a column of a later schema (an older migration runs this too)
        pk = ", ".join(c.pk)
        where = " AND ".join(f"{k} = :k{i}" for i, k in enumerate(c.pk))
        target = "CAST(:v AS JSONB)" if (c.json and not sqlite) else ":v"
        rows = conn.execute(text(
            f"SELECT {pk}, {c.column} FROM {c.table} WHERE {c.column} IS NOT NULL")).all()
        for start in range(0, len(rows), batch):
            params = []
            for row in rows[start:start + batch]:
                plain = _plain_of(row[-1], c, old, sqlite)
                value = new.seal(c.purpose, plain.encode()) if new else plain
                if c.json and new:
                    value = json.dumps(value)
                p = {f"k{i}": row[i] for i in range(len(c.pk))}
                p["v"] = value
                params.append(p)
            if params:
                conn.execute(
                    text(f"UPDATE {c.table} SET {c.column} = {target} WHERE {where}"), params)
                count += len(params)
    return count


def reindex_members(conn: Connection, ring: Keyring) -> int:
    """Recompute `members.cccd_bidx` from the (sealed or plain) CCCD values."""
    rows = conn.execute(text("SELECT id, cccd FROM members WHERE cccd IS NOT NULL")).all()
    params = []
    for mid, raw in rows:
        plain = ring.open("members", raw).decode() if is_sealed(raw) else raw
        params.append({"id": mid, "b": ring.blind_index("cccd", plain) if plain else None})
    if params:
        conn.execute(text("UPDATE members SET cccd_bidx = :b WHERE id = :id"), params)
    return len(params)
