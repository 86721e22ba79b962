"""The wire shape of an issued result, shared by the results and review routes and the
officer's dossier view (which is why it is not in results/service.py: review reads it)."""

from __future__ import annotations

import json

from backend.db.models import DossierResult
from backend.review.schemas import ResultOut


def pdf_url(r: DossierResult) -> str:
    return f"/api/results/{r.id}.pdf"


def result_out(r: DossierResult) -> ResultOut:
    return ResultOut(
        id=r.id, dossier_id=r.dossier_id, official_code=r.official_code, outcome=r.outcome,
        document_kind=r.document_kind, document_number=r.document_number, summary=r.summary,
        issued_at=r.issued_at, issued_by=r.issued_by, record=json.loads(r.record),
        record_text=r.record, sig=r.sig, key_id=r.key_id, result_sha256=r.result_sha256,
        content=r.content, qr_text=r.qr_text, pdf_sha256=r.pdf_sha256, pdf_url=pdf_url(r))
