"""Member and household field rules (SPEC-records §REC), the one definition used by the REST
routes, the sync apply path, the CSV import and (through the TypeScript twin
``pwa/src/sync/records.ts``) the PWA's member form.

Why here: a rule both sides apply must be the same rule, or a value signed on a phone is
refused by the server after the volunteer has left the village. The field list is written in
the catalogue's form format (``sync/forms.py``) so the PWA renders and pre-checks it like any
procedure form; ``check_member``/``check_household`` are the authoritative checks, with the
server's codes. Everything is JSON in, JSON out: dates are ISO ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from sync.identity import check_cccd, check_phone, normalise_name, normalise_phone
from sync.text import TEXT_LIMITS, text_issue

# REC2: relationship to the head of household, the head first.
RELATIONSHIPS: Final = ("chu_ho", "vo", "chong", "con", "bo", "me", "ong", "ba", "chau",
                        "anh_chi_em", "khac")
SEXES: Final = ("male", "female")
MEMBER_STATUSES: Final = ("active", "pending_birth")
OLDEST_BIRTH_DATE: Final = "1900-01-01"

# REC1: the member and household fields, in the catalogue form format (labels live in the
# message catalogues of each side; limits come from TXT4).
MEMBER_FIELDS: Final[tuple[Mapping[str, Any], ...]] = (
    {"key": "full_name", "type": "text", "required": True,
     "rules": {"max_length": TEXT_LIMITS["member.full_name"]}},
    {"key": "relationship", "type": "select", "required": True, "options": list(RELATIONSHIPS)},
    {"key": "date_of_birth", "type": "date", "required": False,
     "rules": {"min": OLDEST_BIRTH_DATE, "max": "today"}},
    {"key": "sex", "type": "select", "required": False, "options": list(SEXES)},
    {"key": "cccd", "type": "cccd", "required": False},
    {"key": "phone", "type": "phone", "required": False},
    {"key": "ethnicity", "type": "text", "required": False,
     "rules": {"max_length": TEXT_LIMITS["member.ethnicity"]}},
    {"key": "notes", "type": "text", "required": False,
     "rules": {"max_length": TEXT_LIMITS["member.notes"]}},
)
HOUSEHOLD_FIELDS: Final[tuple[Mapping[str, Any], ...]] = (
    {"key": "address", "type": "text", "required": True,
     "rules": {"max_length": TEXT_LIMITS["household.address"]}},
    {"key": "notes", "type": "textarea", "required": False,
     "rules": {"max_length": TEXT_LIMITS["household.notes"]}},
)

MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    "wrong_type": ("Phải là chuỗi ký tự.", "Must be text."),
    "required": ("Không được để trống.", "Required."),
    "bad_relationship": ("Quan hệ với chủ hộ không hợp lệ.", "Unknown relationship to the head."),
    "bad_sex": ("Giới tính phải là nam hoặc nữ.", "Bad sex."),
    "bad_date": ("Ngày không hợp lệ (YYYY-MM-DD).", "Bad date."),
    "date_in_future": ("Ngày sinh không được ở tương lai.", "Date in future."),
    "date_too_old": ("Ngày sinh quá xa.", "Date before 1900."),
    "bad_status": ("Trạng thái nhân khẩu không hợp lệ.", "Unknown member status."),
    "bad_uuid": ("Mã hồ sơ phải là UUID.", "The dossier id must be a uuid."),
    "pending_needs_dossier": ("Nhân khẩu chờ khai sinh cần mã hồ sơ khai sinh.",
                              "A member pending birth registration needs its dossier id."),
}

Issue = dict[str, str]
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def issue(field: str, code: str, vi: str, en: str) -> Issue:
    return {"field": field, "code": code, "message_vi": vi, "message_en": en}


def _msg(field: str, code: str) -> Issue:
    vi, en = MESSAGES[code]
    return issue(field, code, vi, en)


def max_length(fields: tuple[Mapping[str, Any], ...], key: str) -> int:
    """The TXT4 limit of a text field of ``MEMBER_FIELDS`` or ``HOUSEHOLD_FIELDS``."""
    for f in fields:
        if f["key"] == key:
            return int(f["rules"]["max_length"])
    raise KeyError(key)


def iso_date(text: object) -> bool:
    """REC4: exactly ``YYYY-MM-DD`` and a real calendar date."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def valid_uuid(value: object) -> bool:
    """A lowercase canonical uuid (any version)."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _bad_text(value: str, field: str, issues: list[Issue]) -> bool:
    found = text_issue(value)
    if found is not None:
        issues.append(issue(field, found.code, found.message_vi, found.message_en))
    return found is not None


def _text(value: object, field: str, max_len: int, issues: list[Issue], required: bool,
          collapse: bool = True) -> str:
    """REC3: text (TXT1/TXT2), NFC with whitespace collapsed as NAM1 (household notes keep
    their lines), then required and the TXT4 limit in code points."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        issues.append(_msg(field, "wrong_type"))
        return ""
    if _bad_text(value, field, issues):
        return ""
    text = normalise_name(value) if collapse else unicodedata.normalize("NFC", value)
    if required and not text:
        issues.append(_msg(field, "required"))
    if len(text) > max_len:
        issues.append(issue(field, "too_long", f"Tối đa {max_len} ký tự.",
                            f"At most {max_len} characters."))
    return text


