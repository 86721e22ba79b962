"""Wire shapes of the province index, its drill-down, and the administrator's routes."""

from __future__ import annotations

import msgspec

from backend.lib.wire import Number, NumberOrNone, Out
from backend.monitoring.index766 import Group


class CommuneIn(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    name: str
    unit_code: str


class ProvinceUserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str
    full_name: str
    role: str
    commune_id: str | None = None
    village_codes: list[str] = msgspec.field(default_factory=list)


class ProcedureVersionIn(msgspec.Struct, forbid_unknown_fields=True):
    version: int | None  # None: follow the newest published version
class CommuneOut(msgspec.Struct):
    id: str
    province_id: str
    name: str
    unit_code: str


class ProvinceUserOut(msgspec.Struct):
    id: str
    username: str
    role: str
    commune_id: str | None
    province_id: str | None


class Criterion(Out):
    """One criterion of Decision 766 (backend/monitoring/index766.py)."""

    id: str
    group: Group
    name_vi: str
    name_en: str
    measurable: bool
    weight: NumberOrNone
    numerator: int | None
    denominator: int | None
    rate: NumberOrNone
    points: NumberOrNone
    why_not: str


class Goal(Out):
    id: str
    name_vi: str
    name_en: str
    target: Number
    rate: NumberOrNone
    met: bool | None
    measured: bool
    note: str


class Index(Out):
    criteria: list[Criterion]
    goals: list[Goal]
    points: Number
    points_possible: Number
    average_processing_days: NumberOrNone
    extra: dict[str, int]


class Summary(Out):
    points: Number
    points_possible: Number
    on_time_rate: NumberOrNone
    satisfaction_rate: NumberOrNone
    electronic_result_rate: NumberOrNone
    finished: int
    received: int
    average_processing_days: NumberOrNone


class CommuneRow(Summary):
    commune_id: str
    name: str
    overdue_open: int
    rank: int


class ProvinceRef(Out):
    id: str
    name: str


class ProvinceIndex(Out):
    province: ProvinceRef
    date_from: str = msgspec.field(name="from")
    date_to: str = msgspec.field(name="to")
    index: Index
    overdue_open: int
    communes: list[CommuneRow]


class CommuneRef(Out):
    id: str
    name: str
    province_id: str


class ProcedureRow(Summary):
    procedure_code: str


class CommuneIndex(Out):
    commune: CommuneRef
    date_from: str = msgspec.field(name="from")
    date_to: str = msgspec.field(name="to")
    index: Index
    overdue_open: int
    procedures: list[ProcedureRow]


class WeekRow(Summary):
    week: str


class Trend(Out):
    weeks: list[WeekRow]


class DrillRow(Out):
    id: str
    official_code: str | None
    procedure_code: str
    status: str
    outcome: str | None
    received_at: str | None
    due_date: str | None
    at: str | None


class Drill(Out):
    commune_id: str
    procedure_code: str | None
    metric: str
    date_from: str = msgspec.field(name="from")
    date_to: str = msgspec.field(name="to")
    dossiers: list[DrillRow]


class ProcedureVersions(msgspec.Struct):
    """A procedure's published versions and the one the province files it with."""

    code: str
    name: str
    versions: list[int]
    latest: int
    pinned: int | None  # None: follow the newest
    effective: int
