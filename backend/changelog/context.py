"""What applying one mutation needs, and the shared merge step.

Invariant: an apply function decides (validates, merges) before it writes anything; it raises
`Reject` only before its first write, so a rejected mutation leaves no trace except its own
stored result (the push service relies on this: no partial writes of one mutation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel

from backend.catalog.loader import Catalog
from backend.changelog.bulk import insert_rows
from backend.changelog.changes import Snapshot, Versions
from backend.changelog.entities import flatten
from backend.db.models import Device, SyncConflict, SyncLoser
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from sync.errors import MergeError
from sync.merge import MergeOutcome, json_equal, merge_fields
from sync.mutations import Mutation
from sync.text import find_bad_text, is_forbidden


class Reject(Exception):
    """A business-rule refusal of one mutation (it still takes its place in the chain)."""

    def __init__(self, code: str, vi: str, en: str, errors: list[dict[str, Any]] | None = None,
                 status: str = "rejected") -> None:
        super().__init__(en)
        self.code = code
        self.vi = vi
        self.en = en
        self.errors = errors
        self.status = status


def not_found(what_vi: str, what_en: str) -> Reject:
    return Reject("not_found", f"Không tìm thấy {what_vi}.", f"{what_en} not found.")


def forbidden() -> Reject:
    return Reject("forbidden", "Bạn không có quyền với dữ liệu này.",
                  "You may not change this record.")


_TABLE_ORDER = {table: i for i, table in enumerate(SQLModel.metadata.sorted_tables)}


@dataclass
class Ctx:
    session: Session
    principal: Principal
    catalog: Catalog
    data_dir: Path
    device: Device
    now: datetime
    today: date
    versions: Versions
    max_dossier_bytes: int
    """The per-dossier attachment budget (settings `max_dossier_attachment_bytes`)."""
    mutation: Mutation | None = None
    server_hlc: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    existing: set[tuple[str, str]] = field(default_factory=set)
    """(entity, id) of records that existed before this batch among the batch's creates."""
    created: set[tuple[str, str]] = field(default_factory=set)
    deferred: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    _deferred_rows: set[int] = field(default_factory=set)

    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def get(self, model: Any, key: str) -> Any:
        """`session.get` that keeps a strong reference for the batch (the identity map is
        weak, so a row read for every mutation would otherwise be re-selected each time)."""
        if (model, key) not in self.cache:
            self.cache[(model, key)] = self.session.get(model, key)
        return self.cache[(model, key)]

    def exists(self, entity: str, entity_id: str) -> bool:
        return (entity, entity_id) in self.existing or (entity, entity_id) in self.created

    def defer(self, table: Any, row: dict[str, Any]) -> None:
        """Buffer an INSERT; `flush_deferred` writes all buffered rows with executemany. Only
        for rows nothing in the batch reads back before the next flush."""
        self.deferred.append((table, row))
        self._deferred_rows.add(id(row))

    def is_deferred(self, row: dict[str, Any]) -> bool:
        """Whether `row` (the very dict given to `defer`) is still buffered: a handler may then
        change it in place instead of writing the row and updating it."""
        return id(row) in self._deferred_rows

    def flush_deferred(self) -> None:
        by_table: dict[Any, list[dict[str, Any]]] = {}
        for table, row in self.deferred:
            by_table.setdefault(table, []).append(row)
        self.deferred = []
        self._deferred_rows.clear()
        # Parents before children (a dossier before its events), whatever order they came in.
        for table in sorted(by_table, key=_TABLE_ORDER.__getitem__):
            insert_rows(self.session, table, by_table[table])


@dataclass
class Applied:
    """What an apply function reports back for the result of one mutation."""

    status: str
    version: int
    extra: dict[str, Any] = field(default_factory=dict)


def check_fields(m: Mutation, allowed: frozenset[str]) -> None:
    unknown = sorted(set(m.fields) - allowed)
    if unknown:
        raise Reject(
            "unknown_field",
            f"Trường không được phép: {', '.join(unknown)}.",
            f"Fields not allowed here: {', '.join(unknown)}.",
            errors=[{"field": f, "code": "unknown_field"} for f in unknown],
        )


# In canonical JSON (SPEC CAN1) a C0 control is written as an escape (\u00XX, \b, \f, \r;
# \t and \n are allowed), DEL and C1 controls raw (UTF-8 7F, C2 80–9F) and a lone surrogate
# cannot occur (CAN6). Payload bytes without any of these hold no forbidden text: the common
# case is answered by a byte search instead of a walk over every field.
_ESCAPED_C0 = re.compile(rb"\\u00|\\[bfr]")
_RAW_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def may_hold_bad_text(payload: bytes) -> bool:
    # Plain `in` first (fast); the regexes run only when their lead byte is present.
    return (b"\x7f" in payload
            or (b"\\" in payload and _ESCAPED_C0.search(payload) is not None)
            or (b"\xc2" in payload and _RAW_C1.search(payload) is not None))


