"""The officer console API under /api/review (officers of the commune, and admins)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Response, get, post, put
from litestar.datastructures import State

from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.pagination import Page, PageSize
from backend.lib.wire import to_wire
from backend.results import service as results
from backend.review import actions, letters, queue, view
from backend.review.queries import QueueFilters
from backend.review.schemas import (
    ActionOut,
    ApologyDraft,
    DossierView,
    QueuePage,
    ResultDraft,
    ResultIn,
    ResultOut,
    ReviewActionIn,
    SignerIn,
    SignerOut,
)

officers = require_roles("officer", "admin")


class ReviewController(Controller):
    path = "/api/review"
    tags = ["review"]
    guards = [officers]

    @get("/dossiers", sync_to_thread=True)
    def queue(
        self,
        db: Session,
        principal: Principal,
        state: State,
        status: str | None = None,
        procedure_code: str | None = None,
        village_id: str | None = None,
        volunteer: str | None = None,
        commune_id: str | None = None,
        due_soon: bool = False,
        overdue: bool = False,
        has_conflict: bool = False,
        possible_duplicate: bool = False,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> QueuePage:
        """Synced dossiers of the officer's commune (drafts only when `status=draft`), sorted
        by due date, with flags. `volunteer` is the preparing volunteer's user id."""
        filters = QueueFilters(
            status=status, procedure_code=procedure_code, village_id=village_id,
            volunteer=volunteer, commune_id=commune_id, due_soon=due_soon, overdue=overdue,
            has_conflict=has_conflict, possible_duplicate=possible_duplicate)
        return queue.queue(db, principal, state.catalog, filters, page, page_size, utcnow())

    @get("/dossiers/{dossier_id:str}", sync_to_thread=True)
    def view(
        self, dossier_id: str, db: Session, principal: Principal, state: State
    ) -> DossierView:
        return view.dossier_view(db, principal, state.catalog, dossier_id, utcnow())

    @post("/dossiers/{dossier_id:str}/actions", sync_to_thread=True, status_code=200)
    def act(
        self, dossier_id: str, data: ReviewActionIn, db: Session, principal: Principal,
        state: State,
    ) -> ActionOut:
        return actions.act(db, principal, state.catalog, dossier_id, data, utcnow(),
                           state.settings.data_dir)

    @get("/dossiers/{dossier_id:str}/apology-draft", sync_to_thread=True)
    def apology_draft(
        self, dossier_id: str, db: Session, principal: Principal, state: State,
        reason: str = "",
    ) -> ApologyDraft:
        return letters.apology_draft(db, principal, state.catalog, dossier_id, utcnow(),
                                     reason)

    @get("/dossiers/{dossier_id:str}/documents/{name:str}", sync_to_thread=True,
         opt={"skip_compression": True})
    def document(
        self, dossier_id: str, name: str, db: Session, principal: Principal, state: State,
        appointment_date: date | None = None, reason: str = "",
    ) -> Response[bytes]:
        """`receipt.pdf`, `supplement.pdf`, `refusal.pdf` or `apology.pdf`, generated on
        demand. The apology takes optional `appointment_date` and `reason` (a preview);
        without them it prints the last recorded apology, else the draft."""
        if not name.endswith(".pdf"):
            raise AppError("unknown_document", "Không có loại giấy tờ này.",
                           "Unknown document.", 404)
        pdf, filename = letters.document_pdf(
            db, principal, state.catalog, dossier_id, name[: -len(".pdf")], utcnow(),
            appointment_date, reason)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        })

    @post("/dossiers/{dossier_id:str}/result", sync_to_thread=True, status_code=201)
    def issue_result(
        self, dossier_id: str, data: ResultIn, db: Session, principal: Principal,
        state: State,
    ) -> ResultOut:
        r = results.issue(db, principal, state.catalog, state.settings.data_dir, dossier_id,
                          data, utcnow(), state.settings.public_base)
        return results.result_out(r)

    @get("/communes/{commune_id:str}/signer", sync_to_thread=True)
    def read_signer(self, commune_id: str, db: Session, principal: Principal
                    ) -> SignerOut:
        """The commune's signer of result papers (name and title)."""
        return to_wire(results.signer(db, principal, commune_id), SignerOut)

    @put("/communes/{commune_id:str}/signer", sync_to_thread=True)
    def set_signer(self, commune_id: str, data: SignerIn, db: Session,
                   principal: Principal) -> SignerOut:
        """Set who signs the commune's result papers; officers of the commune, admins.
        Papers already issued keep the signer they were signed with."""
        return to_wire(results.set_signer(db, principal, commune_id, data.signer_name,
                                          data.signer_title), SignerOut)

    @get("/dossiers/{dossier_id:str}/result-draft", sync_to_thread=True)
    def result_draft(self, dossier_id: str, db: Session, principal: Principal,
                     state: State) -> ResultDraft:
        """The result paper as it will be issued (template lines filled from the dossier),
        for the officer's preview; corrections go with the issue request."""
        return to_wire(results.result_draft(db, principal, state.catalog, dossier_id),
                       ResultDraft)

    @get("/dossiers/{dossier_id:str}/result", sync_to_thread=True)
    def read_result(self, dossier_id: str, db: Session, principal: Principal) -> ResultOut:
        return results.result_out(results.result_for_dossier(db, principal, dossier_id))
