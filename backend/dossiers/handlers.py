"""Dossier mutations: create and edit drafts, submit/supplement (signed revisions with a
receipt), other volunteer transitions, and amendments for dossiers the commune already holds.

A submission's signed payload IS the signature over the form data, the SHA-256 of every
attachment, the consent record and the previous revision's hash: the server stores the exact
payload and signature as an append-only revision whose hash is the mutation hash.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from backend.attachments.service import check_dossier_budget, missing_blobs
from backend.catalog.loader import ProcedureNotFound
from backend.catalog.model import Procedure
from backend.changelog.context import (
    Applied,
    Ctx,
    Reject,
    check_base,
    check_fields,
    forbidden,
    merge_extra,
    not_found,
    really_changed,
    record_merge_side_effects,
    three_way,
)
from backend.changelog.entities import (
    RULES,
    WRITABLE,
    dossier_data,
    dossier_rules,
    flatten,
    new_dossier_data,
    unflatten,
)
from backend.changelog.registry import Registration
from backend.db.models import Dossier, DossierAmendment, DossierEvent, DossierRevision, Member
from backend.db.new_rows import new_row, plain_row
from backend.dossiers import batch_cache
from backend.dossiers.receipts import make_receipt
from backend.dossiers.service import Held, apply_action
from backend.lib.clock import new_id
from backend.lib.errors import AppError
from backend.monitoring import rollups
from backend.push.notify import notify_after_commit
from backend.review.actions import close_tasks
from sync.forms import field_rules, validate_form
from sync.merge import json_equal
from sync.mutations import Mutation

HEX64 = re.compile(r"[0-9a-f]{64}")
DOSSIERS = Dossier.__table__  # type: ignore[attr-defined]
DOSSIER_EVENTS = DossierEvent.__table__  # type: ignore[attr-defined]
DOSSIER_REVISIONS = DossierRevision.__table__  # type: ignore[attr-defined]
DOSSIER_MAPPER = sa_inspect(Dossier)
DOSSIER_COLUMNS = tuple(c.key for c in DOSSIER_MAPPER.column_attrs)
EDITABLE = frozenset({"draft", "supplement_requested"})
AMENDABLE = frozenset({"submitted", "received", "processing", "done"})
SUBMIT_FIELDS = frozenset({"form_data", "components", "consent", "prev_revision",
                           "fill_started_at", "fill_seconds", "prefilled_fields",
                           "total_fields"})
DEVICE_REASON = "Thao tác từ thiết bị đã ký / signed device action"
# Distinct attachments one dossier may reference: far above any procedure's needs, and it keeps
# the budget query's IN list small on both databases.
MAX_DOSSIER_HASHES = 200


def _procedure(ctx: Ctx, code: Any, version: Any) -> Procedure:
    if not isinstance(code, str) or len(code) > 64 or (version is not None and (
            not isinstance(version, int) or isinstance(version, bool))):
        raise Reject("unknown_procedure", "Thủ tục không hợp lệ.", "Bad procedure reference.")
    try:
        return ctx.catalog.get(code, version)
    except ProcedureNotFound as exc:
        raise Reject("unknown_procedure", f"Không có thủ tục {code}.",
                     f"Unknown procedure {code}.") from exc


def _bad(field: str, vi: str, en: str) -> Reject:
    return Reject("invalid_fields", vi, en,
                  errors=[{"field": field, "code": "invalid", "message_vi": vi, "message_en": en}])


def _check_components(value: Any, procedure: Procedure, complete: bool) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise _bad("components", "Thành phần hồ sơ phải là đối tượng.", "components: an object.")
    known = {c.code: c for c in procedure.components}
    for code, hashes in value.items():
        if code not in known:
            raise _bad("components", f"Thành phần không có trong thủ tục: {code}.",
                       f"Unknown component {code}.")
        if not isinstance(hashes, list) or not all(
            isinstance(h, str) and HEX64.fullmatch(h) for h in hashes
        ):
            raise _bad("components", "Mỗi thành phần là danh sách mã SHA-256.",
                       f"components.{code}: a list of lowercase SHA-256 hex digests.")
    if len({h for hashes in value.values() for h in hashes}) > MAX_DOSSIER_HASHES:
        raise _bad("components", f"Tối đa {MAX_DOSSIER_HASHES} tệp đính kèm mỗi hồ sơ.",
                   f"At most {MAX_DOSSIER_HASHES} attachments per dossier.")
    if complete:
        for c in procedure.components:
            if c.required and len(value.get(c.code) or []) < c.min_count:
                raise _bad("components", f"Thiếu thành phần bắt buộc: {c.name.vi}.",
                           f"Missing required component {c.code}.")
    return value


def _check_budget(ctx: Ctx, components: dict[str, list[str]], *extra: str) -> None:
    """The per-dossier attachment budget over the verified blobs the dossier references
    (blobs not uploaded yet count 0 until they are: submit checks again)."""
    hashes = [h for lst in components.values() for h in lst] + list(extra)
    if not hashes:
        return
    sizes = batch_cache.blob_sizes(ctx, (h.lower() for h in hashes))
    try:
        check_dossier_budget(ctx.session, hashes, ctx.max_dossier_bytes,
                             total=sum(size for size in sizes.values() if size))
    except AppError as exc:
        raise Reject(exc.code, exc.message_vi, exc.message_en, errors=exc.errors) from exc


def _visible(ctx: Ctx, d: Dossier) -> None:
    if not ctx.principal.can_see_village(d.village_id, d.commune_id):
        raise forbidden()


def latest_revision(session: Session, dossier_id: str) -> DossierRevision | None:
    return session.exec(
        select(DossierRevision).where(DossierRevision.dossier_id == dossier_id)
        .order_by(col(DossierRevision.number).desc()).limit(1)
    ).first()


def _write(ctx: Ctx, d: Dossier, clocks: dict[str, str], revision: str | None) -> None:
    assert ctx.mutation is not None
    data = dossier_data(d, revision)
    ctx.versions.write("dossier", d.id, d.version, data, clocks, (d.commune_id, d.village_id),
                       ctx.now, mutation_id=ctx.mutation.id, actor_id=ctx.principal.user_id)


def _current(ctx: Ctx, d: Dossier) -> tuple[dict[str, Any], dict[str, str], str | None]:
    latest = ctx.versions.latest("dossier", d.id)
    revision = latest.data.get("revision") if latest else None
    return dossier_data(d, revision), dict(latest.clocks) if latest else {}, revision


def create_dossier(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, WRITABLE["dossier"])
    procedure = _procedure(ctx, m.fields.get("procedure_code"), m.fields.get("procedure_version"))
    applicant_id = m.fields.get("applicant_member_id")
    applicant = ctx.get(Member, applicant_id) if isinstance(applicant_id, str) else None
    if applicant is None:
        raise not_found("người nộp (nhân khẩu)", "Applicant member")
    if not ctx.principal.can_see_village(applicant.village_id, applicant.commune_id):
        raise forbidden()
    if ctx.exists("dossier", m.entity_id):
        raise Reject("already_exists", "Hồ sơ đã tồn tại.", "Dossier exists.")
    form = m.fields.get("form_data") or {}
    if not isinstance(form, dict):
        raise _bad("form_data", "Dữ liệu biểu mẫu phải là đối tượng.", "form_data: an object.")
    components = _check_components(m.fields.get("components") or {}, procedure, complete=False)
    _check_budget(ctx, components)
    # Hot path (a batch of new drafts): plain rows, no ORM object, inserted with executemany
    # later. The keys are every column of `dossiers`.
    form_data = {k: v for k, v in form.items() if v is not None}
    row = {
        "id": m.entity_id, "procedure_code": procedure.code,
        "procedure_version": procedure.version, "applicant_member_id": applicant.id,
        "household_id": applicant.household_id, "village_id": applicant.village_id,
        "commune_id": applicant.commune_id, "prepared_by": ctx.principal.user_id,
        "status": "draft", "outcome": None, "form_data": form_data, "components": components,
        "official_code": None, "received_at": None, "due_date": None, "decided_at": None,
        "version": 1,
        "created_at": ctx.now, "updated_at": ctx.now,
    }
    ctx.defer(DOSSIERS, row)
    ctx.cache[("dossier_row", m.entity_id)] = row
    ctx.defer(DOSSIER_EVENTS, plain_row(
        DossierEvent, dossier_id=m.entity_id, action="create", from_status=None,
        to_status="draft", actor_id=ctx.principal.user_id, actor_role=ctx.principal.role,
        at=ctx.now, reason="", data={"mutation_id": m.id}))
    ctx.created.add(("dossier", m.entity_id))
    data = new_dossier_data(row)
    ctx.versions.write("dossier", m.entity_id, 1, data, {k: m.hlc for k in flatten(data)},
                       (row["commune_id"], row["village_id"]), ctx.now, mutation_id=m.id,
                       actor_id=ctx.principal.user_id)
    return Applied("applied", 1)


def _locked(ctx: Ctx, m: Mutation) -> Dossier:
    # No FOR UPDATE here: the push locked every existing dossier its batch targets up front, in
    # the global order (service.lock_rows); one the batch created is seen by nobody else. A
    # plain get also answers from the identity map when the batch already loaded the row.
    # No autoflush: a row that has unflushed changes is in the identity map (the session holds
    # its dirty objects), so the query cannot miss anything, and the batch's ORM objects are
    # then flushed once at its end instead of once per submission.
    row = ctx.cache.pop(("dossier_row", m.entity_id), None)
    d: Dossier | None
    if row is not None and not ctx.deferred:
        d = _adopt(ctx, row)
    else:
        ctx.flush_deferred()  # the row may be among the batch's buffered creates
        with ctx.session.no_autoflush:
            d = ctx.session.get(Dossier, m.entity_id)
    if d is None:
        raise not_found("hồ sơ", "Dossier")
    _visible(ctx, d)
    return d


def _buffered(ctx: Ctx, m: Mutation) -> tuple[Dossier, dict[str, Any]] | None:
    """A dossier this batch created whose row is still buffered (`ctx.defer`), as a detached
    object outside the session, with its row. Why: a new dossier submitted in the same batch
    (the usual pair) was written, then read back as an object, then UPDATEd; now the submission
    changes the buffered row and the dossier is INSERTed once, as submitted."""
    row = ctx.cache.get(("dossier_row", m.entity_id))
    if row is None or not ctx.is_deferred(row):
        return None
    d: Dossier = DOSSIER_MAPPER.class_manager.new_instance()
    d.__dict__.update(row)  # never joins the session as it is: no committed state to keep
    _visible(ctx, d)
    return d, row


def _attach(ctx: Ctx, d: Dossier, row: dict[str, Any]) -> None:
    """Hand the changes of a `_buffered` dossier whose row (`row`, as written) got written
    meanwhile to the session: they are then UPDATEd like any loaded dossier's change."""
    target = _adopt(ctx, row)
    for name in DOSSIER_COLUMNS:
        value = getattr(d, name)
        if value != getattr(target, name):
            setattr(target, name, value)


