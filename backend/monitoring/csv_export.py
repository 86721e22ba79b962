"""CSV exports of the dashboard: UTF-8 with a byte-order mark (so Excel reads Vietnamese text
correctly), CRLF rows, and every text cell made safe against formula injection: a cell that
starts with = + - @ (or a tab / carriage return, which Excel strips before looking) is
prefixed with an apostrophe, so a village or volunteer name can never run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.lib.vntime import local_date
from backend.monitoring.dashboard import Dashboard
from sync.states import LABELS_VI

BOM = "\ufeff"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


FIGURE_HEADER = (
    "Nhóm / Group", "Mã / Id", "Tên / Name", "Chỉ số / Metric", "Giá trị / Value",
    "Mục tiêu / Target",
)


def _figure_rows(group: str, key: str, name: str, f: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [[group, key, name, "dossiers", f["dossiers"], None]]
    rows += [[group, key, name, f"status.{s}", n, None] for s, n in f["by_status"].items()]
    ot = f["on_time"]
    rows += [[group, key, name, f"on_time.{k}", ot[k], None]
             for k in ("finished", "before", "on", "after", "open_overdue")]
    rows.append([group, key, name, "on_time.rate", ot["rate"], None])
    ft = f["fill_time"]
    rows.append([group, key, name, "fill_time.count", ft["count"], None])
    rows.append([group, key, name, "fill_time.median_seconds", ft["median_seconds"],
                 ft["target_seconds"]])
    pf = f["prefill"]
    rows.append([group, key, name, "prefill.prefilled_fields", pf["prefilled_fields"], None])
    rows.append([group, key, name, "prefill.total_fields", pf["total_fields"], None])
    rows.append([group, key, name, "prefill.share", pf["share"], pf["target"]])
    sa = f["satisfaction"]
    rows += [[group, key, name, f"satisfaction.{k}", sa[k], None]
             for k in ("ratings", "very_satisfied", "satisfied", "not_satisfied")]
    rows.append([group, key, name, "satisfaction.rate", sa["rate"], sa["target"]])
    rows += [[group, key, name, f"satisfaction.by_channel.{c}", n, None]
             for c, n in sa["by_channel"].items()]
    sv = f["satisfaction_volunteer"]
    rows += [[group, key, name, f"satisfaction_volunteer.{k}", sv[k], None]
             for k in ("ratings", "very_satisfied", "satisfied", "not_satisfied", "rate")]
    return rows


def dashboard_csv(board: Dashboard) -> bytes:
    body = board.body
    scope_id = body["scope"]["commune_id"] or "all"
    rows = _figure_rows("total", scope_id, "", body["totals"])
    for v in body["by_village"]:
        rows += _figure_rows("village", v["village_id"], v["name"], v)
    for u in body["by_volunteer"]:
        rows += _figure_rows("volunteer", u["volunteer_id"], u["name"], u)
    health = body["sync_health"]
    for k in ("devices", "devices_with_pending", "devices_never_reported", "pending_total",
              "oldest_pending_age_seconds"):
        rows.append(["sync_health", scope_id, "", k, health[k], None])
    return to_csv(FIGURE_HEADER, rows)


DOSSIER_HEADER = (
    "Mã hồ sơ / Code", "Mã nội bộ / Id", "Thủ tục / Procedure", "Tên thủ tục / Procedure name",
    "Thôn / Village", "Tình nguyện viên / Volunteer", "Trạng thái / Status",
    "Tên trạng thái / Status label", "Ngày lập / Created", "Ngày tiếp nhận / Received",
    "Hạn giải quyết / Due", "Ngày có kết quả / Finished", "Đúng hạn / On time",
)


def dossiers_csv(board: Dashboard, catalog: Catalog, villages: dict[str, str],
                 volunteers: dict[str, str]) -> bytes:
    rows = []
    for f in board.facts:
        r = f.row
        try:
            name = catalog.get(r.procedure_code, r.procedure_version).name.vi
        except ProcedureNotFound:
            name = ""
        rows.append([
            r.official_code, r.id, r.procedure_code, name, villages.get(r.village_id, ""),
            volunteers.get(r.prepared_by, ""), r.status,
            LABELS_VI.get(r.status, r.status),  # type: ignore[call-overload]
            local_date(r.created_at), local_date(r.received_at) if r.received_at else None,
            r.due_date, local_date(f.done_at) if f.done_at else None, f.timing,
        ])
    return to_csv(DOSSIER_HEADER, rows)
