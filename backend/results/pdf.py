"""The electronic result document: an A4 PDF with the key data, the signed record's QR code
and, in the PDF's Keywords metadata, the same QR text (so an uploaded PDF can be checked
even when its bytes were re-saved).

Pure: same content, record and QR text → same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.documents.letters import commune_place, commune_title
from backend.documents.render import Document, Header
from backend.results.qr import qr_modules

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
    content: dict[str, Any], qr_text: str, key_id: str, issued_on: date, *, compress: bool = True
) -> bytes:
    kind = str(content["document_kind"])
    doc = Document(kind, issued_on, compress=compress)
    commune = str(content["commune_name"])
    number = str(content["document_number"] or content["official_code"])
    doc.header(Header(authority=f"UBND {commune_title(commune)}", office="",
                      number=f"Số: {number}", place=commune_place(commune), on=issued_on))
    doc.title(kind.upper().replace("(BẢN ĐIỆN TỬ)", "").strip(), "(Bản điện tử)")
    doc.field("Mã hồ sơ", str(content["official_code"]))
    doc.field("Thủ tục", str(content["procedure_name"]))
    doc.field("Người yêu cầu", str(content["applicant_name"]))
    for row in content["fields"]:
        doc.field(str(row["label"]), str(row["value"]))
    doc.field("Kết quả", "Chấp thuận" if content["outcome"] == "approved"
              else "Từ chối giải quyết")
    doc.field("Nội dung", str(content["summary"]))
    doc.keywords(qr_text)
    pdf = doc.pdf
    size = 42.0
    if pdf.get_y() + size + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    y = pdf.get_y() + 6
    x = pdf.l_margin
    doc.qr(qr_modules(qr_text), x, y, size)
    text_x = x + size + 6
    pdf.set_xy(text_x, y + 2)
    doc.small(
        f"Văn bản điện tử do UBND {commune_title(commune)} cấp, ký bằng khoá số của xã "
        f"(mã khoá {key_id}).\n"
        "Kiểm tra tính xác thực: quét mã QR hoặc tải tệp PDF này lên trang /verify của hệ thống "
        "Làng Số. Mọi thay đổi nội dung sẽ làm chữ ký không còn hợp lệ.\n"
        f"Mã băm kết quả (SHA-256): {content_hash_short(content)}",
        x=text_x, w=doc.width - size - 6,
    )
    pdf.set_xy(pdf.l_margin, y + size + 4)
    doc.signatures([("", "", ""), ("TM. ỦY BAN NHÂN DÂN", "(Đã ký số)", "")])
    return doc.output()


def content_hash_short(content: dict[str, Any]) -> str:
    from sync.canonical import canonical_bytes
    from sync.hashing import sha256_hex

    return sha256_hex(canonical_bytes(content))