def _adopt(ctx: Ctx, row: dict[str, Any]) -> Dossier:
    """The ORM object of a dossier this batch created and already wrote (its row is flushed:
    `ctx.deferred` is empty), built from the row it wrote instead of read back with a query —
    the SELECT and its row decoding were a tenth of a create-then-submit pair. The object joins
    the session as a persistent one, so only what the submission changes is UPDATEd."""
    held = ctx.session.identity_map.get(DOSSIER_MAPPER.identity_key_from_primary_key(
        (row["id"],)))
    if held is not None:  # something of the batch read it back already
        return held  # type: ignore[no-any-return]
    d: Dossier = DOSSIER_MAPPER.class_manager.new_instance()
    for name in DOSSIER_COLUMNS:
        set_committed_value(d, name, row.get(name))
    make_transient_to_detached(d)
    ctx.session.add(d)
    return d


def update_dossier(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, WRITABLE["dossier"])
    d = _locked(ctx, m)
    if d.status in AMENDABLE:
        return _amendment(ctx, m, d)
    if d.status not in EDITABLE:
        raise Reject("dossier_closed", "Hồ sơ đã kết thúc, không thể sửa.",
                     f"The dossier is {d.status}; it can no longer change.")
    if "form_data" in m.fields and not isinstance(m.fields["form_data"], dict):
        raise _bad("form_data", "Dữ liệu biểu mẫu phải là đối tượng.", "form_data: an object.")
    procedure = ctx.catalog.get(d.procedure_code, d.procedure_version)
    current, _, revision = _current(ctx, d)
    rules = dossier_rules(field_rules(batch_cache.form_schema(ctx, procedure)))
    outcome, _ = three_way(ctx, m, "dossier", d.version, current, rules)
    if outcome.verdict == "rejected":
        raise Reject("server_field", "Không được thay đổi trường do máy chủ quản lý.",
                     f"Server-managed fields: {', '.join(outcome.rejected)}.")
    changed = really_changed(outcome, current)
    new = unflatten(outcome.values)
    if "components" in changed:
        _check_components(new["components"], procedure, complete=False)
        _check_budget(ctx, new["components"])
    if "applicant_member_id" in changed:
        applicant_id = new["applicant_member_id"]
        applicant = (ctx.session.get(Member, applicant_id)
                     if isinstance(applicant_id, str) and len(applicant_id) <= 36 else None)
        if applicant is None or applicant.household_id != d.household_id:
            raise _bad("applicant_member_id", "Người nộp phải là nhân khẩu của hộ.",
                       "The applicant must be a member of the dossier's household.")
    conflicts = record_merge_side_effects(ctx, m, "dossier", outcome, (d.commune_id, d.village_id))
    if changed:
        d.form_data = new["form_data"]
        d.components = new["components"]
        d.applicant_member_id = new["applicant_member_id"]
        d.version += 1
        d.updated_at = ctx.now
        _write(ctx, d, dict(outcome.clocks), revision)
    return Applied(outcome.verdict, d.version, merge_extra(outcome, conflicts))


