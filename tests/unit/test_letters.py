"""The one-stop letters and the result document: valid A4 PDFs, embedded fonts, Vietnamese
text that can be read back, deterministic bytes; the compact QR record round-trips.

`extract_text` reads the text back out of the PDFs fpdf2 writes (Identity-H fonts with a
ToUnicode map, Flate-compressed or not); the integration tests use it too.
"""

from __future__ import annotations

import re
import uuid
import zlib
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.documents import letters
from backend.results.pdf import document_kind, render_result
from backend.results.qr import BadQr, ResultRecord, from_compact, qr_modules, to_compact
from backend.review.diffs import diff_revisions
from sync.signatures import key_id, public_key_b64u, sign, verify

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_STRING = rb"\((?:\\.|[^\\)])*\)"
_OPS = re.compile(rb"/(F\d+) [\d.]+ Tf|(" + _STRING + rb") ?Tj|\[((?:" + _STRING
                  + rb"|[^\]])*)\] ?TJ", re.S)
_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes | None:
    m = _STREAM.search(body)
    if m is None:
        return None
    data = m.group(1)
    if b"/FlateDecode" in body[: m.start()]:
        data = zlib.decompress(data)
    return data


def _unescape(lit: bytes) -> bytes:
    out = bytearray()
    i = 1
    while i < len(lit) - 1:
        c = lit[i : i + 1]
        if c == b"\\":
            nxt = lit[i + 1 : i + 2]
            if nxt.isdigit():
                j = i + 1
                while j < min(i + 4, len(lit) - 1) and lit[j : j + 1].isdigit():
                    j += 1
                out.append(int(lit[i + 1 : j], 8))
                i = j
                continue
            out += _ESC.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def extract_text(pdf: bytes) -> str:
    """All text drawn in the PDF, one line per text operator."""
    objs = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(pdf)}
    cmaps: dict[int, dict[int, str]] = {}
    for num, body in objs.items():
        ref = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if ref:
            cmap = _stream(objs[int(ref.group(1))]) or b""
            cmaps[num] = {
                int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be")
                for a, b in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", cmap)
            }
    names = {n.decode(): int(r) for n, r in re.findall(rb"/(F\d+) (\d+) 0 R", pdf)}
    lines: list[str] = []
    for body in objs.values():
        data = _stream(body)
        if not data or (b"Tj" not in data and b"TJ" not in data):
            continue
        cmap: dict[int, str] = {}
        for m in _OPS.finditer(data):
            if m.group(1):
                cmap = cmaps.get(names.get(m.group(1).decode(), -1), {})
                continue
            strings = [m.group(2)] if m.group(2) else re.findall(_STRING, m.group(3))
            raw = b"".join(_unescape(s) for s in strings)
            lines.append("".join(cmap.get(int.from_bytes(raw[k : k + 2], "big"), "?")
                                 for k in range(0, len(raw) - 1, 2)))
    return "\n".join(lines)


def flat(pdf: bytes) -> str:
    """The text with line breaks and repeated spaces collapsed (words wrap across lines)."""
    return " ".join(extract_text(pdf).split())


def letter_data(**extra: object) -> letters.LetterData:
    base: dict[str, object] = dict(
        commune_name="Pu Sam Cáp", dossier_code="000.99.01.H99-260302-0001",
        applicant_name="Vàng Thị Dính", applicant_address="Bản Nậm Khăn, xã Pu Sam Cáp",
        applicant_phone="0912345678", procedure_name="Đăng ký khai sinh", processing_days=3,
        issued_on=date(2026, 3, 2), officer_name="Lò Văn Tủa",
        received_at=datetime(2026, 3, 2, 3, 0, tzinfo=UTC), due_date=date(2026, 3, 5),
        components=["Giấy chứng sinh (01 tệp ảnh/PDF)"], reason="Ảnh giấy chứng sinh bị mờ",
        items=["Giấy chứng sinh: ảnh mờ, chụp lại"], new_date=date(2026, 3, 10),
        volunteer_name="Giàng A Chứ",
    )
    base.update(extra)
    return letters.LetterData(**base)  # type: ignore[arg-type]


def is_pdf_with_embedded_font(pdf: bytes) -> bool:
    return pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and b"/FontFile2" in pdf


