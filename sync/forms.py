"""Pure form rules: visibility (``show_if``), cleaning, validation, prefill, merge rules.

The input is a form schema as plain JSON data (``Procedure.form_schema()`` in the backend, the
same JSON on the device) and the dossier's form data. Nothing here reads a clock, a file or a
database: "today" is a parameter. The TypeScript twin implements the same rules from
``sync/SPEC-forms.md``; both run ``sync/vectors/forms.json``.

Invariants:
- Validation never raises for bad *data*; it returns issues, at most one per field path, in
  schema order, then unknown keys of that level sorted by code point (FRM2).
- A malformed *schema* (which the catalogue loader would have refused) raises
  :class:`FormError` with code ``bad_form_schema`` or ``bad_prefill``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sync.errors import SyncError
from sync.text import MESSAGES as TEXT_MESSAGES
from sync.text import text_issue

MergeRule = Literal["identity", "lww", "server"]
Lookup = Mapping[str, object]

RELATIONSHIP_CODES = (
    "chu_ho", "vo", "chong", "con", "bo", "me", "ong", "ba", "chau", "anh_chi_em", "khac",
)
MEMBER_ATTRS = (
    "id", "full_name", "date_of_birth", "sex", "cccd", "phone", "ethnicity", "relationship",
)
HOUSEHOLD_ATTRS = ("address", "village_name", "commune_name", "province_name", "head_name")
COUPLE_SEXES = ("male", "female")
#: The sex a spouse's relationship implies when the member record has none (PRE6).
_SPOUSE_SEX = {"vo": "female", "chong": "male"}
MERGE_RULES: tuple[MergeRule, ...] = ("identity", "lww", "server")

MAX_SAFE_INTEGER = 2**53 - 1  # beyond this the TypeScript twin cannot hold the value exactly
_BLANK = " \t\n\r"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CCCD_RE = re.compile(r"[0-9]{12}")
_PHONE_RE = re.compile(r"0[35789][0-9]{8}")
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KEY_RE = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"
_PREFILL_RE = re.compile(
    rf"(?P<source>applicant|head|household|field:(?P<field>{_KEY_RE})"
    rf"|relation:(?P<relation>{_KEY_RE})|couple:(?P<couple>{_KEY_RE}))\.(?P<attr>{_KEY_RE})"
)


class FormError(SyncError):
    """The form *schema* is malformed (data problems are returned as :class:`FormIssue`)."""

    code = "bad_form_schema"


@dataclass(frozen=True, slots=True)
class FormIssue:
    """One problem with form data. ``path`` is like ``children[0].full_name``."""

    path: str
    code: str
    message_vi: str
    message_en: str

    @property
    def message(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


@dataclass(frozen=True, slots=True)
class PrefillPath:
    """A parsed prefill path (PRE1). ``selector`` is the field key or relationship code."""

    source: Literal["applicant", "head", "household", "field", "relation", "couple"]
    selector: str | None
    attr: str


_MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Trường này là bắt buộc", "This field is required"),
    "too_short": ("Cần ít nhất {min} ký tự", "At least {min} characters"),
    "too_long": ("Tối đa {max} ký tự", "At most {max} characters"),
    "pattern": ("Không đúng định dạng", "Wrong format"),
    "not_nfc": ("Văn bản không ở dạng chuẩn NFC", "Text is not in NFC form"),
    "not_integer": ("Phải là số nguyên", "Must be a whole number"),
    "below_min": ("Không được nhỏ hơn {min}", "Must be at least {min}"),
    "above_max": ("Không được lớn hơn {max}", "Must be at most {max}"),
    "bad_date": ("Ngày không hợp lệ (dd/mm/yyyy)", "Invalid date (dd/mm/yyyy)"),
    "date_before_min": ("Ngày không được trước {min}", "Date must not be before {min}"),
    "date_after_max": ("Ngày không được sau {max}", "Date must not be after {max}"),
    "not_an_option": ("Giá trị không nằm trong danh sách", "Not one of the options"),
    "bad_cccd": ("Số CCCD phải gồm 12 chữ số", "CCCD number must be 12 digits"),
    "bad_phone": (
        "Số điện thoại di động không hợp lệ (ví dụ 0912345678)",
        "Invalid mobile number (e.g. 0912345678)",
    ),
    "bad_member": ("Không phải nhân khẩu của hộ", "Not a member of the household"),
    "too_few_items": ("Cần ít nhất {min} mục", "At least {min} items"),
    "too_many_items": ("Tối đa {max} mục", "At most {max} items"),
    "unknown_field": ("Trường không có trong biểu mẫu", "Field is not part of the form"),
    "wrong_type": ("Sai kiểu dữ liệu", "Wrong type of value"),
    "control_char": TEXT_MESSAGES["control_char"],
    "lone_surrogate": TEXT_MESSAGES["lone_surrogate"],
}


def _issue(path: str, code: str, **params: object) -> FormIssue:
    vi, en = _MESSAGES[code]
    return FormIssue(path, code, vi.format(**params), en.format(**params))


# --- schema access ---------------------------------------------------------------------------


def _fields(raw: object, where: str) -> list[Mapping[str, object]]:
    if not isinstance(raw, list) or not all(isinstance(f, Mapping) for f in raw):
        raise FormError(f"{where}: danh sách trường không hợp lệ / invalid field list")
    for f in raw:
        if not isinstance(f.get("key"), str) or not isinstance(f.get("type"), str):
            raise FormError(f"{where}: trường thiếu key/type / field without key/type")
    return list(raw)


def _key(field: Mapping[str, object]) -> str:
    key = field["key"]
    assert isinstance(key, str)  # checked by _fields
    return key


def _rules(field: Mapping[str, object]) -> Mapping[str, object]:
    rules = field.get("rules")
    return rules if isinstance(rules, Mapping) else {}


def is_empty(value: object) -> bool:
    """VIS3: absent, null, a string of only space/tab/CR/LF, or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip(_BLANK) == ""
    return isinstance(value, list) and not value


