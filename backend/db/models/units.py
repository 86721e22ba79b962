"""Administrative units, two-level model in force since 1 July 2025: province → commune → village."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Province(SQLModel, table=True):
    __tablename__ = "provinces"
    id: str = Field(primary_key=True, max_length=8, description="Official 2-digit province code")
    name: str = Field(max_length=120)


class Commune(SQLModel, table=True):
    __tablename__ = "communes"
    id: str = Field(primary_key=True, max_length=16, description="Official commune code")
    province_id: str = Field(foreign_key="provinces.id", index=True, max_length=8)
    name: str = Field(max_length=120)
    unit_code: str = Field(
        max_length=32, description="Code of the receiving unit, first part of dossier codes"
    )
    # Printed under "TM. ỦY BAN NHÂN DÂN" on result documents (commune settings).
    signer_name: str = Field(default="", max_length=120)
    signer_title: str = Field(default="", max_length=120)


class Village(SQLModel, table=True):
    """A thôn or bản. `code` is what CSV files and people use; `id` is stable."""

    __tablename__ = "villages"
    id: str = Field(primary_key=True, max_length=36)
    commune_id: str = Field(foreign_key="communes.id", index=True, max_length=16)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=120)
