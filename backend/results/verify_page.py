"""The public verification pages, Vietnamese first, English second, styled by /public.css:

- /verify: plain HTML, no JavaScript; a form takes the QR text or link, or the PDF file.
- /v: what a result's QR code opens (`/v#LSR1.…`); its own script (/v.js) checks the
  signature in the browser with the published commune key, offline once cached (/v-sw.js).


A form takes the QR text (pasted, or typed from a phone's QR reader) or the PDF file; the
answer is shown on the same page. Every value is HTML-escaped; the page shows only what
the verification answer holds (no personal data).
"""

from __future__ import annotations

from html import escape
from typing import Any

OUTCOMES = {"approved": "Chấp thuận", "rejected": "Từ chối giải quyết"}


def _verdict_html(v: dict[str, Any]) -> str:
    cls = "ok" if v["valid"] else "bad"
    head = "✔ " if v["valid"] else "✘ "
    rows = [
        ("Mã hồ sơ / Dossier code", v.get("official_code")),
        ("Người được cấp (viết tắt) / Holder", v.get("holder_initials")),
        ("Thủ tục / Procedure", v.get("procedure_name")),
        ("Loại văn bản / Document", v.get("document_kind")),
        ("Ngày cấp / Issued on", _vn_date(v.get("issued_on"))),
        ("Cơ quan cấp / Issued by",
         f"UBND xã {v['commune_name']}" if v.get("commune_name") else None),
        ("Kết quả / Outcome", OUTCOMES.get(v.get("outcome") or "")),
        ("Mã khoá / Key id", v.get("key_id")),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(val))}</dd>"
                    for k, val in rows if val)
    return (f'<section class="{cls}" role="status"><p class="verdict">{head}'
            f'{escape(v["message_vi"])}</p><p><small>{escape(v["message_en"])}</small></p>'
            f"{_facts(items)}</section>")


def _facts(items: str) -> str:
    return f'<dl class="facts">{items}</dl>' if items else ""


def _vn_date(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def page(verdict: dict[str, Any] | None = None, qr: str = "") -> str:
    answer = _verdict_html(verdict) if verdict else ""
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Kiểm tra kết quả điện tử – Làng Số</title>
<link rel="stylesheet" href="/public.css"></head>
<body><header class="bar"><h1>Kiểm tra văn bản kết quả điện tử</h1>
<small>Check an electronic result</small></header><main>
<p>Dán nội dung hoặc đường dẫn của mã QR (có <code>LSR2.</code> hoặc <code>LSR1.</code>) hoặc tải lên tệp PDF do
UBND xã cấp qua Làng Số.<br>
<small>Paste the QR text or link, or upload the PDF.</small></p>
{answer}
<form method="post" action="/verify" enctype="multipart/form-data">
<label for="qr">Nội dung mã QR <small>QR text</small></label>
<textarea id="qr" name="qr" spellcheck="false" autocomplete="off">{escape(qr)}</textarea>
<label for="pdf">Hoặc tệp PDF <small>or the PDF file</small></label>
<input id="pdf" type="file" name="pdf" accept="application/pdf">
<button type="submit">Kiểm tra / Verify</button></form>
<p><small>Khoá công khai của các xã / Commune public keys:
<a href="/v/keys.json">/v/keys.json</a>.
Trang này không hiển thị thông tin cá nhân. / This page shows no personal data.</small></p>
</main></body></html>"""


def link_page() -> str:
    """/v: the answer is written by /v.js from the fragment; without JavaScript, a link to
    the form of /verify."""
    return """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Kiểm tra kết quả – Làng Số</title>
<link rel="stylesheet" href="/public.css">
<script type="module" src="/v.js"></script></head>
<body><header class="bar"><h1>Kiểm tra văn bản kết quả</h1>
<small>Result check</small></header><main>
<div id="answer" aria-live="polite"><p class="muted">Đang kiểm tra chữ ký… /
Checking the signature…</p></div>
<noscript><p>Trình duyệt không chạy được kiểm tra tự động: hãy dán mã vào trang
<a href="/verify">/verify</a>. <small>Without JavaScript, use /verify.</small></p></noscript>
<p><small>Việc kiểm tra diễn ra ngay trên điện thoại này bằng khoá công khai của xã; nội dung
mã không được gửi đi. / The check runs on this phone with the commune's public key.</small></p>
<p><a href="/verify">Kiểm tra bằng tệp PDF / Check a PDF</a> ·
<a href="/tra-cuu">Tra cứu hồ sơ / Dossier status</a></p>
</main></body></html>"""
