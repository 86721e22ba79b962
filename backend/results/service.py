"""Electronic results: issue (sign, render, store, announce), read, and verify.

What is signed: the record of backend/results/qr.py, whose `result_sha256` is the SHA-256 of
the canonical result *content* (the data the document prints). The PDF cannot carry a hash
of itself, so its own SHA-256 (`pdf_sha256`) is kept in the register and sent to devices;
an uploaded PDF is valid when its bytes are exactly the issued file.

Invariants:
- One result per dossier (unique `dossier_id`); issuing requires the state `done`.
- The PDF bytes are stored once in the blob store under their SHA-256 (with a `Blob` row)
  before the transaction commits; a failed commit leaves at most an unreferenced blob file.
- Verification never reveals personal data: code, dates, commune, outcome, document kind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from backend.access.scope import get_visible
from backend.attachments.storage import BlobStore, open_blob_store
from backend.blobs.content import read_plain, write_sealed
from backend.catalog.loader import Catalog
from backend.catalog.model import Procedure
from backend.changelog.changes import announce
from backend.db.models import (
    Blob,
    Commune,
    Dossier,
    DossierEvent,
    DossierResult,
    Household,
    Member,
)
from backend.dossiers.receipts import commune_key, rfc3339_ms
from backend.dossiers.service import visible_dossier
from backend.lib import commune_keys
from backend.lib.auth import Principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError, forbidden, not_found
from backend.lib.vntime import local_date
from backend.privacy.crypto import SealError
from backend.push.notify import notify_after_commit
from backend.results.births import confirm_births
from backend.results.document import Facts, apply_corrections, draft
from backend.results.out import pdf_url
from backend.results.out import result_out as result_out  # the routes read it here
from backend.results.pdf import document_kind, render_result
from backend.results.qr import (
    QR_TEXT_RE,
    BadQr,
    ResultRecord,
    from_compact,
    initials,
    to_compact,
    verify_url,
)
from backend.review import common as review_common
from backend.review import queries as review_queries
from backend.review import view as review_view
from backend.review.schemas import ResultIn
from sync.canonical import canonical_bytes, nfc
from sync.errors import SyncError
from sync.hashing import sha256_hex
from sync.result_record import MAX_PROCEDURE_NAME
from sync.signatures import sign, verify

MAX_SUMMARY = 2000
MAX_NUMBER = 64


def result_entity(r: DossierResult) -> dict[str, Any]:
    """The `result` pull entity: everything a device needs to show and verify it offline."""
    return {
        "dossier_id": r.dossier_id,
        "official_code": r.official_code,
        "outcome": r.outcome,
        "document_kind": r.document_kind,
        "document_number": r.document_number,
        "summary": r.summary,
        "issued_at": rfc3339_ms(r.issued_at),
        "record": r.record,
        "sig": r.sig,
        "key_id": r.key_id,
        "result_sha256": r.result_sha256,
        "content": r.content,
        "qr_text": r.qr_text,
        "pdf_sha256": r.pdf_sha256,
        "pdf_url": pdf_url(r),
    }


def _store_pdf(session: Session, store: BlobStore, data: bytes, sha: str, user_id: str,
               now: datetime) -> None:
    row = session.get(Blob, sha)
    if row is not None and row.content_key and store.has_blob(sha):
        return
    key = write_sealed(session, store, sha, data, row.content_key if row else None)
    if row is None:
        session.add(Blob(sha256=sha, size=len(data), content_type="application/pdf",
                         uploaded_by=user_id, created_at=now, content_key=key))
    elif not row.content_key:  # a PDF stored plain before sealing, written again: now sealed
        row.content_key = key
        session.add(row)


def _facts(session: Session, catalog: Catalog, d: Dossier) -> tuple[Procedure | None, Facts,
                                                                    Commune | None]:
    procedure = review_common.procedure_of(catalog, d)
    commune = session.get(Commune, d.commune_id)
    applicant = session.get(Member, d.applicant_member_id)
    household = session.get(Household, d.household_id)
    members = review_view.household_members(session, d.household_id)
    facts = Facts(
        form_data=d.form_data or {},
        member_names={mid: m.full_name for mid, m in members.items()},
        applicant=review_view.member_json(applicant) or {},
        household_address=household.address if household else "",
        official_code=d.official_code or "",
        received_on=local_date(d.received_at) if d.received_at else None,
        commune_name=commune.name if commune else d.commune_id,
        procedure_name=procedure.name.vi if procedure else d.procedure_code,
    )
    return procedure, facts, commune


def result_draft(session: Session, principal: Principal, catalog: Catalog,
                 dossier_id: str) -> dict[str, Any]:
    """What the result paper will say, for the officer's preview (nothing is stored)."""
    d = _officer_dossier(session, principal, dossier_id)
    procedure, facts, commune = _facts(session, catalog, d)
    outcome = d.outcome or "approved"
    doc = draft(procedure, outcome, facts)
    return {**doc, "outcome": outcome, "document_kind": document_kind(d.procedure_code, outcome),
            "signer_name": commune.signer_name if commune else "",
            "signer_title": commune.signer_title if commune else "",
            "summary": "" if outcome == "rejected" else doc["title"]}


