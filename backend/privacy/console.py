"""/api/privacy, the console's side: finding a person, their requests, the access log viewer,
and retention (what the settings keep, what is due, the worker's last run, a purge on demand).

Kept apart from routes.py (the data-subject and breach endpoints) so that neither grows past a
screen; both share the `/api/privacy` prefix. A search that finds people is one access-log
entry naming everyone it listed (names and birth years were shown, and a CCCD query confirms
whose number it is); the query text itself is never logged (it may be a CCCD). Opening a
person's export, summary or log is logged by routes.py.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import Parameter
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from backend.db.models import AccessLogEntry, Member, User, Village, WorkerJob
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.errors import AppError
from backend.lib.pagination import Page, PageSize, check_page
from backend.privacy import queries
from backend.privacy.access import Subject, record
from backend.privacy.keys import keyring_of
from backend.privacy.schemas import RequestOut
from backend.privacy.service import Retention, purge_retention, visible_person
from sync.identity import search_key

_CCCD = re.compile(r"\d{12}")
MAX_HITS = 20


class PersonHit(msgspec.Struct):
    id: str
    full_name: str
    birth_year: int | None
    village: str
    household_id: str


class AccessRow(msgspec.Struct):
    at: datetime
    actor_id: str
    actor_name: str
    actor_role: str
    action: str
    subject_kind: str
    subject_id: str
    member_ids: list[str]
    in_queue: bool
    reason: str


class AccessLogPage(msgspec.Struct):
    items: list[AccessRow]
    total: int
    page: int
    page_size: int


class RetentionOut(msgspec.Struct):
    closed_dossier_days: int
    rejected_dossier_days: int
    access_log_days: int
    device_closed_dossier_days: int
    due_dossiers: int
    due_access_log: int
    waiting_erasures: int
    last_run_at: datetime | None
    last_result: str
    next_run_at: datetime | None


class PurgeOut(msgspec.Struct):
    dossiers: int
    people: int
    access_log: int


def _bad_query(field: str, vi: str, en: str) -> AppError:
    return AppError("invalid_query", vi, en, 422, errors=[{"field": field}])


def _when(raw: str | None, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        t = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad_query(field, "Thời điểm không hợp lệ (cần dạng ISO 8601).",
                         "Invalid time (ISO 8601 expected).") from None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def _log_search(db: Session, principal: Principal, by: str, found: list[Member]) -> None:
    # A search is routine work (no reason asked: the export or summary that follows asks its
    # own), but who saw whom is kept, so the person's log and breach records include it.
    communes = {m.commune_id for m in found}
    record(db, principal, f"person.search.{by}",
           Subject("search", "", communes.pop() if len(communes) == 1 else "",
                   [m.id for m in found], True), "")
    db.commit()


class PrivacyConsoleController(Controller):
    path = "/api/privacy"
    guards = [require_roles("officer", "admin")]
    tags = ["privacy"]

    @get("/people", sync_to_thread=True)
    def find_people(self, db: Session, principal: Principal,
                    q: Annotated[str, Parameter(max_length=200)] = "") -> list[PersonHit]:
        """People of the caller's commune (admin: all) whose name words start with the query's
        words (accents ignored), or whose CCCD is the 12-digit query (blind index)."""
        text = unicodedata.normalize("NFC", q).strip()
        stmt = select(Member, Village.name).join(Village, col(Village.id) == Member.village_id)
        if principal.role != "admin":
            stmt = stmt.where(Member.commune_id == (principal.commune_id or ""))
        if _CCCD.fullmatch(text):
            stmt = stmt.where(Member.cccd_bidx == keyring_of(db.get_bind().dialect)
                              .blind_index("cccd", text))
        else:
            tokens = search_key(text).split()
            if not tokens or len(text) < 2:
                raise _bad_query("q", "Nhập ít nhất 2 chữ của họ tên, hoặc đủ 12 số CCCD.",
                                 "Type at least 2 letters of the name, or a 12-digit CCCD.")
            for token in tokens:
                escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                key = col(Member.search_key)
                stmt = stmt.where(or_(key.like(f"{escaped}%", escape="\\"),
                                      key.like(f"% {escaped}%", escape="\\")))
        rows = db.exec(stmt.order_by(Member.full_name, Member.id).limit(MAX_HITS)).all()
        if rows:
            _log_search(db, principal, "cccd" if _CCCD.fullmatch(text) else "name",
                        [m for m, _ in rows])
        return [PersonHit(id=m.id, full_name=m.full_name,
                          birth_year=m.date_of_birth.year if m.date_of_birth else None,
                          village=village, household_id=m.household_id) for m, village in rows]

    @get("/people/{member_id:str}/requests", sync_to_thread=True)
    def requests(self, member_id: str, db: Session, principal: Principal) -> list[RequestOut]:
        """The rights requests recorded for a person (what happened, not the data)."""
        visible_person(db, principal, member_id)
        return [RequestOut(id=r.id, member_id=r.member_id, kind=r.kind, status=r.status,
                           outcome=r.outcome, recorded_at=r.recorded_at)
                for r in reversed(queries.requests_of(db, member_id))]

    @get("/access-log", sync_to_thread=True)
    def access_log(self, db: Session, principal: Principal, actor: str | None = None,
                   subject: str | None = None, outside_queue: bool = False,
                   since: str | None = None, until: str | None = None,
                   page: Page = 1, page_size: PageSize = 50) -> AccessLogPage:
        """Who read whom: the commune's entries (admin: all), newest first. Filters: `actor`
        (user id or username), `subject` (a member, household or dossier id), `outside_queue`,
        `since`/`until` (ISO times)."""
        offset, limit = check_page(page, page_size)
        start, end = _when(since, "since"), _when(until, "until")
        stmt = select(AccessLogEntry)
        if principal.role != "admin":
            stmt = stmt.where(AccessLogEntry.commune_id == (principal.commune_id or ""))
        if actor:
            user = db.exec(select(User).where(or_(col(User.id) == actor, col(User.username) == actor))
                           ).first()
            stmt = stmt.where(AccessLogEntry.actor_id == (user.id if user else actor))
        if subject:
            stmt = stmt.where(AccessLogEntry.subject_id == subject)
        if outside_queue:
            stmt = stmt.where(col(AccessLogEntry.in_queue).is_(False))
        if start:
            stmt = stmt.where(col(AccessLogEntry.at) >= start)
        if end:
            stmt = stmt.where(col(AccessLogEntry.at) < end)
        total = db.exec(select(func.count()).select_from(stmt.subquery())).one()
        rows = list(db.exec(stmt.order_by(col(AccessLogEntry.at).desc(),
                                          col(AccessLogEntry.id).desc())
                            .offset(offset).limit(limit)))
        names = {u.id: u.full_name for u in db.exec(select(User).where(
            col(User.id).in_(list({r.actor_id for r in rows}))))}
        items = [AccessRow(at=r.at, actor_id=r.actor_id, actor_name=names.get(r.actor_id, ""),
                           actor_role=r.actor_role, action=r.action,
                           subject_kind=r.subject_kind, subject_id=r.subject_id,
                           member_ids=list(r.member_ids or []), in_queue=r.in_queue,
                           reason=r.reason) for r in rows]
        return AccessLogPage(items=items, total=int(total), page=page, page_size=page_size)

    @get("/retention", sync_to_thread=True)
    def retention(self, db: Session, state: State) -> RetentionOut:
        """The retention settings, what the next purge would touch, and the worker's last run."""
        settings = state.settings
        keep = Retention.of(settings)
        now = utcnow()
        due = sum(len(queries.purgeable_dossiers(db, queries.CLOSED, outcome,
                                                 now - timedelta(days=days)))
                  for outcome, days in (("rejected", keep.rejected_days),
                                        (None, keep.closed_days)))
        old_log = db.exec(select(func.count()).select_from(AccessLogEntry).where(
            col(AccessLogEntry.at) < now - timedelta(days=keep.access_log_days))).one()
        job = db.get(WorkerJob, "purge_retention")
        return RetentionOut(
            closed_dossier_days=keep.closed_days, rejected_dossier_days=keep.rejected_days,
            access_log_days=keep.access_log_days,
            device_closed_dossier_days=int(settings.device_closed_dossier_days),
            due_dossiers=due, due_access_log=int(old_log),
            waiting_erasures=len(queries.pending_erasures(db)),
            last_run_at=job.last_run_at if job else None,
            last_result=job.last_result if job else "",
            next_run_at=job.next_run_at if job else None)

    @post("/retention/purge", sync_to_thread=True, status_code=200,
          guards=[require_roles("admin")])
    def purge(self, state: State) -> PurgeOut:
        """Run the retention purge now (the worker runs it daily)."""
        counts = purge_retention(state.engine, state.settings)
        return PurgeOut(**counts)