def _same(a: object, b: object) -> bool:
    # JSON equality without Python's True == 1 (the twin compares with ===).
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False


# --- visibility ------------------------------------------------------------------------------


def condition_fields(cond: object) -> list[str]:
    """Every field key a ``show_if`` condition reads, in order of appearance."""
    if not isinstance(cond, Mapping):
        raise FormError("show_if: điều kiện không hợp lệ / invalid condition")
    for combinator in ("all", "any"):
        if combinator in cond:
            parts = cond[combinator]
            if not isinstance(parts, list):
                raise FormError(f"show_if.{combinator}: phải là danh sách / must be a list")
            return [key for part in parts for key in condition_fields(part)]
    key = cond.get("field")
    if not isinstance(key, str):
        raise FormError("show_if.field: thiếu khóa / missing key")
    return [key]


def evaluate_condition(cond: object, value_of: Mapping[str, object]) -> bool:
    """VIS2: evaluate ``cond``; a key missing from ``value_of`` reads as absent."""
    if not isinstance(cond, Mapping):
        raise FormError("show_if: điều kiện không hợp lệ / invalid condition")
    if "all" in cond:
        parts = cond["all"]
        return isinstance(parts, list) and all(evaluate_condition(p, value_of) for p in parts)
    if "any" in cond:
        parts = cond["any"]
        return isinstance(parts, list) and any(evaluate_condition(p, value_of) for p in parts)
    key, op, expected = cond.get("field"), cond.get("op"), cond.get("value")
    if not isinstance(key, str):
        raise FormError("show_if.field: thiếu khóa / missing key")
    actual = value_of.get(key)
    if op == "equals":
        return _same(actual, expected)
    if op == "not_equals":
        return not _same(actual, expected)
    if op == "in":
        if not isinstance(expected, list):
            raise FormError("show_if.value: 'in' cần danh sách / 'in' needs a list")
        return any(_same(actual, v) for v in expected)
    if op == "filled":
        return not is_empty(actual)
    if op == "empty":
        return is_empty(actual)
    raise FormError(f"show_if.op: phép so sánh không hợp lệ / unknown op {op!r}")


class _Scope:
    """Values a condition may read at one level: visible siblings first, then the top level."""

    def __init__(self, fields: Sequence[Mapping[str, object]], data: Lookup,
                 root: Mapping[str, object] | None) -> None:
        sibling_keys = {_key(f) for f in fields}
        # Root values visible from inside a repeat item, minus names shadowed by siblings.
        self.values: dict[str, object] = {
            k: v for k, v in (root or {}).items() if k not in sibling_keys
        }
        self.visible: list[str] = []
        for field in fields:
            key = _key(field)
            cond = field.get("show_if")
            if cond is None or evaluate_condition(cond, self.values):
                self.visible.append(key)
                self.values[key] = data.get(key)


