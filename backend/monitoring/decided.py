"""`dossiers.decided_at`: the moment processing ended, written by a `before_flush` hook in the
same transaction as the decision's audit event (`approve` / `reject`), whichever service
wrote it — so the "decided late" drill-down reads one index instead of joining a commune's
whole history with the audit log. Migration 0009_scale fills it for existing dossiers from
the same events. A dossier decided twice keeps its latest decision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from backend.db.models import Dossier, DossierEvent

DECISIONS = frozenset({"approve", "reject"})


@event.listens_for(OrmSession, "before_flush")
def _stamp_decisions(session: OrmSession, _ctx: Any, _instances: Any) -> None:
    decisions = [o for o in session.new
                 if isinstance(o, DossierEvent) and o.action in DECISIONS]
    if not decisions:
        return
    with session.no_autoflush:
        for ev in decisions:
            dossier = session.get(Dossier, ev.dossier_id)
            if dossier is not None and (dossier.decided_at is None
                                        or dossier.decided_at <= ev.at):
                dossier.decided_at = ev.at
