"""Service-index rollups kept exact in the transaction that records what they count.

One `before_flush` hook sees every new `DossierEvent` (state transitions from
`backend.dossiers.service`, results issued, apologies) and every new `Rating`, and adds
its counts to the row of (commune, procedure, local day) with one upsert per row — inside
the same transaction (and savepoint) as the event, so a rollback takes the counts with it.
Rows written with bulk Core inserts are counted when their writer says so (`count_rows`; a
draft's `create` counts nothing).

`recompute` derives the same rows from the audit log, the dossiers and the ratings: the
oracle of the property test and the way to (re)build the table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy import select as columns
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, delete, select

from backend.db.models import Dossier, DossierEvent, DossierRevision, DossierRollup, Rating
from backend.db.models.province import COUNTERS
from backend.lib.vntime import local_date

ALL_COUNTERS = (*COUNTERS, "processing_seconds")
Key = tuple[str, str, date]
ROLLUPS = DossierRollup.__table__  # type: ignore[attr-defined]
SIMPLE = {
    "submit": "submitted",
    "receive": "received",
    "refuse": "refused",
    "return_result": "returned",
    "issue_result": "results_issued",
    "request_supplement": "supplements",
    "apologise": "apologies",
}
FINISH = frozenset({"approve", "reject"})
SATISFIED = frozenset({"very_satisfied", "satisfied"})


def event_counts(action: str, at: datetime, due: date | None,
                 received_at: datetime | None) -> dict[str, int]:
    """What one audit event adds to its day's row (pure; shared by hook and recompute)."""
    if action in SIMPLE:
        return {SIMPLE[action]: 1}
    if action not in FINISH:
        return {}
    day = local_date(at)
    counts = {"finished": 1}
    if due is not None and day <= due:
        counts["finished_on_time"] = 1
        if day < due:
            counts["finished_early"] = 1
    if received_at is not None:
        counts["processing_seconds"] = max(0, int((at - received_at).total_seconds()))
    return counts


FAST_SECONDS = 300  # the provinces' target: a submission in under 5 minutes


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def submission_counts(kind: str, payload: str) -> dict[str, int]:
    """What a first signed submission adds: its fill time and its prefilled share, when the
    device reported them (fields `fill_seconds`, `prefilled_fields`, `total_fields`)."""
    if kind != "submit":
        return {}
    try:
        fields = json.loads(payload).get("fields") or {}
    except (ValueError, TypeError, AttributeError):  # not ours to judge: count nothing
        return {}
    return submission_field_counts(kind, fields)


def submission_field_counts(kind: str, fields: object) -> dict[str, int]:
    """`submission_counts` of the payload's already parsed `fields`."""
    if kind != "submit" or not isinstance(fields, dict):
        return {}
    counts: dict[str, int] = {}
    fill = _count(fields.get("fill_seconds"))
    if fill is not None:
        counts.update(timed=1, fast=int(fill <= FAST_SECONDS))
    pre, total = _count(fields.get("prefilled_fields")), _count(fields.get("total_fields"))
    if pre is not None and total is not None and pre <= total:
        counts.update(prefilled_fields=pre, total_fields=total)
    return counts


def rating_counts(rating: str) -> dict[str, int]:
    return {"rated": 1, "satisfied": 1} if rating in SATISFIED else {"rated": 1}


def _add(acc: dict[Key, dict[str, int]], key: Key, counts: dict[str, int]) -> None:
    if not counts:
        return
    row = acc[key]
    for name, value in counts.items():
        row[name] = row.get(name, 0) + value


_ROWS = "langso_rollup_rows"


def count_rows(session: OrmSession, dossier: Dossier, events: Iterable[dict[str, Any]] = (),
               revisions: Iterable[tuple[str, datetime, Any]] = ()) -> None:
    """Count audit events and revisions — (kind, created_at, the payload's fields) — of
    `dossier` that the caller inserts as plain rows (a Core bulk insert the hook cannot see);
    added to the rollups at the next flush, in the same transaction. The same rules as for
    ORM rows (`event_counts`, `submission_counts`)."""
    acc: dict[Key, dict[str, int]] = session.info.setdefault(_ROWS, defaultdict(dict))
    for ev in events:
        if ev["action"] in SIMPLE or ev["action"] in FINISH:
            _add(acc, (dossier.commune_id, dossier.procedure_code, local_date(ev["at"])),
                 event_counts(ev["action"], ev["at"], dossier.due_date, dossier.received_at))
    for kind, created_at, fields in revisions:
        _add(acc, (dossier.commune_id, dossier.procedure_code, local_date(created_at)),
             submission_field_counts(kind, fields))


def release(session: OrmSession) -> None:
    """Forget what `count_rows` was told (the caller's transaction has ended)."""
    session.info.pop(_ROWS, None)


