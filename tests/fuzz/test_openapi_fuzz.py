"""Schema fuzzing: Schemathesis generates requests for every operation of the live server's
/schema/openapi.json — valid ones and ones that break the schema — as an officer, as a
volunteer and anonymously, on SQLite and on PostgreSQL.

Every answer must be below 500, carry a status code and content type the document declares
for that operation, and match the declared response schema. Generation is derandomized (the
same requests on every run) and bounded per operation (`EXAMPLES`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.live_server import LiveServer, live_server

# Examples per operation, role, database and mode: ~65 operations x 3 roles x 2 databases,
# a few minutes in CI. LANGSO_FUZZ_EXAMPLES raises the positive count (negative: half) for a
# deeper local run; LANGSO_FUZZ_ONLY (a regular expression) picks operations by label.
_POSITIVE = int(os.environ.get("LANGSO_FUZZ_EXAMPLES") or 10)
EXAMPLES = {GenerationMode.POSITIVE: _POSITIVE, GenerationMode.NEGATIVE: max(1, _POSITIVE // 2)}
ONLY = re.compile(os.environ.get("LANGSO_FUZZ_ONLY") or ".")
ROLES = ("officer", "volunteer", "anonymous")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class Session:
    """What a role sends: its bearer token, and a spare one that `logout` may revoke."""

    def __init__(self, server: LiveServer, role: str) -> None:
        self.headers: dict[str, str] = {}
        self.logout_headers: dict[str, str] = {}
        if role == "anonymous":
            return
        username = "officer" if role == "officer" else "volunteer1"
        self.headers = {"Authorization": f"Bearer {server.login(username)}"}
        self.logout_headers = {"Authorization": f"Bearer {server.login(username)}"}


def _known_ids(server: LiveServer, headers: dict[str, str]) -> dict[str, list[Any]]:
    """Ids of the demo commune, so that some generated requests reach past the look-up."""
    households = server.api("GET", "/api/households?page_size=5", headers=dict(headers)).json()
    household_ids = [h["id"] for h in households["items"]]
    detail = server.api("GET", f"/api/households/{household_ids[0]}", headers=dict(headers))
    procedures = server.api("GET", "/api/procedures", headers=dict(headers)).json()
    return {
        "household_id": household_ids,
        "member_id": [m["id"] for m in detail.json().get("members") or []][:5],
        "code": [p["code"] for p in procedures],
        "version": sorted({p["version"] for p in procedures}),
    }


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, dict[str, Session], dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with live_server(request.param, tmp) as server:
        # log every role in before any fuzzing: failed logins from the fuzzer count against
        # this client address (the login throttle) and would refuse later logins
        sessions = {role: Session(server, role) for role in ROLES}
        document = httpx.get(server.url + "/schema/openapi.json", timeout=30).json()
        document["x-known-ids"] = _known_ids(server, sessions["officer"].headers)
        yield server, sessions, document
        _print_server_errors(server)


def _print_server_errors(server: LiveServer) -> None:
    errors = [line for line in server.logs().splitlines() if "unhandled" in line]
    if errors:
        print(f"server log: {len(errors)} unhandled error(s):", *errors[:20], sep="\n  ")


def _operations(document: dict[str, Any]) -> list[Any]:
    schema = schemathesis.openapi.from_dict(document)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document is invalid: {result}"
        operations.append(result.ok())
    return operations


def _adjust(case: Any, known: dict[str, list[Any]], pick: int) -> None:
    """Half the cases get real ids in the path (deeper code paths). Bounded answers: the live
    feed streams for `max_seconds`; one second is enough here."""
    if pick % 2 == 0 and isinstance(case.path_parameters, dict):
        for name in case.path_parameters:
            if known.get(name):
                case.path_parameters[name] = known[name][pick // 2 % len(known[name])]
    if case.operation.path == "/api/live/dossiers":
        # A missing max_seconds streams for the default ten minutes: always bound it, but keep
        # the invalid values the negative mode generates (they must be refused, not streamed).
        query = case.query if isinstance(case.query, dict) else {}
        value = query.get("max_seconds")
        if value is None or (isinstance(value, int) and 1 <= value <= 3600):
            query["max_seconds"] = 1
        case.query = query


def _fuzz_operation(
    operation: Any, mode: GenerationMode, server: LiveServer, session: Session,
    database: str, http: requests.Session, known: dict[str, list[Any]],
) -> list[str]:
    failures: list[str] = []
    headers = session.logout_headers if operation.path == "/api/auth/logout" else session.headers

    @settings(max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 15))
    def run(case: Any, pick: int) -> None:
        _adjust(case, known, pick)
        response = case.call(base_url=server.url, session=http, headers=headers, timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # collected; the run goes on
            failures.append(f"{operation.label} [{mode.value}, {response.status_code}]: "
                            + str(exc)[:1500])

    try:
        run()
    except Unsatisfiable:
        # nothing to break: an operation without parameters or body has no negative cases
        assert mode is GenerationMode.NEGATIVE, operation.label
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_schema(
    fuzz_server: tuple[LiveServer, dict[str, Session], dict[str, Any]], role: str,
    request: pytest.FixtureRequest,
) -> None:
    server, sessions, document = fuzz_server
    database = request.node.callspec.params["fuzz_server"]
    operations = _operations(document)
    assert len(operations) >= 60, "the OpenAPI document lost its operations"
    failures: list[str] = []
    with requests.Session() as http:
        for operation in operations:
            if not ONLY.search(operation.label):
                continue
            for mode in EXAMPLES:
                failures += _fuzz_operation(operation, mode, server, sessions[role], database,
                                            http, document["x-known-ids"])
    assert server.process is not None and server.process.poll() is None, "server died"
    assert httpx.get(server.url + "/health", timeout=10).status_code == 200
    assert not failures, f"{len(failures)} failing operation(s):\n\n" + "\n\n".join(failures)


def test_page_number_overflow_is_a_clear_400(
    fuzz_server: tuple[LiveServer, dict[str, Session], dict[str, Any]],
) -> None:
    """The input the fuzzer first found (issue 8): a 20-digit page on every paginated list."""
    server, sessions, document = fuzz_server
    headers = sessions["officer"].headers
    lists = [path for path, item in document["paths"].items()
             if any(p["name"] == "page" for p in item.get("get", {}).get("parameters", []))]
    assert len(lists) >= 8
    for path in lists:
        for query in ("page=99999999999999999999", "page_size=99999999999999999999",
                      "page=0", "page=-1"):
            response = httpx.get(f"{server.url}{path}?{query}", headers=headers, timeout=30)
            assert response.status_code == 400, (path, query, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    pull = httpx.get(f"{server.url}/api/sync/pull?limit=99999999999999999999", timeout=30,
                     headers=sessions["volunteer"].headers)
    assert pull.status_code == 400, pull.text


def test_verify_form_with_an_unnamed_binary_part_is_a_clear_400(
    fuzz_server: tuple[LiveServer, dict[str, Session], dict[str, Any]], tmp_path: Path,
) -> None:
    """Issue 8: binary bytes in a multipart part without a filename gave a 500 and a
    traceback per request."""
    server, _, _ = fuzz_server
    boundary = "b0undary"
    for name in ("pdf", "qr", "other"):
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                ).encode() + b"%PDF-\xff\xfe\x00\x81\x9c" + f"\r\n--{boundary}--\r\n".encode()
        response = httpx.post(server.url + "/verify", content=body, timeout=30, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "bad_encoding"
    assert "Traceback" not in server.logs()
