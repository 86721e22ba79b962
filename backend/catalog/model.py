"""Pydantic models of one procedure file (``backend/catalog/procedures/<code>.v<version>.json``).

The models check the *shape* of a file: key names, types, enums, simple ranges. Everything
that needs to look across fields (unique keys, ``show_if`` targets, prefill paths, rules that
fit the field type) is checked by :mod:`backend.catalog.loader`, which reports a file name and
a field path. All models forbid unknown keys, so a typo in a key is an error, not a silent
default. Models are strict: ``"3"`` is not accepted where an integer is expected.

See docs/catalog-format.md for the format written for people.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    field_validator,
)

FieldType = Literal["text", "number", "date", "select", "cccd", "phone", "member", "repeat"]
MergeRule = Literal["identity", "lww", "server"]
ConditionOp = Literal["equals", "not_equals", "in", "filled", "empty"]
AttachmentKind = Literal["image", "pdf"]

FIELD_KEY_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
PROCEDURE_CODE_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class LocalizedText(_Strict):
    """Text shown to people: Vietnamese first, English second; both non-blank and NFC."""

    vi: StrictStr
    en: StrictStr

    @field_validator("vi", "en")
    @classmethod
    def _non_blank_nfc(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("không được để trống / must not be empty")
        if unicodedata.normalize("NFC", value) != value:
            raise ValueError("chuỗi không ở dạng NFC / text is not NFC")
        return value


class Fee(_Strict):
    """Fee in whole đồng (no floats anywhere in signed data)."""

    amount_vnd: StrictInt = Field(ge=0)
    online_amount_vnd: StrictInt = Field(ge=0)
    note: LocalizedText | None = None


class Component(_Strict):
    """One document component (thành phần hồ sơ) the citizen attaches."""

    code: StrictStr = Field(pattern=PROCEDURE_CODE_PATTERN)
    name: LocalizedText
    help: LocalizedText | None = None
    required: StrictBool
    min_count: StrictInt = Field(default=1, ge=0, le=20)
    accepted: list[AttachmentKind] = Field(min_length=1)


class Option(_Strict):
    value: StrictStr = Field(pattern=FIELD_KEY_PATTERN)
    label: LocalizedText


class Rules(_Strict):
    """Validation rules; which keys a field type may use is checked by the loader."""

    min_length: StrictInt | None = Field(default=None, ge=0)
    max_length: StrictInt | None = Field(default=None, ge=1)
    pattern: StrictStr | None = None
    pattern_message: LocalizedText | None = None
    # int for numbers, ISO date or "today" for dates.
    min: StrictInt | StrictStr | None = None
    max: StrictInt | StrictStr | None = None
    integer: StrictBool | None = None


class FieldCondition(_Strict):
    field: StrictStr = Field(pattern=FIELD_KEY_PATTERN)
    op: ConditionOp
    # Scalar for equals/not_equals, list of scalars for "in", absent for filled/empty.
    value: StrictStr | StrictInt | list[StrictStr | StrictInt] | None = None


class AllCondition(_Strict):
    all: list[Condition]


class AnyCondition(_Strict):
    any: list[Condition]


def _condition_tag(raw: Any) -> str | None:
    # Pick the variant by its key so errors point into one variant instead of all three.
    if isinstance(raw, dict):
        if "all" in raw:
            return "<all>"
        if "any" in raw:
            return "<any>"
        return "<field>"
    if isinstance(raw, AllCondition):
        return "<all>"
    if isinstance(raw, AnyCondition):
        return "<any>"
    if isinstance(raw, FieldCondition):
        return "<field>"
    return None


Condition = Annotated[
    Annotated[FieldCondition, Tag("<field>")]
    | Annotated[AllCondition, Tag("<all>")]
    | Annotated[AnyCondition, Tag("<any>")],
    Discriminator(_condition_tag),
]

#: Union tags pydantic inserts into error locations; the loader drops them from paths.
CONDITION_TAGS = frozenset({"<field>", "<all>", "<any>"})


class ApplicantRole(_Strict):
    """PRE7: when the applicant is the member picked in ``field``, the select takes ``value``."""

    field: StrictStr = Field(pattern=FIELD_KEY_PATTERN)
    value: StrictStr = Field(pattern=FIELD_KEY_PATTERN)


class FormField(_Strict):
    key: StrictStr = Field(pattern=FIELD_KEY_PATTERN, max_length=64)
    type: FieldType
    label: LocalizedText
    help: LocalizedText | None = None
    required: StrictBool = False
    rules: Rules | None = None
    show_if: Condition | None = None
    prefill: StrictStr | None = None
    applicant_role: list[ApplicantRole] | None = Field(default=None, min_length=1)
    merge: MergeRule | None = None
    options: list[Option] | None = None
    fields: list[FormField] | None = None
    min_items: StrictInt | None = Field(default=None, ge=0)
    max_items: StrictInt | None = Field(default=None, ge=1)
    # Special-category personal data (ethnicity, religion, health, social-allowance details,
    # identity numbers): shown with care and listed in a person's export (docs/privacy.md).
    sensitive: StrictBool = False

    @property
    def merge_rule(self) -> MergeRule:
        return self.merge or "lww"


class Section(_Strict):
    """One step of the wizard (SEC1): a title and the top-level fields it shows, in form order."""

    key: StrictStr = Field(pattern=FIELD_KEY_PATTERN, max_length=64)
    title: LocalizedText
    fields: list[StrictStr] = Field(min_length=1)


class Form(_Strict):
    fields: list[FormField] = Field(min_length=1)
    # Steps of the wizard; without them the form is one step. Presentation only: the signed
    # data is validated against ``fields`` alone.
    sections: list[Section] | None = None


ResultTemplate = Literal["extract", "certificate", "confirmation", "notice"]
#: Where a result value comes from: a form field (formatted by its type: option label, member
#: name, dd/mm/yyyy), an applicant or household attribute, or a dossier / commune attribute.
RESULT_SOURCE_PATTERN = (
    r"^(form:[a-z][a-z0-9]*(_[a-z0-9]+)*"
    r"|applicant:(full_name|date_of_birth|sex|cccd|ethnicity)"
    r"|household:address|dossier:(official_code|received_date)|commune:name)$"
)


class ResultField(_Strict):
    """One printed line: the label and the first non-empty of its sources."""

    key: StrictStr = Field(pattern=FIELD_KEY_PATTERN, max_length=64)
    label: LocalizedText
    value: list[Annotated[StrictStr, Field(pattern=RESULT_SOURCE_PATTERN)]] = Field(
        min_length=1, max_length=4)


class ResultSection(_Strict):
    heading: LocalizedText | None = None
    fields: list[ResultField] = Field(min_length=1)


class ResultDocument(_Strict):
    """The official paper the commune issues when the dossier is approved."""

    template: ResultTemplate
    title: LocalizedText
    intro: LocalizedText | None = None
    sections: list[ResultSection] = Field(min_length=1)
    closing: LocalizedText | None = None


class ResultSpec(_Strict):
    """What the dossier yields: the contact phone the citizen gives (for the public status
    look-up) and the result document (absent: a generic official notice)."""

    contact_phone: StrictStr | None = Field(default=None, pattern=FIELD_KEY_PATTERN)
    document: ResultDocument | None = None


class Procedure(_Strict):
    """One published version of one procedure. Never edit a published version: add v+1."""

    format: Literal[1]
    code: StrictStr = Field(pattern=PROCEDURE_CODE_PATTERN, max_length=64)
    version: StrictInt = Field(ge=1)
    national_code: StrictStr | None = Field(default=None, pattern=r"^[0-9]\.[0-9]{6}$")
    name: LocalizedText
    level: Literal["commune", "province"]
    # Legal maximum in working days; same-day procedures use 1 (next working day at latest).
    processing_days: StrictInt = Field(ge=1, le=90)
    fee: Fee
    components: list[Component]
    form: Form
    # Members younger than this are not offered as applicants (a parent files for a child);
    # a procedure a minor may file sets it lower.
    applicant_min_age: StrictInt = Field(default=16, ge=0, le=18)
    result: ResultSpec | None = None

    def contact_phone(self, form_data: dict[str, Any]) -> str | None:
        """The phone the citizen gave in the dossier (the field `result.contact_phone` names),
        or None when the procedure names none or the field is empty."""
        key = self.result.contact_phone if self.result else None
        value = form_data.get(key) if key else None
        return value if isinstance(value, str) and value.strip() else None

    def form_schema(self) -> list[dict[str, Any]]:
        """The form as plain JSON data, the input :mod:`sync.forms` works on."""
        dumped = self.form.model_dump(mode="json", exclude_none=True)
        fields: list[dict[str, Any]] = dumped["fields"]
        return fields
