"""HTML of the public status page (/tra-cuu): Vietnamese first, English second, no script,
one column at 360 px, styled by the shared /public.css. Every value is HTML-escaped."""

from __future__ import annotations

import html

from backend.public_status.service import PublicStatus

RATING_WORDS: dict[str, tuple[str, str, str]] = {
    "very_satisfied": ("😄", "Rất hài lòng", "Very satisfied"),
    "satisfied": ("🙂", "Hài lòng", "Satisfied"),
    "not_satisfied": ("😞", "Không hài lòng", "Not satisfied"),
}


def _vn(iso: object) -> str:
    if not isinstance(iso, str) or len(iso) != 10:
        return "—"
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def rating_form(code: str, phone4: str) -> str:
    faces = "".join(
        f'<label><input type="radio" name="rating" value="{v}" required>'
        f'<span><span class="face" aria-hidden="true">{face}</span>{vi}<br>'
        f"<small>{en}</small></span></label>"
        for v, (face, vi, en) in RATING_WORDS.items())
    return (
        '<form method="post" action="/tra-cuu/danh-gia" class="rate">'
        "<h2>Bạn có hài lòng với việc giải quyết hồ sơ? "
        "<small>Are you satisfied?</small></h2>"
        f'<input type="hidden" name="code" value="{html.escape(code, quote=True)}">'
        f'<input type="hidden" name="phone4" value="{html.escape(phone4, quote=True)}">'
        f'<fieldset class="faces"><legend class="muted">Chọn một / pick one</legend>{faces}'
        "</fieldset>"
        '<label for="comment">Góp ý (không bắt buộc) <small>Comment</small></label>'
        '<textarea id="comment" name="comment" maxlength="500"></textarea>'
        '<button type="submit">Gửi đánh giá / Send</button></form>')


def result_html(s: PublicStatus, code: str, phone4: str) -> str:
    j = s.as_json()
    rows = [
        ("Ngày tiếp nhận", "Received", _vn(j["received_date"])),
        ("Hẹn trả kết quả", "Due", _vn(j["due_date"])),
        ("Ngày có kết quả", "Finished", _vn(j["finished_date"])),
    ]
    facts = "".join(f"<dt>{vi} <small>{en}</small></dt><dd>{html.escape(v)}</dd>"
                    for vi, en, v in rows if v != "—")
    bring = ""
    if s.to_bring:
        items = "".join(f"<li>{html.escape(x)}</li>" for x in s.to_bring)
        bring = ("<h2>Cần bổ sung <small>Please bring</small></h2>"
                 f'<ul class="bring">{items}</ul>')
    cls = "warn" if s.status == "supplement_requested" else "ok"
    rated = ('<p class="muted">Bạn đã đánh giá hồ sơ này. Cảm ơn bạn! '
             "<small>Already rated, thank you.</small></p>") if s.rated else ""
    return (
        f'<section class="{cls}" role="status">'
        f'<p class="verdict">{html.escape(str(j["status_label_vi"]))}</p>'
        f"<p>{html.escape(str(j['explanation_vi']))}<br>"
        f"<small>{html.escape(str(j['explanation_en']))}</small></p>"
        f'<dl class="facts">{facts}</dl>{bring}</section>'
        + rated + (rating_form(code, phone4) if s.can_rate else ""))


def page_html(code: str, phone4: str, result: str) -> str:
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tra cứu hồ sơ — Làng Số</title>
<link rel="stylesheet" href="/public.css"></head><body>
<header class="bar"><h1>Tra cứu tình trạng hồ sơ</h1><small>Dossier status</small></header>
<main>
<form method="get" action="/tra-cuu">
<label for="code">Mã hồ sơ <small>Dossier code</small></label>
<input id="code" name="code" value="{html.escape(code, quote=True)}" required maxlength="48"
 autocomplete="off" autocapitalize="characters">
<label for="phone4">4 số cuối điện thoại đã ghi trong hồ sơ <small>Last 4 digits of the phone
 given in the dossier</small></label>
<input id="phone4" name="phone4" value="{html.escape(phone4, quote=True)}" required
 inputmode="numeric" pattern="[0-9]{{4}}" maxlength="4" autocomplete="off">
<button type="submit">Tra cứu / Look up</button>
</form>
{result}
</main></body></html>
"""
