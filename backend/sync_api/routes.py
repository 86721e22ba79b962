"""Sync over HTTP: push, pull, audit trails, conflicts, amendments, revisions, public keys."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from backend.db.models import Device, DossierAmendment, SyncConflict, SyncLoser
from backend.devices.routes import DeviceController
from backend.dossiers.receipts import published_keys
from backend.dossiers.service import visible_dossier
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.pagination import Page, PageSize, check_page
from backend.lib.wire import to_wire
from backend.sync_api import lean, queries, review, service
from backend.sync_api import pull as pull_service
from backend.sync_api.body_coding import decode_body
from backend.sync_api.dictionaries import current, dictionaries
from backend.sync_api.schemas import (
    AmendmentOut,
    AmendmentPage,
    ConflictOut,
    ConflictPage,
    DecideIn,
    DictionaryInfo,
    DictionaryList,
    DismissIn,
    LoserOut,
    LoserPage,
    MutationOut,
    MutationPage,
    PublicKeys,
    PullChange,
    PullOut,
    PushOut,
    PushOutV2,
    ResolveIn,
    RevisionOut,
)

# bounds documented here; pull() refuses others with `bad_limit` before any query uses it
PullLimit = Annotated[int, Parameter(schema_extra={"minimum": 1,
                                                  "maximum": pull_service.MAX_LIMIT})]
PullView = Annotated[str, Parameter(schema_extra={"enum": list(pull_service.VIEWS)})]


def conflict_out(c: SyncConflict) -> ConflictOut:
    return ConflictOut(
        id=c.id, entity=c.entity, entity_id=c.entity_id, field=c.field,
        base_value=c.base_value, current_value=c.current_value,
        proposed_value=c.proposed_value, current_hlc=c.current_hlc,
        proposed_hlc=c.proposed_hlc, status=c.status, mutation_id=c.mutation_id,
        resolved_value=c.resolved_value, resolved_by=c.resolved_by,
        resolved_at=c.resolved_at, resolved_version=c.resolved_version, created_at=c.created_at,
        resolution_note=c.resolution_note,
    )


def loser_out(lo: SyncLoser) -> LoserOut:
    return LoserOut(
        id=lo.id or 0, entity=lo.entity, entity_id=lo.entity_id, field=lo.field,
        losing_value=lo.losing_value, winning_value=lo.winning_value,
        losing_hlc=lo.losing_hlc, winning_hlc=lo.winning_hlc, rule=lo.rule,
        mutation_id=lo.mutation_id, conflict_id=lo.conflict_id, created_at=lo.created_at,
    )


def amendment_out(a: DossierAmendment) -> AmendmentOut:
    return AmendmentOut(
        id=a.id, dossier_id=a.dossier_id, mutation_id=a.mutation_id,
        base_version=a.base_version, fields=a.fields, status=a.status,
        decided_by=a.decided_by, decided_at=a.decided_at, reason=a.reason,
        created_at=a.created_at,
    )


async def read_raw_body(request: Request[Any, Any, Any]) -> bytes:
    # The push body is parsed by the service (after gzip), never by Litestar's JSON decoder.
    return await request.body()


class SyncController(Controller):
    path = "/api/sync"
    tags = ["sync"]

    @post("/push", sync_to_thread=True, status_code=200,
          dependencies={"raw_body": Provide(read_raw_body)},
          description="Body {protocol: 1, device_id, mutations: [{payload, sig}]}, JSON, "
                      "optionally Content-Encoding: gzip or deflate (with a preset dictionary, "
                      "GET /api/sync/dictionaries). See docs/protocol.md.")
    def push(
        self,
        request: Request[Any, Any, Any],
        raw_body: bytes,
        db: Session,
        principal: Principal,
        state: State,
    ) -> PushOut | PushOutV2:
        body = decode_body(raw_body, request.headers.get("content-encoding"))
        answer = service.push(db, principal, state.catalog, state.settings.data_dir, body,
                              utcnow(), state.settings.max_dossier_attachment_bytes)
        return to_wire(answer, PushOut | PushOutV2)  # type: ignore[arg-type]

    @get("/pull", sync_to_thread=True)
    def pull(self, db: Session, principal: Principal, cursor: str | None = None,
             limit: PullLimit = pull_service.DEFAULT_LIMIT, view: PullView = "full"
             ) -> PullOut:
        return to_wire(pull_service.pull_page(db, principal, cursor, limit, utcnow(), view),
                       PullOut)

    @get("/dossiers/{dossier_id:str}", sync_to_thread=True,
         description="One dossier whole, as a pull change, for a phone that holds only its "
                     "closed row from a lean pull (docs/protocol.md §5, lean view).")
    def dossier(self, dossier_id: str, db: Session, principal: Principal) -> PullChange:
        return to_wire(lean.whole_dossier(db, principal, dossier_id), PullChange)

    @get("/mutations", sync_to_thread=True, guards=[require_roles("officer", "admin")])
    def mutations(self, db: Session, principal: Principal, entity_id: str, page: Page = 1,
                  page_size: PageSize = 50) -> MutationPage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.mutations(db, principal, entity_id, offset, limit)
        items = [
            MutationOut(id=m.id, device_id=m.device_id, n=m.n, hash=m.hash, user_id=m.user_id,
                        entity=m.entity, entity_id=m.entity_id, op=m.op, status=m.status,
                        payload=m.payload, sig=m.sig, alg=d.alg, public_key=d.public_key,
                        device_revoked_at=d.revoked_at, result=m.result,
                        received_at=m.received_at)
            for m, d in rows
        ]
        return MutationPage(items=items, total=total, page=page, page_size=page_size)

    @get("/conflicts", sync_to_thread=True)
    def conflicts(self, db: Session, principal: Principal, status: str | None = "open",
                  entity_id: str | None = None, page: Page = 1,
                  page_size: PageSize = 50) -> ConflictPage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.conflicts(db, principal, status or None, entity_id, offset, limit)
        return ConflictPage(items=[conflict_out(c) for c in rows], total=total, page=page,
                            page_size=page_size)

    @post("/conflicts/{conflict_id:str}/resolve", sync_to_thread=True, status_code=200)
    def resolve(self, conflict_id: str, data: ResolveIn, db: Session,
                principal: Principal) -> ConflictOut:
        return conflict_out(review.resolve(db, principal, conflict_id, data.value, utcnow()))

    @post("/conflicts/{conflict_id:str}/dismiss", sync_to_thread=True, status_code=200)
    def dismiss(self, conflict_id: str, data: DismissIn, db: Session,
                principal: Principal) -> ConflictOut:
        """Close a conflict keeping the current value (e.g. one gone stale); the proposal
        stays on record as a loser."""
        return conflict_out(review.dismiss(db, principal, conflict_id, data.reason, utcnow()))

    @get("/losers", sync_to_thread=True)
    def losers(self, db: Session, principal: Principal, entity_id: str | None = None,
               page: Page = 1, page_size: PageSize = 50) -> LoserPage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.losers(db, principal, entity_id, offset, limit)
        return LoserPage(items=[loser_out(lo) for lo in rows], total=total, page=page,
                         page_size=page_size)

    @get("/amendments", sync_to_thread=True)
    def amendments(self, db: Session, principal: Principal, status: str | None = "pending",
                   dossier_id: str | None = None, page: Page = 1,
                   page_size: PageSize = 50) -> AmendmentPage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.amendments(db, principal, status or None, dossier_id, offset,
                                         limit)
        return AmendmentPage(items=[amendment_out(a) for a in rows], total=total, page=page,
                             page_size=page_size)

    @post("/amendments/{amendment_id:str}/decide", sync_to_thread=True, status_code=200,
          guards=[require_roles("officer", "admin")])
    def decide(self, amendment_id: str, data: DecideIn, db: Session,
               principal: Principal) -> AmendmentOut:
        if data.decision not in ("accept", "reject"):
            raise AppError("bad_decision", "Quyết định phải là accept hoặc reject.",
                           "decision must be accept or reject.", 422)
        return amendment_out(review.decide_amendment(
            db, principal, amendment_id, data.decision == "accept", data.reason, utcnow()))

    @get("/dossiers/{dossier_id:str}/revisions", sync_to_thread=True)
    def revisions(self, dossier_id: str, db: Session, principal: Principal
                  ) -> list[RevisionOut]:
        visible_dossier(db, principal, dossier_id)
        return [
            RevisionOut(hash=r.hash, number=r.number, kind=r.kind, prev_revision=r.prev_revision,
                        mutation_id=r.mutation_id, device_id=r.device_id, alg=d.alg,
                        public_key=d.public_key, payload=r.payload, sig=r.sig,
                        receipt=r.receipt, created_at=r.created_at)
            for r, d in queries.revisions(db, dossier_id)
        ]


@get("/.well-known/langso/keys.json", sync_to_thread=True, opt={"public": True},
     tags=["sync"])
def well_known_keys(db: Session, state: State) -> PublicKeys:
    keys = published_keys(db, state.settings.data_dir, queries.commune_ids(db))
    return to_wire(keys, PublicKeys)


IMMUTABLE = "public, max-age=31536000, immutable"


@get("/api/sync/dictionaries", sync_to_thread=False, opt={"public": True}, tags=["sync"],
     description="The preset dictionaries a push body may be deflated with "
                 "(Content-Encoding: deflate, docs/protocol.md §4); `current` is the one to use.")
def list_dictionaries() -> DictionaryList:
    return DictionaryList(current=current().id, dictionaries=[
        DictionaryInfo(id=d.id, seq=d.seq, size=len(d.data), url=f"/api/sync/dictionaries/{d.id}")
        for d in dictionaries().values()])


@get("/api/sync/dictionaries/{dictionary_id:str}", sync_to_thread=False, opt={"public": True},
     tags=["sync"], media_type="application/octet-stream",
     description="One preset dictionary's bytes (never changes: cache it for good).")
def get_dictionary(dictionary_id: str) -> Response[bytes]:
    found = dictionaries().get(dictionary_id)
    if found is None:
        raise AppError("not_found", "Không tìm thấy từ điển nén.", "Dictionary not found.", 404)
    return Response(found.data, media_type="application/octet-stream",
                    headers={"Cache-Control": IMMUTABLE})


def sync_handlers() -> list[Any]:
    return [DeviceController, SyncController, well_known_keys, list_dictionaries,
            get_dictionary]


__all__ = ["Device", "sync_handlers"]
