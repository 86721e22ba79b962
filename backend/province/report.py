"""The monthly report for the province People's Committee: the index per commune, late
dossiers with their apology letters, satisfaction — as a Vietnamese A4 PDF (the documents'
renderer and fonts, a bar chart drawn in vector), and the same data as XLSX (codes stored as
text so leading zeros stay) and CSV.

`report_data` reads (rollups for the figures, the audit log for the late list); the three
renderers are pure functions of `ReportData`.
"""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from sqlmodel import Session

from backend.documents.render import FONT, Document, Header, vn_date
from backend.lib.auth import Principal
from backend.lib.errors import AppError
from backend.lib.vntime import local_date
from backend.monitoring.csv_export import to_csv
from backend.monitoring.index766 import Counts, IndexResult, compute
from backend.province import queries
from backend.province.service import authorise_province

LATE_LIST_MAX = 300
FORMATS = ("pdf", "xlsx", "csv")


@dataclass(frozen=True)
class CommuneLine:
    rank: int
    commune_id: str
    name: str
    points: float
    points_possible: float
    received: int
    finished: int
    on_time: int
    late: int
    on_time_rate: float | None
    results_issued: int
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    apologies: int


@dataclass(frozen=True)
class LateLine:
    commune: str
    official_code: str
    procedure_code: str
    due: date | None
    decided: date
    apology_on: date | None
    appointment: str


@dataclass(frozen=True)
class ReportData:
    province_id: str
    province_name: str
    month: str  # YYYY-MM
    start: date
    end: date
    made_on: date
    index: IndexResult
    communes: tuple[CommuneLine, ...]
    late: tuple[LateLine, ...]
    late_total: int


def parse_month(value: str) -> tuple[date, date]:
    try:
        year, month = (int(p) for p in value.split("-"))
        start = date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise AppError("bad_month", "Tháng phải có dạng NNNN-TT, ví dụ 2026-03.",
                       "month: YYYY-MM, e.g. 2026-03.", 422) from exc
    return start, date(year, month, calendar.monthrange(year, month)[1])


def report_data(session: Session, principal: Principal, province_id: str, month: str,
                now: datetime) -> ReportData:
    province = authorise_province(session, principal, province_id)
    start, end = parse_month(month)
    communes = queries.communes_of(session, province_id)
    ids = [c.id for c in communes]
    names = {c.id: c.name for c in communes}
    counts = queries.counts_by_commune(session, ids, start, end)
    total = Counts()
    lines = []
    for c in communes:
        cc = counts.get(c.id, Counts())
        total = total + cc
        r = compute(cc)
        lines.append((c, cc, r))
    lines.sort(key=lambda x: (x[1].finished == 0, -x[2].points, x[0].id))
    rows = tuple(
        CommuneLine(
            rank=i, commune_id=c.id, name=c.name, points=r.points,
            points_possible=r.points_possible, received=cc.received, finished=cc.finished,
            on_time=cc.finished_on_time, late=cc.finished - cc.finished_on_time,
            on_time_rate=(cc.finished_on_time / cc.finished) if cc.finished else None,
            results_issued=cc.results_issued, rated=cc.rated, satisfied=cc.satisfied,
            satisfaction_rate=(cc.satisfied / cc.rated) if cc.rated else None,
            apologies=cc.apologies)
        for i, (c, cc, r) in enumerate(lines, 1))
    apologies = queries.apologies_in(session, ids, start, end)
    late: list[LateLine] = []
    late_total = 0
    for commune_id, code, procedure, due, at, did in queries.finished_in(session, ids, start,
                                                                         end):
        decided = local_date(at)
        if due is None or decided <= due:
            continue
        late_total += 1
        if len(late) < LATE_LIST_MAX:
            apology = apologies.get(did)
            late.append(LateLine(
                commune=names[commune_id], official_code=code or did[:8],
                procedure_code=procedure, due=due, decided=decided,
                apology_on=local_date(apology[0]) if apology else None,
                appointment=str(apology[1].get("appointment_date") or "") if apology else ""))
    return ReportData(province.id, province.name, month, start, end, local_date(now),
                      compute(total), rows, tuple(late), late_total)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %".replace(".", ",")


def _pts(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


# --- PDF ---------------------------------------------------------------------------------


def _table(doc: Document, header: tuple[str, ...], rows: list[tuple[str, ...]],
           widths: tuple[int, ...]) -> None:
    pdf = doc.pdf
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.6,
                   repeat_headings=1) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for r in rows:
            row = table.row()
            for v in r:
                row.cell(v)
    pdf.ln(3)


