"""Load and check the procedure catalogue (one JSON file per procedure version).

``load_catalog`` reads every ``*.json`` in a directory, validates it with the pydantic models
of :mod:`backend.catalog.model`, then runs the cross-checks the models cannot express. Any
problem raises :class:`CatalogError` naming the file and the field path, e.g.::

    khai-sinh.v1.json: form.fields[3].show_if.field: 'x' không tồn tại / unknown field 'x'

The loader reads files and nothing else; ``default_catalog()`` caches the packaged catalogue.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backend.catalog.model import CONDITION_TAGS, FormField, Procedure
from sync.forms import FormError, condition_fields, form_sections, parse_prefill
from sync.records import HOUSEHOLD_FIELDS, MEMBER_FIELDS, max_length

DEFAULT_DIRECTORY = Path(__file__).parent / "procedures"
_FILE_NAME = re.compile(r"(?P<code>[a-z0-9-]+)\.v(?P<version>[1-9][0-9]*)\.json")
# Pydantic names union branches in error locations; they are not part of the field path.
_UNION_BRANCH = re.compile(r"^(int|str|bool|none|list\[.*\]|function-.*)$")

# Which rules each field type may carry.
_ALLOWED_RULES: dict[str, frozenset[str]] = {
    "text": frozenset({"min_length", "max_length", "pattern", "pattern_message"}),
    "number": frozenset({"min", "max", "integer"}),
    "date": frozenset({"min", "max"}),
}
# Field types a member / household attribute may prefill.
_PREFILL_TARGETS: dict[str, frozenset[str]] = {
    "id": frozenset({"member"}),
    "full_name": frozenset({"text"}),
    "date_of_birth": frozenset({"date"}),
    "sex": frozenset({"select"}),
    "cccd": frozenset({"cccd"}),
    "phone": frozenset({"phone"}),
    "ethnicity": frozenset({"text", "select"}),
    "relationship": frozenset({"select", "text"}),
}
_IDENTITY_ATTRS = frozenset({"full_name", "date_of_birth", "sex", "cccd"})
# Python's \d \w \s \b match non-ASCII characters, JavaScript's do not: patterns must spell
# out their classes so both implementations agree.
_NON_PORTABLE_ESCAPE = re.compile(r"\\[dDwWsSbB]")


class CatalogError(Exception):
    """A catalogue file is broken. ``file`` and ``path`` locate the problem."""

    code = "catalog_invalid"

    def __init__(self, file: str, path: str, vi: str, en: str) -> None:
        self.file, self.path, self.message_vi, self.message_en = file, path, vi, en
        where = f"{file}: {path}: " if path else f"{file}: "
        super().__init__(f"{where}{vi} / {en}")


class ProcedureNotFound(LookupError):
    code = "procedure_not_found"


@dataclass(frozen=True)
class Catalog:
    """All procedure versions, by (code, version)."""

    procedures: dict[tuple[str, int], Procedure] = field(default_factory=dict)

    def get(self, code: str, version: int | None = None) -> Procedure:
        """The pinned version, or the latest one when ``version`` is None."""
        if version is None:
            versions = [v for (c, v) in self.procedures if c == code]
            if not versions:
                raise ProcedureNotFound(f"{code}: không có thủ tục / no such procedure")
            version = max(versions)
        found = self.procedures.get((code, version))
        if found is None:
            raise ProcedureNotFound(f"{code} v{version}: không có thủ tục / no such procedure")
        return found

    def latest(self) -> list[Procedure]:
        """The newest version of every procedure, sorted by code."""
        return [self.get(code) for code in sorted({c for (c, _) in self.procedures})]

    def all(self) -> list[Procedure]:
        """Every version of every procedure, sorted by (code, version)."""
        return [self.procedures[k] for k in sorted(self.procedures)]


def load_catalog(directory: Path | str = DEFAULT_DIRECTORY) -> Catalog:
    """Load and check every ``*.json`` file in ``directory``; raise on the first broken one."""
    procedures: dict[tuple[str, int], Procedure] = {}
    for path in sorted(Path(directory).glob("*.json")):
        procedure = load_procedure_file(path)
        procedures[(procedure.code, procedure.version)] = procedure
    return Catalog(procedures)


@lru_cache(maxsize=8)
def default_catalog(directory: str = str(DEFAULT_DIRECTORY)) -> Catalog:
    """The catalogue of ``directory``, loaded once per process."""
    return load_catalog(directory)


def load_procedure_file(path: Path) -> Procedure:
    name = path.name
    match = _FILE_NAME.fullmatch(name)
    if match is None:
        raise CatalogError(name, "", "tên tệp phải là <mã>.v<phiên bản>.json",
                           "file name must be <code>.v<version>.json")
    raw = _read_json(path)
    _check_values(name, raw, "")
    try:
        procedure = Procedure.model_validate(raw)
    except ValidationError as exc:
        raise _from_validation_error(name, exc) from None
    if procedure.code != match["code"] or procedure.version != int(match["version"]):
        raise CatalogError(
            name, "code", f"tên tệp phải là {procedure.code}.v{procedure.version}.json",
            f"file name must be {procedure.code}.v{procedure.version}.json")
    _check_procedure(name, procedure)
    return procedure


# --- reading ---------------------------------------------------------------------------------


class _Float(str):
    """A JSON number with a fraction or exponent, kept so the walk can name its path."""


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(path.name, "", "tệp không phải UTF-8", f"not UTF-8: {exc}") from None
    try:
        return json.loads(text, parse_float=_Float, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise CatalogError(path.name, f"line {exc.lineno} column {exc.colno}",
                           "JSON không hợp lệ", f"invalid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        raise CatalogError(path.name, "", f"khóa '{exc.key}' lặp lại trong một đối tượng",
                           f"duplicate key '{exc.key}' in one object") from None


def _check_values(name: str, raw: Any, where: str) -> None:
    """Every string NFC, no floats (signed data carries integers only)."""
    if isinstance(raw, _Float):
        raise CatalogError(name, where or "(root)", f"số thực {raw} không được phép",
                           f"floats are not allowed ({raw}); use whole đồng / m²")
    if isinstance(raw, str):
        if unicodedata.normalize("NFC", raw) != raw:
            raise CatalogError(name, where or "(root)", "chuỗi không ở dạng NFC",
                               "text is not NFC")
    elif isinstance(raw, dict):
        for key, value in raw.items():
            _check_values(name, value, f"{where}.{key}" if where else key)
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            _check_values(name, value, f"{where}[{index}]")


def _loc_to_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in CONDITION_TAGS or _UNION_BRANCH.match(part):
            continue
        else:
            out += f".{part}" if out else part
    return out


def _from_validation_error(name: str, exc: ValidationError) -> CatalogError:
    error = exc.errors()[0]
    path = _loc_to_path(error["loc"])
    kind = error["type"]
    if kind == "missing":
        return CatalogError(name, path, "thiếu trường bắt buộc", "field required")
    if kind == "extra_forbidden":
        return CatalogError(name, path, "khóa không được phép", "unknown key")
    return CatalogError(name, path, "giá trị không hợp lệ", str(error["msg"]))


# --- cross-checks ----------------------------------------------------------------------------


def _check_procedure(name: str, procedure: Procedure) -> None:
    seen: set[str] = set()
    for index, component in enumerate(procedure.components):
        if component.code in seen:
            raise CatalogError(name, f"components[{index}].code",
                               f"mã '{component.code}' bị trùng",
                               f"duplicate component code '{component.code}'")
        seen.add(component.code)
    _check_level(name, procedure.form.fields, "form.fields", outer={})
    if procedure.form.sections is not None:
        raw = procedure.form.model_dump(mode="json", exclude_none=True)
        try:
            form_sections(raw["fields"], raw["sections"])
        except FormError as exc:
            raise _err(name, "form.sections",
                       "các bước phải liệt kê mọi trường đúng một lần, theo thứ tự biểu mẫu",
                       exc.message) from None
    _check_result(name, procedure)


def _check_result(name: str, procedure: Procedure) -> None:
    """The result section names top-level form fields: a phone field for the contact phone,
    and any non-repeat field as a printed value."""
    if procedure.result is None:
        return
    top = {f.key: f for f in procedure.form.fields}
    phone_key = procedure.result.contact_phone
    if phone_key is not None and (phone_key not in top or top[phone_key].type != "phone"):
        raise _err(name, "result.contact_phone", f"'{phone_key}' phải là trường phone",
                   f"'{phone_key}' must be a top-level phone field")
    document = procedure.result.document
    if document is None:
        return
    seen: set[str] = set()
    for s_index, section in enumerate(document.sections):
        for f_index, item in enumerate(section.fields):
            where = f"result.document.sections[{s_index}].fields[{f_index}]"
            if item.key in seen:
                raise _err(name, f"{where}.key", f"khóa '{item.key}' bị trùng",
                           f"duplicate key '{item.key}'")
            seen.add(item.key)
            for v_index, source in enumerate(item.value):
                kind, _, key = source.partition(":")
                if kind == "form" and (key not in top or top[key].type == "repeat"):
                    raise _err(name, f"{where}.value[{v_index}]",
                               f"'{key}' không phải trường của biểu mẫu",
                               f"'{key}' is not a top-level, non-repeat form field")


def _walk(fields: list[FormField], where: str) -> Iterator[tuple[str, FormField]]:
    for index, item in enumerate(fields):
        yield f"{where}[{index}]", item


def _check_level(name: str, fields: list[FormField], where: str,
                 outer: dict[str, FormField]) -> None:
    """Check one level; ``outer`` holds the top-level fields declared before this repeat."""
    earlier: dict[str, FormField] = {}
    nested = bool(outer) or where != "form.fields"
    for path, item in _walk(fields, where):
        if item.key in earlier:
            raise CatalogError(name, f"{path}.key", f"khóa '{item.key}' bị trùng",
                               f"duplicate key '{item.key}'")
        _check_shape(name, path, item, nested)
        if item.show_if is not None:
            _check_condition(name, path, item, earlier, outer)
        if item.prefill is not None:
            _check_prefill(name, path, item, earlier, nested)
        if item.applicant_role is not None:
            _check_applicant_role(name, path, item, earlier, nested)
        if item.type == "repeat":
            assert item.fields is not None  # _check_shape
            _check_level(name, item.fields, f"{path}.fields", {**outer, **earlier})
        earlier[item.key] = item


def _err(name: str, path: str, vi: str, en: str) -> CatalogError:
    return CatalogError(name, path, vi, en)


def _check_shape(name: str, path: str, item: FormField, nested: bool) -> None:
    if (item.options is not None) != (item.type == "select"):
        raise _err(name, f"{path}.options", "chỉ trường select có (và phải có) options",
                   "select fields must have options; other types must not")
    if item.options is not None:
        if not item.options:
            raise _err(name, f"{path}.options", "options trống", "options must not be empty")
        values = [o.value for o in item.options]
        if len(set(values)) != len(values):
            raise _err(name, f"{path}.options", "giá trị lựa chọn bị trùng",
                       "duplicate option value")
    is_repeat = item.type == "repeat"
    for attr in ("fields", "min_items", "max_items"):
        if getattr(item, attr) is not None and not is_repeat:
            raise _err(name, f"{path}.{attr}", "chỉ dùng cho repeat", "only for repeat fields")
    if is_repeat:
        if not item.fields:
            raise _err(name, f"{path}.fields", "repeat cần danh sách trường",
                       "repeat needs sub-fields")
        if nested:
            raise _err(name, f"{path}.type", "không hỗ trợ repeat lồng nhau",
                       "nested repeat is not supported")
        if item.min_items is not None and item.max_items is not None \
                and item.min_items > item.max_items:
            raise _err(name, f"{path}.min_items", "min_items lớn hơn max_items",
                       "min_items exceeds max_items")
    if nested and item.merge is not None:
        raise _err(name, f"{path}.merge", "trường trong repeat không có quy tắc hợp nhất riêng",
                   "fields inside a repeat merge with the repeat; no merge rule of their own")
    if item.type == "cccd" and not nested and item.merge_rule != "identity":
        raise _err(name, f"{path}.merge", "số CCCD phải dùng merge 'identity'",
                   "CCCD fields must use merge 'identity'")
    _check_rules(name, path, item)


def _check_rules(name: str, path: str, item: FormField) -> None:
    if item.rules is None:
        return
    used = {k for k, v in item.rules.model_dump().items() if v is not None}
    allowed = _ALLOWED_RULES.get(item.type, frozenset())
    extra = sorted(used - allowed)
    if extra:
        raise _err(name, f"{path}.rules.{extra[0]}",
                   f"luật không dùng được cho kiểu {item.type}",
                   f"rule not allowed for type {item.type}")
    rules, where = item.rules, f"{path}.rules"
    if rules.integer is False:
        raise _err(name, f"{where}.integer", "mọi số đều là số nguyên",
                   "all numbers are integers; integer must be true or absent")
    if item.type == "number":
        for key in ("min", "max"):
            if key in used and not isinstance(getattr(rules, key), int):
                raise _err(name, f"{where}.{key}", "phải là số nguyên", "must be an integer")
    if item.type == "date":
        for key in ("min", "max"):
            bound = getattr(rules, key)
            if key in used and not _is_date_bound(bound):
                raise _err(name, f"{where}.{key}", "phải là ngày YYYY-MM-DD hoặc 'today'",
                           "must be a YYYY-MM-DD date or 'today'")
    low, high = rules.min_length, rules.max_length
    if low is not None and high is not None and low > high:
        raise _err(name, f"{where}.min_length", "min_length lớn hơn max_length",
                   "min_length exceeds max_length")
    if rules.pattern_message is not None and rules.pattern is None:
        raise _err(name, f"{where}.pattern_message", "thiếu pattern",
                   "pattern_message without pattern")
    if rules.pattern is not None:
        if _NON_PORTABLE_ESCAPE.search(rules.pattern):
            raise _err(name, f"{where}.pattern", "dùng lớp ký tự tường minh, ví dụ [0-9]",
                       r"use explicit classes like [0-9] instead of \d \w \s \b")
        try:
            re.compile(rules.pattern)
        except re.error as exc:
            raise _err(name, f"{where}.pattern", "biểu thức chính quy không hợp lệ",
                       f"invalid regular expression: {exc}") from None


def _is_date_bound(bound: object) -> bool:
    if bound == "today":
        return True
    if not isinstance(bound, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", bound):
        return False
    try:
        date.fromisoformat(bound)
    except ValueError:
        return False
    return True


def _check_condition(name: str, path: str, item: FormField, earlier: dict[str, FormField],
                     outer: dict[str, FormField]) -> None:
    raw = item.model_dump(mode="json", exclude_none=True)["show_if"]
    _check_condition_node(name, f"{path}.show_if", raw, earlier, outer)
    if item.key in condition_fields(raw):
        raise _err(name, f"{path}.show_if.field", "điều kiện không được tham chiếu chính nó",
                   "a condition must not refer to its own field")


def _check_condition_node(name: str, where: str, node: dict[str, Any],
                          earlier: dict[str, FormField], outer: dict[str, FormField]) -> None:
    for combinator in ("all", "any"):
        if combinator in node:
            for index, part in enumerate(node[combinator]):
                _check_condition_node(name, f"{where}.{combinator}[{index}]", part, earlier,
                                      outer)
            return
    key, op = node["field"], node["op"]
    target = earlier.get(key) or outer.get(key)
    if target is None:
        raise _err(name, f"{where}.field",
                   f"'{key}' không tồn tại (phải khai báo trước)",
                   f"unknown field '{key}' (must be declared earlier)")
    value = node.get("value")
    if op in ("filled", "empty"):
        if "value" in node:
            raise _err(name, f"{where}.value", f"'{op}' không có value", f"'{op}' takes no value")
        return
    if "value" not in node:
        raise _err(name, f"{where}.value", "thiếu value", "value required")
    if target.type == "repeat":
        raise _err(name, f"{where}.op", "repeat chỉ dùng filled/empty",
                   "repeat fields only support filled/empty")
    values: list[Any] = value if isinstance(value, list) else [value]
    if (op == "in") != isinstance(value, list):
        raise _err(name, f"{where}.value", "'in' cần danh sách, phép khác cần một giá trị",
                   "'in' needs a list; other ops need a single value")
    for one in values:
        if target.type == "number" and not isinstance(one, int):
            raise _err(name, f"{where}.value", "phải là số nguyên", "must be an integer")
        if target.type != "number" and not isinstance(one, str):
            raise _err(name, f"{where}.value", "phải là chuỗi", "must be a string")
        if target.options is not None and one not in {o.value for o in target.options}:
            raise _err(name, f"{where}.value", f"'{one}' không phải lựa chọn của '{key}'",
                       f"'{one}' is not an option of '{key}'")


def _check_prefill(name: str, path: str, item: FormField, earlier: dict[str, FormField],
                   nested: bool) -> None:
    where = f"{path}.prefill"
    assert item.prefill is not None
    if nested:
        raise _err(name, where, "trường trong repeat không được điền sẵn",
                   "fields inside a repeat cannot be prefilled")
    if item.type == "repeat":
        raise _err(name, where, "repeat không được điền sẵn", "repeat fields cannot be prefilled")
    try:
        parsed = parse_prefill(item.prefill)
    except FormError as exc:
        raise _err(name, where, "đường dẫn điền sẵn không hợp lệ", exc.message) from None
    if parsed.source == "field":
        source = earlier.get(str(parsed.selector))
        if source is None or source.type != "member":
            raise _err(name, where, f"'{parsed.selector}' phải là trường member khai báo trước",
                       f"'{parsed.selector}' must be a member field declared earlier")
    targets = frozenset({"text"}) if parsed.source == "household" \
        else _PREFILL_TARGETS[parsed.attr]
    if item.type not in targets:
        raise _err(name, where, f"không điền '{parsed.attr}' vào trường kiểu {item.type}",
                   f"'{parsed.attr}' cannot prefill a {item.type} field")
    _check_saved_back_limit(name, path, item, parsed.source, parsed.attr)
    if parsed.source != "household" and parsed.attr in _IDENTITY_ATTRS \
            and item.merge_rule != "identity":
        raise _err(name, f"{path}.merge", "trường nhân thân phải dùng merge 'identity'",
                   "identity attributes (name, date of birth, sex, CCCD) need merge 'identity'")


def _check_saved_back_limit(name: str, path: str, item: FormField, source: str,
                            attr: str) -> None:
    """A value typed in a field that prefills from a member or household text field is saved
    back to that record: it must fit the record's own limit (SPEC-records REC1/REC3)."""
    record = HOUSEHOLD_FIELDS if source == "household" else MEMBER_FIELDS
    if item.type != "text" or attr not in {f["key"] for f in record if f["type"] == "text"}:
        return
    limit = max_length(record, attr)
    have = item.rules.max_length if item.rules is not None else None
    if have is None or have > limit:
        raise _err(name, f"{path}.rules.max_length",
                   f"trường điền sẵn từ '{attr}' phải có max_length ≤ {limit}",
                   f"a field prefilled from '{attr}' needs max_length ≤ {limit} "
                   "(the record's own limit, sync/records.py)")


def _check_applicant_role(name: str, path: str, item: FormField, earlier: dict[str, FormField],
                          nested: bool) -> None:
    where = f"{path}.applicant_role"
    if nested or item.options is None:
        raise _err(name, where, "chỉ dùng cho trường select ngoài repeat",
                   "only for select fields outside a repeat")
    options = {o.value for o in item.options}
    for index, role in enumerate(item.applicant_role or []):
        source = earlier.get(role.field)
        if source is None or source.type != "member":
            raise _err(name, f"{where}[{index}].field",
                       f"'{role.field}' phải là trường member khai báo trước",
                       f"'{role.field}' must be a member field declared earlier")
        if role.value not in options:
            raise _err(name, f"{where}[{index}].value",
                       f"'{role.value}' không phải lựa chọn của '{item.key}'",
                       f"'{role.value}' is not an option of '{item.key}'")
