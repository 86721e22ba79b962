"""Wire shapes of the officer console API (docs/review-api.md describes each field)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from backend.lib.wire import Out


class QueueFlags(msgspec.Struct):
    overdue: bool
    due_soon: bool
    has_conflict: bool
    possible_duplicate: bool
    signature_valid: bool | None  # None: no signed revision (REST-only dossier)
    attachments_complete: bool


class QueueItem(msgspec.Struct):
    id: str
    code: str  # official code once received, else the provisional receipt code or the id
    official_code: str | None
    procedure_code: str
    procedure_name: str
    applicant_name: str
    village_id: str
    village_name: str
    volunteer_id: str
    volunteer_name: str
    status: str
    status_label_vi: str
    received_at: datetime | None
    due_date: date | None
    submitted_at: datetime | None
    flags: QueueFlags
    version: int


class QueuePage(msgspec.Struct):
    items: list[QueueItem]
    total: int
    page: int
    page_size: int
    today: date


class SupplementItemIn(msgspec.Struct, forbid_unknown_fields=True):
    problem: str
    component_code: str | None = None
    field: str | None = None


class ReviewActionIn(msgspec.Struct, forbid_unknown_fields=True):
    action: str
    reason: str = ""
    items: list[SupplementItemIn] | None = None
    appointment_date: date | None = None
    expected_version: int | None = None


class DocumentLink(msgspec.Struct):
    kind: str
    title_vi: str
    url: str


class ActionOut(msgspec.Struct):
    id: str
    status: str
    status_label_vi: str
    official_code: str | None
    due_date: date | None
    version: int
    documents: list[DocumentLink]
    supplement_request_id: str | None = None


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """The officer's correction of one line of the result draft (audited)."""

    key: str
    value: str
    reason: str


class ResultIn(msgspec.Struct, forbid_unknown_fields=True):
    summary: str = ""
    document_number: str | None = None
    corrections: list[CorrectionIn] | None = None


class ResultOut(msgspec.Struct):
    id: str
    dossier_id: str
    official_code: str
    outcome: str
    document_kind: str
    document_number: str
    summary: str
    issued_at: datetime
    issued_by: str
    record: dict[str, Any]
    record_text: str
    sig: str
    key_id: str
    result_sha256: str
    content: dict[str, Any]
    qr_text: str
    pdf_sha256: str
    pdf_url: str


class ApologyDraft(msgspec.Struct):
    dossier_id: str
    official_code: str | None
    due_date: date | None
    overdue: bool
    processing_days: int
    elapsed_working_days: int
    remaining_working_days: int
    proposed_date: date
    reason: str
    text: str
    pdf_url: str


class DossierView(msgspec.Struct):
    """Everything the officer needs on one screen; see docs/review-api.md."""

    dossier: dict[str, Any]
    procedure: dict[str, Any]
    applicant: dict[str, Any] | None
    household: dict[str, Any] | None
    village: dict[str, Any]
    volunteer: dict[str, Any]
    flags: QueueFlags
    form: list[dict[str, Any]]
    components: list[dict[str, Any]]
    consent: dict[str, Any] | None
    signature: dict[str, Any] | None
    revisions: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    amendments: list[dict[str, Any]]
    supplement_requests: list[dict[str, Any]]
    result: ResultOut | None
    audit: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    allowed_actions: list[str]
    documents: list[DocumentLink]


class SignerIn(msgspec.Struct, forbid_unknown_fields=True):
    """Who signs the commune's result papers (printed under "TM. ỦY BAN NHÂN DÂN")."""

    signer_name: str
    signer_title: str


class SignerOut(Out):
    commune_id: str
    signer_name: str
    signer_title: str


class DraftLine(Out):
    key: str
    label: str
    value: str


class DraftSection(Out):
    heading: str | None
    fields: list[DraftLine]


class ResultDraft(Out):
    """The result paper as it will be issued, for the officer's preview."""

    template: str
    title: str
    intro: str
    sections: list[DraftSection]
    closing: str
    outcome: str
    document_kind: str
    signer_name: str
    signer_title: str
    summary: str
