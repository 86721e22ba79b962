"""Bulk INSERT of plain row dicts for the push hot path, straight to the DBAPI `executemany`.

Why: a push batch writes five rows per mutation; SQLAlchemy's per-row parameter processing
cost about as much as SQLite's own work. Here the statement is compiled once per (dialect,
table, keys) and every value goes through the column type's own bind processor (the same
function SQLAlchemy would apply: JSON serialiser, UTC datetime conversion, …), so the stored
values are identical. A value that is the very same object as the previous row's value in
that column (the batch's `now`) is converted once.

Invariant: every row of one call has the same keys, in any order (as for SQLAlchemy's
`executemany`); a missing key raises KeyError instead of inserting a default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlmodel import Session

Processor = Callable[[Any], Any] | None
_Plan = tuple[str, tuple[str, ...], tuple[Processor, ...], bool]
_PLANS: dict[tuple[Dialect, str, tuple[str, ...]], _Plan] = {}


def _plan(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Plan:
    # The dialect itself, not its name: a column type may carry per-engine state (PII keys).
    cache_key = (dialect, table.name, keys)
    plan = _PLANS.get(cache_key)
    if plan is None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        positional = bool(compiled.positional)
        order = tuple(compiled.positiontup or ()) if positional else keys
        if set(order) != set(keys):  # pragma: no cover - defaults or renamed binds
            raise ValueError(f"cannot plan a bulk insert into {table.name} for {keys}")
        procs = tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order
        )
        plan = (compiled.string, order, procs, positional)
        _PLANS[cache_key] = plan
    return plan


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (same keys each) into `table` with one executemany, in the session's
    transaction."""
    if not rows:
        return
    conn = session.connection()
    sql, order, procs, positional = _plan(conn.dialect, table, tuple(rows[0]))
    columns: list[list[Any]] = []
    for name, proc in zip(order, procs, strict=True):
        values = [row[name] for row in rows]
        if proc is not None:
            out: list[Any] = []
            last_in: Any = object()
            last_out: Any = None
            for value in values:
                if value is not last_in:
                    last_in, last_out = value, proc(value)
                out.append(last_out)
            values = out
        columns.append(values)
    params: list[Any] = list(zip(*columns, strict=True))
    if not positional:
        params = [dict(zip(order, p, strict=True)) for p in params]
    conn.exec_driver_sql(sql, params)