def visible_fields(schema_fields: Sequence[Mapping[str, object]], data: Lookup,
                   root: Mapping[str, object] | None = None) -> list[str]:
    """VIS1: keys of the visible fields of one level, in schema order.

    For a repeat item pass the item as ``data`` and the values of the visible top-level
    fields as ``root`` (see :func:`visible_values`).
    """
    return _Scope(_fields(schema_fields, "fields"), data, root).visible


def visible_values(schema_fields: Sequence[Mapping[str, object]],
                   data: Lookup) -> dict[str, object]:
    """Values of the visible top-level fields (absent ones read as ``None``)."""
    scope = _Scope(_fields(schema_fields, "fields"), data, None)
    return {k: scope.values[k] for k in scope.visible}


def clean_form(schema_fields: Sequence[Mapping[str, object]], data: Lookup,
               root: Mapping[str, object] | None = None) -> dict[str, object]:
    """CLN1: drop values of hidden fields and nulls, recursively into repeat items.

    Keys unknown to the schema are kept so that :func:`validate_form` reports them.
    """
    fields = _fields(schema_fields, "fields")
    scope = _Scope(fields, data, root)
    known = {_key(f): f for f in fields}
    root_values = scope.values if root is None else root
    out: dict[str, object] = {}
    for key, value in data.items():
        field = known.get(key)
        if value is None or (field is not None and key not in scope.visible):
            continue
        if field is not None and field.get("type") == "repeat" and isinstance(value, list):
            sub = _fields(field.get("fields"), key)
            value = [clean_form(sub, item, root_values) if isinstance(item, Mapping) else item
                     for item in value]
        out[key] = value
    return out


# --- validation ------------------------------------------------------------------------------


def _date_bound(raw: object, today: date, where: str) -> date | None:
    if raw is None:
        return None
    if raw == "today":
        return today
    if isinstance(raw, str) and _DATE_RE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise FormError(f"{where}: giới hạn ngày không hợp lệ / invalid date bound {raw!r}")


