"""Households and their members: offline-first entities with client-generatable UUIDs.

`version` counts accepted changes; `search_key` is the accent-folded text searched with LIKE.
`commune_id` and `village_id` are copied onto members so that scoping is one indexed filter.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Connection, event, text
from sqlmodel import Field, SQLModel

from backend.db.types import UTCDateTime
from backend.privacy.keys import keyring_of
from backend.privacy.sealed_types import SealedString


class Household(SQLModel, table=True):
    __tablename__ = "households"
    id: str = Field(primary_key=True, max_length=36)
    village_id: str = Field(foreign_key="villages.id", index=True, max_length=36)
    commune_id: str = Field(foreign_key="communes.id", index=True, max_length=16)
    address: str = Field(max_length=300)
    head_member_id: str | None = Field(default=None, max_length=36)
    notes: str = Field(default="", max_length=2000)
    search_key: str = Field(default="", max_length=2000, index=True)
    version: int = Field(default=1)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Member(SQLModel, table=True):
    __tablename__ = "members"
    id: str = Field(primary_key=True, max_length=36)
    household_id: str = Field(foreign_key="households.id", index=True, max_length=36)
    village_id: str = Field(foreign_key="villages.id", index=True, max_length=36)
    commune_id: str = Field(foreign_key="communes.id", index=True, max_length=16)
    full_name: str = Field(max_length=120)
    search_key: str = Field(default="", max_length=120, index=True)
    date_of_birth: date | None = Field(default=None)
    sex: str | None = Field(default=None, max_length=8, description="male | female")
    # Sealed (backend/privacy): equality look-ups use `cccd_bidx`, a keyed hash.
    cccd: str | None = Field(default=None, sa_column=Column(SealedString("members")))
    cccd_bidx: str | None = Field(default=None, max_length=64, index=True)
    phone: str | None = Field(default=None, max_length=10)
    relationship: str = Field(max_length=16, description="relationship to the head, e.g. chu_ho")
    ethnicity: str = Field(default="", sa_column=Column(SealedString("members"), nullable=False))
    notes: str = Field(default="", max_length=2000)
    # "pending_birth": a newborn added by the volunteer when filing the birth registration
    # `source_dossier_id`; the server makes it "active" when that dossier's result is issued.
    status: str = Field(default="active", max_length=16, description="active | pending_birth")
    source_dossier_id: str | None = Field(default=None, max_length=36, index=True)
    version: int = Field(default=1)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _cccd_blind_index(_mapper: object, connection: Connection, target: Member) -> None:
    # One rule in one place: whatever path writes a member, its CCCD look-up key follows.
    target.cccd_bidx = (
        keyring_of(connection.dialect).blind_index("cccd", target.cccd) if target.cccd else None
    )


@event.listens_for(Member, "before_update")
def _honour_withdrawal(_mapper: object, connection: Connection, target: Member) -> None:
    # A later write (a phone that was offline, an edit) must not bring back data the person
    # withdrew consent for or had erased (docs/privacy.md). Runs before the blind index.
    kind = connection.execute(
        text("SELECT kind FROM member_restrictions WHERE member_id = :i"), {"i": target.id}
    ).scalar()
    if kind in ("consent_withdrawn", "erased"):
        target.phone, target.ethnicity, target.notes = None, "", ""
    if kind == "erased":
        target.full_name, target.search_key = "(đã xoá theo yêu cầu)", ""
        target.date_of_birth, target.sex, target.cccd = None, None, None
