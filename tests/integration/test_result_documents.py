"""Result papers per procedure: the catalogue's template filled from the dossier's data, read
back from the issued PDF with pypdf — the dossier's values in plain words, no screen labels
or raw codes, one A4 page holding the content, the QR link and the signer's name and title.
The officer's preview shows the same lines; a correction needs a reason and is audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from backend.db.models import Commune, DossierEvent
from backend.results.qr import from_compact
from tests.integration.test_results_verify import approved, make_device
from tests.integration.test_review_world import pin, rest_dossier, seed_household, signed_dossier
from tests.support.device import BIRTH_FORM
from tests.support.world import WORLD

__all__ = ["make_device"]

BIRTH = {**BIRTH_FORM, "requester_phone": "0912345678"}
DEATH = {
    "deceased_full_name": "Vàng A Sình", "deceased_date_of_birth": "1940-01-15",
    "deceased_sex": "male", "deceased_ethnicity": "Mông", "deceased_cccd": "012040123456",
    "deceased_last_residence": "Bản Nậm Khăn, xã Pu Sam Cáp", "date_of_death": "2026-02-10",
    "place_of_death": "Tại nhà, bản Nậm Khăn", "cause_of_death": "Bệnh già",
    "requester_relationship": "con", "requester_full_name": "Giàng A Páo",
    "requester_phone": "0987654321",
}
MARITAL = {
    "subject_full_name": "Vàng Thị Mai", "subject_date_of_birth": "2001-07-09",
    "subject_sex": "female", "subject_ethnicity": "Mông", "subject_cccd": "012301123456",
    "subject_residence": "Bản Nậm Khăn, xã Pu Sam Cáp", "marital_status": "chua_ket_hon",
    "purpose": "ket_hon", "intended_spouse_name": "Lò Văn Khằm",
    "intended_spouse_date_of_birth": "1999-03-04", "requester_phone": "0911222333",
}
RESIDENCE = {
    "person_full_name": "Lò Thị Ín", "person_date_of_birth": "1995-11-30",
    "person_sex": "female", "person_cccd": "012195123456", "person_phone": "0977000111",
    "previous_residence": "Bản Hua Ná, xã Mường Lay", "new_address": "Bản Nậm Khăn, xã Pu Sam Cáp",
    "head_full_name": "Giàng A Páo", "relationship_to_head": "con", "basis": "nguoi_than",
    "head_consents": "co",
}

# procedure → (form, words the paper must print, words it must never print)
CASES: dict[str, tuple[dict[str, Any], list[str], list[str]]] = {
    "khai-tu": (DEATH, ["TRÍCH LỤC KHAI TỬ", "Vàng A Sình", "15/01/1940", "Nam",
                        "10/02/2026", "Tại nhà, bản Nậm Khăn", "Bệnh già", "Giàng A Páo"],
                ["0987654321", "Quan hệ với người được đăng ký", "2026-02-10", "male"]),
    "xac-nhan-tthn": (MARITAL, ["GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "Vàng Thị Mai",
                                "09/07/2001", "Nữ", "Chưa đăng ký kết hôn với ai", "Lò Văn Khằm",
                                "có giá trị 6 tháng"],
                      ["0911222333", "chua_ket_hon", "Mục đích sử dụng", "female"]),
    "thuong-tru": (RESIDENCE, ["XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "Lò Thị Ín", "30/11/1995",
                               "Bản Nậm Khăn, xã Pu Sam Cáp", "Bản Hua Ná, xã Mường Lay",
                               "Giàng A Páo", "Con"],
                   ["0977000111", "nguoi_than", "Căn cứ đăng ký", "Chủ hộ/chủ sở hữu đồng ý"]),
}


@pytest.fixture(autouse=True)
def signer(engine: Engine, clean_db: Engine) -> None:
    with Session(engine) as s:
        s.exec(update(Commune).where(Commune.id == WORLD.commune_a)  # type: ignore[call-overload]
               .values(signer_name="Hoàng Văn Thào", signer_title="Phó Chủ tịch"))
        s.commit()


def pdf_pages(client: Any, as_user: Any, res: dict[str, Any]) -> list[str]:
    r = client.get(res["pdf_url"], headers=as_user("officer_a"))
    assert r.status_code == 200
    reader = PdfReader(io.BytesIO(r.content))
    assert reader.metadata is not None and reader.metadata.get("/Keywords") == res["qr_text"]
    for page in reader.pages:  # A4 portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) \
            == (595, 842)
    fonts = r.content.count(b"/FontFile2")
    assert fonts >= 1, "fonts are embedded"
    # the QR code is drawn (as filled rectangles, one per run of dark modules) on the page
    # that holds the content
    for page in reader.pages:
        contents = page.get_contents()
        assert contents is not None
        assert contents.get_data().count(b" re") > 100, "the QR code is on this page"
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def assert_official_page(text: str, res: dict[str, Any]) -> None:
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "PHÓ CHỦ TỊCH" in text
    assert "Hoàng Văn Thào" in text
    # the QR link's page address is printed beside the QR, on the content page
    base = res["qr_text"].split("#", 1)[0]
    assert base.endswith("/v") and base in text.replace(" ", "")


def test_birth_extract_prints_the_dossiers_values_not_the_forms_labels(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head, BIRTH)
    approved(client, as_user, did)
    r = client.post(f"/api/review/dossiers/{did}/result", json={},
                    headers=as_user("officer_a"))
    assert r.status_code == 201, r.text
    res = r.json()
    [page] = pdf_pages(client, as_user, res)
    assert_official_page(page, res)
    for value in ("TRÍCH LỤC KHAI SINH", "Giàng A Lử", "20/02/2026", "Nam", "Mông",
                  "Bản Nậm Khăn, xã Pu Sam Cáp", "Vàng Thị Dính", "12/05/1993",
                  "Giàng A Páo", "12/05/1990", "có giá trị như bản sao Giấy khai sinh"):
        assert value in page, value
    for screen in ("Mẹ (chọn trong hộ)", "Có thông tin về cha", "0912345678", "tai_nha",
                   "male", "Quan hệ với người được đăng ký", "Người yêu cầu: Giàng"):
        assert screen not in page, screen
    assert res["summary"] == "Trích lục khai sinh"
    assert from_compact(res["qr_text"])[0].dossier_id == did


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_real_template_renders_the_dossier_on_one_official_page(
    client: Any, as_user: Any, engine: Engine, code: str
) -> None:
    form, present, absent = CASES[code]
    did = rest_dossier(client, as_user, procedure=code)
    pin(engine, did, form_data=form)
    approved(client, as_user, did)
    r = client.post(f"/api/review/dossiers/{did}/result", json={},
                    headers=as_user("officer_a"))
    assert r.status_code == 201, r.text
    res = r.json()
    [page] = pdf_pages(client, as_user, res)
    assert_official_page(page, res)
    for value in present:
        assert value in page, value
    for value in absent:
        assert value not in page, value


def test_a_procedure_without_template_gets_a_generic_official_notice(
    client: Any, as_user: Any
) -> None:
    did = rest_dossier(client, as_user, procedure="ho-kinh-doanh")
    approved(client, as_user, did)
    res = client.post(f"/api/review/dossiers/{did}/result", json={},
                      headers=as_user("officer_a")).json()
    [page] = pdf_pages(client, as_user, res)
    assert_official_page(page, res)
    assert "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in page
    assert res["official_code"] in page and "Đăng ký thành lập hộ kinh doanh" in page


def test_officer_previews_the_lines_and_corrects_one_with_an_audited_reason(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user, procedure="khai-tu")
    pin(engine, did, form_data=DEATH)
    approved(client, as_user, did)
    preview = client.get(f"/api/review/dossiers/{did}/result-draft", headers=off)
    assert preview.status_code == 200, preview.text
    draft = preview.json()
    assert draft["template"] == "extract" and draft["title"] == "Trích lục khai tử"
    assert draft["signer_name"] == "Hoàng Văn Thào"
    lines = {f["key"]: f for s in draft["sections"] for f in s["fields"]}
    assert lines["date_of_death"]["value"] == "10/02/2026"
    assert lines["deceased_sex"]["value"] == "Nam"
    assert client.get(f"/api/review/dossiers/{did}/result-draft",
                      headers=as_user("vol_a1")).status_code == 403
    url = f"/api/review/dossiers/{did}/result"
    no_reason = client.post(url, json={"corrections": [
        {"key": "cause_of_death", "value": "Tuổi cao", "reason": " "}]}, headers=off)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "corrections[0].reason"
    unknown = client.post(url, json={"corrections": [
        {"key": "nope", "value": "x", "reason": "y"}]}, headers=off)
    assert unknown.status_code == 422
    ok = client.post(url, json={"corrections": [
        {"key": "cause_of_death", "value": "Tuổi cao, bệnh nặng",
         "reason": "Theo giấy báo tử của trạm y tế"}]}, headers=off)
    assert ok.status_code == 201, ok.text
    res = ok.json()
    [page] = pdf_pages(client, as_user, res)
    assert "Tuổi cao, bệnh nặng" in page and "Bệnh già" not in page
    assert res["content"]["corrections"] == [{
        "key": "cause_of_death", "label": "Nguyên nhân chết", "before": "Bệnh già",
        "after": "Tuổi cao, bệnh nặng", "reason": "Theo giấy báo tử của trạm y tế"}]
    with Session(engine) as s:
        ev = s.exec(select(DossierEvent).where(DossierEvent.dossier_id == did,
                                               DossierEvent.action == "issue_result")).one()
        assert ev.data["corrections"][0]["reason"] == "Theo giấy báo tử của trạm y tế"


def test_a_refusal_is_an_official_notice_with_its_reason(client: Any, as_user: Any) -> None:
    did = rest_dossier(client, as_user)
    approved(client, as_user, did, "reject", "Không đủ điều kiện")
    url = f"/api/review/dossiers/{did}/result"
    missing = client.post(url, json={}, headers=as_user("officer_a"))
    assert missing.status_code == 422 and missing.json()["code"] == "summary_required"
    res = client.post(url, json={"summary": "Trẻ đã được đăng ký khai sinh tại xã khác"},
                      headers=as_user("officer_a")).json()
    [page] = pdf_pages(client, as_user, res)
    assert_official_page(page, res)
    assert "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in page
    assert "Trẻ đã được đăng ký khai sinh tại xã khác" in page


def test_the_commune_sets_who_signs_its_papers(client: Any, as_user: Any) -> None:
    url = f"/api/review/communes/{WORLD.commune_a}/signer"
    off = as_user("officer_a")
    assert client.get(url, headers=off).json()["signer_name"] == "Hoàng Văn Thào"
    r = client.put(url, json={"signer_name": "  Lò   Văn Tủa ", "signer_title": "Chủ tịch"},
                   headers=off)
    assert r.status_code == 200, r.text
    assert r.json() == {"commune_id": WORLD.commune_a, "signer_name": "Lò Văn Tủa",
                        "signer_title": "Chủ tịch"}
    assert client.put(url, json={"signer_name": "x" * 121, "signer_title": ""},
                      headers=off).status_code == 422
    assert client.put(url, json={"signer_name": "A", "signer_title": "B"},
                      headers=as_user("officer_b")).status_code == 403
    assert client.put(url, json={"signer_name": "A", "signer_title": "B"},
                      headers=as_user("vol_a1")).status_code == 403
    did = rest_dossier(client, as_user, procedure="ho-kinh-doanh")
    approved(client, as_user, did)
    res = client.post(f"/api/review/dossiers/{did}/result", json={}, headers=off).json()
    [page] = pdf_pages(client, as_user, res)
    assert "Lò Văn Tủa" in page and "CHỦ TỊCH" in page
