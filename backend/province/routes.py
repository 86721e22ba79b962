"""/api/province: the Decision 766 index across the communes of a province (monitors and
administrators of that province, and admins), drill-down, and the administrator's
management of communes and accounts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, post, put
from litestar.datastructures import State
from litestar.params import QueryParameter

from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.lib.wire import to_wire
from backend.province import catalogue, report, service
from backend.province.schemas import (
    CommuneIn,
    CommuneIndex,
    CommuneOut,
    Drill,
    ProcedureVersionIn,
    ProcedureVersions,
    ProvinceIndex,
    ProvinceUserIn,
    ProvinceUserOut,
    Trend,
)

READERS = require_roles("province_monitor", "province_admin", "admin")
ADMINS = require_roles("province_admin", "admin")
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ProvinceController(Controller):
    path = "/api/province"
    tags = ["province"]

    @get("/{province_id:str}/index", sync_to_thread=True, guards=[READERS])
    def province_index(
        self, db: Session, principal: Principal, province_id: str,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> ProvinceIndex:
        """The index of the province and of each commune, communes ranked (Vietnam dates,
        inclusive; default the last 30 days)."""
        return to_wire(service.province_view(db, principal, province_id, date_from, date_to,
                                             local_date(utcnow())), ProvinceIndex)

    @get("/{province_id:str}/trend", sync_to_thread=True, guards=[READERS])
    def province_trend(
        self, db: Session, principal: Principal, province_id: str,
        commune_id: str | None = None, weeks: int = 12,
    ) -> Trend:
        return to_wire(service.trend(db, principal, province_id, commune_id, weeks,
                                     local_date(utcnow())), Trend)

    @get("/communes/{commune_id:str}/index", sync_to_thread=True, guards=[READERS])
    def commune_index(
        self, db: Session, principal: Principal, commune_id: str,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> CommuneIndex:
        """One commune's index and its procedures."""
        return to_wire(service.commune_view(db, principal, commune_id, date_from, date_to,
                                            local_date(utcnow())), CommuneIndex)

    @get("/communes/{commune_id:str}/dossiers", sync_to_thread=True, guards=[READERS])
    def commune_dossiers(
        self, db: Session, principal: Principal, commune_id: str, metric: str = "finished",
        procedure_code: str | None = None, limit: int = 100,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Drill:
        """The dossiers behind a number (metric: received, finished, late, overdue,
        not_satisfied)."""
        return to_wire(service.drill(db, principal, commune_id, procedure_code, metric,
                                     date_from, date_to, local_date(utcnow()), limit), Drill)

    @get("/{province_id:str}/reports/{month:str}/{fmt:str}", sync_to_thread=True,
         guards=[READERS])
    def monthly_report(self, db: Session, principal: Principal, province_id: str, month: str,
                       fmt: str) -> Response[bytes]:
        """The monthly report for the province People's Committee (month `YYYY-MM`) as
        `pdf`, `xlsx` or `csv`."""
        if fmt not in MEDIA:
            raise AppError("bad_format", "Định dạng phải là pdf, xlsx hoặc csv.",
                           "fmt: pdf, xlsx or csv.", 422)
        data = report.report_data(db, principal, province_id, month, utcnow())
        content = {"pdf": report.pdf, "xlsx": report.xlsx, "csv": report.csv}[fmt](data)
        name = f"bao-cao-{province_id}-{data.month}.{fmt}"
        return Response(content, media_type=MEDIA[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "no-store"})

    @get("/{province_id:str}/procedures", sync_to_thread=True, guards=[READERS])
    def procedure_versions(self, db: Session, principal: Principal, state: State,
                           province_id: str) -> list[ProcedureVersions]:
        """Every procedure with its published versions and the one the province files with
        (`pinned` null: the newest)."""
        service.authorise_province(db, principal, province_id)
        return [to_wire(row, ProcedureVersions)
                for row in catalogue.listing(db, state.catalog, province_id)]

    @put("/{province_id:str}/procedures/{code:str}", sync_to_thread=True, guards=[ADMINS])
    def choose_procedure_version(self, db: Session, principal: Principal, state: State,
                                 province_id: str, code: str,
                                 data: ProcedureVersionIn) -> ProcedureVersions:
        """The province administrator chooses the version its communes file `code` with."""
        service.authorise_province(db, principal, province_id)
        return to_wire(catalogue.choose(db, state.catalog, principal, province_id, code,
                                        data.version, utcnow()), ProcedureVersions)

    @post("/{province_id:str}/communes", sync_to_thread=True, guards=[ADMINS])
    def create_commune(self, db: Session, principal: Principal, province_id: str,
                       data: CommuneIn) -> CommuneOut:
        c = service.create_commune(db, principal, province_id, data.id, data.name,
                                   data.unit_code)
        return CommuneOut(id=c.id, province_id=c.province_id, name=c.name,
                          unit_code=c.unit_code)

    @post("/{province_id:str}/users", sync_to_thread=True, guards=[ADMINS])
    def create_user(self, db: Session, principal: Principal, province_id: str,
                    data: ProvinceUserIn) -> ProvinceUserOut:
        u = service.create_province_user(
            db, principal, province_id, username=data.username, password=data.password,
            full_name=data.full_name, role=data.role, commune_id=data.commune_id,
            village_codes=data.village_codes, now=utcnow())
        return ProvinceUserOut(id=u.id, username=u.username, role=u.role,
                               commune_id=u.commune_id, province_id=u.province_id)
