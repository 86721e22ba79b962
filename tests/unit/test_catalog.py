"""The catalogue loader accepts the real catalogue and names file and field of any breakage."""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backend.catalog import (
    DEFAULT_DIRECTORY,
    CatalogError,
    ProcedureNotFound,
    load_catalog,
)
from sync.forms import clean_form, resolve_prefill, validate_form

REQUIRED_CODES = {
    "khai-sinh", "khai-tu", "ket-hon", "xac-nhan-tthn", "thuong-tru", "trich-luc-ho-tich",
    "ho-kinh-doanh", "tro-cap-xa-hoi",
}
BIRTH: dict[str, Any] = json.loads(
    (DEFAULT_DIRECTORY / "khai-sinh.v1.json").read_text(encoding="utf-8"))


def _field_index(doc: dict[str, Any], key: str) -> int:
    return next(i for i, f in enumerate(doc["form"]["fields"]) if f["key"] == key)


def _write(directory: Path, doc: dict[str, Any], name: str | None = None) -> Path:
    path = directory / (name or f"{doc['code']}.v{doc['version']}.json")
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> CatalogError:
    doc = copy.deepcopy(BIRTH)
    change(doc)
    _write(tmp_path, doc)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    return caught.value


# --- the real catalogue ------------------------------------------------------------------------


def test_real_catalogue_loads_with_every_required_commune_procedure() -> None:
    catalog = load_catalog()
    codes = {p.code for p in catalog.latest()}
    assert codes >= REQUIRED_CODES
    for procedure in catalog.all():
        assert procedure.level == "commune"
        assert procedure.processing_days >= 1
        assert unicodedata.is_normalized("NFC", procedure.name.vi)


def test_birth_registration_is_mostly_prefilled_from_household_data() -> None:
    procedure = load_catalog().get("khai-sinh")
    schema = procedure.form_schema()
    head = {"id": "11111111-1111-4111-8111-111111111111", "full_name": "Lò Văn Pọm",
            "date_of_birth": "1990-02-03", "sex": "male", "cccd": "012090001234",
            "phone": "0912345678", "ethnicity": "Thái", "relationship": "chu_ho"}
    wife = {"id": "22222222-2222-4222-8222-222222222222", "full_name": "Lò Thị Ín",
            "date_of_birth": "1993-05-06", "sex": "female", "cccd": "012193001234",
            "ethnicity": "Thái", "relationship": "vo"}
    household = {"address": "Bản Nà Phạ, xã Pu Sam Cáp, tỉnh Lai Châu", "village_name": "Nà Phạ",
                 "commune_name": "Pu Sam Cáp", "province_name": "Lai Châu",
                 "head_name": "Lò Văn Pọm"}
    prefilled = resolve_prefill(schema, head, head, household, [head, wife], {})
    assert prefilled["mother_full_name"] == "Lò Thị Ín"
    assert prefilled["father_full_name"] == "Lò Văn Pọm"
    assert prefilled["mother_residence"] == household["address"]
    typed = {"child_full_name": "Lò Văn Khoa", "child_sex": "male",
             "child_date_of_birth": "2025-07-01", "child_place_of_birth_kind": "tai_nha",
             "father_known": "co", "requester_relationship": "cha"}
    data = clean_form(schema, {**prefilled, **typed})
    assert validate_form(schema, data, today=date(2025, 7, 10),
                         member_ids={head["id"], wife["id"]}) == []
    # The volunteer typed 6 values; everything else came from the household.
    assert len(data) - len(typed) >= 2 * len(typed)


