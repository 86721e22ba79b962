"""Wire shapes of the sync audit and review endpoints (push/pull bodies are plain dicts:
their shapes are specified in docs/protocol.md and checked by the service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    value: Any


class DismissIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class DecideIn(msgspec.Struct, forbid_unknown_fields=True):
    decision: str
    reason: str = ""


class ConflictOut(msgspec.Struct):
    id: str
    entity: str
    entity_id: str
    field: str
    base_value: Any
    current_value: Any
    proposed_value: Any
    current_hlc: str | None
    proposed_hlc: str
    status: str
    mutation_id: str | None
    resolved_value: Any
    resolved_by: str | None
    resolved_at: datetime | None
    resolved_version: int | None
    created_at: datetime
    resolution_note: str = ""


class LoserOut(msgspec.Struct):
    id: int
    entity: str
    entity_id: str
    field: str
    losing_value: Any
    winning_value: Any
    losing_hlc: str | None
    winning_hlc: str | None
    rule: str
    mutation_id: str | None
    conflict_id: str | None
    created_at: datetime


class AmendmentOut(msgspec.Struct):
    id: str
    dossier_id: str
    mutation_id: str
    base_version: int
    fields: dict[str, Any]
    status: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    created_at: datetime


class MutationOut(msgspec.Struct):
    id: str
    device_id: str
    n: int
    hash: str
    user_id: str
    entity: str
    entity_id: str
    op: str
    status: str
    payload: str
    sig: str
    alg: str
    public_key: str
    device_revoked_at: datetime | None
    result: dict[str, Any]
    received_at: datetime


class RevisionOut(msgspec.Struct):
    hash: str
    number: int
    kind: str
    prev_revision: str | None
    mutation_id: str
    device_id: str
    alg: str
    public_key: str
    payload: str
    sig: str
    receipt: dict[str, Any]
    created_at: datetime
