"""POST /api/sync/push: one transaction per batch.

Order of work (docs/protocol.md "Push"):
1. the envelope: protocol version, device (exists, belongs to the caller, not revoked), at most
   MAX_BATCH items;
2. every item is verified and decoded (signature over the exact payload bytes, canonical form,
   shape, `device` field) and the chain is checked — within the batch and against the device's
   last accepted mutation — BEFORE anything is written. Any failure refuses the whole batch with
   one problem+json naming the item (`errors[].index`); nothing is written;
3. items already stored (same n, same hash) get their ORIGINAL stored result back; new items are
   applied in order. A business-rule rejection is a result (`rejected`), not an error: the
   mutation was validly signed, so it is stored and takes its place in the chain;
4. versions, change-log rows and the device's chain head are written, then one commit.

On PostgreSQL the rows a batch touches are locked up front in one global order (`lock_rows`),
and a deadlock or serialization failure runs the whole transaction again, a bounded number of
times (backend/db/retry.py); still failing, it is a 503 with Retry-After. An unexpected error
rolls the whole batch back (the client retries it; replays are safe).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, col, select

from backend.attachments.service import DEFAULT_MAX_DOSSIER_BYTES
from backend.catalog.loader import Catalog
from backend.changelog.bulk import insert_rows
from backend.changelog.changes import Versions
from backend.changelog.clock import server_receive_clock, server_tick
from backend.changelog.context import Applied, Ctx, Reject, check_text
from backend.db.models import Device, Dossier, Household, Member, SyncMutation
from backend.db.retry import is_transient, run_transaction
from backend.dossiers import batch_cache
from backend.lib.auth import Principal
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.monitoring import rollups
from backend.sync_api import wire_v2
from backend.sync_api.registry import REGISTRY
from sync.errors import ClockDrift, SyncError
from sync.hashing import GENESIS
from sync.mutations import Mutation, decode_signed_mutation, validate_mutation
from sync.signatures import verify

PROTOCOL = 1
PROTOCOLS = (1, 2)  # version 2 = compact wire (backend/sync_api/wire_v2.py); 1 stays accepted
MAX_BATCH = 500
log = logging.getLogger("langso.sync")
SYNC_MUTATIONS = SyncMutation.__table__  # type: ignore[attr-defined]

def _bad_request(code: str, vi: str, en: str, status: int = 400,
                 errors: list[dict[str, Any]] | None = None) -> AppError:
    return AppError(code, vi, en, status, errors=errors)


_fast_loads = msgspec.json.Decoder().decode
_MISSING: Any = object()


def parse_envelope(body: bytes) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    try:
        # msgspec when it can parse the body (it yields the same value as json.loads then);
        # anything it refuses (BOM, UTF-16, lone surrogates, …) gets json.loads' verdict.
        doc = _fast_loads(body)
    except (msgspec.DecodeError, ValueError, RecursionError):
        doc = _MISSING
    try:
        if doc is _MISSING:
            doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _bad_request("invalid_json", "Dữ liệu gửi lên không phải JSON hợp lệ.",
                           f"The body is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise _bad_request("invalid_request", "Thân yêu cầu phải là đối tượng JSON.",
                           "The body must be a JSON object.")
    if doc.get("protocol") not in PROTOCOLS or isinstance(doc.get("protocol"), bool):
        raise _bad_request("unsupported_protocol",
                           "Phiên bản giao thức không được hỗ trợ (máy chủ dùng 1 và 2).",
                           f"Unsupported protocol {doc.get('protocol')!r}; this server speaks "
                           "1 and 2.")
    if doc["protocol"] == 2:
        device_id2, items2 = wire_v2.check_envelope(doc)
        if len(items2) > MAX_BATCH:
            raise _bad_request("batch_too_large", f"Tối đa {MAX_BATCH} thay đổi mỗi lần gửi.",
                               f"At most {MAX_BATCH} mutations per batch.", 413)
        return device_id2, items2, doc
    device_id, items = doc.get("device_id"), doc.get("mutations")
    if not isinstance(device_id, str) or not isinstance(items, list) or set(doc) - {
        "protocol", "device_id", "mutations"
    }:
        raise _bad_request("invalid_request",
                           "Cần đúng các trường protocol, device_id, mutations.",
                           "Expected exactly {protocol, device_id, mutations}.")
    if len(items) > MAX_BATCH:
        raise _bad_request("batch_too_large", f"Tối đa {MAX_BATCH} thay đổi mỗi lần gửi.",
                           f"At most {MAX_BATCH} mutations per batch.", 413)
    for i, item in enumerate(items):
        if not (isinstance(item, dict) and set(item) == {"payload", "sig"}
                and isinstance(item["payload"], str) and isinstance(item["sig"], str)):
            raise _bad_request("invalid_item", f"Mục {i} phải là {{payload, sig}} (chuỗi).",
                               f"Item {i} must be {{payload, sig}} strings.",
                               errors=[{"index": i, "code": "invalid_item"}])
    return device_id, items, doc


def load_device(session: Session, principal: Principal, device_id: str) -> Device:
    device = session.get(Device, device_id, with_for_update=True)
    if device is None:
        raise AppError("unknown_device", "Thiết bị chưa được đăng ký.",
                       "Unknown device; enrol it first.", 404)
    if device.user_id != principal.user_id:
        raise AppError("device_not_yours", "Thiết bị này thuộc về người dùng khác.",
                       "This device belongs to another user.", 403)
    if device.wipe_ordered_at is not None:  # branch vault: the lost-phone drill
        raise AppError("device_wipe",
                       "Thiết bị đã được báo mất: dữ liệu trên máy sẽ bị xoá.",
                       "This device was reported lost: it must wipe its data.", 410)
    if device.revoked_at is not None:
        raise AppError("device_revoked",
                       "Thiết bị đã bị thu hồi, không thể gửi dữ liệu. Liên hệ cán bộ xã.",
                       "This device was revoked; its pushes are refused.", 403,
                       errors=[{"reason": device.revoke_reason}])
    return device


def _item_error(i: int, exc: SyncError) -> AppError:
    vi, _, en = exc.message.partition(" / ")
    status = 401 if exc.kind in ("bad_signature", "bad_key", "bad_alg") else 422
    return AppError(exc.code, f"Mục {i}: {vi}", f"Item {i}: {en or vi}", status,
                    errors=[{"index": i, "code": exc.code}])


def _chain_error(code: str, i: int, m: Mutation, expected_n: int, last_hash: str) -> AppError:
    vi = ("Thiếu thay đổi trong chuỗi của thiết bị; gửi lại từ số " if code == "chain_gap"
          else "Chuỗi thay đổi của thiết bị bị rẽ nhánh tại số ")
    return AppError(code, f"Mục {i}: {vi}{expected_n if code == 'chain_gap' else m.n}.",
                    f"Item {i} (n={m.n}): {code}; the server expects n={expected_n}.", 409,
                    errors=[{"index": i, "code": code, "n": m.n, "expected_n": expected_n,
                             "last_hash": last_hash}])


def _decode_rebuilt(payload: str, value: dict[str, Any], sig: str, alg: str,
                    public_key: str) -> Mutation:
    """`decode_signed_mutation` for a payload this server encoded itself (protocol 2) from
    `value`: the same signature check over the same bytes, and the same shape checks on the
    value that parsing those canonical bytes gives back (integers and strings only, so
    encode-then-parse returns it unchanged)."""
    data = payload.encode("utf-8")
    verify(alg, public_key, data, sig)
    return validate_mutation(value, data)


def decode_all(device: Device, items: list[dict[str, Any]],
               values: list[dict[str, Any]] | None = None) -> list[Mutation]:
    out: list[Mutation] = []
    for i, item in enumerate(items):
        try:
            if values is not None:
                m = _decode_rebuilt(item["payload"], values[i], item["sig"], device.alg,
                                    device.public_key)
            else:
                m = decode_signed_mutation(item["payload"], item["sig"], device.alg,
                                           device.public_key)
        except SyncError as exc:
            raise _item_error(i, exc) from exc
        if m.device != device.id:
            raise AppError("device_mismatch", f"Mục {i}: mã thiết bị không khớp.",
                           f"Item {i}: payload device differs from device_id.", 422,
                           errors=[{"index": i, "code": "device_mismatch"}])
        if out and (m.n != out[-1].n + 1 or m.prev != out[-1].hash):
            code = "chain_gap" if m.n > out[-1].n + 1 else "chain_fork"
            raise _chain_error(code, i, m, out[-1].n + 1, out[-1].hash)
        out.append(m)
    return out


def split_replays(session: Session, device: Device, ms: list[Mutation]
                  ) -> tuple[dict[int, dict[str, Any]], list[Mutation]]:
    """Stored results of already-accepted items, and the new items (checked against the
    chain head, MUT9)."""
    old = [m.n for m in ms if m.n <= device.last_n]
    stored = {
        row.n: row for row in session.exec(
            select(SyncMutation).where(SyncMutation.device_id == device.id,
                                       col(SyncMutation.n).in_(old)))
    } if old else {}
    replays: dict[int, dict[str, Any]] = {}
    fresh: list[Mutation] = []
    for i, m in enumerate(ms):
        if m.n <= device.last_n:
            row = stored.get(m.n)
            if row is None or row.hash != m.hash:
                raise _chain_error("chain_fork", i, m, device.last_n + 1, device.last_hash)
            replays[m.n] = row.result
            continue
        if not fresh:
            if m.n != device.last_n + 1:
                raise _chain_error("chain_gap", i, m, device.last_n + 1, device.last_hash)
            if m.prev != device.last_hash:
                raise _chain_error("chain_fork", i, m, device.last_n + 1, device.last_hash)
        fresh.append(m)
    if fresh:
        taken = session.exec(select(SyncMutation.id).where(
            col(SyncMutation.id).in_([m.id for m in fresh]))).all()
        if taken:
            raise AppError("duplicate_mutation_id", "Mã thay đổi đã được dùng.",
                           f"Mutation id already used: {taken[0]}.", 409,
                           errors=[{"id": t, "code": "duplicate_mutation_id"} for t in taken])
    return replays, fresh


MODELS: dict[str, Any] = {"household": Household, "member": Member, "dossier": Dossier}


def existing_records(session: Session, ms: list[Mutation]) -> set[tuple[str, str]]:
    """Which of the batch's `create` targets already exist: one query per entity type."""
    out: set[tuple[str, str]] = set()
    for entity, model in MODELS.items():
        ids = [m.entity_id for m in ms if m.op == "create" and m.entity == entity]
        if ids:
            found = session.exec(select(model.id).where(col(model.id).in_(ids))).all()
            out.update((entity, i) for i in found)
    return out


