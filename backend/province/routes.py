"""/api/province: the Decision 766 index across the communes of a province (monitors and
administrators of that province, and admins), drill-down, and the administrator's
management of communes and accounts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Response, get, post, put
from litestar.datastructures import State
from litestar.params import QueryParameter
from sqlmodel import Session

from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.province import catalogue, report, service
from backend.province.schemas import CommuneIn, ProcedureVersionIn, ProvinceUserIn

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
    ) -> dict[str, Any]:
        """The index of the province and of each commune, communes ranked (Vietnam dates,
        inclusive; default the last 30 days)."""
        return service.province_view(db, principal, province_id, date_from, date_to,
                                     local_date(utcnow()))

    @get("/{province_id:str}/trend", sync_to_thread=True, guards=[READERS])
    def province_trend(
        self, db: Session, principal: Principal, province_id: str,
        commune_id: str | None = None, weeks: int = 12,
    ) -> dict[str, Any]:
        return service.trend(db, principal, province_id, commune_id, weeks,
                             local_date(utcnow()))

    @get("/communes/{commune_id:str}/index", sync_to_thread=True, guards=[READERS])
    def commune_index(
        self, db: Session, principal: Principal, commune_id: str,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> dict[str, Any]:
        """One commune's index and its procedures."""
        return service.commune_view(db, principal, commune_id, date_from, date_to,
                                    local_date(utcnow()))

    @get("/communes/{commune_id:str}/dossiers", sync_to_thread=True, guards=[READERS])
    def commune_dossiers(
        self, db: Session, principal: Principal, commune_id: str, metric: str = "finished",
        procedure_code: str | None = None, limit: int = 100,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> dict[str, Any]:
        """The dossiers behind a number (metric: received, finished, late, overdue,
        not_satisfied)."""
        return service.drill(db, principal, commune_id, procedure_code, metric, date_from,
                             date_to, local_date(utcnow()), limit)

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
                           province_id: str) -> list[dict[str, Any]]:
        """Every procedure with its published versions and the one the province files with
        (`pinned` null: the newest)."""
        service.authorise_province(db, principal, province_id)
        return catalogue.listing(db, state.catalog, province_id)

    @put("/{province_id:str}/procedures/{code:str}", sync_to_thread=True, guards=[ADMINS])
    def choose_procedure_version(self, db: Session, principal: Principal, state: State,
                                 province_id: str, code: str,
                                 data: ProcedureVersionIn) -> dict[str, Any]:
        """The province administrator chooses the version its communes file `code` with."""
        service.authorise_province(db, principal, province_id)
        return catalogue.choose(db, state.catalog, principal, province_id, code, data.version,
                                utcnow())

    @post("/{province_id:str}/communes", sync_to_thread=True, guards=[ADMINS])
    def create_commune(self, db: Session, principal: Principal, province_id: str,
                       data: CommuneIn) -> dict[str, Any]:
        c = service.create_commune(db, principal, province_id, data.id, data.name,
                                   data.unit_code)
        return {"id": c.id, "province_id": c.province_id, "name": c.name,
                "unit_code": c.unit_code}

    @post("/{province_id:str}/users", sync_to_thread=True, guards=[ADMINS])
    def create_user(self, db: Session, principal: Principal, province_id: str,
                    data: ProvinceUserIn) -> dict[str, Any]:
        u = service.create_province_user(
            db, principal, province_id, username=data.username, password=data.password,
            full_name=data.full_name, role=data.role, commune_id=data.commune_id,
            village_codes=data.village_codes, now=utcnow())
        return {"id": u.id, "username": u.username, "role": u.role,
                "commune_id": u.commune_id, "province_id": u.province_id}
