"""Every JSON answer of the OpenAPI document is a named shape (docs/adr/0014): a handler that
went back to `dict[str, Any]` would show as a bare object here, and the PWA's generated types
(pwa/src/api/wire.gen.ts) would lose it."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from backend.lib.wire import UNSET, Number, Out, UnsetType, to_wire
from backend.openapi_dump import openapi_document

# Not JSON documents: files served under a JSON-looking declaration, and one path that answers
# the result as JSON or, with `.pdf`, its file.
NOT_JSON = {
    ("get", "/api/privacy/breaches/{breach_id}/notice"),
    ("get", "/api/privacy/people/{member_id}/summary.pdf"),
    ("get", "/api/province/{province_id}/reports/{month}/{fmt}"),
    ("get", "/api/results/{name}"),
}


def _named(schema: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _named(schema.get("items", {}))
    if "oneOf" in schema:
        return all(_named(s) for s in schema["oneOf"])
    return False


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def test_every_json_answer_is_a_named_shape(document: dict[str, Any]) -> None:
    loose = []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for status, answer in op.get("responses", {}).items():
                media = answer.get("content", {}).get("application/json")
                if (status.startswith("2") and media and (method, path) not in NOT_JSON
                        and not _named(media["schema"])):
                    loose.append(f"{method.upper()} {path} {status}")
    assert loose == []


def test_push_and_pull_are_typed(document: dict[str, Any]) -> None:
    push = document["paths"]["/api/sync/push"]["post"]["responses"]["200"]
    refs = {s["$ref"] for s in push["content"]["application/json"]["schema"]["oneOf"]}
    assert refs == {"#/components/schemas/PushOut", "#/components/schemas/PushOutV2"}
    pull = document["paths"]["/api/sync/pull"]["get"]["responses"]["200"]
    assert pull["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PullOut"}
    schemas = document["components"]["schemas"]
    assert schemas["PushOut"]["properties"]["protocol"]["const"] == 1
    assert "reset" not in schemas["PullOut"]["required"]
    # a figure that may be whole is a number, never a oneOf a whole number matches twice
    assert schemas["Summary" if "Summary" in schemas else "WeekRow"]["properties"]["points"] == {
        "type": "number"}


class _Shape(Out):
    n: Number
    note: str | UnsetType = UNSET


def test_to_wire_keeps_absent_keys_absent_and_whole_numbers_whole() -> None:
    assert msgspec.json.encode(to_wire({"n": 3}, _Shape)) == b'{"n":3}'
    assert msgspec.json.encode(to_wire({"n": 2.5, "note": "x"}, _Shape)) == b'{"n":2.5,"note":"x"}'


def test_to_wire_refuses_a_key_the_shape_does_not_declare() -> None:
    with pytest.raises(msgspec.ValidationError, match="unknown field `extra`"):
        to_wire({"n": 1, "extra": True}, _Shape)