def _bar_chart(doc: Document, title: str, bars: list[tuple[str, float]], target: float) -> None:
    """Horizontal bars 0–100 % with the target as a dashed line (vector, prints sharp)."""
    pdf = doc.pdf
    row, label_w = 5.0, 45.0
    bar_w = doc.width - label_w - 18
    if pdf.get_y() + len(bars) * row + 14 > pdf.h - 20:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(doc.width, 5, title)
    y0 = pdf.get_y() + 1
    x0 = pdf.l_margin + label_w
    pdf.set_font(FONT, "", 7.5)
    for i, (label, value) in enumerate(bars):
        y = y0 + i * row
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w - 2, row, label[:30], align="R")
        shade = 60 if value >= target else 150
        pdf.set_fill_color(shade, shade, shade)
        pdf.rect(x0, y + 0.8, max(0.3, bar_w * max(0.0, min(1.0, value))), row - 1.6, style="F")
        pdf.set_xy(x0 + bar_w * min(1.0, value) + 1, y)
        pdf.cell(16, row, _pct(value))
    tx = x0 + bar_w * target
    with pdf.local_context(dash_pattern={"dash": 1.2, "gap": 1.0}):
        pdf.line(tx, y0 - 1, tx, y0 + len(bars) * row)
    pdf.set_xy(tx - 10, y0 + len(bars) * row)
    pdf.cell(20, 4, f"mục tiêu {_pct(target)}", align="C")
    pdf.set_y(y0 + len(bars) * row + 6)


def pdf(data: ReportData) -> bytes:
    month_vi = f"tháng {data.start.month:02d} năm {data.start.year}"
    doc = Document(f"Báo cáo {month_vi} — {data.province_name}", data.made_on)
    doc.header(Header(authority=f"UBND TỈNH {data.province_name}", office="",
                      number="Số: …/BC-UBND", place=data.province_name, on=data.made_on))
    doc.title("BÁO CÁO", f"Chất lượng phục vụ người dân trong giải quyết thủ tục hành chính "
                         f"{month_vi} (Bộ chỉ số theo Quyết định 766/QĐ-TTg)")
    doc.paragraph("Kính gửi: Ủy ban nhân dân tỉnh " + data.province_name + ".")
    i = data.index
    by_id = {c.id: c for c in i.criteria}
    doc.paragraph(
        f"Từ {vn_date(data.start)} đến {vn_date(data.end)}, các xã đã tiếp nhận "
        f"{i.extra['received']} hồ sơ, giải quyết {by_id['progress.on_time'].denominator} hồ sơ, "
        f"trong đó {_pct(by_id['progress.on_time'].rate)} trước hạn hoặc đúng hạn; "
        f"{data.late_total} hồ sơ giải quyết trễ hạn. Tỷ lệ hài lòng của người dân "
        f"{_pct(by_id['satisfaction.procedures'].rate)}; tỷ lệ kết quả điện tử "
        f"{_pct(by_id['digitisation.electronic_results'].rate)}.")
    doc.paragraph(
        f"Điểm đo được: {_pts(i.points)} trên {i.points_possible:g} điểm của các tiêu chí đo "
        "được (điểm = tỷ lệ × trọng số đã xác nhận; thang chấm chi tiết của Quyết định chưa "
        "được đối chiếu). Các tiêu chí không đo được bằng dữ liệu của sản phẩm: " + "; ".join(
            c.name_vi for c in i.criteria if not c.measurable) + ".")
    doc.paragraph("1. Chỉ số theo xã (xếp hạng)", bold=True)
    _table(doc, ("#", "Mã xã", "Xã", "Điểm", "Tiếp nhận", "Giải quyết", "Đúng hạn", "Trễ",
                 "Hài lòng", "Xin lỗi"),
           [(str(r.rank), r.commune_id, r.name, _pts(r.points), str(r.received),
             str(r.finished), _pct(r.on_time_rate), str(r.late), _pct(r.satisfaction_rate),
             str(r.apologies)) for r in data.communes],
           (6, 12, 28, 12, 14, 14, 14, 9, 14, 10))
    shown = [r for r in data.communes if r.on_time_rate is not None][:40]
    if shown:
        _bar_chart(doc, "Biểu đồ: tỷ lệ giải quyết trước hạn, đúng hạn theo xã",
                   [(r.name, r.on_time_rate or 0.0) for r in shown], 0.8)
    rated = [r for r in data.communes if r.satisfaction_rate is not None][:40]
    if rated:
        _bar_chart(doc, "Biểu đồ: tỷ lệ hài lòng theo xã",
                   [(r.name, r.satisfaction_rate or 0.0) for r in rated], 0.95)
    doc.paragraph("2. Hồ sơ giải quyết trễ hạn và thư xin lỗi", bold=True)
    if data.late:
        _table(doc, ("Xã", "Mã hồ sơ", "Thủ tục", "Hạn", "Giải quyết", "Thư xin lỗi",
                     "Hẹn lại"),
               [(x.commune, x.official_code, x.procedure_code, vn_date(x.due),
                 vn_date(x.decided), vn_date(x.apology_on) if x.apology_on else "chưa có",
                 x.appointment) for x in data.late],
               (20, 56, 24, 18, 19, 20, 18))
        if data.late_total > len(data.late):
            doc.paragraph(f"(Liệt kê {len(data.late)} trên {data.late_total} hồ sơ.)")
    else:
        doc.paragraph("Không có hồ sơ giải quyết trễ hạn trong tháng.")
    doc.paragraph("3. Mức độ hài lòng", bold=True)
    _table(doc, ("Xã", "Lượt đánh giá", "Hài lòng", "Không hài lòng", "Tỷ lệ"),
           [(r.name, str(r.rated), str(r.satisfied), str(r.rated - r.satisfied),
             _pct(r.satisfaction_rate)) for r in data.communes if r.rated],
           (50, 30, 30, 30, 30))
    doc.signatures([("NGƯỜI LẬP BÁO CÁO", "(Ký, ghi rõ họ tên)", "")])
    return doc.output()


