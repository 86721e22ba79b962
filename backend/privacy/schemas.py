"""Request and response bodies of /api/privacy (msgspec)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from backend.lib.wire import Out


class RequestIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    note: str = msgspec.field(default="")


class RequestOut(msgspec.Struct):
    id: str
    member_id: str
    kind: str
    status: str
    outcome: dict[str, Any]
    recorded_at: datetime


class AccessOut(msgspec.Struct):
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    subject_kind: str
    subject_id: str
    in_queue: bool
    reason: str


class BreachIn(msgspec.Struct, forbid_unknown_fields=True):
    description: str
    found_at: datetime
    window_from: datetime
    window_to: datetime
    device_ids: list[str] = msgspec.field(default_factory=list)
    actor_ids: list[str] = msgspec.field(default_factory=list)
    measures: str = ""


class BreachOut(msgspec.Struct):
    id: str
    description: str
    found_at: datetime
    notify_by: datetime
    affected_members: int
    affected_communes: list[str]
    device_ids: list[str]
    actor_ids: list[str]


# The person export (`format: langso-person-export/1`, docs/privacy.md): a file the officer
# hands over; its keys are those privacy.service.export_person writes.
class ExportHousehold(Out):
    id: str
    address: str
    village_id: str
    commune_id: str
    is_head: bool


class ExportEvent(Out):
    action: str
    to_status: str | None
    at: str
    actor_role: str
    reason: str


class ExportResult(Out):
    document_kind: str
    document_number: str
    summary: str
    issued_at: str


class ExportDossier(Out):
    id: str
    procedure_code: str
    status: str
    outcome: str | None
    official_code: str | None
    role: str
    form_data: dict[str, Any]
    sensitive_fields: list[str]
    created_at: str
    updated_at: str
    events: list[ExportEvent]
    result: ExportResult | None


class ExportVersion(Out):
    version: int
    data: dict[str, Any]


class ExportAccess(Out):
    at: str
    actor_id: str | None
    actor_role: str
    action: str
    reason: str
    in_queue: bool


class ExportRequest(Out):
    kind: str
    status: str
    recorded_at: str
    outcome: dict[str, Any]


class ExportRestriction(Out):
    kind: str
    since: str


class PersonExport(Out):
    format: str
    generated_at: str
    person: dict[str, Any]  # the member record as stored (every column but the search keys)
    household: ExportHousehold | None
    dossiers: list[ExportDossier]
    record_history: list[ExportVersion]
    access_log: list[ExportAccess]
    requests: list[ExportRequest]
    restriction: ExportRestriction | None


# The console's pages (console_routes.py)

class PersonHit(msgspec.Struct):
    id: str
    full_name: str
    birth_year: int | None
    village: str
    household_id: str


class AccessRow(msgspec.Struct):
    at: datetime
    actor_id: str
    actor_name: str
    actor_role: str
    action: str
    subject_kind: str
    subject_id: str
    member_ids: list[str]
    in_queue: bool
    reason: str


class AccessLogPage(msgspec.Struct):
    items: list[AccessRow]
    total: int
    page: int
    page_size: int


class RetentionOut(msgspec.Struct):
    closed_dossier_days: int
    rejected_dossier_days: int
    access_log_days: int
    device_closed_dossier_days: int
    due_dossiers: int
    due_access_log: int
    waiting_erasures: int
    last_run_at: datetime | None
    last_result: str
    next_run_at: datetime | None


class PurgeOut(msgspec.Struct):
    dossiers: int
    people: int
    access_log: int
