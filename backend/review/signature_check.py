"""Re-verify a stored signed revision from its exact bytes. Never trusts a stored flag.

A revision is valid when, in this order (the first failure is the reported reason):
1. its device is known (`unknown_device`);
2. the device was not revoked before the revision reached the server (`device_revoked`) —
   a later revocation leaves earlier signatures valid;
3. the signature verifies over the UTF-8 bytes of the stored payload with the device key,
   and the payload is canonical and a well-formed mutation (sync codes: `bad_signature`,
   `not_canonical`, `bad_field:…`, …);
4. the SHA-256 of the payload is the revision's hash (`hash_mismatch`);
5. the payload is a `submit` of this dossier by this device (`wrong_subject`) and names the
   previous revision the server stored (`chain_mismatch`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.db.models import Device, DossierRevision
from sync.errors import SyncError
from sync.hlc import parse_hlc
from sync.mutations import Mutation, decode_signed_mutation

REASONS_VI = {
    "unknown_device": "Thiết bị ký không có trong hệ thống.",
    "device_revoked": "Thiết bị đã bị thu hồi trước khi gửi bản này.",
    "bad_signature": "Chữ ký không khớp với nội dung đã lưu (nội dung có thể đã bị sửa).",
    "hash_mismatch": "Mã băm của nội dung không khớp với mã phiên bản.",
    "wrong_subject": "Nội dung đã ký không phải bản nộp của hồ sơ này từ thiết bị này.",
    "chain_mismatch": "Bản ký không nối tiếp phiên bản trước đã lưu.",
}


@dataclass
class SignatureCheck:
    valid: bool
    code: str  # "valid" or the reason
    message_vi: str
    message_en: str
    revision: str
    device_id: str
    alg: str | None = None
    key_id: str | None = None
    signed_at: datetime | None = None  # the device's clock when signing (HLC wall time)
    received_at: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # only when valid

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "revision": self.revision,
            "device_id": self.device_id,
            "alg": self.alg,
            "key_id": self.key_id,
            "signed_at": self.signed_at,
            "received_at": self.received_at,
        }


def _fail(rev: DossierRevision, device: Device | None, code: str, en: str) -> SignatureCheck:
    return SignatureCheck(
        valid=False,
        code=code,
        message_vi=REASONS_VI.get(code, "Chữ ký không hợp lệ: " + code),
        message_en=en,
        revision=rev.hash,
        device_id=rev.device_id,
        alg=device.alg if device else None,
        key_id=device.key_id if device else None,
        received_at=rev.created_at,
    )


def check_revision(rev: DossierRevision, device: Device | None) -> SignatureCheck:
    if device is None:
        return _fail(rev, None, "unknown_device", "The signing device is unknown.")
    if device.revoked_at is not None and device.revoked_at <= rev.created_at:
        return _fail(rev, device, "device_revoked",
                     "The device was revoked before this revision arrived.")
    try:
        m: Mutation = decode_signed_mutation(rev.payload, rev.sig, device.alg, device.public_key)
    except SyncError as exc:
        code = exc.code if exc.code else "bad_signature"
        en = exc.message.partition(" / ")[2] or exc.message
        return _fail(rev, device, code, en)
    if m.hash != rev.hash:
        return _fail(rev, device, "hash_mismatch", "The payload's SHA-256 is not the revision id.")
    if (m.entity != "dossier" or m.entity_id != rev.dossier_id or m.op != "submit"
            or m.device != rev.device_id):
        return _fail(rev, device, "wrong_subject",
                     "The signed payload is not this dossier's submission by this device.")
    if m.fields.get("prev_revision") != rev.prev_revision:
        return _fail(rev, device, "chain_mismatch",
                     "The signed prev_revision is not the stored previous revision.")
    signed_at = datetime.fromtimestamp(parse_hlc(m.hlc).ms / 1000, tz=UTC)
    return SignatureCheck(
        valid=True,
        code="valid",
        message_vi="Chữ ký hợp lệ: nội dung đúng như thiết bị đã ký.",
        message_en="Valid: the stored content is exactly what the device signed.",
        revision=rev.hash,
        device_id=rev.device_id,
        alg=device.alg,
        key_id=device.key_id,
        signed_at=signed_at,
        received_at=rev.created_at,
        fields=dict(m.fields),
    )


def check_all(
    revisions: Iterable[DossierRevision], devices: dict[str, Device]
) -> list[SignatureCheck]:
    return [check_revision(r, devices.get(r.device_id)) for r in revisions]
