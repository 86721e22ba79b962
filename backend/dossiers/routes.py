"""Dossiers over REST: list, create a draft, read, act on the state machine, audit trail."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.datastructures import State

from backend.db.models import Dossier
from backend.dossiers import queries, service
from backend.dossiers.schemas import ActionIn, DossierIn, DossierOut, DossierPage, EventOut
from backend.lib.auth import Principal
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.pagination import Page, PageSize, check_page
from sync.states import LABELS_VI, allowed_actions


def dossier_out(d: Dossier) -> DossierOut:
    return DossierOut(
        id=d.id,
        procedure_code=d.procedure_code,
        procedure_version=d.procedure_version,
        applicant_member_id=d.applicant_member_id,
        household_id=d.household_id,
        village_id=d.village_id,
        commune_id=d.commune_id,
        prepared_by=d.prepared_by,
        status=d.status,
        status_label_vi=LABELS_VI.get(d.status, d.status),  # type: ignore[call-overload]
        outcome=d.outcome,
        official_code=d.official_code,
        received_at=d.received_at,
        due_date=d.due_date,
        form_data=d.form_data,
        components=d.components,
        version=d.version,
        created_at=d.created_at,
        updated_at=d.updated_at,
        allowed_actions=list(allowed_actions(d.status)),
    )


SIGNED_ONLY = frozenset({"submit", "supplement"})


class DossierController(Controller):
    path = "/api/dossiers"
    tags = ["dossiers"]

    @get("/", sync_to_thread=True)
    def list_dossiers(
        self,
        db: Session,
        principal: Principal,
        status: str | None = None,
        village_id: str | None = None,
        procedure_code: str | None = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> DossierPage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.list_dossiers(db, principal, status, village_id, procedure_code,
                                            offset, limit)
        return DossierPage(items=[dossier_out(d) for d in rows], total=total, page=page,
                           page_size=page_size)

    @post("/", sync_to_thread=True)
    def create_dossier(
        self, data: DossierIn, db: Session, principal: Principal, state: State
    ) -> DossierOut:
        payload = {
            "id": data.id,
            "procedure_code": data.procedure_code,
            "procedure_version": data.procedure_version,
            "applicant_member_id": data.applicant_member_id,
            "form_data": data.form_data,
            "components": data.components,
        }
        return dossier_out(service.create_draft(
            db, principal, state.catalog, payload, utcnow(),
            state.settings.max_dossier_attachment_bytes))

    @get("/{dossier_id:str}", sync_to_thread=True)
    def get_dossier(self, dossier_id: str, db: Session, principal: Principal) -> DossierOut:
        return dossier_out(service.visible_dossier(db, principal, dossier_id))

    @post("/{dossier_id:str}/actions", sync_to_thread=True, status_code=200)
    def act(
        self, dossier_id: str, data: ActionIn, db: Session, principal: Principal, state: State
    ) -> DossierOut:
        if data.action in SIGNED_ONLY:
            # A submission is the volunteer's device signature over the form, the attachment
            # hashes and the consent: it arrives as a signed mutation (POST /api/sync/push).
            raise AppError(
                "signed_submission_required",
                "Hồ sơ phải được ký trên thiết bị của tình nguyện viên và gửi qua đồng bộ; "
                "không thể nộp hoặc bổ sung hồ sơ chưa ký.",
                "Submissions and supplements must be signed on the device and pushed through "
                "sync (POST /api/sync/push).",
                409,
            )
        d = service.apply_action(
            db,
            principal,
            state.catalog,
            dossier_id,
            data.action,
            data.reason,
            utcnow(),
            data.expected_version,
        )
        return dossier_out(d)

    @get("/{dossier_id:str}/audit", sync_to_thread=True)
    def audit(self, dossier_id: str, db: Session, principal: Principal) -> list[EventOut]:
        return [
            EventOut(
                id=e.id or 0,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                actor_id=e.actor_id,
                actor_role=e.actor_role,
                at=e.at,
                reason=e.reason,
                data=e.data,
            )
            for e in service.audit_log(db, principal, dossier_id)
        ]
