"""Electronic results: issued after approve or reject, signed with the commune key published at
/.well-known/langso/keys.json, a PDF with a QR code that round-trips; the result syncs to the
volunteer's device; the public /verify page and /api/public/verify tell genuine from tampered
and never reveal personal data."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import Blob, DossierEvent
from backend.results.qr import from_compact, initials
from sync.canonical import canonical_bytes
from sync.signatures import verify
from tests.integration.test_review_world import (
    make_device,
    rest_dossier,
    review_act,
    seed_household,
    signed_dossier,
)
from tests.unit.test_letters import flat, is_pdf_with_embedded_font

__all__ = ["make_device"]


def approved(client: Any, as_user: Any, did: str, action: str = "approve",
             reason: str = "") -> None:
    off = as_user("officer_a")
    assert review_act(client, off, did, "receive").status_code == 200
    assert review_act(client, off, did, action, reason).status_code == 200


def issue(client: Any, as_user: Any, did: str, **body: Any) -> dict[str, Any]:
    r = client.post(f"/api/review/dossiers/{did}/result",
                    json={"summary": "Đã đăng ký khai sinh cho trẻ Giàng A Lử", **body},
                    headers=as_user("officer_a"))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def public_verify(client: Any, **body: Any) -> dict[str, Any]:
    client.cookies.clear()
    r = client.post("/api/public/verify", json=body)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture()
def issued(make_device: Any, client: Any, as_user: Any) -> tuple[Any, str, dict[str, Any]]:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    approved(client, as_user, did)
    return dev, did, issue(client, as_user, did, document_number="12/2026/TLKS-BS")


def test_result_record_is_signed_with_the_published_commune_key(
    client: Any, issued: tuple[Any, str, dict[str, Any]], engine: Engine
) -> None:
    _, did, res = issued
    rec = res["record"]
    # Record v2 (SPEC-records RES1): v1's keys and the holder's initials and the procedure.
    assert set(rec) == {"commune_id", "dossier_id", "issued_at", "key_id", "official_code",
                        "outcome", "result_sha256", "v", "holder_initials", "procedure_code",
                        "procedure_name"}
    assert rec["v"] == 2 and rec["procedure_code"] == "khai-sinh"
    assert rec["procedure_name"] == res["content"]["procedure_name"] == "Đăng ký khai sinh"
    assert rec["holder_initials"] == initials(res["content"]["applicant_name"]) != ""
    assert rec["dossier_id"] == did and rec["outcome"] == "approved"
    assert res["record_text"] == canonical_bytes(rec).decode()
    keys = client.get("/.well-known/langso/keys.json").json()["keys"]
    [key] = [k for k in keys if k["key_id"] == rec["key_id"]]
    verify("Ed25519", key["public_key"], res["record_text"].encode(), res["sig"])
    # result_sha256 is the hash of the canonical content the document prints
    assert rec["result_sha256"] == hashlib.sha256(canonical_bytes(res["content"])).hexdigest()
    assert res["content"]["document_kind"] == "Trích lục khai sinh (bản điện tử)"
    lines = [f for section in res["content"]["sections"] for f in section["fields"]]
    assert {"key": "child_full_name", "label": "Họ, chữ đệm, tên", "value": "Giàng A Lử"} \
        in lines
    # the QR code is a link to the public page with exactly the signed record after '#'
    assert res["qr_text"].startswith("http://127.0.0.1:8000/v#LSR2.")
    back, sig = from_compact(res["qr_text"])
    assert back.as_json() == rec and sig == res["sig"]
    with Session(engine) as s:
        ev = s.exec(select(DossierEvent).where(DossierEvent.dossier_id == did,
                                               DossierEvent.action == "issue_result")).one()
        assert ev.data["result_id"] == res["id"] and ev.reason == res["summary"]
        assert s.get(Blob, res["pdf_sha256"]) is not None


def test_result_pdf_is_the_stored_blob_with_the_qr_inside(
    client: Any, as_user: Any, issued: tuple[Any, str, dict[str, Any]]
) -> None:
    _, _, res = issued
    r = client.get(res["pdf_url"], headers=as_user("officer_a"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    assert hashlib.sha256(pdf).hexdigest() == res["pdf_sha256"]
    assert is_pdf_with_embedded_font(pdf)
    assert res["qr_text"].encode() in pdf
    text = flat(pdf)
    assert "TRÍCH LỤC KHAI SINH" in text and "12/2026/TLKS-BS" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert client.get(f"/api/results/{res['id']}", headers=as_user("vol_a1")).json()[
        "pdf_sha256"] == res["pdf_sha256"]


def test_genuine_qr_verifies_publicly_without_personal_data(
    client: Any, issued: tuple[Any, str, dict[str, Any]]
) -> None:
    _, _, res = issued
    answer = public_verify(client, qr=res["qr_text"])
    assert answer["valid"] is True and answer["code"] == "valid"
    assert answer["official_code"] == res["official_code"]
    assert answer["commune_name"] == "Xã A" and answer["issued_on"]
    text = json.dumps(answer, ensure_ascii=False)
    for personal in ("Giàng A Lử", "Giàng A Páo", "Vàng Thị Dính", res["dossier_id"],
                     "0912345678"):
        assert personal not in text


@pytest.mark.parametrize("tamper", ["outcome", "signature", "hash", "code"])
def test_tampered_qr_fails_verification(
    client: Any, issued: tuple[Any, str, dict[str, Any]], tamper: str
) -> None:
    _, _, res = issued
    parts = res["qr_text"].split("#", 1)[1].split(".", 8)
    if tamper == "outcome":
        parts[5] = "r"
    elif tamper == "signature":
        parts[7] = ("B" if parts[7][0] == "A" else "A") + parts[7][1:]
    elif tamper == "hash":
        parts[6] = ("B" if parts[6][0] == "A" else "A") + parts[6][1:]
    else:
        parts[8] = parts[8][:-1] + ("9" if parts[8][-1] != "9" else "8")
    answer = public_verify(client, qr=".".join(parts))
    assert answer["valid"] is False
    assert answer["code"] == "bad_signature"


def test_malformed_and_unknown_codes_are_invalid(
    client: Any, issued: tuple[Any, str, dict[str, Any]]
) -> None:
    _, _, res = issued
    assert public_verify(client, qr="xin chào")["code"] == "malformed"
    parts = res["qr_text"].split("#", 1)[1].split(".", 8)
    parts[1] = "12345"  # a commune that does not exist
    assert public_verify(client, qr=".".join(parts))["code"] == "unknown_key"
    r = client.post("/api/public/verify", json={})
    assert r.status_code == 400


def test_uploaded_pdf_verifies_only_when_it_is_the_issued_file(
    client: Any, as_user: Any, issued: tuple[Any, str, dict[str, Any]]
) -> None:
    _, _, res = issued
    pdf = client.get(res["pdf_url"], headers=as_user("officer_a")).content
    ok = public_verify(client, pdf_base64=base64.b64encode(pdf).decode())
    assert ok["valid"] is True and ok["official_code"] == res["official_code"]
    tampered = pdf.replace(b"/Producer", b"/Producex", 1)
    assert tampered != pdf
    bad = public_verify(client, pdf_base64=base64.b64encode(tampered).decode())
    assert bad["valid"] is False and bad["code"] == "pdf_modified"
    other = public_verify(client, pdf_base64=base64.b64encode(b"%PDF-1.4 nothing").decode())
    assert other["valid"] is False and other["code"] == "not_found"


def test_public_verify_page_works_without_login_and_without_javascript(
    client: Any, as_user: Any, issued: tuple[Any, str, dict[str, Any]]
) -> None:
    _, _, res = issued
    client.cookies.clear()
    page = client.get("/verify")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Kiểm tra văn bản kết quả điện tử" in page.text and "<script" not in page.text
    assert 'enctype="multipart/form-data"' in page.text
    posted = client.post("/verify", data={"qr": res["qr_text"]},
                         files={"pdf": ("", b"", "application/octet-stream")})
    assert posted.status_code == 200, posted.text
    assert "Hợp lệ" in posted.text and res["official_code"] in posted.text
    assert "Giàng A" not in posted.text
    pdf = client.get(res["pdf_url"], headers=as_user("officer_a")).content
    client.cookies.clear()
    upload = client.post("/verify", files={"pdf": ("kq.pdf", pdf[:-20] + b"x" * 20,
                                                   "application/pdf")})
    assert upload.status_code == 200 and "KHÔNG hợp lệ" in upload.text
    linked = client.get("/verify", params={"r": res["qr_text"]})
    assert "Hợp lệ" in linked.text


def test_result_syncs_to_the_volunteers_device_and_verifies_offline(
    client: Any, issued: tuple[Any, str, dict[str, Any]]
) -> None:
    dev, did, res = issued
    dev.pull()
    got = dev.replica[("result", res["id"])]["data"]
    assert got["dossier_id"] == did and got["record"] == res["record_text"]
    assert got["pdf_sha256"] == res["pdf_sha256"] and got["pdf_url"] == res["pdf_url"]
    # offline: the device holds the published keys and checks record and content hash
    keys = {k["key_id"]: k for k in client.get("/.well-known/langso/keys.json").json()["keys"]}
    verify("Ed25519", keys[got["key_id"]]["public_key"], got["record"].encode(), got["sig"])
    assert json.loads(got["record"])["result_sha256"] == hashlib.sha256(
        canonical_bytes(got["content"])).hexdigest()
    pdf = client.get(got["pdf_url"], headers=dev.headers).content
    assert hashlib.sha256(pdf).hexdigest() == got["pdf_sha256"]


def test_a_rejection_decision_is_a_result_too(client: Any, as_user: Any) -> None:
    did = rest_dossier(client, as_user)
    approved(client, as_user, did, "reject", "Không đủ điều kiện")
    res = issue(client, as_user, did, summary="Từ chối: không đủ điều kiện")
    assert res["outcome"] == "rejected"
    assert res["document_kind"] == "Thông báo từ chối giải quyết hồ sơ (bản điện tử)"
    assert public_verify(client, qr=res["qr_text"])["outcome"] == "rejected"


def test_result_needs_a_decision_and_is_issued_once(client: Any, as_user: Any) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    review_act(client, off, did, "receive")
    url = f"/api/review/dossiers/{did}/result"
    r = client.post(url, json={"summary": "x"}, headers=off)
    assert r.status_code == 409 and r.json()["code"] == "result_not_ready"
    review_act(client, off, did, "approve")
    r = client.post(url, json={"summary": "x", "extra": 1}, headers=off)
    assert r.status_code == 400
    issue(client, as_user, did)
    r = client.post(url, json={"summary": "lần hai"}, headers=off)
    assert r.status_code == 409 and r.json()["code"] == "result_exists"
    assert client.get(url, headers=off).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("officer_b", 403), ("vol_b1", 403),
                                             ("vol_a2", 403), ("vol_a1", 200),
                                             ("admin", 200)])
def test_result_is_readable_only_inside_its_scope(
    client: Any, as_user: Any, issued: tuple[Any, str, dict[str, Any]], who: str, status: int
) -> None:
    _, _, res = issued
    for url in (f"/api/results/{res['id']}", res["pdf_url"]):
        assert client.get(url, headers=as_user(who)).status_code == status
    assert client.get("/api/results/" + res["id"]).status_code == 401


def test_issuing_a_result_queues_a_push_notice_for_the_volunteer(
    client: Any, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.results.service as results_service

    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(results_service, "notify_after_commit",
                        lambda _s, event, *, dossier_id, data_dir: sent.append(
                            (event, dossier_id)))
    did = rest_dossier(client, as_user)
    approved(client, as_user, did)
    issue(client, as_user, did)
    assert sent == [("result_issued", did)]
