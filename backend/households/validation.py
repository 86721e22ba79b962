"""Validation of household and member fields, shared by the REST routes, CSV import and sync.

Returns cleaned values (NFC names, normalised phones) or a list of issues, each with a
field, a machine code and Vietnamese/English messages. Nothing here touches the database.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date
from typing import Any

from backend.households.csv_import import RELATIONSHIP_CODES
from sync.identity import check_cccd, check_phone, normalise_name, normalise_phone
from sync.text import TEXT_LIMITS, text_issue

RELATIONSHIPS = tuple(RELATIONSHIP_CODES)
SEXES = ("male", "female")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Issue = dict[str, str]


def issue(field: str, code: str, vi: str, en: str) -> Issue:
    return {"field": field, "code": code, "message_vi": vi, "message_en": en}


def valid_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def bad_text(value: str, field: str, issues: list[Issue]) -> bool:
    """SPEC TXT1/TXT2 (sync/text.py): no control characters but tab and newline."""
    found = text_issue(value)
    if found is not None:
        issues.append(issue(field, found.code, found.message_vi, found.message_en))
    return found is not None


def _text(value: Any, field: str, max_len: int, issues: list[Issue], required: bool,
          collapse: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        issues.append(issue(field, "wrong_type", "Phải là chuỗi ký tự.", "Must be text."))
        return ""
    if bad_text(value, field, issues):
        return ""
    text = unicodedata.normalize("NFC", " ".join(value.split()) if collapse else value)
    if required and not text:
        issues.append(issue(field, "required", "Không được để trống.", "Required."))
    if len(text) > max_len:
        issues.append(
            issue(field, "too_long", f"Tối đa {max_len} ký tự.", f"At most {max_len} characters.")
        )
    return text


def _date(value: Any, field: str, today: date, issues: list[Issue]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            value = date.fromisoformat(value)
        except ValueError:
            issues.append(issue(field, "bad_date", "Ngày không hợp lệ (YYYY-MM-DD).", "Bad date."))
            return None
    if not isinstance(value, date):
        issues.append(issue(field, "bad_date", "Ngày không hợp lệ.", "Bad date."))
        return None
    if value > today:
        issues.append(
            issue(field, "date_in_future", "Ngày sinh không được ở tương lai.", "Date in future.")
        )
    if value.year < 1900:
        issues.append(issue(field, "date_too_old", "Ngày sinh quá xa.", "Date before 1900."))
    return value


def clean_member(
    fields: dict[str, Any], today: date, partial: bool = False
) -> tuple[dict[str, Any], list[Issue]]:
    """Validate member fields. With `partial`, only the fields present are checked,
    except that CCCD consistency always uses the full record the caller merged in."""
    issues: list[Issue] = []
    out: dict[str, Any] = {}
    if "full_name" in fields or not partial:
        name = _text(fields.get("full_name"), "full_name", TEXT_LIMITS["member.full_name"],
                     issues, required=True)
        out["full_name"] = normalise_name(name) if name else name
    if "relationship" in fields or not partial:
        rel = fields.get("relationship")
        if rel not in RELATIONSHIPS:
            issues.append(
                issue(
                    "relationship",
                    "bad_relationship",
                    "Quan hệ với chủ hộ không hợp lệ.",
                    "Unknown relationship to the head.",
                )
            )
        out["relationship"] = rel
    if "sex" in fields or not partial:
        sex = fields.get("sex")
        if sex is not None and sex not in SEXES:
            issues.append(issue("sex", "bad_sex", "Giới tính phải là nam hoặc nữ.", "Bad sex."))
        out["sex"] = sex
    if "date_of_birth" in fields or not partial:
        out["date_of_birth"] = _date(fields.get("date_of_birth"), "date_of_birth", today, issues)
    if "ethnicity" in fields or not partial:
        out["ethnicity"] = _text(fields.get("ethnicity"), "ethnicity",
                                 TEXT_LIMITS["member.ethnicity"], issues, required=False)
    if "notes" in fields or not partial:
        out["notes"] = _text(fields.get("notes"), "notes", TEXT_LIMITS["member.notes"], issues,
                             required=False)
    if "phone" in fields or not partial:
        raw = fields.get("phone")
        if raw in (None, ""):
            out["phone"] = None
        elif not isinstance(raw, str):
            issues.append(
                issue("phone", "wrong_type", "Số điện thoại phải là chuỗi.", "Bad phone.")
            )
        elif not bad_text(raw, "phone", issues):
            phone = normalise_phone(raw)
            for it in check_phone(phone):
                issues.append(issue("phone", it.code, it.message_vi, it.message_en))
            out["phone"] = phone
    if "cccd" in fields or not partial:
        raw = fields.get("cccd")
        if raw in (None, ""):
            out["cccd"] = None
        elif not isinstance(raw, str):
            issues.append(issue("cccd", "wrong_type", "Số CCCD phải là chuỗi.", "CCCD as text."))
        elif not bad_text(raw, "cccd", issues):
            dob = out.get("date_of_birth", fields.get("date_of_birth"))
            if isinstance(dob, str):
                dob = date.fromisoformat(dob) if _iso(dob) else None
            if not isinstance(dob, date):
                dob = None
            sex = out.get("sex", fields.get("sex"))
            # An invalid sex is already an issue of its own; CCCD consistency can only be
            # checked against a valid one (check_cccd refuses anything else).
            sex = sex if sex in SEXES else None
            for it in check_cccd(raw, dob, sex):
                issues.append(issue("cccd", it.code, it.message_vi, it.message_en))
            out["cccd"] = raw
    # Only when sent: a member edited through any other path keeps its status.
    if "status" in fields or "source_dossier_id" in fields:
        _status(fields, out, issues)
    return out, issues


MEMBER_STATUSES = ("active", "pending_birth")


def _status(fields: dict[str, Any], out: dict[str, Any], issues: list[Issue]) -> None:
    """A newborn added while filing a birth registration: `pending_birth` with its dossier."""
    status = fields.get("status") or "active"
    source = fields.get("source_dossier_id")
    if status not in MEMBER_STATUSES:
        issues.append(issue("status", "bad_status", "Trạng thái nhân khẩu không hợp lệ.",
                            "Unknown member status."))
    if source is not None and not valid_uuid(source):
        issues.append(issue("source_dossier_id", "bad_uuid", "Mã hồ sơ phải là UUID.",
                            "The dossier id must be a uuid."))
    if status == "pending_birth" and source is None:
        issues.append(issue("source_dossier_id", "required",
                            "Nhân khẩu chờ khai sinh cần mã hồ sơ khai sinh.",
                            "A member pending birth registration needs its dossier id."))
    out["status"] = status
    out["source_dossier_id"] = source


def _iso(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def clean_household(
    fields: dict[str, Any], partial: bool = False
) -> tuple[dict[str, Any], list[Issue]]:
    """Validate household text fields (address, notes); with `partial` only those present."""
    issues: list[Issue] = []
    out: dict[str, Any] = {}
    if "address" in fields or not partial:
        out["address"] = _text(fields.get("address"), "address",
                               TEXT_LIMITS["household.address"], issues, required=True)
    if "notes" in fields or not partial:
        out["notes"] = _text(fields.get("notes"), "notes", TEXT_LIMITS["household.notes"],
                             issues, required=False, collapse=False)
    return out, issues


def clean_id(value: Any) -> str | None:
    """A path or body id usable in a lookup: text that obeys the text rule (PostgreSQL refuses
    NUL in a query parameter), else None (the caller answers "not found")."""
    if not isinstance(value, str) or len(value) > 64 or text_issue(value) is not None:
        return None
    return value