def test_birth_registration_in_a_household_headed_by_a_woman() -> None:
    """The mother heads the household: she is still prefilled as the mother, her husband as the
    father, and choosing her as the applicant sets the relationship to Mẹ (PRE6, PRE7)."""
    procedure = load_catalog().get("khai-sinh")
    schema = procedure.form_schema()
    mai = {"id": "33333333-3333-4333-8333-333333333333", "full_name": "Lò Thị Mai",
           "date_of_birth": "1994-12-08", "sex": "female", "cccd": "011194001234",
           "phone": "0987654321", "ethnicity": "Thái", "relationship": "chu_ho"}
    panh = {"id": "44444444-4444-4444-8444-444444444444", "full_name": "Lường Văn Panh",
            "date_of_birth": "1991-05-20", "sex": "male", "ethnicity": "Thái",
            "relationship": "chong"}
    prefilled = resolve_prefill(schema, mai, mai, {"address": "Bản Nà Phạ"}, [mai, panh], {})
    assert prefilled["mother_member"] == mai["id"]
    assert prefilled["mother_full_name"] == "Lò Thị Mai"
    assert prefilled["father_member"] == panh["id"]
    assert prefilled["requester_relationship"] == "me"
    assert prefilled["requester_phone"] == "0987654321"


def test_birth_registration_steps_cover_the_form_in_order() -> None:
    procedure = load_catalog().get("khai-sinh")
    assert procedure.form.sections is not None
    listed = [key for section in procedure.form.sections for key in section.fields]
    assert listed == [f.key for f in procedure.form.fields]
    assert procedure.applicant_min_age == 16


def test_sections_that_skip_a_field_are_named(tmp_path: Path) -> None:
    def drop(doc: dict[str, Any]) -> None:
        doc["form"]["sections"][0]["fields"].pop()

    err = _broken(tmp_path, drop)
    assert err.path == "form.sections"


def test_sections_out_of_form_order_are_named(tmp_path: Path) -> None:
    def swap(doc: dict[str, Any]) -> None:
        first = doc["form"]["sections"][0]["fields"]
        first[0], first[1] = first[1], first[0]

    assert _broken(tmp_path, swap).path == "form.sections"


def test_section_without_title_is_named(tmp_path: Path) -> None:
    err = _broken(tmp_path, lambda doc: doc["form"]["sections"][1].pop("title"))
    assert err.path == "form.sections[1].title"


def test_applicant_role_must_name_an_earlier_member_field(tmp_path: Path) -> None:
    def bad(doc: dict[str, Any]) -> None:
        i = _field_index(doc, "requester_relationship")
        doc["form"]["fields"][i]["applicant_role"][0]["field"] = "child_full_name"

    err = _broken(tmp_path, bad)
    i = _field_index(BIRTH, "requester_relationship")
    assert err.path == f"form.fields[{i}].applicant_role[0].field"


def test_applicant_role_value_must_be_an_option(tmp_path: Path) -> None:
    def bad(doc: dict[str, Any]) -> None:
        i = _field_index(doc, "requester_relationship")
        doc["form"]["fields"][i]["applicant_role"][1]["value"] = "bo"

    err = _broken(tmp_path, bad)
    assert err.path.endswith("applicant_role[1].value")


def test_couple_prefill_with_an_unknown_sex_is_refused(tmp_path: Path) -> None:
    def bad(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][_field_index(doc, "mother_member")]["prefill"] = "couple:x.id"

    assert _broken(tmp_path, bad).path.endswith(".prefill")


def test_get_returns_latest_version_unless_pinned(tmp_path: Path) -> None:
    v2 = copy.deepcopy(BIRTH)
    v2["version"] = 2
    v2["processing_days"] = 2
    _write(tmp_path, BIRTH)
    _write(tmp_path, v2)
    catalog = load_catalog(tmp_path)
    assert catalog.get("khai-sinh").version == 2
    assert catalog.get("khai-sinh", 1).processing_days == 1
    assert [p.version for p in catalog.latest()] == [2]
    assert [(p.code, p.version) for p in catalog.all()] == [("khai-sinh", 1), ("khai-sinh", 2)]
    with pytest.raises(ProcedureNotFound):
        catalog.get("khai-sinh", 3)
    with pytest.raises(ProcedureNotFound):
        catalog.get("no-such-thing")


