"""Blind-index look-ups for code that holds a session: equality on sealed values."""

from __future__ import annotations

from sqlmodel import Session

from backend.privacy.keys import keyring_of


def cccd_index(session: Session, cccd: str) -> str:
    """The `members.cccd_bidx` value a member with this CCCD has."""
    return keyring_of(session.get_bind().dialect).blind_index("cccd", cccd)
