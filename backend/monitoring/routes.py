"""Dashboard (JSON and CSV) for officers and admins; device sync-health reports from the PWA."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter

from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.vntime import local_date
from backend.lib.wire import to_wire
from backend.monitoring import csv_export, dashboard, device_health, queries
from backend.monitoring.schemas import DashboardOut, DeviceHealthIn, DeviceHealthOut

CSV_TYPE = "text/csv; charset=utf-8"


def _csv(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )


class MonitoringController(Controller):
    path = "/api/monitoring"
    tags = ["monitoring"]

    def _board(self, db: Session, state: State, principal: Principal, commune_id: str | None,
               village_id: str | None, volunteer_id: str | None, date_from: date | None,
               date_to: date | None) -> dashboard.Dashboard:
        scope = dashboard.authorise_scope(db, principal, commune_id, village_id, volunteer_id,
                                          date_from, date_to)
        return dashboard.dashboard(db, state.catalog, scope, utcnow())

    @get("/dashboard", sync_to_thread=True, guards=[require_roles("officer", "admin")])
    def dashboard(
        self, db: Session, state: State, principal: Principal,
        commune_id: str | None = None, village_id: str | None = None,
        volunteer_id: str | None = None,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> DashboardOut:
        """Figures for a commune (officers: their own), optionally one village, one volunteer
        and a range of creation dates (Vietnam dates, inclusive)."""
        board = self._board(db, state, principal, commune_id, village_id, volunteer_id,
                            date_from, date_to)
        return to_wire(board.body, DashboardOut)

    @get("/dashboard.csv", sync_to_thread=True, guards=[require_roles("officer", "admin")])
    def dashboard_csv(
        self, db: Session, state: State, principal: Principal,
        commune_id: str | None = None, village_id: str | None = None,
        volunteer_id: str | None = None,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Response[bytes]:
        board = self._board(db, state, principal, commune_id, village_id, volunteer_id,
                            date_from, date_to)
        stamp = local_date(utcnow()).isoformat()
        return _csv(csv_export.dashboard_csv(board), f"langso-chi-so-{stamp}.csv")

    @get("/dossiers.csv", sync_to_thread=True, guards=[require_roles("officer", "admin")])
    def dossiers_csv(
        self, db: Session, state: State, principal: Principal,
        commune_id: str | None = None, village_id: str | None = None,
        volunteer_id: str | None = None,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> Response[bytes]:
        scope = dashboard.authorise_scope(db, principal, commune_id, village_id, volunteer_id,
                                          date_from, date_to)
        now = utcnow()
        board = dashboard.Dashboard(scope, dashboard.gather(db, state.catalog, scope, now, prefill=False))
        villages = queries.village_names(db, (f.row.village_id for f in board.facts))
        volunteers = queries.user_names(db, (f.row.prepared_by for f in board.facts))
        content = csv_export.dossiers_csv(board, state.catalog, villages, volunteers)
        return _csv(content, f"langso-ho-so-{local_date(now).isoformat()}.csv")

    @post("/device-health", sync_to_thread=True, status_code=200)
    def device_health(self, db: Session, principal: Principal,
                      data: DeviceHealthIn) -> DeviceHealthOut:
        """The PWA reports its outbox on each push/pull: pending mutations and uploads, and
        when the oldest of them was recorded. Only the device's own user may report."""
        row = device_health.report_device_health(db, principal, data.device_id, data.pending,
                                                 data.oldest_pending_at, utcnow())
        return DeviceHealthOut(device_id=row.device_id, pending=row.pending,
                               oldest_pending_at=dashboard.iso(row.oldest_pending_at),
                               reported_at=dashboard.iso(row.reported_at))
