"""The province view: the Decision 766 index per commune and for the province, ranking,
weekly trend and drill-down, all from rollup rows; the province administrator's management.

Scope: every entry point takes the caller's `Principal` and checks it first with the one
rule (`Principal.can_see_province` / `can_see_commune`); a province role sees exactly the
communes of its province.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from backend.accounts.service import create_user
from backend.db.models import Commune, Province, User
from backend.lib.auth import PROVINCE_ROLES, Principal
from backend.lib.errors import AppError, forbidden, not_found
from backend.monitoring.index766 import Counts, IndexResult, compute
from backend.province import queries

DEFAULT_DAYS = 30
MAX_DAYS = 800
MAX_WEEKS = 104
DRILL_METRICS = ("received", "finished", "late", "overdue", "not_satisfied")


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise AppError("bad_period", "Ngày bắt đầu phải trước ngày kết thúc.",
                       "from must not be after to.", 422)
    if (end - start).days >= MAX_DAYS:
        raise AppError("bad_period", f"Khoảng thời gian tối đa {MAX_DAYS} ngày.",
                       f"The period is at most {MAX_DAYS} days.", 422)
    return start, end


def authorise_province(session: Session, principal: Principal, province_id: str) -> Province:
    if not principal.can_see_province(province_id):
        raise forbidden()
    province = session.get(Province, province_id)
    if province is None:
        raise not_found("tỉnh", "Province")
    return province


def authorise_commune(session: Session, principal: Principal, commune_id: str) -> Commune:
    if not (principal.is_admin or principal.can_see_commune(commune_id)):
        raise forbidden()
    commune = session.get(Commune, commune_id)
    if commune is None:
        raise not_found("xã", "Commune")
    return commune


def index_json(result: IndexResult) -> dict[str, Any]:
    return asdict(result)


def _summary(result: IndexResult) -> dict[str, Any]:
    by_id = {c.id: c for c in result.criteria}
    return {
        "points": result.points,
        "points_possible": result.points_possible,
        "on_time_rate": by_id["progress.on_time"].rate,
        "satisfaction_rate": by_id["satisfaction.procedures"].rate,
        "electronic_result_rate": by_id["digitisation.electronic_results"].rate,
        "finished": by_id["progress.on_time"].denominator,
        "received": result.extra["received"],
        "average_processing_days": result.average_processing_days,
    }


def province_view(session: Session, principal: Principal, province_id: str,
                  start: date | None, end: date | None, today: date) -> dict[str, Any]:
    province = authorise_province(session, principal, province_id)
    start, end = period(start, end, today)
    communes = queries.communes_of(session, province_id)
    ids = [c.id for c in communes]
    counts = queries.counts_by_commune(session, ids, start, end)
    overdue = queries.overdue_open(session, ids, today)
    total = Counts()
    rows = []
    for c in communes:
        cc = counts.get(c.id, Counts())
        total = total + cc
        result = compute(cc)
        rows.append({"commune_id": c.id, "name": c.name, **_summary(result),
                     "overdue_open": overdue.get(c.id, 0)})
    # Ranking: points, then the on-time rate; a commune with nothing finished ranks last.
    rows.sort(key=lambda r: (r["finished"] == 0, -r["points"], -(r["on_time_rate"] or 0),
                             r["commune_id"]))
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
    return {"province": {"id": province.id, "name": province.name},
            "from": start.isoformat(), "to": end.isoformat(),
            "index": index_json(compute(total)), "overdue_open": sum(overdue.values()),
            "communes": rows}


def commune_view(session: Session, principal: Principal, commune_id: str,
                 start: date | None, end: date | None, today: date) -> dict[str, Any]:
    commune = authorise_commune(session, principal, commune_id)
    start, end = period(start, end, today)
    by_proc = queries.counts_by_procedure(session, commune_id, start, end)
    total = Counts()
    procedures = []
    for code, cc in sorted(by_proc.items()):
        total = total + cc
        procedures.append({"procedure_code": code, **_summary(compute(cc))})
    overdue = queries.overdue_open(session, [commune_id], today).get(commune_id, 0)
    return {"commune": {"id": commune.id, "name": commune.name,
                        "province_id": commune.province_id},
            "from": start.isoformat(), "to": end.isoformat(),
            "index": index_json(compute(total)), "overdue_open": overdue,
            "procedures": procedures}


def trend(session: Session, principal: Principal, province_id: str, commune_id: str | None,
          weeks: int, today: date) -> dict[str, Any]:
    """Weekly index (Monday-based weeks, the last one running) of the province or a commune."""
    if commune_id:
        commune = authorise_commune(session, principal, commune_id)
        if commune.province_id != province_id:
            raise forbidden()
        ids = [commune_id]
    else:
        authorise_province(session, principal, province_id)
        ids = [c.id for c in queries.communes_of(session, province_id)]
    if not 1 <= weeks <= MAX_WEEKS:
        raise AppError("bad_weeks", f"Số tuần từ 1 đến {MAX_WEEKS}.",
                       f"weeks: 1 to {MAX_WEEKS}.", 422)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    buckets: dict[date, Counts] = {first + timedelta(weeks=i): Counts() for i in range(weeks)}
    for day, cc in queries.counts_by_day(session, ids, first, today):
        week = day - timedelta(days=day.weekday())
        buckets[week] = buckets[week] + cc
    return {"weeks": [{"week": w.isoformat(), **_summary(compute(cc))}
                      for w, cc in sorted(buckets.items())]}


def drill(session: Session, principal: Principal, commune_id: str, procedure_code: str | None,
          metric: str, start: date | None, end: date | None, today: date,
          limit: int) -> dict[str, Any]:
    authorise_commune(session, principal, commune_id)
    if metric not in DRILL_METRICS:
        raise AppError("bad_metric", "Chỉ số không hợp lệ.",
                       f"metric: one of {', '.join(DRILL_METRICS)}.", 422)
    if not 1 <= limit <= 500:
        raise AppError("bad_limit", "Số dòng từ 1 đến 500.", "limit: 1 to 500.", 422)
    start, end = period(start, end, today)
    rows = queries.dossiers_behind(session, commune_id, procedure_code, metric, start, end,
                                   today, limit)
    return {"commune_id": commune_id, "procedure_code": procedure_code, "metric": metric,
            "from": start.isoformat(), "to": end.isoformat(),
            "dossiers": [{**r, "received_at": _iso(r["received_at"]), "at": _iso(r["at"]),
                          "due_date": r["due_date"].isoformat() if r["due_date"] else None}
                         for r in rows]}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- the province administrator -------------------------------------------------------------


def _admin_of(principal: Principal, province_id: str) -> None:
    if not (principal.is_admin or (principal.role == "province_admin"
                                   and principal.province_id == province_id)):
        raise forbidden()


def create_commune(session: Session, principal: Principal, province_id: str, commune_id: str,
                   name: str, unit_code: str) -> Commune:
    _admin_of(principal, province_id)
    authorise_province(session, principal, province_id)
    if not commune_id.isdigit() or not 1 <= len(commune_id) <= 16:
        raise AppError("bad_commune_id", "Mã xã gồm chữ số (tối đa 16).",
                       "The commune code is digits (at most 16).", 422)
    if not name.strip() or not unit_code.strip():
        raise AppError("bad_commune", "Cần tên xã và mã đơn vị.",
                       "Name and unit code are required.", 422)
    if session.get(Commune, commune_id) is not None:
        raise AppError("commune_exists", "Mã xã đã tồn tại.", "The commune exists.", 409)
    commune = Commune(id=commune_id, province_id=province_id, name=name.strip(),
                      unit_code=unit_code.strip())
    session.add(commune)
    session.commit()
    return commune


def create_province_user(session: Session, principal: Principal, province_id: str, *,
                         username: str, password: str, full_name: str, role: str,
                         commune_id: str | None, village_codes: list[str],
                         now: datetime) -> User:
    """Accounts inside the province: officers and volunteers of its communes, and province
    monitors. A province administrator never creates admins or other administrators."""
    _admin_of(principal, province_id)
    authorise_province(session, principal, province_id)
    if role not in ("officer", "volunteer", "province_monitor"):
        raise AppError("bad_role", f"Vai trò không hợp lệ ở cấp tỉnh: {role}.",
                       f"A province administrator cannot create role {role}.", 422)
    if role in PROVINCE_ROLES:
        commune_id, village_codes = None, []
    else:
        if not commune_id:
            raise AppError("commune_required", "Cần chỉ định xã.", "A commune is required.")
        commune = session.get(Commune, commune_id)
        if commune is None or commune.province_id != province_id:
            raise forbidden()
    user = create_user(session, username=username, password=password, full_name=full_name,
                       role=role, commune_id=commune_id, village_codes=village_codes, now=now,
                       province_id=province_id if role in PROVINCE_ROLES else None)
    session.commit()
    return user
