"""What a result paper says: the catalogue's result template filled from the dossier (pure).

The procedure's `result.document` (docs/catalog-format.md) lists sections of printed lines;
each line takes the first non-empty of its sources — a form field formatted by its type
(option label, member name, dd/mm/yyyy), an applicant or household attribute, or a dossier
or commune attribute. The officer sees this draft and may correct a line, with a reason; the
corrections are kept in the signed content and in the audit event. A procedure without a
template, and every refusal, gets a generic official notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from backend.catalog.model import FormField, Procedure, ResultDocument
from backend.lib.errors import AppError

MAX_VALUE = 300
MAX_REASON = 500
NOTICE_TITLE = "Thông báo kết quả giải quyết thủ tục hành chính"
REFUSAL_TITLE = "Thông báo từ chối giải quyết hồ sơ"
REFUSAL_INTRO = ("Ủy ban nhân dân xã thông báo không giải quyết hồ sơ dưới đây vì lý do "
                 "nêu sau.")
NOTICE_INTRO = "Ủy ban nhân dân xã thông báo kết quả giải quyết hồ sơ dưới đây."


@dataclass(frozen=True)
class Facts:
    """Everything a source may name, already read from the database."""

    form_data: Mapping[str, Any]
    member_names: Mapping[str, str]
    applicant: Mapping[str, Any]
    household_address: str
    official_code: str
    received_on: date | None
    commune_name: str
    procedure_name: str


def vn_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


def format_value(field: FormField, value: Any, member_names: Mapping[str, str]) -> str:
    """A form value as a person reads it (no codes, no ids)."""
    if value is None or value == "" or value == []:
        return ""
    if field.type == "select" and field.options:
        for option in field.options:
            if option.value == value:
                return option.label.vi
    if field.type == "date":
        return vn_date(str(value))
    if field.type == "member":
        return member_names.get(str(value), "")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (list, dict)):
        return ""
    return str(value)


def _source(source: str, fields: Mapping[str, FormField], facts: Facts) -> str:
    kind, _, name = source.partition(":")
    if kind == "form":
        field = fields.get(name)
        return format_value(field, facts.form_data.get(name), facts.member_names) \
            if field else ""
    if kind == "applicant":
        value = facts.applicant.get(name)
        if name == "date_of_birth":
            return vn_date(value)
        if name == "sex":
            return {"male": "Nam", "female": "Nữ"}.get(str(value), "")
        return str(value or "")
    if kind == "household":
        return facts.household_address
    if source == "dossier:official_code":
        return facts.official_code
    if source == "dossier:received_date":
        return vn_date(facts.received_on)
    if source == "commune:name":
        return facts.commune_name
    return ""


def draft(procedure: Procedure | None, outcome: str, facts: Facts) -> dict[str, Any]:
    """The document before corrections: template, title, intro, sections, closing."""
    document: ResultDocument | None = procedure.result.document \
        if procedure is not None and procedure.result is not None else None
    if outcome == "approved" and document is not None:
        fields = {f.key: f for f in procedure.form.fields} if procedure else {}
        sections = []
        for section in document.sections:
            lines = [{"key": item.key, "label": item.label.vi,
                      "value": next((v for v in (_source(s, fields, facts) for s in item.value)
                                     if v), "")}
                     for item in section.fields]
            sections.append({"heading": section.heading.vi if section.heading else None,
                             "fields": lines})
        return {"template": document.template, "title": document.title.vi,
                "intro": document.intro.vi if document.intro else "",
                "sections": sections,
                "closing": document.closing.vi if document.closing else ""}
    refused = outcome == "rejected"
    lines = [
        {"key": "procedure", "label": "Thủ tục", "value": facts.procedure_name},
        {"key": "applicant", "label": "Người yêu cầu",
         "value": str(facts.applicant.get("full_name") or "")},
        {"key": "official_code", "label": "Mã hồ sơ", "value": facts.official_code},
        {"key": "received_on", "label": "Ngày tiếp nhận", "value": vn_date(facts.received_on)},
    ]
    return {"template": "notice", "title": REFUSAL_TITLE if refused else NOTICE_TITLE,
            "intro": REFUSAL_INTRO if refused else NOTICE_INTRO,
            "sections": [{"heading": None, "fields": lines}], "closing": ""}


def apply_corrections(
    doc: dict[str, Any], corrections: Sequence[Mapping[str, str]]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The document with the officer's corrections, and the audit list
    [{key, label, before, after, reason}]. Every correction names a line of the draft,
    gives a new value and a reason; anything else is a 422 naming the item."""
    by_key = {line["key"]: line for section in doc["sections"] for line in section["fields"]}
    errors: list[dict[str, str]] = []
    audit: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, c in enumerate(corrections):
        key = c.get("key", "")
        value = " ".join(str(c.get("value", "")).split())[:MAX_VALUE]
        reason = " ".join(str(c.get("reason", "")).split())[:MAX_REASON]
        if key not in by_key or key in seen:
            errors.append({"field": f"corrections[{i}].key", "code": "unknown",
                           "message_vi": "Văn bản không có dòng này (hoặc đã sửa).",
                           "message_en": "No such line, or corrected twice."})
            continue
        if not reason:
            errors.append({"field": f"corrections[{i}].reason", "code": "required",
                           "message_vi": "Cần ghi lý do sửa.",
                           "message_en": "A correction needs a reason."})
            continue
        seen.add(key)
        line = by_key[key]
        audit.append({"key": key, "label": line["label"], "before": line["value"],
                      "after": value, "reason": reason})
        line["value"] = value
    if errors:
        raise AppError("invalid_corrections", "Các chỉnh sửa kết quả chưa hợp lệ.",
                       "The corrections are not valid.", 422, errors=errors)
    return doc, audit
