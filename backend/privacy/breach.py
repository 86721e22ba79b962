"""Breach records and the 72-hour notice (Law 91/2025 on personal data protection).

Who is affected is computed, not typed: the people an implicated account read (access log,
within the window) and the people a lost or compromised device could hold (its volunteer's
villages). The notice lists what the law asks a controller to tell the authority (the
Department of Cybersecurity and High-tech Crime Prevention, A05, Ministry of Public Security):
what happened and when, when it was found, the kinds of data and number of people, the
communes, likely consequences, measures taken, and a contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from backend.db.models import BreachRecord, Commune, Device
from backend.documents.render import Document
from backend.lib.clock import new_id
from backend.lib.errors import AppError
from backend.lib.vntime import VN as VN_TZ
from backend.privacy import queries

NOTICE_HOURS = 72
DATA_KINDS = ("họ tên, ngày sinh, giới tính, số CCCD, số điện thoại, dân tộc, địa chỉ hộ; "
              "nội dung hồ sơ thủ tục hành chính và ảnh giấy tờ kèm theo")


@dataclass(frozen=True)
class BreachIn:
    description: str
    found_at: datetime
    window_from: datetime
    window_to: datetime
    device_ids: list[str]
    actor_ids: list[str]
    measures: str


def _check(data: BreachIn, session: Session) -> None:
    issues = []
    if not data.description.strip() or len(data.description) > 4000:
        issues.append("description")
    if data.window_from > data.window_to:
        issues.append("window")
    if len(data.measures) > 4000:
        issues.append("measures")
    known = set(session.exec(select(Device.id).where(col(Device.id).in_(data.device_ids))))
    if set(data.device_ids) - known:
        issues.append("device_ids")
    if issues:
        raise AppError("invalid_breach", "Thông tin sự cố chưa hợp lệ: " + ", ".join(issues),
                       "Invalid breach record: " + ", ".join(issues), 422,
                       errors=[{"field": f} for f in issues])


def open_breach(session: Session, data: BreachIn, opened_by: str, now: datetime
                ) -> BreachRecord:
    _check(data, session)
    affected = queries.members_read_by(session, data.actor_ids, data.window_from,
                                       data.window_to)
    affected |= queries.members_on_devices(session, data.device_ids)
    ids = sorted(affected)
    record = BreachRecord(
        id=new_id(), description=" ".join(data.description.split()), found_at=data.found_at,
        window_from=data.window_from, window_to=data.window_to, device_ids=data.device_ids,
        actor_ids=data.actor_ids, affected_communes=queries.communes_of_members(session, ids),
        affected_members=len(ids), affected_member_ids=ids, measures=data.measures.strip(),
        opened_by=opened_by, opened_at=now)
    session.add(record)
    session.commit()
    return record


def _vn(t: datetime) -> str:
    return t.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def notice_lines(session: Session, b: BreachRecord) -> list[tuple[str, str]]:
    names = []
    for cid in b.affected_communes:
        c = session.get(Commune, cid)
        names.append(c.name if c else cid)
    deadline = b.found_at + timedelta(hours=NOTICE_HOURS)
    return [
        ("Mô tả sự cố", b.description),
        ("Thời điểm xảy ra (khoảng)", f"từ {_vn(b.window_from)} đến {_vn(b.window_to)}"),
        ("Thời điểm phát hiện", _vn(b.found_at)),
        ("Hạn thông báo (72 giờ)", _vn(deadline)),
        ("Loại dữ liệu cá nhân liên quan", DATA_KINDS),
        ("Số chủ thể dữ liệu bị ảnh hưởng", str(b.affected_members)),
        ("Xã bị ảnh hưởng", ", ".join(names) or "—"),
        ("Thiết bị liên quan", ", ".join(b.device_ids) or "—"),
        ("Tài khoản liên quan", ", ".join(b.actor_ids) or "—"),
        ("Hậu quả có thể xảy ra", "Lộ thông tin nhân thân; nguy cơ bị giả danh, lừa đảo."),
        ("Biện pháp đã thực hiện", b.measures or "—"),
        ("Đầu mối liên hệ", "Bộ phận quản trị hệ thống Làng Số của xã/huyện"),
    ]


def notice_text(session: Session, b: BreachRecord) -> str:
    head = ("THÔNG BÁO VI PHẠM QUY ĐỊNH VỀ BẢO VỆ DỮ LIỆU CÁ NHÂN\n"
            "(theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, thông báo trong 72 giờ)\n"
            "Kính gửi: Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao "
            "(A05), Bộ Công an\n\n")
    body = "\n".join(f"- {k}: {v}" for k, v in notice_lines(session, b))
    return head + body + f"\n\nMã sự cố: {b.id}\n"


def notice_pdf(session: Session, b: BreachRecord) -> bytes:
    doc = Document("Thông báo vi phạm bảo vệ dữ liệu cá nhân", b.opened_at.date())
    doc.title("THÔNG BÁO VI PHẠM QUY ĐỊNH VỀ BẢO VỆ DỮ LIỆU CÁ NHÂN",
              "(Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 — thông báo trong 72 giờ)")
    doc.paragraph("Kính gửi: Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao "
                  "(A05), Bộ Công an.")
    for label, value in notice_lines(session, b):
        doc.field(label, value)
    doc.paragraph(f"Mã sự cố: {b.id}")
    return doc.output()
