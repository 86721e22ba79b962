"""Device enrolment (proof of possession), one-time tickets, listing and revocation.

Invariants: a device row is never deleted and its public key never changes, so every mutation
it signed stays verifiable after revocation. A ticket code is stored only as an HMAC keyed with
the server's ticket secret (LANGSO_TICKET_SECRET), is single-use and expires after TICKET_TTL.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any

from sqlmodel import Session, select

from backend.access.scope import row_visible
from backend.db.models import Device, DeviceTicket, User
from backend.lib.auth import Principal, issue_token, load_principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError, forbidden, not_found
from sync.canonical import canonical_bytes
from sync.errors import SyncError
from sync.signatures import key_id, load_public_key, verify

PURPOSE = "langso-enrol-v1"
TICKET_TTL = timedelta(hours=24)
TICKET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_ALIASES = {"I": "1", "L": "1", "O": "0"}


def proof_message(alg: str, public_key: str, *, user_id: str | None = None,
                  ticket: str | None = None) -> bytes:
    """The canonical bytes a device signs to prove it holds the private key."""
    body: dict[str, Any] = {"alg": alg, "public_key": public_key, "purpose": PURPOSE}
    if ticket is not None:
        body["ticket"] = ticket
    else:
        body["user_id"] = user_id
    return canonical_bytes(body)


def _check_key(alg: str, public_key: str, proof: str, message: bytes) -> str:
    try:
        load_public_key(alg, public_key)
        verify(alg, public_key, message, proof)
        return key_id(alg, public_key)
    except SyncError as exc:
        vi, _, en = exc.message.partition(" / ")
        code = "bad_proof" if exc.kind == "bad_signature" else exc.code
        raise AppError(code, vi, en or vi, 422) from exc


def _label(label: str) -> str:
    text = " ".join(label.split())
    if len(text) > 120:
        raise AppError("bad_label", "Tên thiết bị tối đa 120 ký tự.", "Label: at most 120 chars.")
    return text


def _create(session: Session, user: User, alg: str, public_key: str, kid: str, label: str,
            via: str, now: datetime) -> Device:
    existing = session.exec(select(Device).where(Device.public_key == public_key)).first()
    if existing is not None:
        if existing.user_id == user.id and existing.revoked_at is None:
            return existing  # a retried enrolment of the same key: same device
        raise AppError("key_already_enrolled", "Khoá này đã được đăng ký.",
                       "This public key is already enrolled.", 409)
    device = Device(id=new_id(), user_id=user.id, commune_id=user.commune_id, alg=alg,
                    public_key=public_key, key_id=kid, label=_label(label), enrolled_via=via,
                    created_at=now)
    session.add(device)
    return device


def enrol(session: Session, principal: Principal, alg: str, public_key: str, label: str,
          proof: str, now: datetime) -> Device:
    kid = _check_key(alg, public_key, proof,
                     proof_message(alg, public_key, user_id=principal.user_id))
    user = session.get(User, principal.user_id)
    assert user is not None
    device = _create(session, user, alg, public_key, kid, label, "session", now)
    session.commit()
    return device


def normalise_ticket(text: str) -> str:
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in text.upper() if ch not in "- ")
    if len(cleaned) != 10 or any(ch not in TICKET_ALPHABET for ch in cleaned):
        raise AppError("bad_ticket", "Mã ghép thiết bị không hợp lệ hoặc đã hết hạn.",
                       "Invalid or expired enrolment ticket.", 401)
    return f"{cleaned[:5]}-{cleaned[5:]}"


def _ticket_hash(secret: bytes, code: str) -> str:
    return hmac.new(secret, b"ticket:" + code.encode(), sha256).hexdigest()


def issue_ticket(session: Session, principal: Principal, secret: bytes, volunteer_username: str,
                 now: datetime) -> tuple[str, DeviceTicket, User]:
    user = session.exec(select(User).where(User.username == volunteer_username.strip().lower())
                        ).first()
    if user is None or user.role != "volunteer" or not user.is_active:
        raise not_found("tình nguyện viên", "Volunteer")
    if not principal.can_see_commune(user.commune_id or ""):
        raise forbidden()
    raw = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(10))
    code = f"{raw[:5]}-{raw[5:]}"
    ticket = DeviceTicket(id=new_id(), code_hash=_ticket_hash(secret, code),
                          volunteer_id=user.id, issued_by=principal.user_id,
                          commune_id=user.commune_id, created_at=now,
                          expires_at=now + TICKET_TTL)
    session.add(ticket)
    session.commit()
    return code, ticket, user


def enrol_with_ticket(session: Session, secret: bytes, ticket_text: str, alg: str,
                      public_key: str, label: str, proof: str, now: datetime,
                      ttl: timedelta, token_secret: bytes | None = None
                      ) -> tuple[Device, str, Principal]:
    """`secret` keys the ticket; `token_secret` (default: the same) the session token."""
    code = normalise_ticket(ticket_text)
    ticket = session.exec(select(DeviceTicket).where(
        DeviceTicket.code_hash == _ticket_hash(secret, code)).with_for_update()).first()
    if ticket is None or ticket.used_at is not None or ticket.expires_at <= now:
        raise AppError("bad_ticket", "Mã ghép thiết bị không hợp lệ hoặc đã hết hạn.",
                       "Invalid or expired enrolment ticket.", 401)
    kid = _check_key(alg, public_key, proof, proof_message(alg, public_key, ticket=code))
    user = session.get(User, ticket.volunteer_id)
    if user is None or not user.is_active:
        raise AppError("bad_ticket", "Tài khoản không còn hoạt động.", "Account inactive.", 401)
    device = _create(session, user, alg, public_key, kid, label, "ticket", now)
    ticket.used_at = now
    ticket.device_id = device.id
    session.add(ticket)
    token = issue_token(session, token_secret or secret, user.id, now, ttl)
    principal = load_principal(session, user)
    session.commit()
    return device, token, principal


def revoke(session: Session, principal: Principal, device_id: str, reason: str,
           now: datetime, *, wipe: bool = False) -> Device:
    device = session.get(Device, device_id, with_for_update=True)
    if device is None:
        raise not_found("thiết bị", "Device")
    own = device.user_id == principal.user_id
    if not own and not (principal.role in ("officer", "admin")
                        and row_visible(session, principal, device)):
        raise forbidden()
    reason = " ".join(reason.split())
    if not reason:
        raise AppError("reason_required", "Cần ghi rõ lý do thu hồi.", "A reason is required.",
                       422)
    if device.revoked_at is None:
        device.revoked_at = now
        device.revoked_by = principal.user_id
        device.revoke_reason = reason[:500]
    if wipe and device.wipe_ordered_at is None:
        # Also on an already revoked device: "lost" may be learnt after a plain revocation.
        device.wipe_ordered_at = now
    if session.is_modified(device):
        session.add(device)
        session.commit()
    return device


def own_device(session: Session, principal: Principal, device_id: str) -> Device:
    """The caller's own device (a device asks about itself only)."""
    device = session.get(Device, device_id)
    if device is None or device.user_id != principal.user_id:
        raise not_found("thiết bị", "Device")
    return device


def confirm_wiped(session: Session, principal: Principal, device_id: str,
                  now: datetime) -> Device:
    """The device reports that it destroyed its keys and data (only after a wipe order)."""
    device = own_device(session, principal, device_id)
    if device.wipe_ordered_at is None:
        raise AppError("no_wipe_order", "Thiết bị này không có lệnh xoá dữ liệu.",
                       "This device has no wipe order.", 409)
    if device.wiped_at is None:
        device.wiped_at = now
        session.add(device)
        session.commit()
    return device


ESCROW_PURPOSE = b"langso-escrow-v1:"


def escrow_key(secret: bytes, user_id: str) -> str:
    """The user's escrow key (base64url, 32 bytes): wraps the PWA's data key so that a full
    password login recovers a phone whose PIN was forgotten (docs/privacy.md). Derived from the
    server secret, so nothing new is stored; returned ONLY by POST /api/auth/login."""
    raw = hmac.new(secret, ESCROW_PURPOSE + user_id.encode(), sha256).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
