"""All SQL for households and members. Every read is scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from backend.access.scope import where_visible
from backend.db.models import Household, Member
from backend.lib.auth import Principal
from sync.identity import search_key


def list_households(
    session: Session,
    principal: Principal,
    *,
    village_id: str | None,
    query: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Household], int]:
    stmt = where_visible(select(Household), principal, Household)
    if village_id:
        stmt = stmt.where(Household.village_id == village_id)
    # SPEC NAM3: every query token is a prefix of some word of the key.
    for token in search_key(query or "").split():
        escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        key = col(Household.search_key)
        stmt = stmt.where(
            or_(key.like(f"{escaped}%", escape="\\"), key.like(f"% {escaped}%", escape="\\"))
        )
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(Household.address, Household.id).offset(offset).limit(limit))
    return rows.all(), int(total)


def members_of(session: Session, household_ids: Sequence[str]) -> dict[str, list[Member]]:
    out: dict[str, list[Member]] = {hid: [] for hid in household_ids}
    if not household_ids:
        return out
    rows = session.exec(
        select(Member)
        .where(col(Member.household_id).in_(list(household_ids)))
        .order_by(col(Member.date_of_birth), col(Member.id))
    )
    for m in rows:
        out[m.household_id].append(m)
    return out


def household_search_key(household: Household, members: Sequence[Member]) -> str:
    parts = [household.address, *(m.full_name for m in members)]
    return search_key(" ".join(parts))[:2000]
