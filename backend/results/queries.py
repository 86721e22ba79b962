"""Read-only SQL for the public result pages."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.db.models import Commune


def commune_names(session: Session) -> dict[str, str]:
    """Every commune's name by id (the key list is public: no scope)."""
    return {c.id: c.name for c in session.exec(select(Commune)).all()}