MAX_SIGNER = 120


def _commune_of(session: Session, principal: Principal, commune_id: str) -> Commune:
    if not principal.can_see_commune(commune_id) or principal.role not in ("officer", "admin"):
        raise forbidden()
    commune = session.get(Commune, commune_id)
    if commune is None:
        raise not_found("xã", "Commune")
    return commune


def signer(session: Session, principal: Principal, commune_id: str) -> dict[str, str]:
    c = _commune_of(session, principal, commune_id)
    return {"commune_id": c.id, "signer_name": c.signer_name, "signer_title": c.signer_title}


def set_signer(session: Session, principal: Principal, commune_id: str, name: str,
               title: str) -> dict[str, str]:
    c = _commune_of(session, principal, commune_id)
    clean_name, clean_title = (nfc(" ".join(v.split())) for v in (name, title))
    errors = [{"field": f, "code": "too_long", "message_vi": f"Tối đa {MAX_SIGNER} ký tự.",
               "message_en": f"At most {MAX_SIGNER} characters."}
              for f, v in (("signer_name", clean_name), ("signer_title", clean_title))
              if len(v) > MAX_SIGNER]
    if errors:
        raise AppError("invalid_signer", "Tên hoặc chức vụ người ký quá dài.",
                       "The signer's name or title is too long.", 422, errors=errors)
    c.signer_name, c.signer_title = clean_name, clean_title
    session.add(c)
    session.commit()
    return signer(session, principal, commune_id)


def _officer_dossier(session: Session, principal: Principal, dossier_id: str) -> Dossier:
    d = visible_dossier(session, principal, dossier_id)
    if principal.role not in ("officer", "admin"):
        raise forbidden()
    return d