def _int_bound(raw: object, where: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    raise FormError(f"{where}: giới hạn số không hợp lệ / invalid number bound {raw!r}")


def _check_text(field: Mapping[str, object], value: str, path: str) -> FormIssue | None:
    rules = _rules(field)
    if unicodedata.normalize("NFC", value) != value:
        return _issue(path, "not_nfc")
    min_len, max_len = _int_bound(rules.get("min_length"), path), _int_bound(
        rules.get("max_length"), path)
    if min_len is not None and len(value) < min_len:  # code points, not UTF-16 units
        return _issue(path, "too_short", min=min_len)
    if max_len is not None and len(value) > max_len:
        return _issue(path, "too_long", max=max_len)
    pattern = rules.get("pattern")
    if isinstance(pattern, str) and re.fullmatch(pattern, value) is None:
        message = rules.get("pattern_message")
        if isinstance(message, Mapping):
            return FormIssue(path, "pattern", str(message.get("vi")), str(message.get("en")))
        return _issue(path, "pattern")
    return None


def _check_number(field: Mapping[str, object], value: object, path: str) -> FormIssue | None:
    if isinstance(value, float):
        return _issue(path, "not_integer")
    if not isinstance(value, int) or isinstance(value, bool):
        return _issue(path, "wrong_type")
    if abs(value) > MAX_SAFE_INTEGER:
        return _issue(path, "not_integer")
    rules = _rules(field)
    low, high = _int_bound(rules.get("min"), path), _int_bound(rules.get("max"), path)
    if low is not None and value < low:
        return _issue(path, "below_min", min=low)
    if high is not None and value > high:
        return _issue(path, "above_max", max=high)
    return None


def _check_date(field: Mapping[str, object], value: str, path: str,
                today: date) -> FormIssue | None:
    if not _DATE_RE.fullmatch(value):
        return _issue(path, "bad_date")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return _issue(path, "bad_date")
    rules = _rules(field)
    low = _date_bound(rules.get("min"), today, path)
    high = _date_bound(rules.get("max"), today, path)
    if low is not None and day < low:
        return _issue(path, "date_before_min", min=low.strftime("%d/%m/%Y"))
    if high is not None and day > high:
        return _issue(path, "date_after_max", max=high.strftime("%d/%m/%Y"))
    return None


def _option_values(field: Mapping[str, object]) -> list[str]:
    options = field.get("options")
    if not isinstance(options, list):
        raise FormError(f"{_key(field)}: select thiếu options / select without options")
    return [str(o.get("value")) for o in options if isinstance(o, Mapping)]


def _check_scalar(field: Mapping[str, object], value: object, path: str, today: date,
                  member_ids: Collection[str] | None) -> FormIssue | None:
    kind = field.get("type")
    if kind == "number":
        return _check_number(field, value, path)
    if not isinstance(value, str):
        return _issue(path, "wrong_type")
    bad = text_issue(value)  # FRM14: the text rule (SPEC TXT) before the type's own checks
    if bad is not None:
        return _issue(path, bad.code)
    if kind == "text":
        return _check_text(field, value, path)
    if kind == "date":
        return _check_date(field, value, path, today)
    if kind == "select":
        return None if value in _option_values(field) else _issue(path, "not_an_option")
    if kind == "cccd":
        return None if _CCCD_RE.fullmatch(value) else _issue(path, "bad_cccd")
    if kind == "phone":
        return None if _PHONE_RE.fullmatch(value) else _issue(path, "bad_phone")
    if kind == "member":
        ok = _UUID_RE.fullmatch(value) and (member_ids is None or value in member_ids)
        return None if ok else _issue(path, "bad_member")
    raise FormError(f"{path}: kiểu trường không hợp lệ / unknown field type {kind!r}")


def _validate_level(fields: list[Mapping[str, object]], data: Lookup, prefix: str,
                    root: Mapping[str, object] | None, today: date,
                    member_ids: Collection[str] | None, out: list[FormIssue]) -> None:
    scope = _Scope(fields, data, root)
    visible = set(scope.visible)
    for field in fields:
        key = _key(field)
        if key not in visible:
            continue  # FRM3: hidden values are ignored (clean_form drops them)
        path, value = prefix + key, data.get(key)
        if is_empty(value):
            if field.get("required") is True:
                out.append(_issue(path, "required"))
            continue
        if field.get("type") != "repeat":
            found = _check_scalar(field, value, path, today, member_ids)
            if found is not None:
                out.append(found)
            continue
        if not isinstance(value, list):
            out.append(_issue(path, "wrong_type"))
            continue
        low = _int_bound(field.get("min_items"), path)
        high = _int_bound(field.get("max_items"), path)
        if low is not None and len(value) < low:
            out.append(_issue(path, "too_few_items", min=low))
        elif high is not None and len(value) > high:
            out.append(_issue(path, "too_many_items", max=high))
        sub = _fields(field.get("fields"), path)
        items_root = scope.values if root is None else root
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            if not isinstance(item, Mapping):
                out.append(_issue(item_path, "wrong_type"))
                continue
            _validate_level(sub, item, item_path + ".", items_root, today, member_ids, out)
    known = {_key(f) for f in fields}
    for key in sorted(k for k in data if k not in known):
        out.append(_issue(prefix + key, "unknown_field"))


def validate_form(schema_fields: Sequence[Mapping[str, object]], data: Lookup, *,
                  today: date, member_ids: Collection[str] | None = None) -> list[FormIssue]:
    """FRM1–FRM6: every problem of ``data`` against the schema; empty list when valid.

    ``today`` resolves the ``"today"`` date bound. When ``member_ids`` is given, a member
    field must name one of them (the household's members); otherwise only the uuid form is
    checked.
    """
    out: list[FormIssue] = []
    _validate_level(_fields(schema_fields, "fields"), data, "", None, today, member_ids, out)
    return out


# --- prefill and merge rules -----------------------------------------------------------------


def parse_prefill(path: str) -> PrefillPath:
    """PRE1: parse a prefill path; raises :class:`FormError` (``bad_prefill``) if malformed."""
    match = _PREFILL_RE.fullmatch(path)
    if match is None:
        raise FormError(f"prefill: đường dẫn không hợp lệ / invalid path {path!r}",
                        code="bad_prefill")
    attr, source = match["attr"], match["source"]
    if source == "household":
        if attr not in HOUSEHOLD_ATTRS:
            raise FormError(f"prefill: thuộc tính hộ không hợp lệ / unknown household "
                            f"attribute {attr!r}", code="bad_prefill")
        return PrefillPath("household", None, attr)
    if attr not in MEMBER_ATTRS:
        raise FormError(f"prefill: thuộc tính nhân khẩu không hợp lệ / unknown member "
                        f"attribute {attr!r}", code="bad_prefill")
    if match["relation"] is not None:
        if match["relation"] not in RELATIONSHIP_CODES:
            raise FormError(f"prefill: mã quan hệ không hợp lệ / unknown relationship "
                            f"{match['relation']!r}", code="bad_prefill")
        return PrefillPath("relation", match["relation"], attr)
    if match["couple"] is not None:
        if match["couple"] not in COUPLE_SEXES:
            raise FormError(f"prefill: giới tính không hợp lệ / unknown sex "
                            f"{match['couple']!r}", code="bad_prefill")
        return PrefillPath("couple", match["couple"], attr)
    if match["field"] is not None:
        return PrefillPath("field", match["field"], attr)
    return PrefillPath("applicant" if source == "applicant" else "head", None, attr)


def _member_by_id(member_id: object, pools: Sequence[Lookup | None]) -> Lookup | None:
    if not isinstance(member_id, str):
        return None
    for pool in pools:
        if pool is not None and pool.get("id") == member_id:
            return pool
    return None


def _sex_of(person: Lookup) -> object:
    sex = person.get("sex")
    return sex if sex in COUPLE_SEXES else _SPOUSE_SEX.get(str(person.get("relationship")))


def couple_member(sex: str, head: Lookup | None, members: Sequence[Lookup]) -> Lookup | None:
    """PRE6: the partner of that sex in the couple heading the household.

    The head when the head is of that sex, else the first spouse of the head (``vo`` or
    ``chong``) of that sex; a member without a recorded sex has the one its relationship implies.
    So a household headed by a woman still finds the mother, and her husband as the father.
    """
    if head is not None and _sex_of(head) == sex:
        return head
    head_id = head.get("id") if head is not None else None
    return next((m for m in members
                 if m.get("relationship") in _SPOUSE_SEX and m.get("id") != head_id
                 and _sex_of(m) == sex), None)


def _applicant_role(field: Mapping[str, object], applicant: Lookup | None,
                    resolved: Mapping[str, object]) -> object:
    """PRE7: the option naming the applicant's role, from the member fields already resolved."""
    roles = field.get("applicant_role")
    if not isinstance(roles, list) or applicant is None or is_empty(applicant.get("id")):
        return None
    for role in roles:
        if not isinstance(role, Mapping) or not isinstance(role.get("field"), str):
            raise FormError(f"{_key(field)}.applicant_role: không hợp lệ / invalid entry")
        if _same(resolved.get(str(role["field"])), applicant.get("id")):
            return role.get("value")
    return None


def resolve_prefill(schema_fields: Sequence[Mapping[str, object]], applicant: Lookup | None,
                    head: Lookup | None, household: Lookup | None, members: Sequence[Lookup],
                    chosen: Mapping[str, str]) -> dict[str, object]:
    """PRE2–PRE5: prefilled values of top-level fields, in schema order.

    ``members`` are the household's members (dicts with ``id``, ``relationship`` and the
    member attributes); ``chosen`` maps a member field's key to the member id the user
    picked, which wins over that field's own prefill. Empty results and values that are
    not an option of a select field are left out. Fields inside repeats are never prefilled.
    """
    fields = _fields(schema_fields, "fields")
    pools: list[Lookup | None] = [*members, applicant, head]
    out: dict[str, object] = {}
    for field in fields:
        key, raw_path = _key(field), field.get("prefill")
        if field.get("type") == "member" and key in chosen:
            out[key] = chosen[key]
            continue
        value: object = _applicant_role(field, applicant, out)
        if not is_empty(value) and (field.get("type") != "select"
                                    or value in _option_values(field)):
            out[key] = value
            continue
        if not isinstance(raw_path, str):
            continue
        path = parse_prefill(raw_path)
        value = None
        if path.source == "household":
            value = household.get(path.attr) if household is not None else None
        else:
            person: Lookup | None
            if path.source == "applicant":
                person = applicant
            elif path.source == "head":
                person = head
            elif path.source == "relation":
                person = next((m for m in members if m.get("relationship") == path.selector),
                              None)
            elif path.source == "couple":
                person = couple_member(str(path.selector), head, members)
            else:
                person = _member_by_id(out.get(str(path.selector)), pools)
            value = person.get(path.attr) if person is not None else None
        if is_empty(value):
            continue
        if field.get("type") == "select" and value not in _option_values(field):
            continue
        out[key] = value
    return out


def field_rules(schema_fields: Sequence[Mapping[str, object]]) -> dict[str, MergeRule]:
    """MRR1: merge rule of each top-level field (``lww`` when unset).

    A repeat field merges as one value; its sub-fields carry no rule of their own.
    """
    out: dict[str, MergeRule] = {}
    for field in _fields(schema_fields, "fields"):
        rule = field.get("merge", "lww")
        if rule == "identity" or rule == "lww" or rule == "server":
            out[_key(field)] = rule
        else:
            raise FormError(f"{_key(field)}.merge: quy tắc không hợp lệ / unknown rule {rule!r}")
    return out


# --- sections (steps of the form) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionView:
    """What one step of the wizard shows (SEC2): visible fields split into the ones left to
    type and the ones whose prefilled value stands; ``issues`` counts their problems."""

    key: str
    visible: tuple[str, ...]
    to_type: tuple[str, ...]
    prefilled: tuple[str, ...]
    issues: int


def form_sections(schema_fields: Sequence[Mapping[str, object]],
                  sections: object) -> list[tuple[str, tuple[str, ...]]]:
    """SEC1: the steps of a form as ``(key, field keys)``.

    Without ``sections`` (``None``) the form is one step named ``form``. Otherwise every
    section names a non-empty list of top-level keys and, read in order, the sections list
    every top-level field exactly once in schema order (a condition never looks ahead to a
    later step). Anything else raises :class:`FormError`.
    """
    keys = [_key(f) for f in _fields(schema_fields, "fields")]
    if sections is None:
        return [("form", tuple(keys))]
    if not isinstance(sections, list) or not sections:
        raise FormError("sections: phải là danh sách không rỗng / must be a non-empty list")
    out: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for index, section in enumerate(sections):
        where = f"sections[{index}]"
        key = section.get("key") if isinstance(section, Mapping) else None
        names = section.get("fields") if isinstance(section, Mapping) else None
        if not isinstance(key, str) or not re.fullmatch(_KEY_RE, key) or key in seen:
            raise FormError(f"{where}.key: thiếu, sai dạng hoặc trùng / missing, malformed "
                            f"or duplicate key")
        if not isinstance(names, list) or not names \
                or not all(isinstance(n, str) for n in names):
            raise FormError(f"{where}.fields: danh sách khóa không rỗng / a non-empty list "
                            f"of keys")
        seen.add(key)
        out.append((key, tuple(str(n) for n in names)))
    listed = [name for _, names in out for name in names]
    if listed != keys:
        missing = [k for k in keys if k not in listed]
        raise FormError(
            "sections: phải liệt kê mọi trường đúng một lần theo thứ tự biểu mẫu / must list "
            f"every field once, in form order (missing {missing}, listed {listed})")
    return out


def _root_key(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def section_views(schema_fields: Sequence[Mapping[str, object]], sections: object,
                  data: Lookup, prefill: Lookup, *, today: date,
                  member_ids: Collection[str] | None = None) -> list[SectionView]:
    """SEC2: the steps to show for ``data``, skipping steps with no visible field.

    A visible field counts as *prefilled* when ``prefill`` has its key, the value in ``data``
    is that same JSON value and validation finds no issue at or under its path; every other
    visible field is *to type*. ``issues`` counts validation issues of the step's fields.
    """
    fields = _fields(schema_fields, "fields")
    steps = form_sections(fields, sections)
    cleaned = clean_form(fields, data)
    visible = set(visible_fields(fields, cleaned))
    issue_count: dict[str, int] = {}
    for found in validate_form(fields, cleaned, today=today, member_ids=member_ids):
        root = _root_key(found.path)
        issue_count[root] = issue_count.get(root, 0) + 1
    out: list[SectionView] = []
    for key, names in steps:
        shown = tuple(n for n in names if n in visible)
        if not shown:
            continue
        ready = tuple(n for n in shown if n in prefill and n in cleaned and n not in issue_count
                      and _json_same(cleaned[n], prefill[n]))
        out.append(SectionView(key, shown, tuple(n for n in shown if n not in ready), ready,
                               sum(issue_count.get(n, 0) for n in shown)))
    return out


def _json_same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_json_same(a[k], b[k]) for k in a)
    return _same(a, b)
