"""Service-index rollups: counters per commune, procedure and local day, kept exact by the
hook in backend/monitoring/rollups.py in the same transaction as the event they count.

A row is only ever incremented; every counter is a pure function of the audit log
(`dossier_events`), the dossiers' deadlines and `ratings`, so a full recomputation
(`backend.monitoring.rollups.recompute`) must give the same rows — the property test checks it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, text
from sqlmodel import Field, SQLModel

from backend.db.models.dossiers import Dossier
from backend.db.types import UTCDateTime

OPEN_STATUSES = "status IN ('received', 'processing')"
# The live "still open past the due date" figure of the province view reads only open dossiers
# (a few percent of a province's history): a partial index keeps it off the full table.
Index("ix_dossiers_open_due", Dossier.__table__.c.commune_id,  # type: ignore[attr-defined]
      Dossier.__table__.c.due_date,  # type: ignore[attr-defined]
      postgresql_where=text(OPEN_STATUSES), sqlite_where=text(OPEN_STATUSES))

DECIDED = "decided_at IS NOT NULL"
# The "decided late" drill-down walks a commune's decisions newest first and judges lateness
# from the index alone (decided_at against due_date); the other columns only for the page.
Index("ix_dossiers_decided", Dossier.__table__.c.commune_id,  # type: ignore[attr-defined]
      Dossier.__table__.c.decided_at, Dossier.__table__.c.due_date,  # type: ignore[attr-defined]
      postgresql_where=text(DECIDED), sqlite_where=text(DECIDED))

COUNTERS = (
    "submitted",  # filed online from a device (action submit)
    "received",  # received by the commune (action receive)
    "refused",  # refused at intake (action refuse)
    "finished",  # processing ended with a result, approved or rejected
    "finished_early",  # … strictly before the due date (local day)
    "finished_on_time",  # … on or before the due date (includes early)
    "returned",  # result handed over (action return_result)
    "results_issued",  # signed electronic result issued (event issue_result)
    "supplements",  # supplement requested (action request_supplement)
    "apologies",  # apology letter with a new appointment (event apologise)
    "rated",  # satisfaction ratings recorded
    "satisfied",  # … very satisfied or satisfied
    "timed",  # first signed submissions that carry their fill time
    "fast",  # … filled in 5 minutes or less
    "prefilled_fields",  # fields prefilled from the household, summed over first submissions
    "total_fields",  # fields filled, summed over the same submissions
)


class DossierRollup(SQLModel, table=True):
    __tablename__ = "dossier_rollups"
    # The province view reads a period of many communes across all procedures.
    __table_args__ = (Index("ix_dossier_rollups_commune_day", "commune_id", "day"),)
    commune_id: str = Field(primary_key=True, max_length=16)
    procedure_code: str = Field(primary_key=True, max_length=64)
    day: date = Field(primary_key=True, description="Local (UTC+7) day of the event")
    submitted: int = Field(default=0)
    received: int = Field(default=0)
    refused: int = Field(default=0)
    finished: int = Field(default=0)
    finished_early: int = Field(default=0)
    finished_on_time: int = Field(default=0)
    processing_seconds: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0),
        description="Sum over finished dossiers of the time from receipt to result",
    )
    returned: int = Field(default=0)
    results_issued: int = Field(default=0)
    supplements: int = Field(default=0)
    apologies: int = Field(default=0)
    rated: int = Field(default=0)
    satisfied: int = Field(default=0)
    timed: int = Field(default=0)
    fast: int = Field(default=0)
    prefilled_fields: int = Field(default=0)
    total_fields: int = Field(default=0)


class ProvinceProcedureVersion(SQLModel, table=True):
    """The catalogue version a province's communes file a procedure with, chosen by its
    province administrator (backend/province/catalogue.py). No row: the newest version."""

    __tablename__ = "province_procedure_versions"
    province_id: str = Field(foreign_key="provinces.id", primary_key=True, max_length=8)
    procedure_code: str = Field(primary_key=True, max_length=64)
    version: int
    set_by: str = Field(max_length=36)
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