def issue(
    session: Session,
    principal: Principal,
    catalog: Catalog,
    data_dir: Path,
    dossier_id: str,
    data: ResultIn,
    now: datetime,
    public_base: str,
) -> DossierResult:
    d = visible_dossier(session, principal, dossier_id)
    summary = nfc(" ".join(data.summary.split()))[:MAX_SUMMARY]
    number = nfc(" ".join((data.document_number or "").split()))[:MAX_NUMBER]
    if d.status != "done" or d.outcome not in ("approved", "rejected") or not d.official_code:
        raise AppError("result_not_ready",
                       "Chỉ cấp kết quả cho hồ sơ đã được duyệt hoặc từ chối giải quyết.",
                       "A result is issued only after approve or reject.", 409)
    if not summary and d.outcome == "rejected":
        raise AppError("summary_required", "Cần ghi lý do từ chối giải quyết.",
                       "A refusal needs its reason.", 422)
    if review_queries.result_of(session, d.id) is not None:
        raise AppError("result_exists", "Hồ sơ này đã có kết quả.",
                       "This dossier already has a result.", 409)
    procedure, facts, commune = _facts(session, catalog, d)
    doc, corrections = apply_corrections(
        draft(procedure, d.outcome, facts),
        [nfc({"key": c.key, "value": c.value, "reason": c.reason})
         for c in data.corrections or []])
    summary = summary or str(doc["title"])
    # Millisecond precision: the QR carries the time as Unix milliseconds.
    issued = now.astimezone(UTC).replace(microsecond=(now.microsecond // 1000) * 1000)
    kind = document_kind(d.procedure_code, d.outcome)
    content: dict[str, Any] = nfc({
        "v": 2,
        "dossier_id": d.id,
        "official_code": d.official_code,
        "procedure_code": d.procedure_code,
        "procedure_version": d.procedure_version,
        "procedure_name": facts.procedure_name,
        "document_kind": kind,
        "document_number": number,
        "outcome": d.outcome,
        "summary": summary,
        "applicant_name": str(facts.applicant.get("full_name") or ""),
        "commune_id": d.commune_id,
        "commune_name": facts.commune_name,
        "issued_at": rfc3339_ms(issued),
        "signer_name": commune.signer_name if commune else "",
        "signer_title": commune.signer_title if commune else "",
        **doc,
        "corrections": corrections,
    })
    result_sha = sha256_hex(canonical_bytes(content))
    private, _, kid = commune_key(session, data_dir, d.commune_id)
    # Version 2 carries the holder's initials and the procedure, so /v shows them offline.
    record = ResultRecord(commune_id=d.commune_id, dossier_id=d.id,
                          issued_at=rfc3339_ms(issued), key_id=kid,
                          official_code=d.official_code, outcome=d.outcome,
                          result_sha256=result_sha, v=2,
                          holder_initials=initials(content["applicant_name"]),
                          procedure_code=d.procedure_code,
                          procedure_name=content["procedure_name"][:MAX_PROCEDURE_NAME])
    text = record.text()
    sig = sign("Ed25519", private, text.encode("utf-8"))
    qr_text = verify_url(public_base, to_compact(record, sig))
    pdf = render_result(content, qr_text, kid, local_date(issued))
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    _store_pdf(session, open_blob_store(data_dir), pdf, pdf_sha, principal.user_id, now)
    r = DossierResult(
        id=new_id(), dossier_id=d.id, commune_id=d.commune_id, village_id=d.village_id,
        official_code=d.official_code, outcome=d.outcome, document_kind=kind,
        document_number=number, summary=summary, content=content, result_sha256=result_sha,
        record=text, sig=sig, key_id=kid, qr_text=qr_text, pdf_sha256=pdf_sha,
        issued_by=principal.user_id, issued_at=issued)
    session.add(r)
    session.add(DossierEvent(
        dossier_id=d.id, action="issue_result", from_status=d.status, to_status=d.status,
        actor_id=principal.user_id, actor_role=principal.role, at=now, reason=summary,
        data={"result_id": r.id, "result_sha256": result_sha, "pdf_sha256": pdf_sha,
              "document_number": number, "key_id": kid, "corrections": corrections}))
    session.flush()
    announce(session, "result", r.id, r.version, result_entity(r),
                    (d.commune_id, d.village_id), principal.user_id, now)
    confirm_births(session, d, principal.user_id, now)
    notify_after_commit(session, "result_issued", dossier_id=d.id, data_dir=data_dir)
    session.commit()
    return r


def readable_result(session: Session, principal: Principal, result_id: str) -> DossierResult:
    """Officers of the commune, admins, and volunteers of the dossier's village."""
    return get_visible(session, principal, DossierResult, result_id, "kết quả", "Result")


def result_for_dossier(session: Session, principal: Principal, dossier_id: str) -> DossierResult:
    d = visible_dossier(session, principal, dossier_id)
    r = review_queries.result_of(session, d.id)
    if r is None:
        raise not_found("kết quả", "Result")
    return r


def pdf_bytes(session: Session, data_dir: Path, r: DossierResult) -> bytes:
    """The issued PDF, opened (blobs are sealed at rest, backend/blobs/sealed.py)."""
    blob = session.get(Blob, r.pdf_sha256)
    data = None
    if blob is not None:
        try:
            data = read_plain(open_blob_store(data_dir), blob)
        except SealError:
            data = None
    if data is None:
        raise AppError("blob_unavailable",
                       "Tệp kết quả tạm thời không đọc được. Vui lòng báo quản trị viên.",
                       "The result PDF is recorded but its bytes are missing.", 503)
    return data


# --- verification ---------------------------------------------------------------------

MESSAGES = {
    "valid": ("Hợp lệ: văn bản do UBND xã cấp và chưa bị thay đổi.",
              "Valid: issued by the commune and unchanged."),
    "malformed": ("Mã không đúng định dạng mã kết quả Làng Số.",
                  "Not a well-formed Làng Số result code."),
    "unknown_key": ("Không nhận ra khoá ký của xã.", "Unknown signing key."),
    "bad_signature": ("KHÔNG hợp lệ: chữ ký không khớp, nội dung đã bị thay đổi hoặc giả mạo.",
                      "INVALID: the signature does not match; altered or forged."),
    "not_registered": ("KHÔNG hợp lệ: chữ ký đúng nhưng kết quả không có trong sổ của xã.",
                       "INVALID: signed, but not in the commune's register."),
    "pdf_modified": ("KHÔNG hợp lệ: tệp PDF không phải bản gốc đã cấp (đã bị sửa).",
                     "INVALID: the PDF is not the issued file (it was modified)."),
    "not_found": ("KHÔNG hợp lệ: không tìm thấy văn bản này trong sổ kết quả.",
                  "INVALID: this file is not in the register of results."),
}


@dataclass
class Verdict:
    valid: bool
    code: str
    official_code: str | None = None
    issued_at: str | None = None
    issued_on: str | None = None
    commune_id: str | None = None
    commune_name: str | None = None
    outcome: str | None = None
    document_kind: str | None = None
    key_id: str | None = None
    holder_initials: str | None = None
    procedure_name: str | None = None

    def as_json(self) -> dict[str, Any]:
        vi, en = MESSAGES[self.code]
        return {"valid": self.valid, "code": self.code, "message_vi": vi, "message_en": en,
                "official_code": self.official_code, "issued_at": self.issued_at,
                "issued_on": self.issued_on, "commune_id": self.commune_id,
                "commune_name": self.commune_name, "outcome": self.outcome,
                "document_kind": self.document_kind, "key_id": self.key_id,
                "holder_initials": self.holder_initials, "procedure_name": self.procedure_name}


def _check_record(session: Session, data_dir: Path, record: ResultRecord, sig: str) -> Verdict:
    commune = session.get(Commune, record.commune_id)
    if commune is None:
        return Verdict(False, "unknown_key", official_code=record.official_code)
    # By the record's key id, not the newest key: results signed before a rotation still verify.
    key = commune_keys.by_id(session, record.key_id)
    if key is None or key.commune_id != commune.id:
        return Verdict(False, "unknown_key", official_code=record.official_code)
    public, kid = key.public_key, key.key_id
    try:
        verify("Ed25519", public, record.text().encode("utf-8"), sig)
    except SyncError:
        return Verdict(False, "bad_signature")
    issued = datetime.strptime(record.issued_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    stored = session.exec(
        select(DossierResult).where(col(DossierResult.dossier_id) == record.dossier_id)
    ).first()
    base: dict[str, Any] = dict(official_code=record.official_code, issued_at=record.issued_at,
                issued_on=local_date(issued).isoformat(), commune_id=commune.id,
                commune_name=commune.name, outcome=record.outcome, key_id=kid)
    if stored is None or stored.record != record.text() or stored.sig != sig:
        return Verdict(False, "not_registered", **base)
    content = stored.content or {}
    # A version-2 record carries both (signed); a version-1 one needs the register.
    holder = record.holder_initials if record.v == 2 \
        else initials(str(content.get("applicant_name") or ""))
    procedure = record.procedure_name if record.v == 2 \
        else str(content.get("procedure_name") or "")
    return Verdict(True, "valid", document_kind=stored.document_kind,
                   holder_initials=holder or None, procedure_name=procedure or None, **base)


def verify_qr(session: Session, data_dir: Path, text: str) -> Verdict:
    try:
        record, sig = from_compact(text)
    except BadQr:
        return Verdict(False, "malformed")
    return _check_record(session, data_dir, record, sig)


def verify_pdf(session: Session, data_dir: Path, data: bytes) -> Verdict:
    sha = hashlib.sha256(data).hexdigest()
    stored = session.exec(
        select(DossierResult).where(col(DossierResult.pdf_sha256) == sha)
    ).first()
    if stored is not None:
        return verify_qr(session, data_dir, stored.qr_text)
    found = QR_TEXT_RE.search(data)
    if found is None:
        return Verdict(False, "not_found")
    verdict = verify_qr(session, data_dir, found.group(0).decode("ascii"))
    if verdict.valid:
        # Genuine record, but these bytes are not the issued file.
        verdict.valid = False
        verdict.code = "pdf_modified"
    return verdict
