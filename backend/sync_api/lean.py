"""The lean view of a pull (docs/protocol.md §5.2): what a volunteer's phone needs, not the
whole history of the village.

A closed dossier (a terminal state of sync/states.py) that the caller did not prepare travels
as one short row of `closed` instead of a full change: its form data, components and dates are
what made a village's first pull 1.35 MB, and the phone only lists it. The whole dossier comes
from `GET /api/sync/dossiers/{id}` when the volunteer opens it. Open dossiers, the caller's own
dossiers and every other entity travel whole, as in the full view.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from backend.db.models import Dossier
from backend.dossiers.service import visible_dossier
from backend.lib.auth import Principal
from backend.lib.errors import not_found
from backend.sync_api.entities import latest_version
from sync.states import TERMINAL

# Position of each value in a `closed` row; the order is part of the wire (protocol.md §5.2).
CLOSED_COLUMNS = ("id", "version", "household_id", "procedure_code", "status", "outcome",
                  "received_on")


def is_summary(data: dict[str, Any], prepared_by: str | None, principal: Principal) -> bool:
    return data.get("status") in TERMINAL and prepared_by != principal.user_id


def closed_row(entity_id: str, version: int, data: dict[str, Any]) -> list[Any]:
    received = data.get("received_at")
    return [entity_id, version, data.get("household_id"), data.get("procedure_code"),
            data.get("status"), data.get("outcome"),
            received[:10] if isinstance(received, str) else None]


def whole_dossier(session: Session, principal: Principal, dossier_id: str) -> dict[str, Any]:
    """One dossier as a pull change (entity, id, version, data, deleted) at its latest version,
    for a phone that holds only its closed row."""
    visible_dossier(session, principal, dossier_id)
    latest = latest_version(session, "dossier", dossier_id)
    if latest is None or session.get(Dossier, dossier_id) is None:
        raise not_found("hồ sơ", "Dossier")
    return {"entity": "dossier", "id": dossier_id, "version": latest.version,
            "data": latest.data, "deleted": False}
