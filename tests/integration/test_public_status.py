"""Public status look-up: code + last four phone digits, no personal data, rate-limited in the
database (so the limit holds across workers)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from backend.app import create_app
from backend.db.models import (
    CitizenRating,
    Dossier,
    PublicLookupAttempt,
    Rating,
    SupplementRequest,
)
from tests.integration.test_dashboard import NOW, make_dossier
from tests.support.world import WORLD, user_id

CODE = "000.99.01.H99-260221-0007"
URL = "/api/public/status"


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    clock = {"now": NOW}
    monkeypatch.setattr("backend.public_status.routes.utcnow", lambda: clock["now"])
    # Let tests choose the client address (the TestClient always comes from one host).
    monkeypatch.setattr("backend.public_status.routes._client_ip",
                        lambda request: request.headers.get("x-test-ip", "198.51.100.1"))
    return clock


@pytest.fixture()
def dossier(engine: Engine, clean_db: Engine) -> str:
    return make_dossier(
        engine, status="done", code=CODE, phone="0912345678",
        received_at=datetime(2026, 2, 21, 2, tzinfo=UTC), due=date(2026, 2, 27),
        done_at=datetime(2026, 2, 26, 18, tzinfo=UTC),  # 01:00 on the 27th in Vietnam
    ).dossier_id


def test_the_right_code_and_phone_digits_show_status_and_dates_only(
    client: TestClient[Any], dossier: str
) -> None:
    r = client.get(URL, params={"code": CODE, "phone4": "5678"})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "done", "status_label_vi": "Đã có kết quả", "status_label_en": "Result ready",
        "explanation_vi": "Đã có kết quả. Cán bộ thôn sẽ mang kết quả đến hoặc bạn nhận "
                          "tại xã.",
        "explanation_en": "The result is ready for you.",
        "received_date": "2026-02-21", "due_date": "2026-02-27", "finished_date": "2026-02-27",
        "to_bring": [], "can_rate": False, "rated": False,
    }
    assert "Lò" not in r.text and dossier not in r.text
    assert r.headers["cache-control"] == "no-store"
    # Codes are matched whatever the case and stray spaces.
    again = client.get(URL, params={"code": " " + CODE.lower() + " ", "phone4": "5678"})
    assert again.status_code == 200


def test_a_wrong_code_and_a_wrong_phone_get_the_same_answer(
    client: TestClient[Any], dossier: str
) -> None:
    wrong_phone = client.get(URL, params={"code": CODE, "phone4": "0000"})
    wrong_code = client.get(URL, params={"code": CODE[:-1] + "8", "phone4": "5678"})
    assert wrong_phone.status_code == wrong_code.status_code == 404
    assert wrong_phone.json() == wrong_code.json()
    assert wrong_phone.json()["code"] == "status_not_found"


def test_a_dossier_whose_applicant_has_no_phone_is_never_found(
    client: TestClient[Any], engine: Engine, clean_db: Engine
) -> None:
    make_dossier(engine, status="processing", code=CODE, phone=None)
    for guess in ("0000", "5678"):
        r = client.get(URL, params={"code": CODE, "phone4": guess})
        assert r.status_code == 404


def test_phone_digits_must_be_four_digits(client: TestClient[Any], dossier: str) -> None:
    r = client.get(URL, params={"code": CODE, "phone4": "56a8"})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_phone4"


def test_one_client_address_is_limited_to_ten_attempts_per_ten_minutes(
    client: TestClient[Any], dossier: str, pinned: dict[str, datetime]
) -> None:
    for i in range(10):
        code = f"000.99.01.H99-260221-{i + 100:04d}"
        assert client.get(URL, params={"code": code, "phone4": "1111"}).status_code == 404
    r = client.get(URL, params={"code": CODE, "phone4": "5678"})
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    assert 0 < int(r.headers["retry-after"]) <= 600
    other = client.get(URL, params={"code": CODE, "phone4": "5678"},
                       headers={"x-test-ip": "203.0.113.9"})
    assert other.status_code == 200
    pinned["now"] = NOW + timedelta(minutes=10, seconds=1)
    assert client.get(URL, params={"code": CODE, "phone4": "5678"}).status_code == 200


def test_one_code_is_limited_whatever_the_client_address(
    client: TestClient[Any], dossier: str
) -> None:
    for i in range(10):
        r = client.get(URL, params={"code": CODE, "phone4": f"{i:04d}"},
                       headers={"x-test-ip": f"192.0.2.{i}"})
        assert r.status_code == 404
    r = client.get(URL, params={"code": CODE, "phone4": "5678"},
                   headers={"x-test-ip": "192.0.2.200"})
    assert r.status_code == 429


def test_attempts_live_in_the_database_so_every_worker_counts_them(
    client: TestClient[Any], dossier: str, app: Any, engine: Engine
) -> None:
    for _ in range(10):
        client.get(URL, params={"code": CODE, "phone4": "0000"})
    other_worker = create_app(app.state.settings)
    with TestClient(app=other_worker) as second:
        r = second.get(URL, params={"code": CODE, "phone4": "5678"})
    other_worker.state.engine.dispose()
    assert r.status_code == 429
    with Session(engine) as s:
        buckets = s.exec(select(PublicLookupAttempt.bucket)).all()
        assert len(buckets) == 22  # 11 attempts x (address, code)
        assert not any(CODE in b or CODE.lower() in b for b in buckets), "codes are hashed"
        assert s.exec(select(func.count()).select_from(PublicLookupAttempt)).one() == 22


def test_the_public_page_shows_a_form_and_the_result_without_login(
    client: TestClient[Any], dossier: str
) -> None:
    page = client.get("/tra-cuu")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<form method="get" action="/tra-cuu">' in page.text
    found = client.get("/tra-cuu", params={"code": CODE, "phone4": "5678"})
    assert found.status_code == 200
    assert "Đã có kết quả" in found.text and "27/02/2026" in found.text
    assert '<link rel="stylesheet" href="/public.css">' in found.text
    assert "<script" not in found.text and "style=" not in found.text
    assert "'unsafe-inline'" not in found.headers["content-security-policy"]
    css = client.get("/public.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    missing = client.get("/tra-cuu", params={"code": "<script>x</script>", "phone4": "5678"})
    assert missing.status_code == 404
    assert "<script>x" not in missing.text and "&lt;script&gt;" in missing.text
    assert "Không tìm thấy" in missing.text


# --- the phone given in the dossier (issue 11) ----------------------------------------------


def test_the_look_up_uses_the_phone_given_in_the_dossier(
    client: TestClient[Any], engine: Engine, clean_db: Engine
) -> None:
    """The household member has no phone (or another one): the citizen types the digits of
    the number they gave in the dossier (`requester_phone`, named by the catalogue)."""
    make_dossier(engine, status="processing", code=CODE, phone=None,
                 form_data={"requester_phone": "0977 123 456"})
    assert client.get(URL, params={"code": CODE, "phone4": "3456"}).status_code == 200
    wrong = client.get(URL, params={"code": CODE, "phone4": "5678"})
    assert wrong.status_code == 404 and wrong.json()["code"] == "status_not_found"


def test_the_dossiers_phone_wins_over_the_household_members(
    client: TestClient[Any], engine: Engine, clean_db: Engine
) -> None:
    make_dossier(engine, status="processing", code=CODE, phone="0912345678",
                 form_data={"requester_phone": "0977123456"})
    assert client.get(URL, params={"code": CODE, "phone4": "3456"}).status_code == 200
    assert client.get(URL, params={"code": CODE, "phone4": "5678"}).status_code == 404


def test_a_supplement_request_tells_the_citizen_what_to_bring(
    client: TestClient[Any], engine: Engine, clean_db: Engine
) -> None:
    made = make_dossier(engine, status="supplement_requested", code=CODE,
                        form_data={"requester_phone": "0977123456"})
    with Session(engine) as s:
        s.add(SupplementRequest(
            id=str(uuid.uuid4()), dossier_id=made.dossier_id, commune_id=WORLD.commune_a,
            village_id=WORLD.village_a1, requested_by=user_id("officer_a"), requested_at=NOW,
            reason="Ảnh mờ", items=[{"component_code": "giay-chung-sinh",
                                     "label_vi": "Giấy chứng sinh",
                                     "problem": "Ảnh mờ, chụp lại rõ"}]))
        s.commit()
    body = client.get(URL, params={"code": CODE, "phone4": "3456"}).json()
    assert body["to_bring"] == ["Giấy chứng sinh: Ảnh mờ, chụp lại rõ"]
    assert "chuẩn bị" in body["explanation_vi"]
    page = client.get("/tra-cuu", params={"code": CODE, "phone4": "3456"})
    assert "Giấy chứng sinh: Ảnh mờ, chụp lại rõ" in page.text


def test_the_citizen_rates_once_on_the_public_page_after_the_hand_over(
    client: TestClient[Any], engine: Engine, clean_db: Engine
) -> None:
    made = make_dossier(engine, status="done", code=CODE,
                        form_data={"requester_phone": "0977123456"})
    early = client.post("/api/public/rating",
                        json={"code": CODE, "phone4": "3456", "rating": "satisfied"})
    assert early.status_code == 409 and early.json()["code"] == "rating_too_early"
    with Session(engine) as s:
        d = s.get(Dossier, made.dossier_id)
        assert d is not None
        d.status = "result_returned"
        s.add(d)
        s.commit()
    page = client.get("/tra-cuu", params={"code": CODE, "phone4": "3456"})
    assert 'action="/tra-cuu/danh-gia"' in page.text and "Rất hài lòng" in page.text
    wrong = client.post("/api/public/rating",
                        json={"code": CODE, "phone4": "0000", "rating": "satisfied"})
    assert wrong.status_code == 404 and wrong.json()["code"] == "status_not_found"
    bad = client.post("/api/public/rating",
                      json={"code": CODE, "phone4": "3456", "rating": "great"})
    assert bad.status_code == 400
    posted = client.post("/tra-cuu/danh-gia", data={
        "code": CODE, "phone4": "3456", "rating": "very_satisfied", "comment": "Cán bộ nhiệt tình"})
    assert posted.status_code == 200 and "Cảm ơn bạn đã đánh giá" in posted.text
    assert 'action="/tra-cuu/danh-gia"' not in posted.text
    again = client.post("/api/public/rating",
                        json={"code": CODE, "phone4": "3456", "rating": "not_satisfied"})
    assert again.status_code == 409 and again.json()["code"] == "rating_exists"
    with Session(engine) as s:
        [row] = s.exec(select(CitizenRating)).all()
        assert (row.dossier_id, row.rating, row.channel, row.comment) == (
            made.dossier_id, "very_satisfied", "web", "Cán bộ nhiệt tình")
        assert s.exec(select(func.count()).select_from(Rating)).one() == 0
    assert client.get(URL, params={"code": CODE, "phone4": "3456"}).json()["rated"] is True


def test_ratings_count_against_the_same_look_up_limit(
    client: TestClient[Any], engine: Engine, clean_db: Engine
) -> None:
    make_dossier(engine, status="result_returned", code=CODE,
                 form_data={"requester_phone": "0977123456"})
    for i in range(10):
        client.post("/api/public/rating",
                    json={"code": CODE, "phone4": f"{i:04d}", "rating": "satisfied"})
    r = client.post("/api/public/rating",
                    json={"code": CODE, "phone4": "3456", "rating": "satisfied"})
    assert r.status_code == 429
