"""The standard one-stop ("một cửa") documents, as PDFs in Vietnamese.

Wording follows the forms of the one-stop regulation (Decree 61/2018/NĐ-CP, Circular
01/2018/TT-VPCP, as amended by Decree 118/2025/NĐ-CP):
- Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt; appointment date = the legal due date);
- Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (supplement request listing each item);
- Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal with the reason);
- Phiếu xin lỗi và hẹn lại ngày trả kết quả (apology with a new appointment date).

Every function is pure: same `LetterData`, same bytes. No database, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from backend.documents.render import Document, Header, vn_date
from backend.lib.vntime import VN

KINDS = ("receipt", "supplement", "refusal", "apology")
TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
}
OFFICE = "Bộ phận Một cửa"


def commune_title(name: str) -> str:
    """"Xã Pu Sam Cáp" whether the stored name carries the "Xã" or not."""
    bare = commune_place(name)
    return f"Xã {bare}"


def commune_place(name: str) -> str:
    name = " ".join(name.split())
    return name[3:].strip() if name.lower().startswith("xã ") else name


@dataclass(frozen=True)
class LetterData:
    """What the four documents print. Times are aware datetimes; dates are Vietnam dates."""

    commune_name: str
    dossier_code: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    procedure_name: str
    processing_days: int
    issued_on: date
    officer_name: str
    received_at: datetime | None = None
    due_date: date | None = None
    components: Sequence[str] = field(default_factory=tuple)
    reason: str = ""
    items: Sequence[str] = field(default_factory=tuple)
    new_date: date | None = None
    volunteer_name: str = ""


def _doc(kind: str, d: LetterData, compress: bool) -> Document:
    doc = Document(TITLES[kind].capitalize(), d.issued_on, compress=compress)
    doc.header(
        Header(
            authority=f"UBND {commune_title(d.commune_name)}",
            office=OFFICE,
            number=f"Số: {d.dossier_code}",
            place=commune_place(d.commune_name),
            on=d.issued_on,
        )
    )
    doc.title(TITLES[kind])
    return doc


def _received(d: LetterData) -> str:
    if d.received_at is None:
        return "—"
    local = d.received_at.astimezone(VN)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _applicant(doc: Document, d: LetterData) -> None:
    doc.field("Mã hồ sơ", d.dossier_code)
    doc.field("Ông/Bà", d.applicant_name)
    doc.field("Địa chỉ", d.applicant_address)
    if d.applicant_phone:
        doc.field("Số điện thoại", d.applicant_phone)
    doc.field("Nội dung yêu cầu giải quyết", d.procedure_name)


def receipt(d: LetterData, *, compress: bool = True) -> bytes:
    doc = _doc("receipt", d, compress)
    where = f"xã {commune_place(d.commune_name)}"
    doc.paragraph(f"{OFFICE} Ủy ban nhân dân xã {commune_place(d.commune_name)} "
                  "đã tiếp nhận hồ sơ của:")
    _applicant(doc, d)
    doc.paragraph("1. Thành phần hồ sơ nộp gồm:", bold=True)
    doc.numbered(list(d.components) or ["(theo danh mục của thủ tục)"], indent=8)
    doc.paragraph("2. Số lượng hồ sơ: 01 (bộ).")
    doc.paragraph(
        f"3. Thời gian giải quyết hồ sơ theo quy định là: {d.processing_days:02d} ngày làm việc."
    )
    doc.paragraph(f"4. Thời gian nhận hồ sơ: {_received(d)}.")
    doc.paragraph(f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {vn_date(d.due_date)}.")
    doc.paragraph(
        "6. Nhận kết quả tại: " + OFFICE + f" {where}, hoặc qua tình nguyện viên của thôn"
        + (f" ({d.volunteer_name})" if d.volunteer_name else "") + "."
    )
    doc.paragraph("Vào Sổ theo dõi hồ sơ. Hồ sơ được tiếp nhận qua hệ thống Làng Số.")
    doc.signatures(
        [
            ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", d.applicant_name),
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", d.officer_name),
        ]
    )
    return doc.output()


def supplement(d: LetterData, *, compress: bool = True) -> bytes:
    doc = _doc("supplement", d, compress)
    doc.paragraph(f"{OFFICE} xã {commune_place(d.commune_name)} tiếp nhận hồ sơ của:")
    _applicant(doc, d)
    if d.received_at is not None:
        doc.field("Thời gian tiếp nhận", _received(d))
    doc.paragraph("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", bold=True)
    doc.numbered(list(d.items) or ["(không có)"], indent=8)
    if d.reason:
        doc.field("Lý do", d.reason)
    doc.paragraph(
        "Thời gian bổ sung hồ sơ không tính vào thời hạn giải quyết. Trong quá trình hoàn thiện "
        "hồ sơ nếu có vướng mắc, ông/bà liên hệ tình nguyện viên của thôn hoặc "
        f"{OFFICE.lower()} để được hướng dẫn."
    )
    doc.signatures([("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", d.officer_name)])
    return doc.output()


def refusal(d: LetterData, *, compress: bool = True) -> bytes:
    doc = _doc("refusal", d, compress)
    where = f"xã {commune_place(d.commune_name)}"
    doc.paragraph(f"{OFFICE} {where} tiếp nhận hồ sơ của:")
    _applicant(doc, d)
    doc.paragraph(
        f"Qua xem xét, {OFFICE} {where} từ chối tiếp nhận, giải quyết hồ sơ này với lý do "
        "cụ thể như sau:"
    )
    doc.paragraph(d.reason or "—", bold=True, indent=5)
    doc.paragraph("Xin thông báo để ông/bà được biết và thực hiện.")
    doc.signatures([("NGƯỜI TIẾP NHẬN", "(Ký và ghi rõ họ tên)", d.officer_name)])
    return doc.output()


def apology_text(d: LetterData) -> str:
    """The apology letter's body as plain text (shown to the officer before printing)."""
    where = f"Ủy ban nhân dân xã {commune_place(d.commune_name)}"
    received = d.received_at.astimezone(VN).date() if d.received_at else None
    return (
        f"Ngày {vn_date(received)}, {where} tiếp nhận giải quyết hồ sơ của ông/bà "
        f"{d.applicant_name}. Nội dung yêu cầu giải quyết: {d.procedure_name}. "
        f"Mã hồ sơ: {d.dossier_code}. Ngày hẹn trả kết quả giải quyết hồ sơ: "
        f"{vn_date(d.due_date)}.\n"
        f"Tuy nhiên, đến nay {where} chưa trả kết quả giải quyết hồ sơ của ông/bà. "
        f"Lý do: {d.reason or '…'}\n"
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của ông/bà. "
        f"{where[0].upper() + where[1:]} xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ "
        f"cho ông/bà vào ngày {vn_date(d.new_date)}.\n"
        "Xin trân trọng cảm ơn sự hợp tác của ông/bà."
    )


def apology(d: LetterData, *, compress: bool = True) -> bytes:
    doc = _doc("apology", d, compress)
    doc.paragraph(f"Kính gửi: Ông/Bà {d.applicant_name}", bold=True)
    doc.field("Địa chỉ", d.applicant_address)
    for para in apology_text(d).split("\n"):
        doc.paragraph(para)
    doc.signatures([("THỦ TRƯỞNG CƠ QUAN", "(Ký tên, đóng dấu)", "")])
    return doc.output()


RENDERERS = {"receipt": receipt, "supplement": supplement, "refusal": refusal,
             "apology": apology}


def render(kind: str, d: LetterData, *, compress: bool = True) -> bytes:
    """One of `KINDS`; raises KeyError for anything else."""
    return RENDERERS[kind](d, compress=compress)
