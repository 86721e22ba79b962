"""The electronic result document: an A4 official paper laid out by the procedure's result
template (backend/results/document.py), the signed record's QR link and, in the PDF's
Keywords metadata, the same link (so an uploaded PDF can be checked even when its bytes were
re-saved).

Pure: same content, record and QR text → same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.documents.letters import commune_place, commune_title
from backend.documents.render import FONT, Document, Header
from backend.results.qr import qr_modules
from sync.canonical import canonical_bytes
from sync.hashing import sha256_hex

# What the commune issues, per procedure (approved outcome). A refusal decision is a result
# too: "Thông báo từ chối giải quyết hồ sơ".
DOCUMENT_KINDS: dict[str, str] = {
    "khai-sinh": "Trích lục khai sinh (bản điện tử)",
    "khai-tu": "Trích lục khai tử (bản điện tử)",
    "ket-hon": "Giấy chứng nhận kết hôn (bản điện tử)",
    "xac-nhan-tthn": "Giấy xác nhận tình trạng hôn nhân (bản điện tử)",
    "trich-luc-ho-tich": "Bản sao trích lục hộ tịch (bản điện tử)",
    "thuong-tru": "Thông báo kết quả đăng ký thường trú (bản điện tử)",
    "ho-kinh-doanh": "Giấy chứng nhận đăng ký hộ kinh doanh (bản điện tử)",
    "tro-cap-xa-hoi": "Quyết định hưởng trợ cấp xã hội (bản điện tử)",
}
DEFAULT_KIND = "Kết quả giải quyết thủ tục hành chính (bản điện tử)"
REJECTED_KIND = "Thông báo từ chối giải quyết hồ sơ (bản điện tử)"


def document_kind(procedure_code: str, outcome: str) -> str:
    if outcome == "rejected":
        return REJECTED_KIND
    return DOCUMENT_KINDS.get(procedure_code, DEFAULT_KIND)


def render_result(
    content: dict[str, Any], qr_url: str, key_id: str, issued_on: date, *, compress: bool = True
) -> bytes:
    """One A4 page: header and motto, number, place and date, the title, the template's
    lines, then the QR code (a link to the verification page) beside the signature block
    with the signer's title and name — all on the page that holds the content."""
    kind = str(content["document_kind"])
    doc = Document(kind, issued_on, compress=compress)
    commune = str(content["commune_name"])
    number = str(content["document_number"] or content["official_code"])
    doc.header(Header(authority=f"UBND {commune_title(commune)}", office="",
                      number=f"Số: {number}", place=commune_place(commune), on=issued_on))
    doc.title(str(content["title"]).upper(), "(Bản điện tử)")
    if content.get("intro"):
        doc.paragraph(str(content["intro"]))
    for section in content["sections"]:
        if section.get("heading"):
            doc.paragraph(str(section["heading"]), bold=True)
        for line in section["fields"]:
            if line["value"]:
                doc.field(str(line["label"]), str(line["value"]))
    if content["outcome"] == "rejected" or content.get("template") == "notice":
        doc.field("Kết quả", "Chấp thuận" if content["outcome"] == "approved"
                  else "Từ chối giải quyết")
        doc.field("Lý do" if content["outcome"] == "rejected" else "Nội dung",
                  str(content["summary"]))
    if content.get("closing"):
        doc.paragraph(str(content["closing"]))
    doc.keywords(qr_url)
    _qr_and_signature(doc, content, qr_url, key_id)
    return doc.output()


QR_SIZE = 36.0
BLOCK_HEIGHT = 52.0


def _qr_and_signature(doc: Document, content: dict[str, Any], qr_url: str, key_id: str) -> None:
    pdf = doc.pdf
    # The content pages hold the block: never let it drift alone onto a new page.
    pdf.set_auto_page_break(False)
    y = min(pdf.get_y() + 4, pdf.h - pdf.b_margin - BLOCK_HEIGHT)
    x = pdf.l_margin
    doc.qr(qr_modules(qr_url), x, y, QR_SIZE)
    commune = str(content["commune_name"])
    pdf.set_xy(x, y + QR_SIZE + 1)
    doc.small(
        f"Văn bản điện tử do UBND {commune_title(commune)} ký số (mã khoá {key_id}). "
        f"Quét mã QR hoặc mở {qr_url.split('#', 1)[0]} để kiểm tra.",
        x=x, w=doc.width * 0.5,
    )
    half = doc.width * 0.5
    sx = pdf.l_margin + half
    pdf.set_xy(sx, y)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(half, 6, "TM. ỦY BAN NHÂN DÂN", align="C")
    pdf.set_x(sx)
    pdf.multi_cell(half, 6, str(content.get("signer_title") or "CHỦ TỊCH").upper(), align="C")
    pdf.set_x(sx)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(half, 5, "(Đã ký số)", align="C")
    pdf.set_xy(sx, y + 30)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(half, 6, str(content.get("signer_name") or ""), align="C")


def content_hash_short(content: dict[str, Any]) -> str:
    return sha256_hex(canonical_bytes(content))
