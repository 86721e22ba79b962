"""Device sync health: the latest outbox report of each volunteer device."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.db.models import (
    Device,
    DeviceHealth,
)
from backend.lib.auth import Principal
from backend.lib.errors import AppError, forbidden, not_found

# How far ahead of the server a device's clock may run before its times are refused.
CLOCK_SKEW = timedelta(minutes=10)


def report_device_health(session: Session, principal: Principal, device_id: str, pending: int,
                         oldest_pending_at: datetime | None, now: datetime) -> DeviceHealth:
    """Keep the latest outbox report of one of the caller's own devices. Commits."""
    device = session.get(Device, device_id)
    if device is None:
        raise not_found("thiết bị", "Device")
    if device.user_id != principal.user_id:
        raise forbidden()
    if device.revoked_at is not None:
        raise AppError("device_revoked", "Thiết bị đã bị thu hồi.", "The device is revoked.", 403)
    if pending < 0 or pending > 1_000_000:
        raise AppError("invalid_pending", "Số mục chờ đồng bộ không hợp lệ.",
                       "pending must be between 0 and 1,000,000.", 422)
    if pending == 0:
        oldest_pending_at = None
    elif oldest_pending_at is None:
        raise AppError("oldest_required", "Cần thời điểm của mục chờ lâu nhất.",
                       "oldest_pending_at is required when pending > 0.", 422)
    elif oldest_pending_at.tzinfo is None or oldest_pending_at > now + CLOCK_SKEW:
        raise AppError("invalid_oldest", "Thời điểm mục chờ lâu nhất không hợp lệ.",
                       "oldest_pending_at must carry a time zone and not be in the future.", 422)
    row = session.get(DeviceHealth, device_id, with_for_update=True)
    if row is None:
        row = DeviceHealth(device_id=device_id, user_id=device.user_id,
                           commune_id=device.commune_id, reported_at=now)
    row.pending = pending
    row.oldest_pending_at = oldest_pending_at.astimezone(UTC) if oldest_pending_at else None
    row.reported_at = now
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # two first reports raced: the other one created the row
        session.rollback()
        return report_device_health(session, principal, device_id, pending, oldest_pending_at,
                                    now)
    return row