def check_text(m: Mutation) -> None:
    """SPEC TXT: no string anywhere in the fields (keys included) may carry a control character
    other than tab and newline. Checked before any handler reads the database: PostgreSQL
    refuses NUL even in a lookup parameter or a JSONB value."""
    if not may_hold_bad_text(m.payload):
        return
    found = find_bad_text(m.fields)
    if found is not None:
        # The path may hold the offending key itself: the stored result must not.
        path = "".join("\ufffd" if is_forbidden(ord(ch)) or 0xD800 <= ord(ch) <= 0xDFFF
                       else ch for ch in found.path[:200])
        raise Reject(
            "bad_text",
            f"Trường «{path}»: {found.message_vi}",
            f"Field '{path}': {found.message_en}",
            errors=[{"field": path, "code": found.code, "index": found.index,
                     "message_vi": found.message_vi, "message_en": found.message_en}],
        )


def check_base(m: Mutation, version: int) -> None:
    """A device cannot have seen a version the server never had (SPEC MRG3)."""
    if m.base > version:
        raise Reject("bad_base", "Phiên bản gốc lớn hơn phiên bản trên máy chủ.",
                     f"base {m.base} is ahead of the server version {version}.")


def three_way(ctx: Ctx, m: Mutation, entity: str, version: int, current: dict[str, Any],
              rules: dict[str, str]) -> tuple[MergeOutcome, Snapshot | None]:
    """Merge `m.fields` into `current` against the stored view at `m.base` (SPEC MRG3).

    When the base version is unknown (a record created outside sync before history was kept)
    the base is taken as empty: every differing field then counts as changed on both sides,
    which can only produce more conflicts/recorded losers, never a silent overwrite.
    """
    check_base(m, version)
    latest = ctx.versions.latest(entity, m.entity_id)
    clocks = dict(latest.clocks) if latest else {}
    base_snap = ctx.versions.at(entity, m.entity_id, m.base)
    if base_snap is not None:
        base = flatten(base_snap.data)
    elif m.base == version:
        base = flatten(current)
    else:
        base = {}
    try:
        outcome = merge_fields(base, flatten(current), clocks, flatten(m.fields), m.hlc, rules)
    except MergeError as exc:
        vi, _, en = exc.message.partition(" / ")
        raise Reject(exc.code, vi, en or vi) from exc
    return outcome, latest


def really_changed(outcome: MergeOutcome, current: dict[str, Any]) -> dict[str, Any]:
    flat = flatten(current)
    return {k: v for k, v in outcome.changed.items() if not json_equal(flat.get(k), v)}


def record_merge_side_effects(ctx: Ctx, m: Mutation, entity: str, outcome: MergeOutcome,
                              scope: tuple[str, str]) -> list[dict[str, str]]:
    """Append losers and open conflicts; returns the conflicts' ids for the result."""
    for loser in outcome.losers:
        ctx.session.add(SyncLoser(
            mutation_id=m.id, entity=entity, entity_id=m.entity_id, field=loser.field,
            losing_value=loser.losing_value, winning_value=loser.winning_value,
            losing_hlc=loser.losing_hlc, winning_hlc=loser.winning_hlc, rule=loser.rule,
            commune_id=scope[0], village_id=scope[1], created_at=ctx.now,
        ))
    out = []
    for c in outcome.conflicts:
        cid = new_id()
        ctx.session.add(SyncConflict(
            id=cid, mutation_id=m.id, entity=entity, entity_id=m.entity_id, field=c.field,
            base_value=c.base, current_value=c.current, proposed_value=c.proposed,
            current_hlc=c.current_hlc, proposed_hlc=c.proposed_hlc,
            commune_id=scope[0], village_id=scope[1], created_at=ctx.now,
        ))
        out.append({"id": cid, "field": c.field})
    return out


def merge_extra(outcome: MergeOutcome, conflicts: list[dict[str, str]]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if conflicts:
        extra["conflicts"] = conflicts
    if outcome.rejected:
        extra["rejected_fields"] = list(outcome.rejected)
    lost = [name for name, o in outcome.outcomes.items() if o == "lww_lost"]
    if lost:
        extra["lost_fields"] = lost
    return extra
