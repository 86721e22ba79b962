"""/api/privacy: a person's access log, export, summary and requests; breach records.

Reads of a person here are always "outside the queue": they need a reason (X-Access-Reason
header or access_reason query parameter) and are written to the access log.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State

from backend.db.models import BreachRecord
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError, forbidden, not_found
from backend.lib.wire import to_wire
from backend.privacy import access, breach, queries, service
from backend.privacy.documents import person_summary_pdf
from backend.privacy.schemas import (
    AccessOut,
    BreachIn,
    BreachOut,
    PersonExport,
    RequestIn,
    RequestOut,
)

_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _breach_out(b: BreachRecord) -> BreachOut:
    return BreachOut(id=b.id, description=b.description, found_at=b.found_at,
                     notify_by=b.found_at + timedelta(hours=breach.NOTICE_HOURS),
                     affected_members=b.affected_members,
                     affected_communes=b.affected_communes, device_ids=b.device_ids,
                     actor_ids=b.actor_ids)


class PrivacyController(Controller):
    path = "/api/privacy"
    guards = [require_roles("officer", "admin")]

    @get("/people/{member_id:str}/access-log", sync_to_thread=True)
    def access_log(self, member_id: str, db: Session, principal: Principal) -> list[AccessOut]:
        service.visible_person(db, principal, member_id)
        return [AccessOut(at=a.at, actor_id=a.actor_id, actor_role=a.actor_role,
                          action=a.action, subject_kind=a.subject_kind,
                          subject_id=a.subject_id, in_queue=a.in_queue, reason=a.reason)
                for a in queries.access_of(db, member_id)]

    @get("/people/{member_id:str}/export", sync_to_thread=True)
    def export(self, member_id: str, db: Session, principal: Principal, state: State,
               request: Request[Any, Any, Any]) -> Response[PersonExport]:
        member = service.visible_person(db, principal, member_id)
        service.log_read(db, principal, "person.export", member, access.reason_of(request))
        body = to_wire(service.export_person(db, member, state.catalog), PersonExport)
        db.commit()
        return Response(body, headers={
            **_NO_STORE, "Content-Disposition": f'attachment; filename="person-{member_id}.json"'})

    @get("/people/{member_id:str}/summary.pdf", sync_to_thread=True,
         opt={"skip_compression": True})
    def summary(self, member_id: str, db: Session, principal: Principal,
                request: Request[Any, Any, Any]) -> Response[bytes]:
        member = service.visible_person(db, principal, member_id)
        service.log_read(db, principal, "person.summary", member, access.reason_of(request))
        pdf = person_summary_pdf(service.export_person(db, member))
        db.commit()
        return Response(pdf, media_type="application/pdf", headers={
            **_NO_STORE, "Content-Disposition": f'inline; filename="person-{member_id}.pdf"'})

    @post("/people/{member_id:str}/requests", sync_to_thread=True, status_code=201)
    def record_request(self, member_id: str, data: RequestIn, db: Session,
                       principal: Principal) -> RequestOut:
        member = service.visible_person(db, principal, member_id)
        req = service.record_request(db, principal, member, data.kind, data.note, utcnow())
        return RequestOut(id=req.id, member_id=req.member_id, kind=req.kind,
                          status=req.status, outcome=req.outcome, recorded_at=req.recorded_at)

    @post("/breaches", sync_to_thread=True, status_code=201,
          guards=[require_roles("admin")])
    def open_breach(self, data: BreachIn, db: Session, principal: Principal) -> BreachOut:
        for t in (data.found_at, data.window_from, data.window_to):
            if t.tzinfo is None:
                raise AppError("naive_time", "Thời điểm cần có múi giờ.",
                               "Times need a time zone.", 422)
        record = breach.open_breach(db, breach.BreachIn(
            description=data.description, found_at=data.found_at.astimezone(UTC),
            window_from=data.window_from.astimezone(UTC),
            window_to=data.window_to.astimezone(UTC), device_ids=data.device_ids,
            actor_ids=data.actor_ids, measures=data.measures), principal.user_id, utcnow())
        return _breach_out(record)

    @get("/breaches", sync_to_thread=True, guards=[require_roles("admin")])
    def breaches(self, db: Session) -> list[BreachOut]:
        return [_breach_out(b) for b in queries.breaches(db)]

    @get("/breaches/{breach_id:str}/notice", sync_to_thread=True,
         opt={"skip_compression": True}, guards=[require_roles("admin")])
    def notice(self, breach_id: str, db: Session, principal: Principal,
               format: str = "txt") -> Response[bytes]:
        """The 72-hour notice: `?format=txt` (default) or `?format=pdf`."""
        if not principal.is_admin:
            raise forbidden()
        b = queries.breach(db, breach_id)
        if b is None:
            raise not_found("sự cố", "Breach")
        fmt = format
        if fmt == "txt":
            return Response(breach.notice_text(db, b).encode(),
                            media_type="text/plain; charset=utf-8", headers=_NO_STORE)
        if fmt == "pdf":
            return Response(breach.notice_pdf(db, b), media_type="application/pdf",
                            headers=_NO_STORE)
        raise not_found("định dạng", "Format")
