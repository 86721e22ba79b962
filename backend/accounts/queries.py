"""SQL for listing accounts, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from backend.db.models import User, UserVillage, Village


def list_users(
    session: Session, role: str, commune_id: str | None, offset: int, limit: int
) -> tuple[Sequence[User], int]:
    """Active users of `role`, ordered by name; `commune_id` None = every commune (admins).

    A user belongs to a commune by `users.commune_id` or by an assignment to one of its
    villages (a volunteer whose commune field was left empty is still found)."""
    stmt = select(User).where(User.role == role, col(User.is_active).is_(True))
    if commune_id is not None:
        assigned = (
            select(UserVillage.user_id)
            .join(Village, col(Village.id) == col(UserVillage.village_id))
            .where(Village.commune_id == commune_id)
        )
        stmt = stmt.where(or_(col(User.commune_id) == commune_id, col(User.id).in_(assigned)))
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(User.full_name), col(User.username)).offset(offset).limit(limit)
    ).all()
    return rows, int(total)


def village_ids_of(session: Session, user_ids: Sequence[str]) -> dict[str, list[str]]:
    """Village assignments of these users (sorted ids; users without any are absent)."""
    out: dict[str, list[str]] = {}
    if not user_ids:
        return out
    rows = session.exec(
        select(UserVillage.user_id, UserVillage.village_id)
        .where(col(UserVillage.user_id).in_(list(user_ids)))
        .order_by(col(UserVillage.village_id))
    ).all()
    for user_id, village_id in rows:
        out.setdefault(user_id, []).append(village_id)
    return out


def names_of(session: Session, user_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(username, full_name) per user id, for lists that carry user ids."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(User.id, User.username, User.full_name).where(col(User.id).in_(list(set(user_ids))))
    ).all()
    return {uid: (username, full_name) for uid, username, full_name in rows}
