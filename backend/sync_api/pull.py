"""GET /api/sync/pull: changes after an opaque cursor, scoped to what the caller may see.

The cursor is base64url(canonical JSON {"f": scope fingerprint, "s": last seq, "v": 1}).
Clients must treat it as opaque. `reset: true` means "discard your replica (keep your outbox)
and apply this answer as the first page of a full resync from zero"; it happens when the cursor
is older than the retained horizon (`pruned_through`), newer than anything the server has (a
restored backup), or was issued for a different scope (the user's villages changed).

Retention (`prune`) deletes change rows older than RETENTION_DAYS that a newer row of the same
entity supersedes, so a pull from zero still yields every entity's latest version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func
from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.changelog.changes import backfill, wait_for_writers
from backend.db.models import EntityVersion, SyncChange, SyncMeta
from backend.lib.auth import Principal
from backend.lib.errors import AppError
from backend.sync_api.lean import lean_page
from sync.canonical import canonical_bytes
from sync.signatures import b64u_decode, b64u_encode

RETENTION_DAYS = 90
MAX_LIMIT = 1000
DEFAULT_LIMIT = 200
HORIZON_KEY = "pruned_through"


VIEWS = ("full", "lean")


def scope_fingerprint(principal: Principal, view: str = "full") -> str:
    text = f"{principal.role}|{principal.commune_id}|{','.join(sorted(principal.village_ids))}"
    if view != "full":
        # A replica built from one view cannot continue in the other: switching resets.
        text += f"|{view}|{principal.user_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def encode_cursor(seq: int, fingerprint: str) -> str:
    return b64u_encode(canonical_bytes({"f": fingerprint, "s": seq, "v": 1}))


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        doc = json.loads(b64u_decode(cursor))
        seq, fp = doc["s"], doc["f"]
        if doc.get("v") != 1 or not isinstance(seq, int) or seq < 0 or not isinstance(fp, str):
            raise ValueError
    except (ValueError, KeyError, TypeError) as exc:
        raise AppError("bad_cursor", "Con trỏ đồng bộ không hợp lệ.", "Malformed cursor.",
                       400) from exc
    return seq, fp


def horizon(session: Session) -> int:
    row = session.get(SyncMeta, HORIZON_KEY)
    return int(row.value) if row else 0


def _scoped(stmt: Any, principal: Principal) -> Any:
    return where_visible(stmt, principal, SyncChange)


def check_view(view: str) -> None:
    if view not in VIEWS:
        raise AppError("bad_view", "view phải là full hoặc lean.", "view must be full or lean.",
                       400)


def _full_page(session: Session, principal: Principal, after: int, limit: int
               ) -> tuple[list[dict[str, Any]], int, bool]:
    stmt = _scoped(
        select(SyncChange, EntityVersion.data).join(
            EntityVersion,
            and_(col(EntityVersion.entity) == col(SyncChange.entity),
                 col(EntityVersion.entity_id) == col(SyncChange.entity_id),
                 col(EntityVersion.version) == col(SyncChange.version)),
        ).where(col(SyncChange.seq) > after),
        principal,
    ).order_by(col(SyncChange.seq)).limit(limit + 1)
    rows = list(session.exec(stmt).all())
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1][0].seq if rows else after
    # Within one page keep only each entity's last version (the client would overwrite anyway).
    latest: dict[tuple[str, str], int] = {}
    for i, (change, _) in enumerate(rows):
        latest[(change.entity, change.entity_id)] = i
    changes = [
        {"entity": c.entity, "id": c.entity_id, "version": c.version, "data": data,
         "deleted": c.deleted}
        for i, (c, data) in enumerate(rows) if latest[(c.entity, c.entity_id)] == i
    ]
    return changes, int(last or 0), more


def pull(session: Session, principal: Principal, cursor: str | None, limit: int,
         view: str = "full") -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise AppError("bad_limit", f"limit phải từ 1 đến {MAX_LIMIT}.",
                       f"limit must be 1..{MAX_LIMIT}.", 400)
    check_view(view)
    lean = view == "lean"
    fp = scope_fingerprint(principal, view)
    if principal.role == "admin":
        # Every scope but the admin's lies in one commune, whose appends are ordered by its
        # commune lock; across communes, wait for the appends in flight (changes.py).
        wait_for_writers(session)
    after, reset = 0, False
    if cursor:
        after, cursor_fp = decode_cursor(cursor)
        top = session.exec(select(func.max(SyncChange.seq))).one() or 0
        if cursor_fp != fp or after < horizon(session) or after > top:
            after, reset = 0, True
    closed: list[list[Any]] = []
    if lean:
        changes, closed, last, more = lean_page(session, principal, after, limit, _scoped)
    else:
        changes, last, more = _full_page(session, principal, after, limit)
    body: dict[str, Any] = {"changes": changes, "cursor": encode_cursor(int(last or 0), fp),
                            "more": more}
    if lean:
        body["closed"] = closed
        # How many change rows are still to come, so a phone can show an estimate.
        body["remaining"] = int(session.exec(_scoped(
            select(func.count()).select_from(SyncChange).where(col(SyncChange.seq) > last),
            principal)).one()) if more else 0
    if reset:
        body["reset"] = True
    return body


def prune(session: Session, now: datetime, retention_days: int = RETENTION_DAYS) -> int:
    """Delete change rows older than the retention window that a newer row of the same entity
    supersedes; raise the horizon to the largest deleted seq. Returns how many were deleted."""
    cutoff = now - timedelta(days=retention_days)
    newest = {
        (entity, eid): seq for entity, eid, seq in session.exec(
            select(SyncChange.entity, SyncChange.entity_id, func.max(SyncChange.seq))
            .group_by(SyncChange.entity, SyncChange.entity_id)
        ).all()
    }
    old = session.exec(select(SyncChange.seq, SyncChange.entity, SyncChange.entity_id)
                       .where(col(SyncChange.created_at) < cutoff)).all()
    doomed = [seq for seq, entity, eid in old if seq is not None
              and (top_seq := newest[(entity, eid)]) is not None and top_seq > seq]
    if not doomed:
        return 0
    for i in range(0, len(doomed), 500):
        session.execute(delete(SyncChange).where(col(SyncChange.seq).in_(doomed[i:i + 500])))
    top = max(doomed)
    meta = session.get(SyncMeta, HORIZON_KEY)
    if meta is None:
        session.add(SyncMeta(key=HORIZON_KEY, value=str(top)))
    elif int(meta.value) < top:
        meta.value = str(top)
        session.add(meta)
    session.commit()
    return len(doomed)


def pull_page(session: Session, principal: Principal, cursor: str | None, limit: int,
              now: datetime, view: str = "full") -> dict[str, Any]:
    """GET /pull. A first pull (no cursor) first gives change rows to records written outside
    the services (CSV import, demo seed: changes.backfill), so a pull from zero sees them."""
    check_view(view)  # before the backfill: a refused request writes nothing
    if not cursor:
        backfill(session, now)
    return pull(session, principal, cursor, limit, view)
