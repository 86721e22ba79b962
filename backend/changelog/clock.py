"""The server's hybrid logical clock (node "server"), one per commune, kept in the database.

Why in the database: with several server processes (or `--workers 2`, or after a restart) a
per-process clock made the outcome of a last-writer-wins race depend on which process served
the officer. Now every transaction derives the server clock from the commune's stored clock
(`commune_clocks`: the highest clock committed for the commune), advances it for each event it
stamps, and stores the larger of the stored and its own value right before commit (HLC4, HLC7).
A transaction that starts after another committed continues from that one's clock; two truly
concurrent transactions may hand out equal server clocks, which no rule depends on (a device's
clock never equals a server clock: the node differs). A device clock more than
`SERVER_LEAD_MS` ahead of the wall clock is not received (HLC7): it orders that device's own
writes only and never drags the server clock; more than 24 h ahead is refused (HLC6).

The clock is cached in `session.info` for the transaction, so a push of 500 mutations reads
and writes the row once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from backend.db.models import CommuneClock
from sync.hlc import SERVER_NODE, Hlc, format_hlc, parse_hlc, server_receive, tick

_INFO = "langso_commune_clocks"
_LISTENING = "langso_commune_clocks_listening"
_ZERO = Hlc(0, 0, SERVER_NODE)


def _clocks(session: Session) -> dict[str, list[Hlc | bool]]:
    """commune → [clock, dirty] for this transaction; listeners write it back or drop it."""
    clocks: dict[str, list[Hlc | bool]] | None = session.info.get(_INFO)
    if clocks is None:
        clocks = {}
        session.info[_INFO] = clocks
        if not session.info.get(_LISTENING):  # once per session; they act on session.info
            session.info[_LISTENING] = True
            event.listen(session, "before_commit", _store)
            event.listen(session, "after_commit", _forget)
            event.listen(session, "after_soft_rollback", _forget_on_rollback)
    return clocks


def _load(session: Session, commune_id: str) -> Hlc:
    clocks = _clocks(session)
    if commune_id not in clocks:
        stored = session.exec(
            select(CommuneClock.hlc).where(CommuneClock.commune_id == commune_id)
        ).first()
        clocks[commune_id] = [parse_hlc(stored) if stored else _ZERO, False]
    value = clocks[commune_id][0]
    assert isinstance(value, Hlc)
    return value


def _set(session: Session, commune_id: str, value: Hlc) -> str:
    _clocks(session)[commune_id] = [value, True]
    return format_hlc(value)


def _store(session: Session) -> None:
    """Write the advanced clocks back, keeping the larger of stored and ours. Runs right before
    commit, after the change-log lock: the row lock is the last lock a writer takes and is held
    only until its commit, so it cannot close a cycle with the row locks taken before it."""
    clocks: dict[str, list[Hlc | bool]] = session.info.get(_INFO, {})
    dirty = sorted((c, v) for c, (v, d) in clocks.items() if d and isinstance(v, Hlc))
    if not dirty:
        return
    stmt = _upsert(session.get_bind().dialect.name)
    for commune_id, value in dirty:
        session.execute(stmt, {"commune_id": commune_id, "hlc": format_hlc(value)})
        clocks[commune_id][1] = False


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    """The clock upsert, built once per dialect (building it cost more than running it)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        postgres = dialect == "postgresql"
        base = (pg_insert if postgres else sqlite_insert)(CommuneClock)
        # Wire strings of node "server" are fixed-width: byte order is clock order (HLC2).
        larger = (func.greatest(CommuneClock.hlc.collate("C"),  # type: ignore[attr-defined]
                                base.excluded.hlc.collate("C"))
                  if postgres else func.max(CommuneClock.hlc, base.excluded.hlc))
        stmt = base.on_conflict_do_update(index_elements=["commune_id"], set_={"hlc": larger})
        _UPSERTS[dialect] = stmt
    return stmt


def _forget(session: Session) -> None:
    # after_commit also fires when a savepoint is released: keep the clocks until the end.
    if not session.in_nested_transaction():
        session.info.pop(_INFO, None)


def _forget_on_rollback(session: Session, previous: Any) -> None:
    if not getattr(previous, "nested", False):
        session.info.pop(_INFO, None)


def server_tick(session: Session, commune_id: str | None, now: datetime) -> str:
    """A new server clock for an event in `commune_id` (HLC4 on the stored clock)."""
    key = commune_id or ""
    return _set(session, key, tick(_load(session, key), ms_of(now)))


def server_receive_clock(session: Session, commune_id: str | None, remote: Hlc,
                         now: datetime) -> str:
    """The server clock after a device's mutation clock (HLC7). Raises `ClockDrift` when
    `remote` is more than 24 h ahead of `now`."""
    key = commune_id or ""
    return _set(session, key, server_receive(_load(session, key), remote, ms_of(now)))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ms_of(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)
