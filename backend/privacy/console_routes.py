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

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import Parameter

from backend.db.models import Member
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.pagination import Page, PageSize, check_page
from backend.privacy import queries
from backend.privacy.access import Subject, record
from backend.privacy.keys import keyring_of
from backend.privacy.schemas import (
    AccessLogPage,
    AccessRow,
    PersonHit,
    PurgeOut,
    RequestOut,
    RetentionOut,
)
from backend.privacy.service import Retention, purge_retention, visible_person
from sync.identity import search_key

_CCCD = re.compile(r"\d{12}")
MAX_HITS = 20


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
        commune_id = None if principal.role == "admin" else (principal.commune_id or "")
        if _CCCD.fullmatch(text):
            rows = queries.find_people(db, commune_id, MAX_HITS, cccd_bidx=keyring_of(
                db.get_bind().dialect).blind_index("cccd", text))
        else:
            tokens = search_key(text).split()
            if not tokens or len(text) < 2:
                raise _bad_query("q", "Nhập ít nhất 2 chữ của họ tên, hoặc đủ 12 số CCCD.",
                                 "Type at least 2 letters of the name, or a 12-digit CCCD.")
            rows = queries.find_people(db, commune_id, MAX_HITS, name_prefixes=tokens)
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
        actor_id = None
        if actor:
            user = queries.user_by_id_or_username(db, actor)
            actor_id = user.id if user else actor
        total, rows = queries.access_log_page(
            db, None if principal.role == "admin" else (principal.commune_id or ""),
            actor_id=actor_id, subject_id=subject or None, outside_queue=outside_queue,
            since=start, until=end, offset=offset, limit=limit)
        names = queries.user_names(db, {r.actor_id for r in rows})
        items = [AccessRow(at=r.at, actor_id=r.actor_id, actor_name=names.get(r.actor_id, ""),
                           actor_role=r.actor_role, action=r.action,
                           subject_kind=r.subject_kind, subject_id=r.subject_id,
                           member_ids=list(r.member_ids or []), in_queue=r.in_queue,
                           reason=r.reason) for r in rows]
        return AccessLogPage(items=items, total=total, page=page, page_size=page_size)

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
        old_log = queries.count_access_log_before(db, now - timedelta(days=keep.access_log_days))
        job = queries.worker_job(db, "purge_retention")
        return RetentionOut(
            closed_dossier_days=keep.closed_days, rejected_dossier_days=keep.rejected_days,
            access_log_days=keep.access_log_days,
            device_closed_dossier_days=int(settings.device_closed_dossier_days),
            due_dossiers=due, due_access_log=old_log,
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

