"""The public /verify page: plain HTML in Vietnamese (English second), no JavaScript.

A form takes the QR text (pasted, or typed from a phone's QR reader) or the PDF file; the
answer is shown on the same page. Every value is HTML-escaped; the page shows only what
the verification answer holds (no personal data).
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font-family:system-ui,sans-serif;max-width:42rem;margin:1.5rem auto;padding:0 1rem;
line-height:1.5;color:#111}
h1{font-size:1.4rem}textarea{width:100%;min-height:6rem;font-family:monospace}
fieldset{margin:1rem 0;border:1px solid #999;padding:.8rem}
button{font-size:1.1rem;padding:.5rem 1.2rem;margin-top:.6rem}
.ok{border:3px solid #176c2b;background:#e6f4ea;padding:1rem}
.bad{border:3px solid #a40e0e;background:#fdecea;padding:1rem}
dt{font-weight:bold}dd{margin:0 0 .4rem 0}small{color:#444}
"""

OUTCOMES = {"approved": "Chấp thuận", "rejected": "Từ chối giải quyết"}


def _verdict_html(v: dict[str, Any]) -> str:
    cls = "ok" if v["valid"] else "bad"
    head = "✔ " if v["valid"] else "✘ "
    rows = [
        ("Mã hồ sơ / Dossier code", v.get("official_code")),
        ("Loại văn bản / Document", v.get("document_kind")),
        ("Ngày cấp / Issued on", _vn_date(v.get("issued_on"))),
        ("Cơ quan cấp / Issued by",
         f"UBND xã {v['commune_name']}" if v.get("commune_name") else None),
        ("Kết quả / Outcome", OUTCOMES.get(v.get("outcome") or "")),
        ("Mã khoá / Key id", v.get("key_id")),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(val))}</dd>"
                    for k, val in rows if val)
    return (f'<section class="{cls}" role="status"><h2>{head}{escape(v["message_vi"])}</h2>'
            f"<p><small>{escape(v['message_en'])}</small></p>"
            f"{'<dl>' + items + '</dl>' if items else ''}</section>")


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
<title>Kiểm tra kết quả điện tử – Làng Số</title><style>{STYLE}</style></head>
<body><h1>Kiểm tra văn bản kết quả điện tử</h1>
<p>Kiểm tra một văn bản kết quả do UBND xã cấp qua hệ thống Làng Số: dán nội dung mã QR
(bắt đầu bằng <code>LSR1.</code>) hoặc tải lên tệp PDF.<br>
<small>Check an electronic result issued through Làng Số: paste the QR text or upload the
PDF.</small></p>
{answer}
<form method="post" action="/verify" enctype="multipart/form-data">
<fieldset><legend>Nội dung mã QR / QR text</legend>
<textarea name="qr" spellcheck="false" autocomplete="off">{escape(qr)}</textarea></fieldset>
<fieldset><legend>Hoặc tệp PDF / or the PDF file</legend>
<input type="file" name="pdf" accept="application/pdf"></fieldset>
<button type="submit">Kiểm tra / Verify</button></form>
<p><small>Khoá công khai của các xã / Commune public keys:
<a href="/.well-known/langso/keys.json">/.well-known/langso/keys.json</a>.
Trang này không hiển thị thông tin cá nhân. / This page shows no personal data.</small></p>
</body></html>"""
