"""Request and response bodies of /api/privacy (msgspec)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


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