def _amendment(ctx: Ctx, m: Mutation, d: Dossier) -> Applied:
    check_base(m, d.version)
    aid = new_id()
    ctx.session.add(DossierAmendment(
        id=aid, dossier_id=d.id, mutation_id=m.id, base_version=m.base, fields=dict(m.fields),
        commune_id=d.commune_id, village_id=d.village_id, created_at=ctx.now))
    return Applied("conflict", d.version, {
        "code": "amendment_pending",
        "message_vi": "Hồ sơ đã được xã tiếp nhận: thay đổi được lưu thành đề nghị bổ sung, "
                      "chờ cán bộ xem xét.",
        "message_en": "The commune already holds this dossier: the edit is kept as an "
                      "amendment awaiting the officer.",
        "amendment_id": aid,
    })


def _check_submission(ctx: Ctx, m: Mutation, d: Dossier, procedure: Procedure) -> None:
    f = m.fields
    missing = sorted({"form_data", "components", "consent", "prev_revision"} - set(f))
    if missing:
        raise _bad(missing[0], f"Thiếu trường: {', '.join(missing)}.",
                   f"Missing fields: {', '.join(missing)}.")
    if not isinstance(f["form_data"], dict):
        raise _bad("form_data", "Dữ liệu biểu mẫu phải là đối tượng.", "form_data: an object.")
    _check_components(f["components"], procedure, complete=True)
    consent = f["consent"]
    if (not isinstance(consent, dict) or set(consent) != {"signature_sha256", "signer_name",
                                                          "signed_at"}
            or not isinstance(consent["signature_sha256"], str)
            or not HEX64.fullmatch(consent["signature_sha256"])
            or not isinstance(consent["signer_name"], str) or not consent["signer_name"].strip()
            or not isinstance(consent["signed_at"], str)):
        raise _bad("consent", "Thiếu hoặc sai thông tin đồng ý của người dân.",
                   "consent must be {signature_sha256, signer_name, signed_at}.")
    _check_budget(ctx, f["components"], consent["signature_sha256"])
    prev = f["prev_revision"]
    if prev is not None and (not isinstance(prev, str) or not HEX64.fullmatch(prev)):
        raise _bad("prev_revision", "Mã phiên bản trước không hợp lệ.", "prev_revision: hex or null.")
    seconds = f.get("fill_seconds")
    if seconds is not None and (not isinstance(seconds, int) or seconds < 0):
        raise _bad("fill_seconds", "Thời gian điền phải là số nguyên ≥ 0.", "fill_seconds >= 0.")
    started = f.get("fill_started_at")
    if started is not None and not isinstance(started, str):
        raise _bad("fill_started_at", "Thời điểm bắt đầu phải là chuỗi.", "fill_started_at: text.")
    prefilled, total = f.get("prefilled_fields"), f.get("total_fields")
    if (prefilled is None) != (total is None) or (total is not None and (
            not isinstance(prefilled, int) or not isinstance(total, int)
            or not 0 <= prefilled <= total)):
        raise _bad("prefilled_fields", "Số trường điền sẵn phải là số nguyên, 0 ≤ điền sẵn ≤ tổng.",
                   "prefilled_fields and total_fields: integers, 0 <= prefilled <= total.")
    members = batch_cache.household_members(ctx, d.household_id)
    issues = validate_form(batch_cache.form_schema(ctx, procedure), f["form_data"], today=ctx.today,
                           member_ids=members)
    if issues:
        raise Reject("invalid_form", "Biểu mẫu chưa hợp lệ: " + "; ".join(
            f"{i.path}: {i.message_vi}" for i in issues[:5]), "The form is not valid.",
            errors=[{"field": i.path, "code": i.code, "message_vi": i.message_vi,
                     "message_en": i.message_en} for i in issues])