def _pending(session: OrmSession) -> dict[Key, dict[str, int]]:
    acc: dict[Key, dict[str, int]] = defaultdict(dict)
    # Dossiers added in this same flush are not in the identity map yet.
    new_dossiers = {o.id: o for o in session.new if isinstance(o, Dossier)}

    def dossier_of(dossier_id: str) -> Dossier | None:
        return new_dossiers.get(dossier_id) or session.get(Dossier, dossier_id)

    for obj in session.new:
        if isinstance(obj, DossierEvent):
            if obj.action not in SIMPLE and obj.action not in FINISH:
                continue
            dossier = dossier_of(obj.dossier_id)
            if dossier is None:
                continue
            _add(acc, (dossier.commune_id, dossier.procedure_code, local_date(obj.at)),
                 event_counts(obj.action, obj.at, dossier.due_date, dossier.received_at))
        elif isinstance(obj, DossierRevision):
            dossier = dossier_of(obj.dossier_id)
            if dossier is None:
                continue
            _add(acc, (dossier.commune_id, dossier.procedure_code, local_date(obj.created_at)),
                 submission_counts(obj.kind, obj.payload))
        elif isinstance(obj, Rating):
            dossier = dossier_of(obj.dossier_id)
            if dossier is None:
                continue
            _add(acc, (dossier.commune_id, dossier.procedure_code, local_date(obj.rated_at)),
                 rating_counts(obj.rating))
    return acc


_UPSERTS: dict[tuple[str, tuple[str, ...]], Any] = {}


def upsert(session: OrmSession, acc: dict[Key, dict[str, int]]) -> None:
    """Add `acc` to the rollup rows, creating missing rows (atomic per row on both databases)."""
    if not acc:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for (commune_id, procedure_code, day), counts in sorted(acc.items()):
        values: dict[str, Any] = {name: counts.get(name, 0) for name in ALL_COUNTERS}
        # One statement per (dialect, counters that move), values as parameters: building the
        # upsert (its `excluded` columns) cost more than running it, at every flush of a push.
        added = tuple(name for name in ALL_COUNTERS if counts.get(name))
        stmt = _UPSERTS.get((dialect, added))
        if stmt is None:
            base = insert(ROLLUPS)
            stmt = base.on_conflict_do_update(
                index_elements=["commune_id", "procedure_code", "day"],
                set_={name: ROLLUPS.c[name] + base.excluded[name] for name in added},
            )
            _UPSERTS[(dialect, added)] = stmt
        session.connection().execute(stmt, {"commune_id": commune_id,
                                            "procedure_code": procedure_code, "day": day,
                                            **values})


@event.listens_for(OrmSession, "before_flush")
def _count_before_flush(session: OrmSession, _ctx: Any, _instances: Any) -> None:
    rows: dict[Key, dict[str, int]] = session.info.pop(_ROWS, None) or {}
    if not rows and not any(isinstance(o, (DossierEvent, Rating, DossierRevision))
                            for o in session.new):
        return
    with session.no_autoflush:
        acc = _pending(session)
        for key, counts in rows.items():
            _add(acc, key, counts)
        upsert(session, acc)


# --- the oracle ---------------------------------------------------------------------------


def recompute(session: Session, commune_ids: Iterable[str] | None = None
              ) -> dict[Key, dict[str, int]]:
    """Every rollup row derived from scratch (rows whose counters are all zero left out)."""
    acc: dict[Key, dict[str, int]] = defaultdict(dict)
    stmt = columns(col(DossierEvent.action), col(DossierEvent.at), col(Dossier.commune_id),
                   col(Dossier.procedure_code), col(Dossier.due_date),
                   col(Dossier.received_at)).join(
        Dossier, col(Dossier.id) == col(DossierEvent.dossier_id))
    ids = list(commune_ids) if commune_ids is not None else None
    if ids is not None:
        stmt = stmt.where(col(Dossier.commune_id).in_(ids))
    for action, at, commune, procedure, due, received in session.execute(stmt):
        _add(acc, (commune, procedure, local_date(at)), event_counts(action, at, due, received))
    rstmt = columns(col(Rating.rating), col(Rating.rated_at), col(Dossier.commune_id),
                    col(Dossier.procedure_code)).join(
        Dossier, col(Dossier.id) == col(Rating.dossier_id))
    if ids is not None:
        rstmt = rstmt.where(col(Dossier.commune_id).in_(ids))
    for rating, rated_at, commune, procedure in session.execute(rstmt):
        _add(acc, (commune, procedure, local_date(rated_at)), rating_counts(rating))
    vstmt = columns(col(DossierRevision.kind), col(DossierRevision.payload),
                    col(DossierRevision.created_at), col(Dossier.commune_id),
                    col(Dossier.procedure_code)).join(
        Dossier, col(Dossier.id) == col(DossierRevision.dossier_id))
    if ids is not None:
        vstmt = vstmt.where(col(Dossier.commune_id).in_(ids))
    for kind, payload, created, commune, procedure in session.execute(vstmt):
        _add(acc, (commune, procedure, local_date(created)), submission_counts(kind, payload))
    nonzero = {k: {name: n for name, n in v.items() if n} for k, v in acc.items()}
    return {k: v for k, v in nonzero.items() if v}


def stored(session: Session, commune_ids: Iterable[str] | None = None
           ) -> dict[Key, dict[str, int]]:
    stmt = select(DossierRollup)
    ids = list(commune_ids) if commune_ids is not None else None
    if ids is not None:
        stmt = stmt.where(col(DossierRollup.commune_id).in_(ids))
    out: dict[Key, dict[str, int]] = {}
    for r in session.exec(stmt):
        counts = {name: int(getattr(r, name)) for name in ALL_COUNTERS if getattr(r, name)}
        if counts:
            out[(r.commune_id, r.procedure_code, r.day)] = counts
    return out


def rebuild(session: Session) -> int:
    """Replace every rollup row by the recomputation (e.g. after importing history)."""
    rows = recompute(session)
    session.exec(delete(DossierRollup))
    upsert(session, rows)
    return len(rows)
