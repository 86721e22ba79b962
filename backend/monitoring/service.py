"""Satisfaction ratings (a synced entity), device sync-health reports and the dashboard.

Invariants:
- A dossier has at most one rating (unique `ratings.dossier_id`); ratings are never changed.
  `apply_rating` decides everything before its single write, and a lost race on the unique
  key is turned into the same `rating_exists` conflict inside a savepoint, so the caller's
  transaction stays usable.
- Dashboard figures only ever cover the scope the caller was authorised for (`Scope` is built
  by `authorise_scope`, the one place that checks the filters against the principal).
"""

from __future__ import annotations

import statistics
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.db.models import (
    CitizenRating,
    Commune,
    Device,
    DeviceHealth,
    Dossier,
    Rating,
    User,
    Village,
)
from backend.lib.auth import Principal, load_principal
from backend.lib.errors import AppError, forbidden, not_found
from backend.lib.vntime import local_date
from backend.monitoring import queries
from backend.monitoring.queries import DossierRow, Scope
from sync.forms import FormError, is_empty, resolve_prefill
from sync.merge import json_equal
from sync.states import STATES

# --- satisfaction -----------------------------------------------------------------------

RATINGS = ("very_satisfied", "satisfied", "not_satisfied")
RATING_FIELDS = frozenset({"dossier_id", "rating", "comment", "rated_at", "by"})
# Who gave a synced rating: the volunteer (older apps send no `by`) or the citizen, to whom
# the volunteer handed the phone at hand-over. The citizen's goes to `citizen_ratings`.
RATERS = ("volunteer", "citizen")
RATEABLE = frozenset({"done", "result_returned"})
COMMENT_MAX = 500
CLOCK_SKEW = timedelta(minutes=10)


class RatingRefused(Exception):
    """Why a rating was not stored. `status` is the sync result: rejected or conflict."""

    def __init__(self, code: str, vi: str, en: str, status: str = "rejected",
                 field_name: str | None = None) -> None:
        super().__init__(en)
        self.code, self.vi, self.en, self.status, self.field = code, vi, en, status, field_name


def _bad(field_name: str, vi: str, en: str) -> RatingRefused:
    return RatingRefused("invalid_rating", vi, en, field_name=field_name)


