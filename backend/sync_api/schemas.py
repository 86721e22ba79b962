"""Wire shapes of the sync endpoints. The push request body is parsed by the service (it is
signed text, docs/protocol.md §4); its answer and the pull answer are typed here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from backend.lib.wire import UNSET, Out, UnsetType


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


class PushResult(Out):
    """One item's result, protocol 1 (docs/protocol.md §4). A replay answers the stored
    result, so every key but the echo and the status is optional."""

    id: str
    n: int
    entity: str
    entity_id: str
    status: str
    code: str | UnsetType = UNSET
    message_vi: str | UnsetType = UNSET
    message_en: str | UnsetType = UNSET
    version: int | UnsetType | None = UNSET
    hlc: str | UnsetType | None = UNSET
    errors: list[dict[str, Any]] | UnsetType = UNSET
    conflicts: list[dict[str, str]] | UnsetType = UNSET
    rejected_fields: list[str] | UnsetType = UNSET
    lost_fields: list[str] | UnsetType = UNSET
    amendment_id: str | UnsetType = UNSET
    receipt: dict[str, str] | UnsetType = UNSET
    revision: str | UnsetType = UNSET
    missing_attachments: list[str] | UnsetType = UNSET


class CompactReceipt(Out):
    at: int
    key_id: str
    sig: str


class PushResultV2(Out):
    """One item's result, protocol 2 (§11): no echo, the receipt compact, `missing` as
    indices into the submission's attachment list."""

    status: str
    code: str | UnsetType = UNSET
    message_vi: str | UnsetType = UNSET
    message_en: str | UnsetType = UNSET
    version: int | UnsetType | None = UNSET
    errors: list[dict[str, Any]] | UnsetType = UNSET
    conflicts: list[dict[str, str]] | UnsetType = UNSET
    rejected_fields: list[str] | UnsetType = UNSET
    lost_fields: list[str] | UnsetType = UNSET
    amendment_id: str | UnsetType = UNSET
    receipt: CompactReceipt | UnsetType = UNSET
    missing: list[int] | UnsetType = UNSET


class PushOut(Out, tag_field="protocol", tag=1):
    device_id: str
    results: list[PushResult]
    last_n: int
    last_hash: str


class PushOutV2(Out, tag_field="protocol", tag=2):
    last_n: int
    hlc: str | None
    results: list[PushResultV2]


class PullChange(msgspec.Struct):
    entity: str
    id: str
    version: int
    data: dict[str, Any] | None
    deleted: bool


# A closed dossier in a lean pull: [id, version, household_id, procedure_code, status,
# outcome, received_on] (docs/protocol.md §5, the lean view).
ClosedRow = tuple[str, int, str | None, str | None, str | None, str | None, str | None]


class PullOut(Out):
    changes: list[PullChange]
    cursor: str
    more: bool
    reset: bool | UnsetType = UNSET
    closed: list[ClosedRow] | UnsetType = UNSET  # view=lean only
    remaining: int | UnsetType = UNSET  # view=lean only: change rows still to come


class MutationPage(msgspec.Struct):
    items: list[MutationOut]
    total: int
    page: int
    page_size: int


class ConflictPage(msgspec.Struct):
    items: list[ConflictOut]
    total: int
    page: int
    page_size: int


class LoserPage(msgspec.Struct):
    items: list[LoserOut]
    total: int
    page: int
    page_size: int


class AmendmentPage(msgspec.Struct):
    items: list[AmendmentOut]
    total: int
    page: int
    page_size: int


class PublicKey(Out):
    key_id: str
    alg: str
    public_key: str
    commune_id: str
    use: str
    seq: int


class PublicKeys(Out):
    keys: list[PublicKey]


class DictionaryInfo(Out):
    id: str  # the zlib DICTID (Adler-32 of the bytes), 8 lowercase hex digits
    seq: int
    size: int
    url: str


class DictionaryList(Out):
    """GET /api/sync/dictionaries: the preset dictionaries a push body may be deflated with."""
    current: str
    dictionaries: list[DictionaryInfo]
