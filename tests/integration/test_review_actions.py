"""Review actions: each one audited with its reason and actor; receive assigns the official
code and the deadline; a supplement request lists its items, pauses the clock and reaches the
volunteer's device as a task; the one-stop letters as PDFs; the apology draft; refusals
across communes for every route."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import DossierEvent, SupplementRequest
from backend.lib.vntime import VN
from tests.integration.test_review_world import (
    days,
    make_device,
    pin,
    rest_dossier,
    review_act,
    seed_household,
    signed_dossier,
    today,
)
from tests.support.device import BIRTH_FORM, submit_fields
from tests.support.factories import submit_unsigned
from tests.support.world import user_id
from tests.unit.test_letters import flat, is_pdf_with_embedded_font

__all__ = ["make_device"]

ITEMS = [{"component_code": "giay-chung-sinh", "problem": "Ảnh mờ, chụp lại rõ nét"},
         {"field": "mother_full_name", "problem": "Sai dấu tên mẹ"}]


def events(engine: Engine, did: str) -> list[DossierEvent]:
    with Session(engine) as s:
        return list(s.exec(select(DossierEvent).where(DossierEvent.dossier_id == did)
                           .order_by(DossierEvent.id)).all())  # type: ignore[arg-type]


def test_receive_assigns_the_official_code_and_links_the_receipt(
    client: Any, as_user: Any, engine: Engine
) -> None:
    did = rest_dossier(client, as_user)
    r = review_act(client, as_user("officer_a"), did, "receive", "Đủ hồ sơ")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "processing"
    assert body["official_code"].startswith("000.99.01.H99-")
    assert body["due_date"] is not None
    assert body["documents"] == [{
        "kind": "receipt", "title_vi": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "url": f"/api/review/dossiers/{did}/documents/receipt.pdf"}]
    ev = {e.action: e for e in events(engine, did)}
    assert ev["receive"].reason == "Đủ hồ sơ"
    assert ev["receive"].actor_id == user_id("officer_a")
    assert ev["receive"].data["official_code"] == body["official_code"]


@pytest.mark.parametrize(("action", "source", "reason", "target"), [
    ("refuse", "submitted", "Không thuộc thẩm quyền", "not_received"),
    ("approve", "processing", "", "done"),
    ("reject", "processing", "Không đủ điều kiện", "done"),
    ("stop", "processing", "Người dân đề nghị dừng", "stopped"),
])
def test_each_action_is_audited_with_actor_and_reason(
    client: Any, as_user: Any, engine: Engine, action: str, source: str, reason: str,
    target: str,
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    if source == "processing":
        assert review_act(client, off, did, "receive").status_code == 200
    r = review_act(client, off, did, action, reason)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == target
    last = events(engine, did)[-1]
    assert (last.action, last.from_status, last.to_status) == (action, source, target)
    assert last.reason == reason and last.actor_role == "officer"
    assert last.actor_id == user_id("officer_a")


def test_reason_is_required_where_the_law_asks_for_one(client: Any, as_user: Any) -> None:
    did = rest_dossier(client, as_user)
    r = review_act(client, as_user("officer_a"), did, "refuse", "  ")
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    r = review_act(client, as_user("officer_a"), did, "approve")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    r = review_act(client, as_user("officer_a"), did, "submit")
    assert r.status_code == 422 and r.json()["code"] == "unknown_action"


def test_supplement_request_lists_items_pauses_the_clock_and_is_audited(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    review_act(client, off, did, "receive")
    r = review_act(client, off, did, "request_supplement", "Hồ sơ chưa đủ", items=ITEMS)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "supplement_requested"
    assert body["supplement_request_id"]
    last = events(engine, did)[-1]
    assert last.action == "request_supplement" and last.reason == "Hồ sơ chưa đủ"
    assert [i["problem"] for i in last.data["items"]] == [i["problem"] for i in ITEMS]
    assert last.data["items"][1]["label_vi"] == "Họ, chữ đệm và tên của mẹ"
    with Session(engine) as s:
        req = s.get(SupplementRequest, body["supplement_request_id"])
        assert req is not None and req.status == "open" and len(req.items) == 2
    v = client.get(f"/api/review/dossiers/{did}", headers=off).json()
    assert v["supplement_requests"][0]["items"][0]["component_code"] == "giay-chung-sinh"


@pytest.mark.parametrize(("items", "code"), [
    (None, "items_required"),
    ([{"component_code": "khong-co", "problem": "x"}], "invalid_items"),
    ([{"field": "khong_co", "problem": "x"}], "invalid_items"),
    ([{"component_code": "giay-chung-sinh", "field": "child_sex", "problem": "x"}],
     "invalid_items"),
    ([{"component_code": "giay-chung-sinh", "problem": "   "}], "invalid_items"),
])
def test_bad_supplement_items_are_refused_and_change_nothing(
    client: Any, as_user: Any, engine: Engine, items: Any, code: str
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    review_act(client, off, did, "receive")
    before = len(events(engine, did))
    body: dict[str, Any] = {} if items is None else {"items": items}
    r = review_act(client, off, did, "request_supplement", "Thiếu", **body)
    assert r.status_code == 422 and r.json()["code"] == code
    assert len(events(engine, did)) == before


def test_supplement_request_reaches_the_device_and_closes_when_answered(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, first = signed_dossier(dev, head)
    off = as_user("officer_a")
    review_act(client, off, did, "receive")
    rid = review_act(client, off, did, "request_supplement", "Ảnh mờ",
                     items=ITEMS[:1]).json()["supplement_request_id"]
    changes = dev.pull()
    task = dev.replica[("task", rid)]
    assert task["data"]["kind"] == "supplement_request"
    assert task["data"]["dossier_id"] == did and task["data"]["status"] == "open"
    assert task["data"]["items"][0]["problem"] == "Ảnh mờ, chụp lại rõ nét"
    assert task["data"]["requested_by_name"] == "Officer A"
    assert dev.replica[("dossier", did)]["data"]["status"] == "supplement_requested"
    assert {c["entity"] for c in changes} >= {"task", "dossier"}
    # another commune's volunteer never sees it
    other = make_device("vol_b1")
    other.pull()
    assert ("task", rid) not in other.replica
    # the volunteer re-signs with a new photo; the officer approves; the task is answered
    version = dev.replica[("dossier", did)]["version"]
    dev.mutate("dossier", did, "submit",
               submit_fields(BIRTH_FORM, prev_revision=first.hash, photo="d" * 64),
               base=version)
    assert dev.push().json()["results"][0]["status"] == "applied"
    assert review_act(client, off, did, "approve").status_code == 200
    dev.pull()
    assert dev.replica[("task", rid)]["data"]["status"] == "answered"
    assert dev.replica[("task", rid)]["version"] == 2


@pytest.mark.parametrize(("kind", "steps", "expected"), [
    ("receipt", [("receive", "", None)], ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                                          "Thời gian trả kết quả giải quyết hồ sơ: ngày"]),
    ("supplement", [("receive", "", None), ("request_supplement", "Hồ sơ chưa đủ", ITEMS)],
     ["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Giấy chứng sinh", "Ảnh mờ, chụp lại rõ nét",
      "Sai dấu tên mẹ", "Hồ sơ chưa đủ"]),
    ("refusal", [("refuse", "Không thuộc thẩm quyền cấp xã", None)],
     ["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Không thuộc thẩm quyền cấp xã"]),
    ("apology", [("receive", "", None)], ["PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                                          "xin lỗi ông/bà"]),
])
def test_one_stop_letters_are_vietnamese_pdfs_generated_on_demand(
    client: Any, as_user: Any, kind: str, steps: list[Any], expected: list[str]
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    url = f"/api/review/dossiers/{did}/documents/{kind}.pdf"
    assert client.get(url, headers=off).status_code == 409  # nothing to print yet
    for action, reason, items in steps:
        extra = {"items": items} if items else {}
        assert review_act(client, off, did, action, reason, **extra).status_code == 200
    r = client.get(url, headers=off)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/pdf")
    pdf = r.content
    assert is_pdf_with_embedded_font(pdf)
    text = flat(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND XÃ A" in text
    assert "Vàng Thị Dính" in text and "Đăng ký khai sinh" in text
    for phrase in expected:
        assert phrase in text, phrase
    if kind != "apology":  # the apology draft follows today's date
        assert client.get(url, headers=off).content == pdf  # deterministic


def test_unknown_document_kind_is_404(client: Any, as_user: Any) -> None:
    did = rest_dossier(client, as_user)
    for name in ("nope.pdf", "receipt.txt"):
        r = client.get(f"/api/review/dossiers/{did}/documents/{name}",
                       headers=as_user("officer_a"))
        assert r.status_code == 404


def test_apology_draft_proposes_a_new_date_and_the_letter_uses_it(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    assert review_act(client, off, did, "receive").status_code == 200
    # received ten days ago with a 1-day procedure: overdue
    received = datetime.combine(days(-10), datetime.min.time(), tzinfo=VN) + timedelta(hours=9)
    pin(engine, did, received_at=received, due_date=days(-8))
    r = client.get(f"/api/review/dossiers/{did}/apology-draft", headers=off)
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["overdue"] is True
    assert draft["processing_days"] == 1 and draft["elapsed_working_days"] >= 1
    assert draft["remaining_working_days"] == 1
    proposed = date.fromisoformat(draft["proposed_date"])
    assert today() < proposed <= days(10)
    assert proposed.strftime("%d/%m/%Y") in draft["text"]
    assert "xin lỗi" in draft["text"]
    # the officer records the apology with their own date; the letter prints it
    new_date = days(12)
    r = review_act(client, off, did, "apologise", "Chờ xác minh của cơ quan công an",
                   appointment_date=new_date.isoformat())
    assert r.status_code == 200, r.text
    last = events(engine, did)[-1]
    assert last.action == "apologise" and last.data["appointment_date"] == new_date.isoformat()
    assert last.from_status == last.to_status == "processing"
    text = flat(client.get(f"/api/review/dossiers/{did}/documents/apology.pdf",
                           headers=off).content)
    assert new_date.strftime("%d/%m/%Y") in text
    assert "Chờ xác minh của cơ quan công an" in text
    queue = client.get("/api/review/dossiers", params={"overdue": True}, headers=off).json()
    assert [i["id"] for i in queue["items"]] == [did]


def test_apology_needs_a_dossier_being_processed(client: Any, as_user: Any) -> None:
    did = rest_dossier(client, as_user)
    off = as_user("officer_a")
    assert client.get(f"/api/review/dossiers/{did}/apology-draft",
                      headers=off).status_code == 409
    r = review_act(client, off, did, "apologise", "Trễ hạn")
    assert r.status_code == 409 and r.json()["code"] == "apology_not_applicable"


def test_stale_version_is_refused(client: Any, as_user: Any) -> None:
    did = rest_dossier(client, as_user)
    r = review_act(client, as_user("officer_a"), did, "receive", expected_version=1)
    assert r.status_code == 409 and r.json()["code"] == "stale_version"


ROUTES = [
    ("GET", "/api/review/dossiers/{id}", None),
    ("POST", "/api/review/dossiers/{id}/actions", {"action": "receive", "reason": ""}),
    ("POST", "/api/review/dossiers/{id}/actions",
     {"action": "request_supplement", "reason": "x", "items": ITEMS}),
    ("POST", "/api/review/dossiers/{id}/actions", {"action": "apologise", "reason": "x"}),
    ("GET", "/api/review/dossiers/{id}/documents/receipt.pdf", None),
    ("GET", "/api/review/dossiers/{id}/documents/apology.pdf", None),
    ("GET", "/api/review/dossiers/{id}/apology-draft", None),
    ("POST", "/api/review/dossiers/{id}/result", {"summary": "x"}),
    ("GET", "/api/review/dossiers/{id}/result", None),
]


@pytest.mark.parametrize("who", ["officer_b", "vol_a1", "vol_b1"])
def test_every_review_route_refuses_other_communes_and_volunteers(
    client: Any, as_user: Any, engine: Engine, who: str
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    review_act(client, off, did, "receive")
    before = len(events(engine, did))
    for method, path, body in ROUTES:
        r = client.request(method, path.format(id=did), json=body, headers=as_user(who))
        assert r.status_code == 403, (method, path, r.text)
    assert client.get("/api/review/dossiers", headers=as_user(who)).json().get(
        "items", []) == []
    assert len(events(engine, did)) == before


def test_a_new_supplement_request_closes_the_answered_one(
    client: Any, as_user: Any, engine: Engine
) -> None:
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    review_act(client, off, did, "receive")
    first = review_act(client, off, did, "request_supplement", "Thiếu",
                       items=ITEMS[:1]).json()["supplement_request_id"]
    submit_unsigned(client, "vol_a1", did, "supplement")
    second = review_act(client, off, did, "request_supplement", "Vẫn thiếu",
                        items=ITEMS[1:]).json()["supplement_request_id"]
    assert review_act(client, off, did, "stop", "Người dân rút yêu cầu").status_code == 200
    with Session(engine) as s:
        a, b = s.get(SupplementRequest, first), s.get(SupplementRequest, second)
        assert a is not None and b is not None
        assert (a.status, a.version) == ("answered", 2)
        assert (b.status, b.version) == ("cancelled", 2)


def test_supplement_request_queues_a_push_notice_for_the_volunteer(
    client: Any, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.review.actions as review_service

    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(review_service, "notify_after_commit",
                        lambda _s, event, *, dossier_id, data_dir: sent.append(
                            (event, dossier_id)))
    off = as_user("officer_a")
    did = rest_dossier(client, as_user)
    review_act(client, off, did, "receive")
    assert sent == []
    review_act(client, off, did, "request_supplement", "Thiếu", items=ITEMS[:1])
    assert sent == [("supplement_requested", did)]