def _date(value: object, field: str, today: str, issues: list[Issue]) -> str | None:
    """REC4: ISO date, not after ``today``, not before 1900."""
    if value is None or value == "":
        return None
    if not iso_date(value):
        issues.append(_msg(field, "bad_date"))
        return None
    assert isinstance(value, str)
    if value > today:
        issues.append(_msg(field, "date_in_future"))
    if value < OLDEST_BIRTH_DATE:
        issues.append(_msg(field, "date_too_old"))
    return value


def check_member(fields: Mapping[str, Any], today: str,
                 partial: bool = False) -> tuple[dict[str, Any], list[Issue]]:
    """REC1–REC6: the cleaned member fields and the issues, in field order. With ``partial``
    only the fields present are checked; CCCD consistency (CCD3/CCD4) always uses the date of
    birth and sex of the record the caller merged in."""
    issues: list[Issue] = []
    out: dict[str, Any] = {}

    def wanted(key: str) -> bool:
        return key in fields or not partial

    if wanted("full_name"):
        out["full_name"] = _text(fields.get("full_name"), "full_name",
                                 max_length(MEMBER_FIELDS, "full_name"), issues, required=True)
    if wanted("relationship"):
        rel = fields.get("relationship")
        if rel not in RELATIONSHIPS:
            issues.append(_msg("relationship", "bad_relationship"))
        out["relationship"] = rel
    if wanted("sex"):
        sex = fields.get("sex")
        if sex is not None and sex not in SEXES:
            issues.append(_msg("sex", "bad_sex"))
        out["sex"] = sex
    if wanted("date_of_birth"):
        out["date_of_birth"] = _date(fields.get("date_of_birth"), "date_of_birth", today, issues)
    if wanted("ethnicity"):
        out["ethnicity"] = _text(fields.get("ethnicity"), "ethnicity",
                                 max_length(MEMBER_FIELDS, "ethnicity"), issues, required=False)
    if wanted("notes"):
        out["notes"] = _text(fields.get("notes"), "notes", max_length(MEMBER_FIELDS, "notes"),
                             issues, required=False)
    if wanted("phone"):
        raw = fields.get("phone")
        if raw in (None, ""):
            out["phone"] = None
        elif not isinstance(raw, str):
            issues.append(issue("phone", "wrong_type", "Số điện thoại phải là chuỗi.",
                                "Bad phone."))
        elif not _bad_text(raw, "phone", issues):
            phone = normalise_phone(raw)
            for it in check_phone(phone):
                issues.append(issue("phone", it.code, it.message_vi, it.message_en))
            out["phone"] = phone
    if wanted("cccd"):
        raw = fields.get("cccd")
        if raw in (None, ""):
            out["cccd"] = None
        elif not isinstance(raw, str):
            issues.append(issue("cccd", "wrong_type", "Số CCCD phải là chuỗi.", "CCCD as text."))
        elif not _bad_text(raw, "cccd", issues):
            dob = out.get("date_of_birth", fields.get("date_of_birth"))
            born = date.fromisoformat(dob) if isinstance(dob, str) and iso_date(dob) else None
            sex = out.get("sex", fields.get("sex"))
            # An invalid sex is an issue of its own; CCCD consistency needs a valid one.
            for it in check_cccd(raw, born, sex if sex in SEXES else None):
                issues.append(issue("cccd", it.code, it.message_vi, it.message_en))
            out["cccd"] = raw
    # REC6: only when sent, so a member edited through any other path keeps its status.
    if "status" in fields or "source_dossier_id" in fields:
        _status(fields, out, issues)
    return out, issues


def _status(fields: Mapping[str, Any], out: dict[str, Any], issues: list[Issue]) -> None:
    """A newborn added while filing a birth registration: ``pending_birth`` with its dossier."""
    status = fields.get("status") or "active"
    source = fields.get("source_dossier_id")
    if status not in MEMBER_STATUSES:
        issues.append(_msg("status", "bad_status"))
    if source is not None and not valid_uuid(source):
        issues.append(_msg("source_dossier_id", "bad_uuid"))
    if status == "pending_birth" and source is None:
        vi, en = MESSAGES["pending_needs_dossier"]
        issues.append(issue("source_dossier_id", "required", vi, en))
    out["status"] = status
    out["source_dossier_id"] = source


def check_household(fields: Mapping[str, Any],
                    partial: bool = False) -> tuple[dict[str, Any], list[Issue]]:
    """REC5: household text fields (address, notes); with ``partial`` only those present."""
    issues: list[Issue] = []
    out: dict[str, Any] = {}
    if "address" in fields or not partial:
        out["address"] = _text(fields.get("address"), "address",
                               max_length(HOUSEHOLD_FIELDS, "address"), issues, required=True)
    if "notes" in fields or not partial:
        out["notes"] = _text(fields.get("notes"), "notes", max_length(HOUSEHOLD_FIELDS, "notes"),
                             issues, required=False, collapse=False)
    return out, issues
