"""Who looked at whom: the access log and the reason rule.

Every GET of a person's record, a household, or a dossier by an officer or an admin is logged
(before the handler runs, so a read that fails on its way out is still recorded). Reading
inside the officer's own queue — a dossier of their commune in an open review state, or a
person whose household has such a dossier — needs no reason; anything else needs one, given
as the `X-Access-Reason` header (percent-encoded UTF-8) or the `access_reason` query
parameter.
Missing → 428 problem; blank or longer than 500 characters → 422 problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import anyio
from litestar import Request, Response
from sqlmodel import Session, select

from backend.db.engine import ensure_writable
from backend.db.models import AccessLogEntry, Dossier, Household, Member
from backend.lib.auth import Principal
from backend.lib.clock import utcnow
from backend.lib.errors import AppError, problem
from backend.privacy import queries

REASON_HEADER = "x-access-reason"
MAX_REASON = 500

_ROUTES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^/api/members/([^/]+)$"), "member", "member.read"),
    (re.compile(r"^/api/households/([^/]+)$"), "household", "household.read"),
    (re.compile(r"^/api/dossiers/([^/]+)(/audit)?$"), "dossier", "dossier.read"),
    (re.compile(r"^/api/review/dossiers/([^/]+)(/[a-z-]+(/[^/]+)?)?$"), "dossier",
     "review.read"),
)


@dataclass(frozen=True)
class Subject:
    kind: str
    id: str
    commune_id: str
    member_ids: list[str]
    in_queue: bool


def resolve(session: Session, principal: Principal, kind: str, subject_id: str
            ) -> Subject | None:
    """The subject and whether it is in the principal's queue; None when it does not exist
    or is out of the principal's scope (the handler then answers 404/403 itself)."""
    if kind == "member":
        m = session.get(Member, subject_id)
        if m is None or not principal.can_see_commune(m.commune_id):
            return None
        mine = principal.role == "officer" and queries.open_dossier_in(
            session, m.commune_id, utcnow(), household_id=m.household_id)
        return Subject(kind, m.id, m.commune_id, [m.id], mine and not _restricted(session, [m.id]))
    if kind == "household":
        h = session.get(Household, subject_id)
        if h is None or not principal.can_see_commune(h.commune_id):
            return None
        ids = queries.member_ids_of_household(session, h.id)
        mine = principal.role == "officer" and queries.open_dossier_in(
            session, h.commune_id, utcnow(), household_id=h.id)
        return Subject(kind, h.id, h.commune_id, ids, mine and not _restricted(session, ids))
    d = session.get(Dossier, subject_id)
    if d is None or not principal.can_see_commune(d.commune_id):
        return None
    ids = [m.id for m in _members_named(session, d)]
    mine = principal.role == "officer" and queries.open_dossier_in(
        session, d.commune_id, utcnow(), dossier_id=d.id)
    return Subject(kind, d.id, d.commune_id, ids, mine and not _restricted(session, ids))


def _members_named(session: Session, d: Dossier) -> list[Member]:
    household = session.exec(select(Member).where(Member.household_id == d.household_id))
    return [m for m in household if queries.names_member(d, m)]


def _restricted(session: Session, member_ids: list[str]) -> bool:
    # A restricted person is never "routine": every read of them needs a reason.
    return any(queries.restriction_of(session, mid) is not None for mid in member_ids)


def reason_of(request: Request[Any, Any, Any]) -> str | None:
    raw = request.headers.get(REASON_HEADER)
    if raw is None:
        raw = request.query_params.get("access_reason")
    return None if raw is None else " ".join(unquote(raw).split())


def reason_error(reason: str | None) -> AppError | None:
    if reason is None:
        return AppError(
            "access_reason_required",
            "Hồ sơ/người này không thuộc hàng chờ xử lý của bạn: hãy nêu lý do xem "
            "(tiêu đề X-Access-Reason hoặc tham số access_reason).",
            "Outside your own queue: give a reason (X-Access-Reason header or access_reason "
            "param).", 428)
    if not reason or len(reason) > MAX_REASON:
        return AppError(
            "access_reason_invalid",
            f"Lý do xem phải có nội dung và không quá {MAX_REASON} ký tự.",
            f"The access reason must be non-empty and at most {MAX_REASON} characters.", 422)
    return None


def record(session: Session, principal: Principal, action: str, subject: Subject,
           reason: str) -> None:
    ensure_writable(session)  # reads are logged: a GET's read transaction becomes a writer here
    session.add(AccessLogEntry(
        at=utcnow(), actor_id=principal.user_id, actor_role=principal.role, action=action,
        subject_kind=subject.kind, subject_id=subject.id, member_ids=subject.member_ids,
        commune_id=subject.commune_id or None, in_queue=subject.in_queue, reason=reason))


def check_and_log(session: Session, principal: Principal, action: str, kind: str,
                  subject_id: str, reason: str | None) -> Response[dict[str, Any]] | None:
    """The whole rule for one read; returns a problem response to send instead, or None."""
    subject = resolve(session, principal, kind, subject_id)
    if subject is None:
        return None
    if not subject.in_queue:
        refused = reason_error(reason)
        if refused is not None:
            return problem(refused.status, refused.code, refused.message_vi, refused.message_en)
    record(session, principal, action, subject, reason or "")
    session.commit()
    return None


async def before_request(request: Request[Any, Any, Any]) -> Response[dict[str, Any]] | None:
    """App-level hook (backend/app.py): log officer/admin reads of people and dossiers."""
    if request.method != "GET":
        return None
    principal = request.scope.get("user")
    if not isinstance(principal, Principal) or principal.role not in ("officer", "admin"):
        return None
    found = next(((m, kind, action) for pattern, kind, action in _ROUTES
                  if (m := pattern.match(request.url.path)) is not None), None)
    if found is None:
        return None
    match, kind, action = found
    subject_id = match.group(1)
    engine = request.app.state.engine
    reason = reason_of(request)

    def run() -> Response[dict[str, Any]] | None:
        with Session(engine) as session:
            return check_and_log(session, principal, action, kind, subject_id, reason)

    return await anyio.to_thread.run_sync(run)