def submit_dossier(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, SUBMIT_FIELDS)
    buffered = _buffered(ctx, m)
    d = buffered[0] if buffered else _locked(ctx, m)
    if d.status not in ("draft", "supplement_requested"):
        raise Reject("illegal_transition",
                     f"Không thể nộp hồ sơ ở trạng thái «{d.status}».",
                     f"A dossier in state '{d.status}' cannot be submitted.")
    action = "submit" if d.status == "draft" else "supplement"
    procedure = ctx.catalog.get(d.procedure_code, d.procedure_version)
    _check_submission(ctx, m, d, procedure)
    current, clocks, _ = _current(ctx, d)
    last = batch_cache.latest_revision(ctx, d.id)
    last_hash = last[0] if last else None
    if m.fields["prev_revision"] != last_hash:
        raise Reject("stale_revision", "Hồ sơ đã có phiên bản nộp mới hơn; hãy đồng bộ lại.",
                     "prev_revision is not the dossier's latest revision.",
                     errors=[{"field": "prev_revision", "expected": last_hash}])
    held = Held(d) if buffered else None
    try:
        apply_action(ctx.session, ctx.principal, ctx.catalog, d.id, action, "", ctx.now,
                     commit=False, held=held)
    except AppError as exc:
        raise Reject(exc.code, exc.message_vi, exc.message_en) from exc
    d.form_data = {k: v for k, v in m.fields["form_data"].items() if v is not None}
    d.components = m.fields["components"]
    if action == "supplement":
        # The volunteer answered the officer's request: close the task on every device now.
        close_tasks(ctx.session, d, ctx.now, ctx.principal.user_id)
    if batch_cache.officers_listen(ctx, d):
        notify_after_commit(ctx.session, "dossier_submitted", dossier_id=d.id,
                            data_dir=ctx.data_dir, defer=ctx.defer if held else None)
    assert ctx.mutation is not None and ctx.extra.get("item") is not None
    receipt = make_receipt(ctx.session, ctx.data_dir, d.commune_id, d.id, m.hash, ctx.now,
                           key=batch_cache.signing_key(ctx, d.commune_id))
    item = ctx.extra["item"]
    number = last[1] + 1 if last else 1
    revision = {"hash": m.hash, "dossier_id": d.id, "number": number, "kind": action,
                "prev_revision": last_hash, "mutation_id": m.id, "device_id": m.device,
                "payload": item["payload"], "sig": item["sig"], "receipt": receipt,
                "created_at": ctx.now}
    if held and buffered:
        # Plain rows after the dossier's own (one bulk insert per table at the batch's end),
        # counted for the service index here since the flush hook sees ORM objects only.
        ctx.cache.pop(("dossier_row", d.id))
        if ctx.is_deferred(buffered[1]):
            buffered[1].update({name: getattr(d, name) for name in DOSSIER_COLUMNS})
        else:  # a read above flushed the batch: the row is written, UPDATE it
            _attach(ctx, d, buffered[1])
        for event in held.events:
            ctx.defer(DOSSIER_EVENTS, event)
        ctx.defer(DOSSIER_REVISIONS, plain_row(DossierRevision, **revision))
        rollups.count_rows(ctx.session, d, held.events, [(action, ctx.now, m.fields)])
    else:
        ctx.session.add(new_row(DossierRevision, **revision))
    batch_cache.revised(ctx, d.id, m.hash, number)
    _write(ctx, d, _clocks_after(clocks, current, dossier_data(d, m.hash), m.hlc,
                                 ctx.server_hlc), m.hash)
    extra: dict[str, Any] = {"receipt": receipt, "revision": m.hash}
    extra["missing_attachments"] = _missing(ctx, m)
    return Applied("applied", d.version, extra)


