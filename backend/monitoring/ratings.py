"""Satisfaction ratings: synced from the volunteer's phone (the volunteer's or the citizen's)
or given on the public status page.

Invariants:
- A dossier has at most one rating (unique `ratings.dossier_id`); ratings are never changed.
  `apply_rating` decides everything before its single write, and a lost race on the unique
  key is turned into the same `rating_exists` conflict inside a savepoint, so the caller's
  transaction stays usable.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from backend.db.models import (
    CitizenRating,
    Dossier,
    Rating,
    User,
)
from backend.lib.auth import load_principal
from backend.monitoring.device_health import CLOCK_SKEW

# --- satisfaction -----------------------------------------------------------------------

RATINGS = ("very_satisfied", "satisfied", "not_satisfied")
RATING_FIELDS = frozenset({"dossier_id", "rating", "comment", "rated_at", "by"})
# Who gave a synced rating: the volunteer (older apps send no `by`) or the citizen, to whom
# the volunteer handed the phone at hand-over. The citizen's goes to `citizen_ratings`.
RATERS = ("volunteer", "citizen")
RATEABLE = frozenset({"done", "result_returned"})
COMMENT_MAX = 500


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
