"""Turns the sync core's typed errors into problem+json errors."""

from __future__ import annotations

from backend.lib.errors import AppError
from sync.errors import SyncError


def from_sync_error(exc: SyncError, status: int = 422) -> AppError:
    vi, _, en = exc.message.partition(" / ")
    return AppError(exc.code, vi, en or vi, status)