def _lockable(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64 and "\x00" not in value


def lock_rows(session: Session, ms: list[Mutation]) -> None:
    """PostgreSQL: lock every existing row the batch may write or reference, in one global
    order — households, then members, then dossiers, each sorted by id — before applying
    anything. Two batches touching the same rows in different orders then queue instead of
    deadlocking. SQLite needs nothing: its writer holds the database's one write lock."""
    if session.get_bind().dialect.name != "postgresql" or not ms:
        return
    want: dict[str, set[str]] = {"household": set(), "member": set(), "dossier": set()}

    def add(entity: str, value: Any) -> None:
        if _lockable(value):  # a signed field may hold anything, a list included
            want[entity].add(value)

    for m in ms:
        fields = m.fields if isinstance(m.fields, dict) else {}
        if m.entity in want and m.op != "create":
            add(m.entity, m.entity_id)
        if m.entity == "member":
            add("household", fields.get("household_id"))
        elif m.entity == "dossier" and m.op == "create":
            add("member", fields.get("applicant_member_id"))
    members = sorted(want["member"])
    if members:  # a member's household changes with it (roster, search key)
        want["household"].update(session.exec(
            select(Member.household_id).where(col(Member.id).in_(members))).all())
    for entity, model in MODELS.items():
        ids = sorted(want[entity])
        if ids:
            session.exec(select(model.id).where(col(model.id).in_(ids))
                         .order_by(col(model.id)).with_for_update()).all()


class WriteFailed(Exception):
    """A write failed and the item to blame is not known: buffered rows are written at the
    batch's end or by a later item's flush. The batch is run again writing each item's rows
    right after it (`careful`), so the failing item is the one whose write fails."""


class ItemFailed(Exception):
    """A handler failed in a way no rule foresaw (a bug, not bad input): the batch is run again
    with this item stored as rejected, so one item can never block the device's queue."""

    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.n = n


CANNOT_APPLY_VI = ("Máy chủ không áp dụng được thay đổi này; nó đã được ghi lại để kiểm tra. "
                   "Các thay đổi khác vẫn được gửi bình thường.")
CANNOT_APPLY_EN = ("The server could not apply this change; it was recorded for a check. "
                   "The other changes go through as usual.")


def _apply_one(ctx: Ctx, m: Mutation, poisoned: frozenset[int],
               careful: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"id": m.id, "n": m.n, "entity": m.entity,
                              "entity_id": m.entity_id}
    if m.n in poisoned:
        return result | {"status": "rejected", "code": "cannot_apply",
                         "message_vi": CANNOT_APPLY_VI, "message_en": CANNOT_APPLY_EN,
                         "version": None, "hlc": ctx.server_hlc}
    try:
        ctx.server_hlc = server_receive_clock(ctx.session, ctx.principal.commune_id, m.clock,
                                              ctx.now)
    except ClockDrift as exc:
        ctx.server_hlc = server_tick(ctx.session, ctx.principal.commune_id, ctx.now)
        vi, _, en = exc.message.partition(" / ")
        return result | {"status": "rejected", "code": "clock_drift", "message_vi": vi,
                         "message_en": en, "version": None, "hlc": ctx.server_hlc}
    ctx.mutation = m
    registration = REGISTRY.get(m.entity, m.op)
    if registration is None or registration.reads_batch:
        ctx.flush_deferred()  # it may read rows the batch wrote
    if m.entity == "member":
        batch_cache.forget_members(ctx)
    try:
        if registration is None:
            raise Reject("unsupported_op",
                         f"Thao tác «{m.op}» trên «{m.entity}» chưa được hỗ trợ.",
                         f"Operation {m.op!r} on {m.entity!r} is not supported.")
        check_text(m)
        applied: Applied = registration.handler(ctx, m)
        if careful:  # write this item's rows now, so that a failure is this item's
            ctx.flush_deferred()
            ctx.session.flush()
    except Reject as exc:
        out = result | {"status": exc.status, "code": exc.code, "message_vi": exc.vi,
                        "message_en": exc.en, "version": None, "hlc": ctx.server_hlc}
        if exc.errors:
            out["errors"] = exc.errors
        return out
    except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
        if is_transient(exc):
            raise  # the whole transaction is retried (run_transaction)
        if not careful:  # the write may have been an earlier item's buffered rows
            raise WriteFailed from exc
        raise ItemFailed(m.n) from exc
    except Exception as exc:
        raise ItemFailed(m.n) from exc
    return result | {"status": applied.status, "version": applied.version,
                     "hlc": ctx.server_hlc} | applied.extra


def push(session: Session, principal: Principal, catalog: Catalog, data_dir: Path,
         body: bytes, now: datetime, max_dossier_bytes: int | None = None) -> dict[str, Any]:
    device_id, items, doc = parse_envelope(body)
    # A deadlock or serialization failure runs the whole transaction again (bounded); what
    # still fails is a 503 with Retry-After (backend/db/retry.py), never a 500. An item whose
    # handler fails unexpectedly runs the batch again with that item rejected (`cannot_apply`):
    # the happy path pays nothing, and at most one re-run per failing item. A failed write whose
    # item is unknown (buffered rows are written late) first runs the batch again `careful`,
    # each item's rows written right after it, so that the item whose write fails is the one.
    poisoned: set[int] = set()
    careful = False
    while True:
        try:
            return run_transaction(session, functools.partial(
                _push, session, principal, catalog, data_dir, device_id, items, now,
                max_dossier_bytes, frozenset(poisoned), doc, careful))
        except WriteFailed as exc:
            session.rollback()
            if careful:  # cannot happen: a careful run blames the item whose write fails
                raise
            log.error("push: the batch of device %s failed to write its rows (%s); running it "
                      "again item by item", device_id, type(exc.__cause__).__name__)
            careful = True
        except ItemFailed as exc:
            session.rollback()
            cause = exc.__cause__
            # The exception's type and frames, never its message: it may quote personal data.
            log.error("push: item %d of device %s could not be applied (%s); stored as "
                      "rejected\n%s", exc.n, device_id, type(cause).__name__,
                      "".join(traceback.format_tb(cause.__traceback__ if cause else None)))
            if exc.n in poisoned:  # cannot happen: a poisoned item never reaches its handler
                raise
            poisoned.add(exc.n)


def _push(session: Session, principal: Principal, catalog: Catalog, data_dir: Path,
          device_id: str, items: list[dict[str, Any]], now: datetime,
          max_dossier_bytes: int | None, poisoned: frozenset[int],
          doc: dict[str, Any] | None, careful: bool) -> dict[str, Any]:
    device = load_device(session, principal, device_id)
    v2 = doc is not None and doc.get("protocol") == 2
    values = None
    if v2:
        assert doc is not None
        items, values = wire_v2.expand_items(doc, device.id, items, _item_error)
    ms = decode_all(device, items, values)
    replays, fresh = split_replays(session, device, ms)
    lock_rows(session, fresh)
    versions = Versions(session)
    ctx = Ctx(session=session, principal=principal, catalog=catalog, data_dir=data_dir,
              device=device, now=now, today=local_date(now), versions=versions,
              max_dossier_bytes=DEFAULT_MAX_DOSSIER_BYTES if max_dossier_bytes is None
              else max_dossier_bytes)
    ctx.existing = existing_records(session, fresh)
    batch_cache.remember_batch(ctx, fresh)
    # The ORM objects of a batch may reference rows it buffered (a revision of a dossier the
    # batch created): whatever flushes them first writes the buffered rows.
    with _deferred_first(session, ctx):
        return _apply_batch(session, principal, device, ctx, items, ms, replays, fresh, poisoned,
                            doc if v2 else None, careful)


@contextlib.contextmanager
def _deferred_first(session: Session, ctx: Ctx) -> Iterator[None]:
    def before_flush(*_: Any) -> None:
        ctx.flush_deferred()

    event.listen(session, "before_flush", before_flush)
    try:
        yield
    finally:
        event.remove(session, "before_flush", before_flush)
        rollups.release(session)


def _apply_batch(session: Session, principal: Principal, device: Device, ctx: Ctx,
                 items: list[dict[str, Any]], ms: list[Mutation],
                 replays: dict[int, dict[str, Any]], fresh: list[Mutation],
                 poisoned: frozenset[int], doc: dict[str, Any] | None,
                 careful: bool) -> dict[str, Any]:
    now, versions = ctx.now, ctx.versions
    results: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    by_n = {m.n: i for i, m in enumerate(ms)}
    for m in ms:
        if m.n in replays:
            results.append(replays[m.n])
            continue
        ctx.extra = {"item": items[by_n[m.n]]}
        result = _apply_one(ctx, m, poisoned, careful)
        results.append(result)
        rows.append({"id": m.id, "device_id": device.id, "n": m.n, "hash": m.hash,
                     "user_id": principal.user_id, "entity": m.entity,
                     "entity_id": m.entity_id, "op": m.op, "status": result["status"],
                     "commune_id": device.commune_id, "payload": items[by_n[m.n]]["payload"],
                     "sig": items[by_n[m.n]]["sig"], "result": result, "received_at": now})
    if fresh:
        try:
            ctx.flush_deferred()
            session.flush()
        except sa_exc.DBAPIError as exc:
            if careful or is_transient(exc):
                raise
            raise WriteFailed from exc
        insert_rows(session, SYNC_MUTATIONS, rows)
        device.last_n = fresh[-1].n
        device.last_hash = fresh[-1].hash
        device.last_push_at = now
        session.add(device)
        session.flush()
        versions.flush()
        session.commit()
    answer = {"protocol": PROTOCOL, "device_id": device.id, "results": results,
              "last_n": device.last_n, "last_hash": device.last_hash}
    return wire_v2.compact_answer(answer, ms) if doc is not None else answer


__all__ = ["GENESIS", "MAX_BATCH", "PROTOCOL", "push"]
