"""The one scope rule: which rows of a scoped table a user sees, as SQL (`where_visible`,
`visible_clause`) and for one row (`row_visible`, `get_visible`). Every read and write path
reaches scoped rows through here; tests/integration/test_scope_rule.py proves both forms for
every table in `RULES` and every role, on SQLite and PostgreSQL.

The rule, per role:
- admin: every row;
- officer: the rows of their commune;
- province roles (province_monitor, province_admin): the rows of their province's communes —
  except the device sync log (`province=False`: pull, conflicts, losers, amendments, pushed
  mutations), which belongs to the devices of a commune;
- volunteer: the rows of their villages; for a table without a village, their own rows (the
  `owner` column: devices, blobs) or else their commune's rows (communes, pushed mutations).
A table whose `owner_sees` is set also shows every user their own rows (a blob to its
uploader), and a table without a commune column takes the owner's commune (`User.commune_id`).
Writing is narrower than seeing: the services add role checks on top (and the middleware keeps
province roles read-only), never a wider scope.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session, col, select

from backend.db.models import (
    Blob,
    Commune,
    Device,
    Dossier,
    DossierAmendment,
    DossierResult,
    Household,
    Member,
    SupplementRequest,
    SyncChange,
    SyncConflict,
    SyncLoser,
    SyncMutation,
    User,
    Village,
)
from backend.lib.errors import forbidden, not_found

T = TypeVar("T")
PROVINCE_ROLES = frozenset({"province_monitor", "province_admin"})


class Principal(Protocol):
    """What the rule reads of a user: `backend.lib.auth.Principal` (which imports this module:
    its `can_see_village` / `can_see_commune` are `sees_village` / `sees_commune`)."""

    @property
    def user_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def commune_id(self) -> str | None: ...
    @property
    def village_ids(self) -> frozenset[str]: ...
    @property
    def commune_ids(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class Rule:
    commune: str | None
    """The column holding the row's commune; None: the owner's commune (`User.commune_id`)."""
    village: str | None = None
    owner: str | None = None
    province: bool = True
    owner_sees: bool = False


RULES: dict[type[Any], Rule] = {
    Commune: Rule("id"),
    Village: Rule("commune_id", village="id"),
    Household: Rule("commune_id", village="village_id"),
    Member: Rule("commune_id", village="village_id"),
    Dossier: Rule("commune_id", village="village_id"),
    DossierResult: Rule("commune_id", village="village_id"),
    SupplementRequest: Rule("commune_id", village="village_id"),
    Device: Rule("commune_id", owner="user_id"),
    Blob: Rule(None, owner="uploaded_by", province=False, owner_sees=True),
    SyncChange: Rule("commune_id", village="village_id", province=False),
    SyncConflict: Rule("commune_id", village="village_id", province=False),
    SyncLoser: Rule("commune_id", village="village_id", province=False),
    DossierAmendment: Rule("commune_id", village="village_id", province=False),
    SyncMutation: Rule("commune_id", province=False),
}


def _rule(table: type[Any]) -> Rule:
    rule = RULES.get(table)
    if rule is None:  # a new table must be given its rule (and so enter the scope test)
        raise KeyError(f"{table.__name__} has no scope rule in backend/access/scope.py")
    return rule


def _in(column: Any, values: Collection[str | None]) -> ColumnElement[bool]:
    return col(column).in_(sorted(v for v in values if v is not None))


def visible_clause(user: Principal, table: type[Any]) -> ColumnElement[bool] | None:
    """The WHERE clause of the rows of `table` that `user` sees; None: every row."""
    rule = _rule(table)
    if user.role == "admin":
        return None
    if rule.commune is not None:
        commune: Any = getattr(table, rule.commune)
    else:  # rows carry no commune: the owner's
        assert rule.owner is not None
        commune = getattr(table, rule.owner)
    communes: Collection[str | None] = ()
    if user.role == "officer":
        communes = (user.commune_id,)
    elif user.role in PROVINCE_ROLES:
        communes = user.commune_ids if rule.province else ()
    if user.role == "volunteer":
        if rule.village is not None:
            clause: ColumnElement[bool] = _in(getattr(table, rule.village), user.village_ids)
        elif rule.owner is not None:
            clause = col(getattr(table, rule.owner)) == user.user_id
        else:
            clause = _in(commune, (user.commune_id,))
    elif not communes:
        clause = false()
    elif rule.commune is None:
        clause = col(commune).in_(select(User.id).where(_in(User.commune_id, communes)))
    else:
        clause = _in(commune, communes)
    if rule.owner_sees and user.role != "volunteer":
        assert rule.owner is not None
        clause = or_(col(getattr(table, rule.owner)) == user.user_id, clause)
    return clause


def where_visible(query: Any, user: Principal, table: type[Any]) -> Any:
    """`query` (a SELECT over or joining `table`) narrowed to the rows `user` sees."""
    clause = visible_clause(user, table)
    return query if clause is None else query.where(clause)


def sees_village(user: Principal, village_id: str | None, commune_id: str | None) -> bool:
    """The rule for one row placed in a village of a commune."""
    if user.role == "admin":
        return True
    if user.role == "officer":
        return commune_id is not None and commune_id == user.commune_id
    if user.role in PROVINCE_ROLES:
        return commune_id in user.commune_ids
    return village_id in user.village_ids


def sees_commune(user: Principal, commune_id: str | None) -> bool:
    """The rule for one row placed in a commune (no village)."""
    if user.role in PROVINCE_ROLES:
        return commune_id in user.commune_ids
    return user.role == "admin" or (commune_id is not None and commune_id == user.commune_id)


def visible_communes(user: Principal) -> frozenset[str] | None:
    """The communes whose rows `user` sees (in part, for a volunteer); None: all of them."""
    if user.role == "admin":
        return None
    if user.role in PROVINCE_ROLES:
        return frozenset(user.commune_ids)
    return frozenset({user.commune_id}) if user.commune_id else frozenset()


def row_visible(session: Session, user: Principal, row: Any) -> bool:
    """The rule of `visible_clause` for one loaded row."""
    rule = _rule(type(row))
    owner = getattr(row, rule.owner) if rule.owner is not None else None
    if user.role == "admin" or (rule.owner_sees and owner == user.user_id):
        return True
    if user.role in PROVINCE_ROLES and not rule.province:
        return False
    if rule.commune is not None:
        commune = getattr(row, rule.commune)
    else:
        commune = session.exec(select(User.commune_id).where(User.id == owner)).first()
    if rule.village is not None:
        return sees_village(user, getattr(row, rule.village), commune)
    if user.role == "volunteer" and rule.owner is not None:
        return bool(owner == user.user_id)
    return sees_commune(user, commune)


def get_visible(session: Session, user: Principal, model: type[T], key: Any,
                what_vi: str, what_en: str, *, lock: bool = False) -> T:
    """The row `key` of `model` if `user` sees it: 404 when it does not exist (or `key` is
    None), 403 when it is outside the user's scope. `lock`: SELECT … FOR UPDATE."""
    row = session.get(model, key, with_for_update=lock) if key is not None else None
    if row is None:
        raise not_found(what_vi, what_en)
    if not row_visible(session, user, row):
        raise forbidden()
    return row
