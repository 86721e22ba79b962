"""Logging in and out, and the health check, over real HTTP handling on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from backend.accounts import throttle
from tests.support.world import PASSWORD


def test_health_reports_database_ok(client: TestClient[Any]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_login_returns_token_and_sets_httponly_samesite_cookie(client: TestClient[Any]) -> None:
    response = client.post("/api/auth/login", json={"username": "vol_a1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "volunteer"
    assert body["user"]["village_ids"] == ["00000000-0000-4000-8000-0000000000a1"]
    cookie = response.headers["set-cookie"]
    assert "langso_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie or "samesite=strict" in cookie.lower()
    # the cookie alone authenticates the web UI
    assert client.get("/api/auth/me").json()["username"] == "vol_a1"


def test_wrong_password_is_refused_with_vietnamese_problem(client: TestClient[Any]) -> None:
    response = client.post("/api/auth/login", json={"username": "vol_a1", "password": "sai"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "bad_credentials"
    assert body["message_vi"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert body["status"] == 401


def test_unknown_user_is_refused_like_a_wrong_password(client: TestClient[Any]) -> None:
    response = client.post("/api/auth/login", json={"username": "nobody", "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"


def test_logout_revokes_the_bearer_token(client: TestClient[Any]) -> None:
    token = client.post(
        "/api/auth/login", json={"username": "officer_a", "password": PASSWORD}
    ).json()["token"]
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    again = client.get("/api/auth/me", headers=headers)
    assert again.status_code == 401
    assert again.json()["code"] == "not_authenticated"


def test_api_without_credentials_is_refused(client: TestClient[Any]) -> None:
    for path in ("/api/households/", "/api/dossiers/", "/api/units/villages", "/api/procedures/"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


def test_malformed_login_body_is_a_clear_problem(client: TestClient[Any]) -> None:
    response = client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["message_vi"].startswith("Dữ liệu gửi lên không hợp lệ")


def test_oversized_body_is_refused(client: TestClient[Any]) -> None:
    big = b'{"username": "' + b"a" * 2_000_000 + b'", "password": "x"}'
    response = client.post(
        "/api/auth/login", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_openapi_schema_lists_the_resources(client: TestClient[Any]) -> None:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/auth/login",
        "/api/households",
        "/api/members/{member_id}",
        "/api/dossiers",
        "/api/dossiers/{dossier_id}/actions",
        "/api/procedures",
        "/api/units/villages",
        "/health",
    ):
        assert any(p.rstrip("/") == path for p in paths), path


def test_repeated_wrong_passwords_lock_that_username_for_a_while(
    client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "MAX_PER_USER", 3)  # argon2 is slow on purpose
    for _ in range(3):
        response = client.post("/api/auth/login", json={"username": "vol_a1", "password": "sai"})
        assert response.status_code == 401
    locked = client.post("/api/auth/login", json={"username": "vol_a1", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert "thử lại sau" in locked.json()["message_vi"]
    assert int(locked.headers["retry-after"]) > 0
    # another account from the same address is not locked out
    other = client.post("/api/auth/login", json={"username": "vol_a2", "password": PASSWORD})
    assert other.status_code == 200


def test_a_successful_login_clears_earlier_failures(client: TestClient[Any]) -> None:
    for _ in range(9):
        client.post("/api/auth/login", json={"username": "vol_a1", "password": "sai"})
    assert (
        client.post(
            "/api/auth/login", json={"username": "vol_a1", "password": PASSWORD}
        ).status_code
        == 200
    )
    for _ in range(9):
        client.post("/api/auth/login", json={"username": "vol_a1", "password": "sai"})
    assert (
        client.post(
            "/api/auth/login", json={"username": "vol_a1", "password": PASSWORD}
        ).status_code
        == 200
    )
