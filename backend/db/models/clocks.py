"""The server's hybrid logical clock, one per commune, shared by every server node.

Invariant: `hlc` only grows (the writer stores the larger of the stored and its own value).
Each writing transaction reads its commune's row once, advances the clock for every server
event it stamps and writes it back right before commit, so every node derives the clocks it
hands out for a commune from the same stored value (see backend/changelog/clock.py).
`commune_id` is "" for writers without a commune (an admin's device).
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class CommuneClock(SQLModel, table=True):
    __tablename__ = "commune_clocks"
    commune_id: str = Field(primary_key=True, max_length=16)
    hlc: str = Field(max_length=60)