def _parse_rated_at(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise _bad("rated_at", "Thời điểm đánh giá phải là chuỗi ISO 8601.",
                   "rated_at: an ISO 8601 timestamp.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad("rated_at", "Thời điểm đánh giá không hợp lệ.", "rated_at is invalid.") from exc
    if moment.tzinfo is None:
        raise _bad("rated_at", "Thời điểm đánh giá phải có múi giờ.",
                   "rated_at needs a time zone offset.")
    if moment > now + CLOCK_SKEW:
        raise _bad("rated_at", "Thời điểm đánh giá ở tương lai.", "rated_at is in the future.")
    return moment.astimezone(UTC)


def clean_rating_fields(fields: Mapping[str, Any], now: datetime) -> tuple[str, str, str, datetime]:
    """(dossier_id, rating, comment, rated_at) or `RatingRefused` naming the bad field.
    (`by` is checked by `rater_of`.)"""
    unknown = sorted(set(fields) - RATING_FIELDS)
    if unknown:
        raise RatingRefused("unknown_field", f"Trường không được phép: {', '.join(unknown)}.",
                            f"Fields not allowed here: {', '.join(unknown)}.",
                            field_name=unknown[0])
    dossier_id = fields.get("dossier_id")
    if not isinstance(dossier_id, str) or not _is_uuid(dossier_id):
        raise _bad("dossier_id", "Mã hồ sơ phải là UUID.", "dossier_id must be a UUID.")
    value = fields.get("rating")
    if value not in RATINGS:
        raise _bad("rating", "Mức đánh giá phải là rất hài lòng, hài lòng hoặc không hài lòng.",
                   f"rating must be one of {', '.join(RATINGS)}.")
    comment = fields.get("comment")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise _bad("comment", "Góp ý phải là văn bản.", "comment must be text.")
    if not unicodedata.is_normalized("NFC", comment):
        raise _bad("comment", "Góp ý phải ở dạng chuẩn NFC.", "comment must be NFC text.")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise _bad("comment", f"Góp ý tối đa {COMMENT_MAX} ký tự.",
                   f"comment: at most {COMMENT_MAX} characters.")
    return dossier_id, value, comment, _parse_rated_at(fields.get("rated_at"), now)


def rater_of(fields: Mapping[str, Any]) -> str:
    by = fields.get("by", "volunteer")
    if by not in RATERS:
        raise _bad("by", "Người đánh giá phải là tình nguyện viên hoặc người dân.",
                   "by must be volunteer or citizen.")
    return str(by)


def clean_comment(raw: str) -> str:
    comment = unicodedata.normalize("NFC", " ".join(raw.split()))
    return comment[:COMMENT_MAX]


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def apply_rating(session: Session, user_id: str, rating_id: str, fields: Mapping[str, Any],
                 now: datetime) -> tuple[str, int]:
    """Store the household's rating of a handed-over result. Returns ("applied", 1).

    Raises `RatingRefused`: `forbidden` (dossier not visible to the user), `not_found`,
    `rating_too_early` (dossier not done/result_returned), `rating_exists` (status
    "conflict": the dossier already has another rating), `rating_immutable` (this rating id
    exists: ratings are never edited), `invalid_rating` / `unknown_field` (bad input).
    Writes nothing unless it returns; does not commit.
    """
    if not _is_uuid(rating_id):
        raise _bad("entity_id", "Mã đánh giá phải là UUID.", "The rating id must be a UUID.")
    dossier_id, value, comment, rated_at = clean_rating_fields(fields, now)
    by = rater_of(fields)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise RatingRefused("forbidden", "Tài khoản không hợp lệ.", "Unknown or inactive user.")
    principal = load_principal(session, user)
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise RatingRefused("not_found", "Không tìm thấy hồ sơ.", "Dossier not found.")
    if not principal.can_see_village(dossier.village_id, dossier.commune_id):
        raise RatingRefused("forbidden", "Bạn không có quyền với hồ sơ này.",
                            "You may not rate this dossier.")
    if dossier.status not in RATEABLE:
        raise RatingRefused("rating_too_early",
                            "Chỉ đánh giá được khi hồ sơ đã có kết quả hoặc đã trả kết quả.",
                            "A rating is recorded only once the result is ready or handed over.")
    if by == "citizen":
        return _store_citizen_rating(session, rating_id, dossier, value, comment, "device",
                                     rated_at, user_id, now)
    if session.get(Rating, rating_id) is not None:
        raise RatingRefused("rating_immutable", "Đánh giá đã được ghi nhận, không sửa được.",
                            "This rating is already recorded; ratings are never edited.",
                            status="conflict")
    exists = RatingRefused("rating_exists", "Hồ sơ này đã được đánh giá.",
                           "This dossier already has a rating.", status="conflict")
    if session.exec(select(Rating.id).where(Rating.dossier_id == dossier_id)).first():
        raise exists
    try:
        with session.begin_nested():
            session.add(Rating(id=rating_id, dossier_id=dossier_id, rating=value, comment=comment,
                               rated_at=rated_at, recorded_by=user_id,
                               commune_id=dossier.commune_id, village_id=dossier.village_id,
                               created_at=now))
    except IntegrityError as exc:  # a concurrent rating of the same dossier won
        raise exists from exc
    return "applied", 1


def _store_citizen_rating(session: Session, rating_id: str, dossier: Dossier, value: str,
                          comment: str, channel: str, rated_at: datetime,
                          user_id: str | None, now: datetime) -> tuple[str, int]:
    """One citizen rating per dossier, whichever channel comes first."""
    if session.get(CitizenRating, rating_id) is not None:
        raise RatingRefused("rating_immutable", "Đánh giá đã được ghi nhận, không sửa được.",
                            "This rating is already recorded; ratings are never edited.",
                            status="conflict")
    exists = RatingRefused("rating_exists", "Hồ sơ này đã được người dân đánh giá.",
                           "The citizen has already rated this dossier.", status="conflict")
    if session.exec(select(CitizenRating.id).where(
            CitizenRating.dossier_id == dossier.id)).first():
        raise exists
    try:
        with session.begin_nested():
            session.add(CitizenRating(
                id=rating_id, dossier_id=dossier.id, rating=value, comment=comment,
                channel=channel, rated_at=rated_at, device_user_id=user_id,
                commune_id=dossier.commune_id, village_id=dossier.village_id, created_at=now))
    except IntegrityError as exc:  # a concurrent rating of the same dossier won
        raise exists from exc
    return "applied", 1


def rate_from_web(session: Session, dossier: Dossier, value: str, raw_comment: str,
                  now: datetime) -> None:
    """The citizen's rating from the public status page (the caller has matched the code
    and phone digits). Only once the result is handed over; one per dossier. Commits."""
    if value not in RATINGS:
        raise RatingRefused("invalid_rating",
                            "Vui lòng chọn một mức: rất hài lòng, hài lòng, không hài lòng.",
                            f"rating must be one of {', '.join(RATINGS)}.", field_name="rating")
    if dossier.status != "result_returned":
        raise RatingRefused("rating_too_early", "Chỉ đánh giá được sau khi đã nhận kết quả.",
                            "A rating is possible once the result is handed over.")
    _store_citizen_rating(session, str(uuid.uuid4()), dossier, value, clean_comment(raw_comment),
                          "web", now, None, now)
    session.commit()


# --- device sync health -----------------------------------------------------------------


def report_device_health(session: Session, principal: Principal, device_id: str, pending: int,
                         oldest_pending_at: datetime | None, now: datetime) -> DeviceHealth:
    """Keep the latest outbox report of one of the caller's own devices. Commits."""
    device = session.get(Device, device_id)
    if device is None:
        raise not_found("thiết bị", "Device")
    if device.user_id != principal.user_id:
        raise forbidden()
    if device.revoked_at is not None:
        raise AppError("device_revoked", "Thiết bị đã bị thu hồi.", "The device is revoked.", 403)
    if pending < 0 or pending > 1_000_000:
        raise AppError("invalid_pending", "Số mục chờ đồng bộ không hợp lệ.",
                       "pending must be between 0 and 1,000,000.", 422)
    if pending == 0:
        oldest_pending_at = None
    elif oldest_pending_at is None:
        raise AppError("oldest_required", "Cần thời điểm của mục chờ lâu nhất.",
                       "oldest_pending_at is required when pending > 0.", 422)
    elif oldest_pending_at.tzinfo is None or oldest_pending_at > now + CLOCK_SKEW:
        raise AppError("invalid_oldest", "Thời điểm mục chờ lâu nhất không hợp lệ.",
                       "oldest_pending_at must carry a time zone and not be in the future.", 422)
    row = session.get(DeviceHealth, device_id, with_for_update=True)
    if row is None:
        row = DeviceHealth(device_id=device_id, user_id=device.user_id,
                           commune_id=device.commune_id, reported_at=now)
    row.pending = pending
    row.oldest_pending_at = oldest_pending_at.astimezone(UTC) if oldest_pending_at else None
    row.reported_at = now
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # two first reports raced: the other one created the row
        session.rollback()
        return report_device_health(session, principal, device_id, pending, oldest_pending_at,
                                    now)
    return row


# --- dashboard --------------------------------------------------------------------------

FILL_TARGET_SECONDS = 300
PREFILL_TARGET = 0.5
SATISFACTION_TARGET = 0.95
RUNNING = frozenset({"received", "processing", "supplement_requested"})


def authorise_scope(session: Session, principal: Principal, commune_id: str | None,
                    village_id: str | None, volunteer_id: str | None, date_from: date | None,
                    date_to: date | None) -> Scope:
    """Turn query filters into a `Scope` the principal may see, or refuse (403/404/400).

    Officers are pinned to their commune; naming another commune, or a village/volunteer of
    another commune, is a 403. Admins may look at one commune or all."""
    if principal.role not in ("officer", "admin"):
        raise forbidden()
    if principal.role == "officer":
        if commune_id is not None and commune_id != principal.commune_id:
            raise forbidden()
        commune_id = principal.commune_id
    elif commune_id is not None and session.get(Commune, commune_id) is None:
        raise not_found("xã", "Commune")
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is None:
            raise forbidden() if principal.role == "officer" else not_found("thôn", "Village")
        if commune_id is not None and village.commune_id != commune_id:
            raise forbidden()
        commune_id = village.commune_id
    if volunteer_id is not None:
        user = session.get(User, volunteer_id)
        if user is None or user.role != "volunteer":
            if principal.role == "officer":
                raise forbidden()
            raise not_found("tình nguyện viên", "Volunteer")
        if commune_id is not None and user.commune_id != commune_id:
            raise forbidden()
    if date_from and date_to and date_from > date_to:
        raise AppError("bad_date_range", "Ngày bắt đầu phải trước ngày kết thúc.",
                       "'from' must not be after 'to'.")
    return Scope(commune_id, village_id, volunteer_id, date_from, date_to)


@dataclass
class DossierFacts:
    """Everything the figures need about one dossier."""

    row: DossierRow
    done_at: datetime | None
    timing: str  # before | on | after | overdue | open | ""
    fill_seconds: int | None
    prefilled: int | None
    total_fields: int | None
    prefill_source: str | None  # submission | computed
    rating: str | None  # recorded by the volunteer
    citizen_rating: str | None = None  # given by the citizen
    citizen_channel: str | None = None  # device (at hand-over) | web (public status page)
    # Statuses of the members this dossier added to its household ("never ask twice").
    added_members: tuple[str, ...] = ()


def _timing(row: DossierRow, done_at: datetime | None, today: date) -> str:
    if row.due_date is None:
        return ""
    if done_at is not None:
        day = local_date(done_at)
        return "before" if day < row.due_date else "on" if day == row.due_date else "after"
    if row.status in RUNNING:
        return "overdue" if today > row.due_date else "open"
    return ""


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _computed_prefill(catalog: Catalog, row: DossierRow,
                      sources: queries.PrefillSources) -> tuple[int, int] | None:
    """(prefilled, total) for a dossier whose submission carries no counts: a filled top-level
    field counts as prefilled when its value equals what the catalogue's `prefill` mapping
    gives from the household's data as it is now (see docs/monitoring-and-push.md)."""
    try:
        schema = catalog.get(row.procedure_code, row.procedure_version).form_schema()
    except ProcedureNotFound:
        return None
    household = sources.households.get(row.household_id)
    members = sources.members.get(row.household_id, [])
    applicant = next((m for m in members if m.get("id") == row.applicant_member_id), None)
    member_keys = {f["key"] for f in schema if f.get("type") == "member"}
    chosen = {k: v for k, v in row.form_data.items() if k in member_keys and isinstance(v, str)}
    try:
        resolved = resolve_prefill(schema, applicant, sources.heads.get(row.household_id),
                                   household, members, chosen)
    except FormError:  # a catalogue quirk must not break the dashboard
        return None
    prefillable = {f["key"] for f in schema if isinstance(f.get("prefill"), str)}
    keys = {f["key"] for f in schema}
    filled = [k for k, v in row.form_data.items() if k in keys and not is_empty(v)]
    prefilled = sum(
        1 for k in filled if k in prefillable and k in resolved
        and json_equal(row.form_data[k], resolved[k])
    )
    return prefilled, len(filled)


def gather(session: Session, catalog: Catalog, scope: Scope, now: datetime,
           prefill: bool = True) -> list[DossierFacts]:
    rows = queries.dossiers(session, scope)
    done = queries.done_times(session, scope)
    submissions = queries.first_submissions(session, scope)
    rated = queries.ratings(session, scope)
    citizens = queries.citizen_ratings(session, scope)
    added = queries.members_added(session, scope)
    sources: queries.PrefillSources | None = None
    today = local_date(now)
    out = []
    for row in rows:
        sub = submissions.get(row.id)
        fill = _int_or_none(sub.get("fill_seconds")) if sub else None
        prefilled = total = None
        source = None
        if sub is not None:
            p, t = _int_or_none(sub.get("prefilled_fields")), _int_or_none(sub.get("total_fields"))
            if p is not None and t is not None and p <= t:
                prefilled, total, source = p, t, "submission"
        if prefill and source is None and row.status != "draft":
            if sources is None:
                sources = queries.prefill_sources(session, scope)
            computed = _computed_prefill(catalog, row, sources)
            if computed is not None:
                prefilled, total = computed
                source = "computed"
        citizen = citizens.get(row.id)
        out.append(DossierFacts(row, done.get(row.id), _timing(row, done.get(row.id), today),
                                fill, prefilled, total, source, rated.get(row.id),
                                citizen_rating=citizen[0] if citizen else None,
                                citizen_channel=citizen[1] if citizen else None,
                                added_members=tuple(added.get(row.id, ()))))
    return out


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _meets(value: float | None, target: float, higher_is_better: bool = True) -> bool | None:
    if value is None:
        return None
    return value >= target if higher_is_better else value <= target


def figures(facts: Iterable[DossierFacts]) -> dict[str, Any]:
    facts = list(facts)
    by_status = Counter(f.row.status for f in facts)
    timing = Counter(f.timing for f in facts)
    finished = timing["before"] + timing["on"] + timing["after"]
    on_time_rate = _rate(timing["before"] + timing["on"], finished)
    fills = [f.fill_seconds for f in facts if f.fill_seconds is not None]
    median = float(statistics.median(fills)) if fills else None
    with_prefill = [f for f in facts if f.prefilled is not None and f.total_fields is not None]
    prefilled = sum(f.prefilled or 0 for f in with_prefill)
    total_fields = sum(f.total_fields or 0 for f in with_prefill)
    share = _rate(prefilled, total_fields)
    sources = sorted({f.prefill_source for f in with_prefill if f.prefill_source})
    # The 95 % target measures the citizens themselves; what volunteers recorded is shown
    # apart, never mixed in.
    ratings = Counter(f.citizen_rating for f in facts if f.citizen_rating)
    rated = sum(ratings.values())
    satisfaction = _rate(ratings["very_satisfied"] + ratings["satisfied"], rated)
    channels = Counter(f.citizen_channel for f in facts if f.citizen_rating)
    by_volunteer = Counter(f.rating for f in facts if f.rating)
    volunteer_rated = sum(by_volunteer.values())
    return {
        "dossiers": len(facts),
        "by_status": {s: by_status.get(s, 0) for s in STATES},
        "on_time": {
            "finished": finished, "before": timing["before"], "on": timing["on"],
            "after": timing["after"], "open_overdue": timing["overdue"],
            "rate": on_time_rate,
        },
        "fill_time": {
            "count": len(fills), "median_seconds": median,
            "within_target": sum(1 for s in fills if s <= FILL_TARGET_SECONDS),
            "target_seconds": FILL_TARGET_SECONDS,
            "meets_target": _meets(median, FILL_TARGET_SECONDS, higher_is_better=False),
        },
        "prefill": {
            "dossiers": len(with_prefill), "prefilled_fields": prefilled,
            "total_fields": total_fields, "share": share, "target": PREFILL_TARGET,
            "meets_target": _meets(share, PREFILL_TARGET),
            "source": "mixed" if len(sources) > 1 else (sources[0] if sources else None),
            # Data a dossier gave back to the household record (the newborn of a birth
            # registration); later dossiers prefill it, which the share above counts.
            "saved_back": {
                "members_added": sum(len(f.added_members) for f in facts),
                "members_confirmed": sum(
                    1 for f in facts for status in f.added_members if status == "active"),
            },
        },
        "satisfaction": {
            "source": "citizen",
            "ratings": rated, **{r: ratings.get(r, 0) for r in RATINGS},
            "rate": satisfaction, "target": SATISFACTION_TARGET,
            "meets_target": _meets(satisfaction, SATISFACTION_TARGET),
            "by_channel": {c: channels.get(c, 0) for c in ("device", "web")},
        },
        "satisfaction_volunteer": {
            "source": "volunteer",
            "ratings": volunteer_rated, **{r: by_volunteer.get(r, 0) for r in RATINGS},
            "rate": _rate(by_volunteer["very_satisfied"] + by_volunteer["satisfied"],
                          volunteer_rated),
        },
    }


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def sync_health(session: Session, scope: Scope, now: datetime) -> dict[str, Any]:
    rows = queries.devices(session, scope)
    names = queries.user_names(session, (r.user_id for r in rows))
    items = []
    for r in rows:
        age = int((now - r.oldest_pending_at).total_seconds()) if r.oldest_pending_at else None
        items.append({
            "device_id": r.device_id, "label": r.label, "user_id": r.user_id,
            "volunteer_name": names.get(r.user_id, ""), "pending": r.pending,
            "oldest_pending_at": iso(r.oldest_pending_at), "oldest_pending_age_seconds": age,
            "reported_at": iso(r.reported_at), "last_push_at": iso(r.last_push_at),
        })
    pending = [r for r in rows if r.pending]
    oldest = min((r.oldest_pending_at for r in pending if r.oldest_pending_at), default=None)
    return {
        "devices": len(rows),
        "devices_with_pending": len(pending),
        "devices_never_reported": sum(1 for r in rows if r.reported_at is None),
        "pending_total": sum(r.pending or 0 for r in rows),
        "oldest_pending_at": iso(oldest),
        "oldest_pending_age_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "items": items,
    }


@dataclass
class Dashboard:
    scope: Scope
    facts: list[DossierFacts]
    body: dict[str, Any] = field(default_factory=dict)


def dashboard(session: Session, catalog: Catalog, scope: Scope, now: datetime) -> Dashboard:
    facts = gather(session, catalog, scope, now)
    villages = queries.village_names(session, (f.row.village_id for f in facts))
    volunteers = queries.user_names(session, (f.row.prepared_by for f in facts))
    by_village = _group(facts, lambda f: f.row.village_id)
    by_volunteer = _group(facts, lambda f: f.row.prepared_by)
    body = {
        "scope": {
            "commune_id": scope.commune_id, "village_id": scope.village_id,
            "volunteer_id": scope.volunteer_id,
            "from": scope.date_from.isoformat() if scope.date_from else None,
            "to": scope.date_to.isoformat() if scope.date_to else None,
        },
        "generated_at": iso(now),
        "totals": figures(facts),
        "by_village": [
            {"village_id": vid, "name": villages.get(vid, ""), **figures(group)}
            for vid, group in sorted(by_village.items(), key=lambda kv: villages.get(kv[0], ""))
        ],
        "by_volunteer": [
            {"volunteer_id": uid, "name": volunteers.get(uid, ""), **figures(group)}
            for uid, group in sorted(by_volunteer.items(), key=lambda kv: volunteers.get(kv[0], ""))
        ],
        "sync_health": sync_health(session, scope, now),
    }
    return Dashboard(scope, facts, body)


def _group(facts: list[DossierFacts], key: Any) -> dict[str, list[DossierFacts]]:
    out: dict[str, list[DossierFacts]] = {}
    for f in facts:
        out.setdefault(key(f), []).append(f)
    return out