@pytest.mark.parametrize("kind", letters.KINDS)
def test_every_letter_is_an_a4_pdf_with_the_motto_and_its_title(kind: str) -> None:
    pdf = letters.render(kind, letter_data())
    assert is_pdf_with_embedded_font(pdf)
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf  # A4 in points
    text = flat(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert letters.TITLES[kind] in text
    assert "UBND XÃ PU SAM CÁP" in text
    assert "000.99.01.H99-260302-0001" in text
    assert "Vàng Thị Dính" in text
    assert "Đăng ký khai sinh" in text


def test_letters_are_deterministic_and_compression_does_not_change_the_text() -> None:
    d = letter_data()
    assert letters.receipt(d) == letters.receipt(d)
    assert flat(letters.receipt(d)) == flat(letters.receipt(d, compress=False))


def test_receipt_prints_the_appointment_date_and_the_time_of_receipt() -> None:
    text = flat(letters.receipt(letter_data()))
    assert "Thời gian trả kết quả giải quyết hồ sơ: ngày 05/03/2026" in text
    assert "10 giờ 00 phút, ngày 02/03/2026" in text  # 03:00 UTC is 10:00 in Vietnam
    assert "03 ngày làm việc" in text


def test_supplement_request_lists_each_item_and_the_reason() -> None:
    text = flat(letters.supplement(letter_data(items=["Giấy chứng sinh: ảnh mờ",
                                                      "Họ tên mẹ: sai dấu"])))
    assert "1. Giấy chứng sinh: ảnh mờ" in text
    assert "2. Họ tên mẹ: sai dấu" in text
    assert "Ảnh giấy chứng sinh bị mờ" in text


def test_refusal_prints_the_reason() -> None:
    text = flat(letters.refusal(letter_data(reason="Không thuộc thẩm quyền của xã")))
    assert "Không thuộc thẩm quyền của xã" in text


def test_apology_prints_the_old_and_the_new_appointment_date() -> None:
    d = letter_data()
    text = flat(letters.apology(d))
    assert "05/03/2026" in text and "10/03/2026" in text
    assert "xin lỗi ông/bà" in text
    assert "10/03/2026" in letters.apology_text(d)


def test_commune_names_with_or_without_the_word_xa_print_the_same() -> None:
    assert letters.commune_title("Xã Pu Sam Cáp") == letters.commune_title("Pu Sam Cáp")
    assert letters.commune_place("xã A") == "A"


# --- the result record and its QR form -------------------------------------------------


def _record() -> ResultRecord:
    return ResultRecord(commune_id="99001", dossier_id=str(uuid.uuid4()),
                        issued_at="2026-03-02T08:15:30.123Z", key_id="0123456789abcdef",
                        official_code="000.99.01.H99-260302-0001", outcome="approved",
                        result_sha256="ab" * 32)


def test_compact_qr_text_round_trips_to_the_exact_signed_record() -> None:
    key = Ed25519PrivateKey.generate()
    rec = _record()
    sig = sign("Ed25519", key, rec.text().encode())
    text = to_compact(rec, sig)
    assert len(text) < 260
    back, back_sig = from_compact(text)
    assert back == rec and back_sig == sig
    verify("Ed25519", public_key_b64u(key), back.text().encode(), back_sig)


@pytest.mark.parametrize("bad", ["", "LSR2.x", "LSR3.x", "LSR1.99001.abc", "LSR1." + "x." * 8 + "y"])
def test_malformed_qr_texts_are_refused(bad: str) -> None:
    with pytest.raises(BadQr):
        from_compact(bad)


def test_qr_matrix_is_square_with_a_quiet_zone() -> None:
    modules = qr_modules(to_compact(_record(), "A" * 86))
    assert len(modules) == len(modules[0]) and len(modules) <= 61 + 4
    assert not any(modules[0]) and not any(row[0] for row in modules)


def test_result_pdf_carries_the_qr_text_in_its_metadata_and_the_data_in_its_text() -> None:
    key = Ed25519PrivateKey.generate()
    rec = _record()
    qr = to_compact(rec, sign("Ed25519", key, rec.text().encode()))
    content = {"document_kind": document_kind("khai-sinh", "approved"),
               "commune_name": "Pu Sam Cáp", "document_number": "12/2026/TLKS",
               "official_code": rec.official_code, "procedure_name": "Đăng ký khai sinh",
               "applicant_name": "Giàng A Páo", "outcome": "approved",
               "summary": "Đã đăng ký khai sinh cho trẻ Giàng A Lử",
               "template": "extract", "title": "Trích lục khai sinh", "intro": "",
               "closing": "", "signer_name": "Hoàng Văn Thào", "signer_title": "Chủ tịch",
               "sections": [{"heading": None, "fields": [
                   {"key": "child_full_name", "label": "Họ, chữ đệm, tên",
                    "value": "Giàng A Lử"}]}]}
    kid = key_id("Ed25519", public_key_b64u(key))
    pdf = render_result(content, qr, kid, date(2026, 3, 2))
    assert is_pdf_with_embedded_font(pdf)
    assert qr.encode() in pdf
    text = flat(pdf)
    assert "TRÍCH LỤC KHAI SINH" in text
    assert "Giàng A Lử" in text and "12/2026/TLKS" in text and "Hoàng Văn Thào" in text
    assert pdf == render_result(content, qr, kid, date(2026, 3, 2))


# --- revision differences ---------------------------------------------------------------


def test_diff_reports_changed_added_removed_fields_and_attachment_changes() -> None:
    before = {"form_data": {"a": "1", "b": "x"}, "components": {"c1": ["h1"]},
              "consent": {"signer_name": "A"}}
    after = {"form_data": {"a": "2", "c": "new"}, "components": {"c1": ["h1", "h2"]},
             "consent": {"signer_name": "A"}}
    changes = diff_revisions(before, after, {"a": "Trường A", "b": "B", "c": "C"},
                             {"c1": "Giấy tờ 1"})
    by_path = {c["path"]: c for c in changes}
    assert by_path["form_data.a"]["kind"] == "changed"
    assert by_path["form_data.a"]["label_vi"] == "Trường A"
    assert by_path["form_data.b"]["kind"] == "removed"
    assert by_path["form_data.c"]["kind"] == "added"
    assert by_path["components.c1"]["added"] == ["h2"]
    assert "consent" not in by_path
    assert [c["path"] for c in changes] == ["form_data.a", "form_data.b", "form_data.c",
                                            "components.c1"]


def test_first_revision_diffs_against_nothing() -> None:
    changes = diff_revisions({}, {"form_data": {"a": "1"}, "components": {}}, {}, {})
    assert changes == [{"path": "form_data.a", "kind": "added", "label_vi": "a",
                        "before": None, "after": "1"}]
