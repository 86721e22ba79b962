"""The monthly report's renderers on a hand-made report: a Vietnamese A4 PDF with the
communes, the late list with apology letters and satisfaction; an XLSX whose commune codes
are text (leading zeros kept) and whose rates are numbers; the same rows as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook  # type: ignore[import-untyped]

from backend.monitoring.index766 import Counts, compute
from backend.province.report import CommuneLine, LateLine, ReportData, pdf, xlsx
from backend.province.report import csv as to_csv
from tests.unit.test_letters import flat, is_pdf_with_embedded_font


def data() -> ReportData:
    lines = (
        CommuneLine(1, "03532", "Pu Sam Cáp", 22.52, 26.0, 44, 40, 34, 6, 0.85, 38, 25, 23,
                    0.92, 2),
        CommuneLine(2, "03541", "Nậm Cuổi", 10.0, 26.0, 10, 10, 5, 5, 0.5, 10, 0, 0, None, 0),
    )
    late = (LateLine("Pu Sam Cáp", "000.12.35.H29-260310-0007", "khai-sinh", date(2026, 3, 9),
                     date(2026, 3, 12), date(2026, 3, 8), "2026-03-13"),)
    return ReportData("12", "Lai Châu", "2026-03", date(2026, 3, 1), date(2026, 3, 31),
                      date(2026, 4, 1), compute(Counts(received=54, finished=50,
                                                       finished_on_time=39, rated=25,
                                                       satisfied=23, results_issued=48)),
                      lines, late, 11)


def test_pdf_is_vietnamese_a4_with_tables_and_late_list() -> None:
    content = pdf(data())
    assert is_pdf_with_embedded_font(content)
    assert b"/MediaBox [0 0 595.28 841.89]" in content
    text = flat(content)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND TỈNH LAI CHÂU",
                     "tháng 03 năm 2026", "Quyết định 766/QĐ-TTg", "Pu Sam Cáp", "03532",
                     "000.12.35.H29-260310-0007", "08/03/2026", "Nậm Cuổi",
                     "Mức độ hài lòng", "Biểu đồ: tỷ lệ giải quyết trước hạn",
                     "không đo được"):
        assert expected in text, expected
    assert "(Liệt kê 1 trên 11 hồ sơ.)" in text


def test_xlsx_keeps_codes_as_text_and_rates_as_numbers() -> None:
    wb = load_workbook(io.BytesIO(xlsx(data())))
    ws = wb["Xã"]
    assert ws["B2"].value == "03532" and ws["B2"].data_type == "s"
    assert ws["B2"].number_format == "@"
    assert ws["J2"].value == 0.85 and ws["J2"].number_format == "0.0%"
    assert ws["N3"].value is None  # no ratings: no rate, not 0
    late = wb["Trễ hạn"]
    assert late["B2"].value == "000.12.35.H29-260310-0007"
    assert late["F2"].value.date() == date(2026, 3, 8)
    crit = {row[0].value + "|" + row[1].value: row for row in wb["Tiêu chí 766"].iter_rows(
        min_row=2)}
    assert any(r[2].value == "không" for r in crit.values())


def test_csv_has_the_same_rows_with_a_bom() -> None:
    raw = to_csv(data())
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][:4] == ["1", "03532", "Pu Sam Cáp", "22.52"]
    assert len(rows) == 3
