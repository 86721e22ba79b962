"""A4 administrative documents in Vietnamese with fpdf2 and the vendored DejaVu Serif fonts.

Invariants:
- Output is a pure function of the inputs: the creation date is the document's own date
  (never the wall clock) and fpdf2 writes no random file id, so the same data gives the same
  bytes (the result PDF's hash depends on it).
- Text is drawn with embedded TrueType subsets (Identity-H + a ToUnicode map), so Vietnamese
  letters render without any system font and can be copied out of the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
PRODUCER = "Làng Số"
BODY_SIZE = 11
LINE = 6.0


def vn_date_long(d: date) -> str:
    """"ngày 02 tháng 03 năm 2026" (the form used under a place name)."""
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def vn_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "…/…/……"


@dataclass(frozen=True)
class Header:
    """Left column: the issuing body (two lines, upper case); right: the national motto."""

    authority: str  # e.g. "UBND XÃ PU SAM CÁP"
    office: str  # e.g. "BỘ PHẬN MỘT CỬA"
    number: str  # "Số: …"
    place: str  # commune name, for "Pu Sam Cáp, ngày … tháng … năm …"
    on: date


class Document:
    """One A4 document. Call the drawing methods in reading order, then `output()`."""

    def __init__(self, title: str, created: date, *, compress: bool = True) -> None:
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.compress = compress
        pdf.set_margins(20, 15, 15)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSerif.ttf"))
        pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
        pdf.set_title(title)
        pdf.set_producer(PRODUCER)
        pdf.set_creator(PRODUCER)
        pdf.set_lang("vi")
        pdf.set_creation_date(datetime.combine(created, time(0, 0), tzinfo=UTC))
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def header(self, h: Header) -> None:
        pdf = self.pdf
        left_w = self.width * 0.42
        right_w = self.width - left_w
        x0, y0 = pdf.l_margin, pdf.get_y()
        pdf.set_font(FONT, "", 10)
        pdf.set_xy(x0, y0)
        pdf.multi_cell(left_w, 5, h.authority.upper(), align="C")
        if h.office:
            pdf.set_x(x0)
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(left_w, 5, h.office.upper(), align="C")
        y_left = pdf.get_y()
        pdf.line(x0 + left_w * 0.3, y_left + 0.5, x0 + left_w * 0.7, y_left + 0.5)
        pdf.set_xy(x0 + left_w, y0)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(right_w, 5, MOTTO_1, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 10.5)
        pdf.cell(right_w, 5, MOTTO_2, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        y_right = pdf.get_y()
        motto_w = pdf.get_string_width(MOTTO_2)
        mid = x0 + left_w + right_w / 2
        pdf.line(mid - motto_w / 2, y_right + 0.5, mid + motto_w / 2, y_right + 0.5)
        y = max(y_left, y_right) + 3
        pdf.set_font(FONT, "", 10)
        pdf.set_xy(x0, y)
        pdf.cell(left_w, 5, h.number, align="C")
        pdf.set_xy(x0 + left_w, y)
        pdf.cell(right_w, 5, f"{h.place}, {vn_date_long(h.on)}", align="C")
        pdf.set_xy(x0, y + 12)

    def title(self, text: str, subtitle: str = "") -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", 13)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(self.width, 7, text, align="C")
        if subtitle:
            pdf.set_font(FONT, "", BODY_SIZE)
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(self.width, LINE, subtitle, align="C")
        pdf.ln(4)

    def paragraph(self, text: str, *, bold: bool = False, indent: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", BODY_SIZE)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(self.width - indent, LINE, text, align="J")
        pdf.ln(1)

    def field(self, label: str, value: str) -> None:
        """"Label: value" with the label in bold, wrapping under itself."""
        pdf = self.pdf
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT, "B", BODY_SIZE)
        label_text = f"{label}: "
        label_w = min(pdf.get_string_width(label_text) + 1, self.width * 0.45)
        y = pdf.get_y()
        pdf.multi_cell(label_w, LINE, label_text)
        y_after_label = pdf.get_y()
        pdf.set_xy(pdf.l_margin + label_w, y)
        pdf.set_font(FONT, "", BODY_SIZE)
        pdf.multi_cell(self.width - label_w, LINE, value or "—")
        pdf.set_y(max(pdf.get_y(), y_after_label))
        pdf.ln(0.5)

    def numbered(self, items: Sequence[str], indent: float = 5.0) -> None:
        for n, item in enumerate(items, start=1):
            self.paragraph(f"{n}. {item}", indent=indent)

    def signatures(self, columns: Sequence[tuple[str, str, str]]) -> None:
        """Signature blocks side by side: (role in capitals, hint, printed name)."""
        pdf = self.pdf
        pdf.ln(6)
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        w = self.width / max(len(columns), 1)
        y = pdf.get_y()
        for i, (role, hint, name) in enumerate(columns):
            x = pdf.l_margin + i * w
            pdf.set_xy(x, y)
            pdf.set_font(FONT, "B", BODY_SIZE)
            pdf.multi_cell(w, LINE, role, align="C")
            pdf.set_x(x)
            pdf.set_font(FONT, "", 9)
            pdf.multi_cell(w, 5, hint, align="C")
            pdf.set_xy(x, y + 32)
            pdf.set_font(FONT, "B", BODY_SIZE)
            pdf.multi_cell(w, LINE, name, align="C")
        pdf.set_y(y + 40)

    def qr(self, modules: Sequence[Sequence[bool]], x: float, y: float, size: float) -> None:
        """Draws a QR matrix as filled rectangles (vector, crisp at any print size), one per
        horizontal run of dark modules. `modules` includes the quiet zone."""
        n = len(modules)
        if n == 0:
            return
        cell = size / n
        pdf = self.pdf
        pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(modules):
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    pdf.rect(x + start * cell, y + r * cell, (c - start) * cell, cell, style="F")
                else:
                    c += 1

    def small(self, text: str, x: float | None = None, w: float | None = None) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "", 8)
        pdf.set_x(pdf.l_margin if x is None else x)
        pdf.multi_cell(w or self.width, 4, text, align="L")

    def keywords(self, text: str) -> None:
        self.pdf.set_keywords(text)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