# --- spreadsheets --------------------------------------------------------------------------

COMMUNE_HEADER = ("Hạng / Rank", "Mã xã / Commune code", "Xã / Commune", "Điểm / Points",
                  "Điểm tối đa đo được / Measurable max", "Tiếp nhận / Received",
                  "Giải quyết / Resolved", "Đúng hạn / On time", "Trễ hạn / Late",
                  "Tỷ lệ đúng hạn / On-time rate", "Kết quả điện tử / Electronic results",
                  "Lượt đánh giá / Ratings", "Hài lòng / Satisfied",
                  "Tỷ lệ hài lòng / Satisfaction", "Thư xin lỗi / Apologies")
LATE_HEADER = ("Xã / Commune", "Mã hồ sơ / Dossier code", "Thủ tục / Procedure",
               "Hạn / Due", "Giải quyết / Decided", "Thư xin lỗi / Apology",
               "Hẹn lại / New appointment")


def _commune_row(r: CommuneLine) -> list[Any]:
    return [r.rank, r.commune_id, r.name, r.points, r.points_possible, r.received, r.finished,
            r.on_time, r.late, r.on_time_rate, r.results_issued, r.rated, r.satisfied,
            r.satisfaction_rate, r.apologies]


def xlsx(data: ReportData) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Xã"
    ws.append(list(COMMUNE_HEADER))
    for r in data.communes:
        ws.append(_commune_row(r))
    for row in ws.iter_rows(min_row=2):
        row[1].number_format = "@"  # commune codes are text: "03532" keeps its zero
        row[1].data_type = "s"
        for cell in (row[9], row[13]):
            cell.number_format = "0.0%"
    late = wb.create_sheet("Trễ hạn")
    late.append(list(LATE_HEADER))
    for x in data.late:
        late.append([x.commune, x.official_code, x.procedure_code, x.due, x.decided,
                     x.apology_on, x.appointment])
    for row in late.iter_rows(min_row=2):
        row[1].number_format = "@"
        for cell in (row[3], row[4], row[5]):
            cell.number_format = "dd/mm/yyyy"
    crit = wb.create_sheet("Tiêu chí 766")
    crit.append(["Nhóm / Group", "Tiêu chí / Criterion", "Đo được / Measurable",
                 "Trọng số / Weight", "Tử số / Numerator", "Mẫu số / Denominator",
                 "Tỷ lệ / Rate", "Điểm / Points", "Vì sao không đo / Why not"])
    for c in data.index.criteria:
        crit.append([c.group, c.name_vi, "có" if c.measurable else "không", c.weight,
                     c.numerator, c.denominator, c.rate, c.points, c.why_not])
    for sheet in (ws, late, crit):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    wb.properties.title = f"Báo cáo {data.month} — {data.province_name}"
    wb.properties.created = datetime.combine(data.made_on, datetime.min.time())
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv(data: ReportData) -> bytes:
    """The communes table (the late list and criteria are in the XLSX)."""
    return to_csv(COMMUNE_HEADER, (_commune_row(r) for r in data.communes))
