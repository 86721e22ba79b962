"""Look-ups one push batch repeats for many items, answered once per batch.

Why: a submission used to cost five to seven queries of its own (the commune's signing key, the
household's members, the dossier's latest revision, the blobs its attachments name — twice),
and every query first flushed the ORM objects of the previous item. Everything here lives in
`ctx.cache` (one batch, one transaction: the rows the batch may change are locked or written by
the batch itself), so nothing outlives the transaction and a key rotation or an upload
committed by someone else is seen by the next batch.

None of these reads flushes the session first (`no_autoflush`): what they read is never pending
in it — blobs and signing keys are not written by a push and the batch's own revisions are
recorded here by `revised` (the members query does flush: a member update may be pending).
The batch's ORM objects are then flushed a few times per batch instead of before every read.

Keys in `ctx.cache` (the first element is a string, never a model class):
- ("blob_sizes", "")       → {sha256: size or None}: verified blobs, prefetched for the batch;
- ("commune_key", commune) → (private key, public key, key id), the newest signing key;
- ("members", household)   → member ids of the household (dropped when a member mutation
                             of the batch is applied, see `forget_members`);
- ("revision", dossier)    → (hash, number) of the dossier's latest revision, or None;
- ("form_schema", code, version) → the procedure's form as plain data (a pydantic dump);
- ("officers_listen", commune) → whether any officer of the commune has a push subscription.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlmodel import col, select

from backend.catalog.model import Procedure
from backend.changelog.context import Ctx
from backend.db.models import Blob, Dossier, DossierRevision, Member
from backend.dossiers.receipts import commune_key
from backend.push.sending import EVENTS, anyone_subscribed
from sync.mutations import Mutation

_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 500  # IN-list size per query (both databases take far more; keeps statements small)
_BLOBS = ("blob_sizes", "")
_BATCH = ("batch_mutations", "")


def remember_batch(ctx: Ctx, fresh: list[Mutation]) -> None:
    """The batch's new mutations, so the first blob look-up can prefetch for all of them."""
    ctx.cache[_BATCH] = fresh


def _hashes_named(ms: Iterable[Mutation]) -> set[str]:
    """Well-formed attachment hashes the batch's dossier mutations name (junk is skipped: the
    handlers refuse it before they ask for sizes)."""
    out: set[str] = set()
    for m in ms:
        if m.entity != "dossier" or not isinstance(m.fields, dict):
            continue
        components = m.fields.get("components")
        if isinstance(components, dict):
            for hashes in components.values():
                if isinstance(hashes, list):
                    out.update(h for h in hashes if isinstance(h, str) and _HEX64.fullmatch(h))
        consent = m.fields.get("consent")
        if isinstance(consent, dict):
            h = consent.get("signature_sha256")
            if isinstance(h, str) and _HEX64.fullmatch(h):
                out.add(h)
    return out


def blob_sizes(ctx: Ctx, hashes: Iterable[str]) -> dict[str, int | None]:
    """{hash: size of the verified blob, or None when there is none} for `hashes` (lowercase
    hex). The first call fetches every hash the batch names in one query; a hash nobody
    announced (e.g. kept from the stored record by a merge) is fetched when asked for."""
    wanted = list(dict.fromkeys(hashes))
    known: dict[str, int | None] | None = ctx.cache.get(_BLOBS)
    if known is None:
        known = {}
        ctx.cache[_BLOBS] = known
        _fetch(ctx, known, _hashes_named(ctx.cache.get(_BATCH) or ()) | set(wanted))
    else:
        _fetch(ctx, known, {h for h in wanted if h not in known})
    return {h: known[h] for h in wanted}


def _fetch(ctx: Ctx, known: dict[str, int | None], hashes: set[str]) -> None:
    todo = sorted(hashes)
    for i in range(0, len(todo), _CHUNK):
        chunk = todo[i:i + _CHUNK]
        known.update(dict.fromkeys(chunk))
        with ctx.session.no_autoflush:
            known.update(ctx.session.exec(
                select(Blob.sha256, Blob.size).where(col(Blob.sha256).in_(chunk))).all())


def signing_key(ctx: Ctx, commune_id: str) -> Any:
    key = ("commune_key", commune_id)
    if key not in ctx.cache:
        with ctx.session.no_autoflush:
            ctx.cache[key] = commune_key(ctx.session, ctx.data_dir, commune_id)
    return ctx.cache[key]


def household_members(ctx: Ctx, household_id: str) -> list[str]:
    key = ("members", household_id)
    if key not in ctx.cache:  # with autoflush: a member update may move a member (pending)
        ctx.cache[key] = list(ctx.session.exec(
            select(Member.id).where(Member.household_id == household_id)).all())
    members: list[str] = ctx.cache[key]
    return members


def forget_members(ctx: Ctx) -> None:
    """A member mutation may add, move or change members: ask the database again."""
    for key in [k for k in ctx.cache if k[0] == "members"]:
        del ctx.cache[key]


def latest_revision(ctx: Ctx, dossier_id: str) -> tuple[str, int] | None:
    """(hash, number) of the dossier's latest revision. A dossier created by this batch has
    none until the batch submits it (`revised` records that)."""
    key = ("revision", dossier_id)
    if key not in ctx.cache:
        if ("dossier", dossier_id) in ctx.created:
            ctx.cache[key] = None
        else:
            with ctx.session.no_autoflush:
                row = ctx.session.exec(
                    select(DossierRevision.hash, DossierRevision.number)
                    .where(DossierRevision.dossier_id == dossier_id)
                    .order_by(col(DossierRevision.number).desc()).limit(1)).first()
            ctx.cache[key] = (row[0], row[1]) if row else None
    found: tuple[str, int] | None = ctx.cache[key]
    return found


def revised(ctx: Ctx, dossier_id: str, revision_hash: str, number: int) -> None:
    ctx.cache[("revision", dossier_id)] = (revision_hash, number)


def form_schema(ctx: Ctx, procedure: Procedure) -> list[dict[str, Any]]:
    key = ("form_schema", procedure.code, procedure.version)
    if key not in ctx.cache:
        ctx.cache[key] = procedure.form_schema()
    schema: list[dict[str, Any]] = ctx.cache[key]
    return schema



def officers_listen(ctx: Ctx, d: Dossier) -> bool:
    """Whether a `dossier_submitted` notice for `d` would reach anybody (an officer of its
    commune with a push subscription), asked once per commune per batch. Why: a notice nobody
    can receive was written, then claimed and closed by the delivery job, for every
    submission — a tenth of a push batch's cost where no officer has subscribed."""
    key = ("officers_listen", d.commune_id)
    if key not in ctx.cache:
        with ctx.session.no_autoflush:
            ctx.cache[key] = anyone_subscribed(ctx.session, EVENTS["dossier_submitted"], d)
    listening: bool = ctx.cache[key]
    return listening
