"""Wire shapes for dossiers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec


class DossierIn(msgspec.Struct, forbid_unknown_fields=True):
    procedure_code: str
    applicant_member_id: str
    id: str | None = None
    procedure_version: int | None = None
    form_data: dict[str, Any] = msgspec.field(default_factory=dict)
    components: dict[str, list[str]] = msgspec.field(default_factory=dict)


class ActionIn(msgspec.Struct, forbid_unknown_fields=True):
    action: str
    reason: str = ""
    expected_version: int | None = None


class DossierOut(msgspec.Struct):
    id: str
    procedure_code: str
    procedure_version: int
    applicant_member_id: str
    household_id: str
    village_id: str
    commune_id: str
    prepared_by: str
    status: str
    status_label_vi: str
    outcome: str | None
    official_code: str | None
    received_at: datetime | None
    due_date: date | None
    form_data: dict[str, Any]
    components: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str]


class DossierPage(msgspec.Struct):
    items: list[DossierOut]
    total: int
    page: int
    page_size: int


class EventOut(msgspec.Struct):
    id: int
    action: str
    from_status: str | None
    to_status: str
    actor_id: str | None
    actor_role: str
    at: datetime
    reason: str
    data: dict[str, Any]