# --- each kind of breakage names the file and the field ---------------------------------------


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "khai-sinh.v1.json").write_text('{"format": 1,,}', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert str(caught.value).startswith("khai-sinh.v1.json: line 1 column 14: JSON không hợp lệ")


def test_missing_required_key_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["form"]["fields"][0].pop("label"))
    assert str(error) == ("khai-sinh.v1.json: form.fields[0].label: "
                          "thiếu trường bắt buộc / field required")


def test_wrong_type_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d.__setitem__("processing_days", "1"))
    assert (error.file, error.path) == ("khai-sinh.v1.json", "processing_days")


def test_unknown_field_type_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["form"]["fields"][2].__setitem__("type", "datetime"))
    assert (error.file, error.path) == ("khai-sinh.v1.json", "form.fields[2].type")


def test_misspelt_key_is_refused(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["form"]["fields"][0].__setitem__("requird", True))
    assert error.path == "form.fields[0].requird"
    assert "unknown key" in str(error)


def test_float_is_refused(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["fee"].__setitem__("amount_vnd", 0.5))
    assert (error.file, error.path) == ("khai-sinh.v1.json", "fee.amount_vnd")
    assert "floats are not allowed" in str(error)


def test_show_if_on_unknown_field_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][3]["show_if"] = {"field": "x", "op": "equals", "value": "a"}

    error = _broken(tmp_path, change)
    assert str(error) == ("khai-sinh.v1.json: form.fields[3].show_if.field: 'x' không tồn tại "
                          "(phải khai báo trước) / unknown field 'x' (must be declared earlier)")


def test_show_if_inside_all_on_a_later_field_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][1]["show_if"] = {
            "all": [{"field": "child_full_name", "op": "filled"},
                    {"field": "father_known", "op": "equals", "value": "co"}]}

    error = _broken(tmp_path, change)
    assert error.path == "form.fields[1].show_if.all[1].field"


def test_show_if_value_must_be_an_option(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        index = _field_index(doc, "father_member")
        doc["form"]["fields"][index]["show_if"]["value"] = "yes"

    error = _broken(tmp_path, change)
    assert error.path.endswith(".show_if.value")
    assert "'yes'" in str(error)


def test_bad_prefill_path_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][_field_index(doc, "mother_residence")]["prefill"] = \
            "household.street"

    error = _broken(tmp_path, change)
    index = _field_index(BIRTH, "mother_residence")
    assert error.path == f"form.fields[{index}].prefill"
    assert "street" in str(error)


def test_prefill_from_a_non_member_field_is_refused(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][_field_index(doc, "mother_full_name")]["prefill"] = \
            "field:child_full_name.full_name"

    error = _broken(tmp_path, change)
    assert "must be a member field declared earlier" in str(error)


def test_identity_attribute_prefill_requires_identity_merge(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][_field_index(doc, "mother_full_name")]["merge"] = "lww"

    error = _broken(tmp_path, change)
    assert error.path.endswith(".merge")


def test_duplicate_field_key_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][4]["key"] = doc["form"]["fields"][0]["key"]

    error = _broken(tmp_path, change)
    assert str(error).startswith("khai-sinh.v1.json: form.fields[4].key: khóa 'child_full_name'")


def test_duplicate_json_object_key_is_refused(tmp_path: Path) -> None:
    text = json.dumps(BIRTH, ensure_ascii=False).replace('"level": "commune"',
                                                         '"level": "commune", "level": "province"')
    (tmp_path / "khai-sinh.v1.json").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert "duplicate key 'level'" in str(caught.value)


def test_non_nfc_label_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][2]["label"]["vi"] = unicodedata.normalize("NFD", "Ngày sinh")

    error = _broken(tmp_path, change)
    assert error.path == "form.fields[2].label.vi"
    assert "NFC" in str(error)


def test_blank_label_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["form"]["fields"][2]["label"].__setitem__("en", " "))
    assert error.path == "form.fields[2].label.en"


