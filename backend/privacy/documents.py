"""The printable Vietnamese summary of what is held about a person (backend/documents)."""

from __future__ import annotations

from typing import Any

from backend.documents.render import Document
from backend.lib.clock import utcnow
from backend.privacy.service import person_summary_lines

STATUS_VI = {
    "draft": "bản nháp", "submitted": "đã nộp", "received": "đã tiếp nhận",
    "not_received": "không tiếp nhận", "processing": "đang xử lý",
    "supplement_requested": "yêu cầu bổ sung", "done": "đã có kết quả",
    "result_returned": "đã trả kết quả", "withdrawn": "đã rút", "stopped": "dừng xử lý",
}


def person_summary_pdf(export: dict[str, Any]) -> bytes:
    doc = Document("Thông tin cá nhân đang được lưu giữ", utcnow().date())
    doc.title("BẢN TÓM TẮT DỮ LIỆU CÁ NHÂN ĐANG ĐƯỢC LƯU GIỮ",
              "(cung cấp theo yêu cầu của chủ thể dữ liệu — Luật Bảo vệ dữ liệu cá nhân "
              "số 91/2025/QH15)")
    for label, value in person_summary_lines(export):
        doc.field(label, str(value))
    doc.paragraph(f"Hồ sơ thủ tục liên quan: {len(export['dossiers'])}", bold=True)
    doc.numbered([
        f"{d['procedure_code']} — {STATUS_VI.get(d['status'], d['status'])}"
        f"{' — số ' + d['official_code'] if d['official_code'] else ''}"
        f" ({'người nộp' if d['role'] == 'applicant' else 'có tên trong tờ khai'})"
        for d in export["dossiers"]] or ["Không có."])
    doc.paragraph(f"Số lần cán bộ xem dữ liệu: {len(export['access_log'])}", bold=True)
    doc.numbered([f"{a['at'][:16].replace('T', ' ')} UTC — {a['actor_role']} — "
                  f"{a['reason'] or 'trong hàng chờ xử lý'}"
                  for a in export["access_log"][:30]] or ["Chưa có."])
    if export["requests"]:
        doc.paragraph("Yêu cầu đã ghi nhận:", bold=True)
        doc.numbered([f"{r['kind']} — {r['status']} — {r['recorded_at'][:10]}"
                      for r in export["requests"]])
    doc.paragraph("Bản đầy đủ, dạng máy đọc được (JSON), được cung cấp kèm theo.")
    return doc.output()