def _missing(ctx: Ctx, m: Mutation) -> list[str]:
    hashes = [h for lst in m.fields["components"].values() for h in lst]
    hashes.append(m.fields["consent"]["signature_sha256"])
    sizes = batch_cache.blob_sizes(ctx, (h.lower() for h in hashes))
    return missing_blobs(ctx.session, hashes,
                         present={h for h, size in sizes.items() if size is not None})


def transition_dossier(ctx: Ctx, m: Mutation) -> Applied:
    check_fields(m, frozenset({"action"}))
    d = _locked(ctx, m)
    current, clocks, revision = _current(ctx, d)
    try:
        apply_action(ctx.session, ctx.principal, ctx.catalog, d.id, m.fields["action"],
                     DEVICE_REASON, ctx.now, commit=False)
    except AppError as exc:
        raise Reject(exc.code, exc.message_vi, exc.message_en) from exc
    after = dossier_data(d, revision)
    _write(ctx, d, _clocks_after(clocks, current, after, ctx.server_hlc, ctx.server_hlc),
           revision)
    return Applied("applied", d.version)


def _clocks_after(clocks: dict[str, str], before: dict[str, Any], after: dict[str, Any],
                  client_hlc: str, server_hlc: str) -> dict[str, str]:
    """Clock of every field whose value changed: the device's for what it wrote, the
    server's for server-managed fields (status, revision, …)."""
    out = dict(clocks)
    old = flatten(before)
    for name, value in flatten(after).items():
        if not json_equal(old.get(name), value):
            out[name] = server_hlc if RULES["dossier"].get(name) == "server" else client_hlc
    return out


HANDLERS = (
    # A create reads no row an earlier mutation of the batch buffered (ctx.defer).
    Registration("dossier", "create", create_dossier, reads_batch=False),
    Registration("dossier", "update", update_dossier),
    # A submission flushes the buffered rows itself unless it submits a buffered dossier.
    Registration("dossier", "submit", submit_dossier, reads_batch=False),
    Registration("dossier", "transition", transition_dossier),
)
