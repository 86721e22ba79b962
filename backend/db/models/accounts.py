"""Users, their villages and their revocable sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from backend.db.types import UTCDateTime


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: str = Field(primary_key=True, max_length=36)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(
        max_length=16,
        description="admin | officer | volunteer | province_monitor | province_admin",
    )
    commune_id: str | None = Field(default=None, foreign_key="communes.id", max_length=16)
    province_id: str | None = Field(
        default=None, foreign_key="provinces.id", max_length=8, index=True,
        description="Province roles: the province they monitor or administer",
    )
    is_active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class UserVillage(SQLModel, table=True):
    """A volunteer's assignment to a village: the unit of what they may read and write."""

    __tablename__ = "user_villages"
    user_id: str = Field(foreign_key="users.id", primary_key=True, max_length=36)
    village_id: str = Field(foreign_key="villages.id", primary_key=True, max_length=36)


class AuthToken(SQLModel, table=True):
    """A session. Only an HMAC of the token is stored, so a database leak yields no sessions."""

    __tablename__ = "auth_tokens"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
