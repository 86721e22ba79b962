"""Runs sync/vectors/forms.json against the Python core (the TS twin runs the same file)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync.forms import (
    FormError,
    clean_form,
    field_rules,
    form_sections,
    parse_prefill,
    resolve_prefill,
    section_views,
    validate_form,
    visible_fields,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "sync" / "vectors" / "forms.json"
SPEC = ROOT / "sync" / "SPEC-forms.md"
DOC: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DOC["cases"]


def _run(case: dict[str, Any]) -> object:
    kind = case["kind"]
    if kind == "validate":
        issues = validate_form(case["schema"], case["data"],
                               today=date.fromisoformat(case["today"]),
                               member_ids=case.get("member_ids"))
        return [{"path": i.path, "code": i.code} for i in issues]
    if kind == "visible":
        return visible_fields(case["schema"], case["data"], case.get("root"))
    if kind == "clean":
        return clean_form(case["schema"], case["data"])
    if kind == "prefill":
        return resolve_prefill(case["schema"], case["applicant"], case["head"],
                               case["household"], case["members"], case["chosen"])
    if kind == "merge_rules":
        return field_rules(case["schema"])
    if kind == "prefill_path":
        try:
            path = parse_prefill(case["path"])
        except FormError as exc:
            return {"error": exc.code}
        return {"source": path.source, "selector": path.selector, "attr": path.attr}
    if kind == "sections":
        try:
            steps = form_sections(case["schema"], case["sections"])
        except FormError as exc:
            return {"error": exc.code}
        return [{"key": key, "fields": list(names)} for key, names in steps]
    if kind == "section_views":
        views = section_views(case["schema"], case["sections"], case["data"], case["prefill"],
                              today=date.fromisoformat(case["today"]),
                              member_ids=case.get("member_ids"))
        return [{"key": v.key, "visible": list(v.visible), "to_type": list(v.to_type),
                 "prefilled": list(v.prefilled), "issues": v.issues} for v in views]
    raise AssertionError(f"unknown case kind {kind!r}")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_forms_vector(case: dict[str, Any]) -> None:
    assert _run(case) == case["expected"], case["comment"]


def test_vector_ids_are_unique_and_cite_rules_that_the_spec_defines() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    defined = set(re.findall(r"\*\*([A-Z]{3}[0-9]+)\*\*", SPEC.read_text(encoding="utf-8")))
    cited = {c["rule"] for c in CASES}
    assert cited <= defined, cited - defined
    assert defined <= cited, f"rules without a vector: {sorted(defined - cited)}"


def test_vectors_contain_no_floats() -> None:
    def reject(text: str) -> Any:
        raise AssertionError(f"float in vectors: {text}")

    json.loads(VECTORS.read_text(encoding="utf-8"), parse_float=reject)


# Cases JSON vectors cannot carry (no floats in vectors) or that concern Python callers only.

def test_float_number_is_not_integer() -> None:
    schema = [{"key": "n", "type": "number"}]
    issues = validate_form(schema, {"n": 2.5}, today=date(2025, 7, 15))
    assert [(i.path, i.code) for i in issues] == [("n", "not_integer")]


def test_issue_messages_are_vietnamese_then_english() -> None:
    schema = [{"key": "n", "type": "number", "rules": {"min": 3}}]
    [issue] = validate_form(schema, {"n": 1}, today=date(2025, 7, 15))
    assert issue.message_vi == "Không được nhỏ hơn 3"
    assert issue.message_en == "Must be at least 3"
    assert issue.message == "Không được nhỏ hơn 3 / Must be at least 3"


def test_pattern_message_from_schema_replaces_the_generic_one() -> None:
    schema = [{"key": "c", "type": "text", "rules": {
        "pattern": "[0-9]{4}", "pattern_message": {"vi": "Bốn chữ số", "en": "Four digits"}}}]
    [issue] = validate_form(schema, {"c": "12"}, today=date(2025, 7, 15))
    assert (issue.code, issue.message_vi, issue.message_en) == ("pattern", "Bốn chữ số",
                                                                "Four digits")


def test_malformed_schema_raises_form_error_not_an_issue() -> None:
    with pytest.raises(FormError) as caught:
        validate_form([{"key": "d", "type": "date", "rules": {"max": "tomorrow"}}],
                      {"d": "2025-01-01"}, today=date(2025, 7, 15))
    assert caught.value.code == "bad_form_schema"
    with pytest.raises(FormError) as bad_path:
        resolve_prefill([{"key": "x", "type": "text", "prefill": "neighbour.full_name"}],
                        None, None, None, [], {})
    assert bad_path.value.code == "bad_prefill"