def test_file_name_must_match_code_and_version(tmp_path: Path) -> None:
    _write(tmp_path, BIRTH, name="khai-sinh.v2.json")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert str(caught.value).startswith(
        "khai-sinh.v2.json: code: tên tệp phải là khai-sinh.v1.json")


def test_file_name_without_version_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, BIRTH, name="khai-sinh.json")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    assert caught.value.file == "khai-sinh.json"


def test_select_without_options_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["form"]["fields"][1].pop("options"))
    assert error.path == "form.fields[1].options"


def test_rule_not_fitting_the_type_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path, lambda d: d["form"]["fields"][0]["rules"].__setitem__("min", 1))
    assert error.path == "form.fields[0].rules.min"


def test_non_portable_regex_escape_is_refused(tmp_path: Path) -> None:
    error = _broken(tmp_path,
                    lambda d: d["form"]["fields"][0]["rules"].__setitem__("pattern", r"\w+"))
    assert error.path == "form.fields[0].rules.pattern"


def test_bad_date_bound_is_named(tmp_path: Path) -> None:
    error = _broken(tmp_path,
                    lambda d: d["form"]["fields"][2]["rules"].__setitem__("max", "tomorrow"))
    assert error.path == "form.fields[2].rules.max"


def test_cccd_field_must_merge_as_identity(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][_field_index(doc, "requester_cccd")]["merge"] = "lww"

    error = _broken(tmp_path, change)
    assert "identity" in str(error)


def test_duplicate_component_code_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["components"][1]["code"] = doc["components"][0]["code"]

    error = _broken(tmp_path, change)
    assert error.path == "components[1].code"


# --- the result section (issue 11) -----------------------------------------------------------


def test_result_contact_phone_must_name_a_phone_field(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["result"]["contact_phone"] = "child_full_name"

    err = _broken(tmp_path, change)
    assert err.path == "result.contact_phone"


def test_result_line_from_an_unknown_form_field_is_named(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["result"]["document"]["sections"][0]["fields"][0]["value"] = ["form:nope"]

    err = _broken(tmp_path, change)
    assert err.path == "result.document.sections[0].fields[0].value[0]"


def test_result_line_keys_are_unique_and_sources_well_formed(tmp_path: Path) -> None:
    def duplicate(doc: dict[str, Any]) -> None:
        fields = doc["result"]["document"]["sections"][0]["fields"]
        fields[1]["key"] = fields[0]["key"]

    assert _broken(tmp_path, duplicate).path.endswith("fields[1].key")

    def bad_source(doc: dict[str, Any]) -> None:
        doc["result"]["document"]["sections"][0]["fields"][0]["value"] = ["phone:x"]

    assert _broken(tmp_path, bad_source).path.startswith("result.document.sections[0]")


def test_real_templates_exist_for_the_four_papers() -> None:
    catalog = load_catalog()
    templates = {p.code: p.result.document.template for p in catalog.latest()
                 if p.result and p.result.document}
    assert templates == {"khai-sinh": "extract", "khai-tu": "extract",
                         "xac-nhan-tthn": "certificate", "thuong-tru": "confirmation"}
    assert all(p.result and p.result.contact_phone for p in catalog.latest())


def test_a_field_saved_back_to_a_member_must_fit_the_member_rule(tmp_path: Path) -> None:
    """Issue 9: the form allowed an ethnicity of 50, the member rule 40 (sync/records.py)."""
    def change(doc: dict[str, Any]) -> None:
        doc["form"]["fields"][_field_index(doc, "mother_ethnicity")]["rules"]["max_length"] = 41

    error = _broken(tmp_path, change)
    assert error.path.endswith("mother_ethnicity.rules.max_length") or \
        error.path.endswith(".rules.max_length")
    assert "≤ 40" in str(error)


def test_a_field_saved_back_to_a_household_needs_a_limit(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["form"]["fields"][_field_index(doc, "mother_residence")]["rules"]

    assert "≤ 300" in str(_broken(tmp_path, change))
