"""The lean view of a pull (docs/protocol.md §5, "The lean view"): what a volunteer's phone
needs, not the whole history of the village.

A dossier that is closed now (a terminal state of sync/states.py) and that the caller did not
prepare travels as one short row of `closed`, read from the dossier row itself, instead of a
full change: its form data, components and dates are what made a village's first pull 1.35 MB,
and the phone only lists it. Its older versions are not sent at all (the change row of its
current version comes later in the log and brings the row), and they do not count toward the
page's limit, so a village with thousands of past dossiers needs few pages (each one is a round
trip on EDGE); a closed row counts as a quarter of a change toward the limit (it is a tenth of
the bytes). The whole dossier comes from `GET /api/sync/dossiers/{id}` when the volunteer
opens it. Open dossiers, the caller's own dossiers and every other entity travel whole, as in
the full view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, tuple_
from sqlmodel import Session, col, select

from backend.changelog.entities import latest_version
from backend.db.models import Dossier, EntityVersion, SyncChange
from backend.dossiers.service import visible_dossier
from backend.lib.auth import Principal
from backend.lib.errors import not_found
from sync.states import TERMINAL

# Position of each value in a `closed` row; the order is part of the wire (docs/protocol.md §5).
CLOSED_COLUMNS = ("id", "version", "household_id", "procedure_code", "status", "outcome",
                  "received_on")


# Change-log rows one lean page may scan, per change it may hold: superseded versions of closed
# dossiers are skipped without counting, but a page must stay one bounded query.
SCAN_FACTOR = 10
# A closed row weighs this much of a change toward `limit`.
CLOSED_WEIGHT = 0.25


# The dossier columns a lean page reads (never the sealed form: decrypting it is the cost saved).
_DOSSIER = (Dossier.id, Dossier.version, Dossier.household_id, Dossier.procedure_code,
            Dossier.status, Dossier.outcome, Dossier.received_at, Dossier.prepared_by)


def closed_row(d: Any) -> list[Any]:
    received = d.received_at.date().isoformat() if isinstance(d.received_at, datetime) else None
    return [d.id, d.version, d.household_id, d.procedure_code, d.status, d.outcome, received]


def lean_page(session: Session, principal: Principal, after: int, limit: int,
              scoped: Callable[[Any, Principal], Any]
              ) -> tuple[list[dict[str, Any]], list[list[Any]], int, bool]:
    """(changes, closed rows, last seq scanned, more) of one lean page after `after`."""
    stmt = scoped(
        select(SyncChange, *_DOSSIER).outerjoin(  # type: ignore[call-overload]
            Dossier, and_(col(SyncChange.entity) == "dossier",
                          col(Dossier.id) == col(SyncChange.entity_id)))
        .where(col(SyncChange.seq) > after),
        principal,
    ).order_by(col(SyncChange.seq)).limit(limit * SCAN_FACTOR + 1)
    scanned = list(session.exec(stmt).all())
    # Walk until `limit` changes would be sent; skipped rows cost nothing.
    kept: list[tuple[SyncChange, Any, bool]] = []  # (change, dossier columns, as a row?)
    last, count, more = after, 0.0, len(scanned) > limit * SCAN_FACTOR
    for row in scanned[:limit * SCAN_FACTOR]:
        c, d = row[0], (row if row.id is not None else None)
        if count >= limit:
            more = True
            break
        last = int(c.seq or 0)
        closed_now = (d is not None and not c.deleted and d.status in TERMINAL
                      and d.prepared_by != principal.user_id)
        if closed_now and d is not None and c.version < d.version:
            continue
        kept.append((c, d, closed_now))
        count += CLOSED_WEIGHT if closed_now else 1
    latest = {(c.entity, c.entity_id): i for i, (c, _, _) in enumerate(kept)}
    kept = [k for i, k in enumerate(kept) if latest[(k[0].entity, k[0].entity_id)] == i]
    wanted = [(c.entity, c.entity_id, c.version) for c, _, as_row in kept if not as_row]
    data: dict[tuple[str, str, int], dict[str, Any]] = {}
    for i in range(0, len(wanted), 500):
        for v in session.exec(select(EntityVersion).where(
                tuple_(EntityVersion.entity, EntityVersion.entity_id,
                       EntityVersion.version).in_(wanted[i:i + 500]))).all():
            data[(v.entity, v.entity_id, v.version)] = v.data
    changes: list[dict[str, Any]] = []
    closed: list[list[Any]] = []
    for c, d, as_row in kept:
        if as_row and d is not None:
            closed.append(closed_row(d))
        else:
            changes.append({"entity": c.entity, "id": c.entity_id, "version": c.version,
                            "data": data[(c.entity, c.entity_id, c.version)],
                            "deleted": c.deleted})
    return changes, closed, last, more


def whole_dossier(session: Session, principal: Principal, dossier_id: str) -> dict[str, Any]:
    """One dossier as a pull change (entity, id, version, data, deleted) at its latest version,
    for a phone that holds only its closed row."""
    visible_dossier(session, principal, dossier_id)
    latest = latest_version(session, "dossier", dossier_id)
    if latest is None or session.get(Dossier, dossier_id) is None:
        raise not_found("hồ sơ", "Dossier")
    return {"entity": "dossier", "id": dossier_id, "version": latest.version,
            "data": latest.data, "deleted": False}
