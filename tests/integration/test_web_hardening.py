"""Issue 8, web hardening: security headers on every kind of response, the cross-site rule
for cookie sessions, and the Secure cookie over HTTPS or behind a trusted proxy. On SQLite
and PostgreSQL (the `client` fixture; the proxy test runs `langso serve` on each)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from backend.db.models import Household
from tests.conftest import ROOT
from tests.support.live_server import live_server
from tests.support.world import PASSWORD, WORLD

SAME_ORIGIN = "http://testserver.local"


def _body() -> dict[str, Any]:
    return {"village_id": WORLD.village_a1, "address": "Bản Nậm Khăn, xã Pu Sam Cáp"}


def _households(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Household)).one())


def _cookie_login(client: TestClient[Any], username: str = "officer_a") -> None:
    r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert client.cookies.get("langso_session")


def _assert_hardened(response: httpx.Response) -> str:
    h = response.headers
    assert h["x-content-type-options"] == "nosniff", response.url
    assert h["x-frame-options"] == "DENY", response.url
    assert h["referrer-policy"] in ("same-origin", "no-referrer"), response.url
    csp = h["content-security-policy"]
    assert "frame-ancestors 'none'" in csp, (response.url, csp)
    return csp


PAGE_ONLY = ("x-frame-options", "referrer-policy", "cross-origin-opener-policy",
             "permissions-policy")


def _assert_json_hardened(response: httpx.Response) -> None:
    """Issue 13 moved the page-only headers off JSON answers deliberately (≈ 0.5 KB on each
    sync answer on EDGE): a JSON answer keeps nosniff and `frame-ancestors 'none'` only."""
    h = response.headers
    assert h["content-type"].split(";")[0] in ("application/json", "application/problem+json")
    assert h["x-content-type-options"] == "nosniff", response.url
    assert h["content-security-policy"] == "frame-ancestors 'none'", response.url
    for name in PAGE_ONLY:
        assert name not in h, (response.url, name)


def test_every_kind_of_response_carries_the_security_headers(
    client: TestClient[Any], as_user: Any
) -> None:
    officer = as_user("officer_a")
    json_answers = [
        client.get("/health"),
        client.get("/api/auth/me"),  # 401 problem
        client.get("/api/procedures", headers=officer),
        client.get("/api/households?page=99999999999999999999", headers=officer),  # 400
        client.get("/api/no-such-route"),  # 404 from the router
        client.post("/api/public/verify", json={"qr": "LSR1.x"}),
        client.get("/api/sync/pull", headers=as_user("vol_a1")),
    ]
    for response in json_answers:
        _assert_json_hardened(response)
    documents = [client.get("/verify"), client.get("/tra-cuu"), client.get("/schema")]
    for response in documents:
        assert response.headers["content-type"].startswith("text/html"), response.url
        _assert_hardened(response)
        assert "geolocation=()" in response.headers["permissions-policy"]
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
    # the server-rendered pages keep their own stricter policy (no script at all)
    for page in documents[:2]:
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "cdn.jsdelivr.net" in documents[2].headers["content-security-policy"]
    # any other type (here the OpenAPI document, application/vnd.oai.openapi+json) keeps all
    _assert_hardened(client.get("/schema/openapi.json"))


@pytest.mark.skipif(not (ROOT / "pwa" / "dist" / "index.html").exists(),
                    reason="pwa/dist not built (make pwa); make test always builds it")
def test_the_built_pwa_has_no_inline_script_and_is_served_under_the_policy(
    client: TestClient[Any],
) -> None:
    dist = ROOT / "pwa" / "dist"
    html = (dist / "index.html").read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL | re.IGNORECASE)
    assert scripts, "the app shell loads its code with <script src>"
    for attrs, inline in scripts:
        assert "src=" in attrs and not inline.strip(), attrs
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handler"
    for path in ("/", "/index.html", "/sw.js", "/manifest.webmanifest"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = _assert_hardened(response)
        assert "script-src 'self' 'wasm-unsafe-eval';" in csp and "worker-src 'self'" in csp
        # the app and its worker: no inline script, no eval, nothing from elsewhere
        # ('wasm-unsafe-eval' lets WebAssembly compile — Argon2id, the QR reader — never JS)
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src is not None and script_src.group(1).strip() == "'self' 'wasm-unsafe-eval'"
        assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
        assert "geolocation=()" in response.headers["permissions-policy"]


def test_a_foreign_text_plain_post_with_the_session_cookie_is_refused(
    client: TestClient[Any], engine: Engine
) -> None:
    _cookie_login(client)
    before = _households(engine)
    r = client.post("/api/households", content=json.dumps(_body()),
                    headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "cross_site_request"
    assert r.json()["message_vi"]
    # the browser's own verdict wins over a same-looking Origin
    r = client.post("/api/households", json=_body(),
                    headers={"Origin": SAME_ORIGIN, "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json()["code"] == "cross_site_request"
    # a cookie request that does not say where it comes from is refused too
    r = client.post("/api/households", json=_body())
    assert r.status_code == 403 and r.json()["code"] == "origin_required"
    # same origin, but not JSON: a form could send that, so it is refused
    r = client.post("/api/households", content=json.dumps(_body()),
                    headers={"Content-Type": "text/plain", "Origin": SAME_ORIGIN})
    assert r.status_code == 415 and r.json()["code"] == "json_required"
    assert _households(engine) == before


def test_same_origin_json_with_the_cookie_is_accepted(
    client: TestClient[Any], engine: Engine
) -> None:
    _cookie_login(client)
    before = _households(engine)
    by_origin = client.post("/api/households", json=_body(), headers={"Origin": SAME_ORIGIN})
    assert by_origin.status_code == 201, by_origin.text
    by_fetch_metadata = client.post("/api/households", json=_body(),
                                    headers={"Sec-Fetch-Site": "same-origin",
                                             "Origin": "null"})
    assert by_fetch_metadata.status_code == 201, by_fetch_metadata.text
    logout = client.post("/api/auth/logout", headers={"Sec-Fetch-Site": "same-origin"})
    assert logout.status_code == 204
    assert _households(engine) == before + 2


def test_bearer_requests_are_not_subject_to_the_cross_site_rule(
    client: TestClient[Any], as_user: Any, engine: Engine
) -> None:
    officer = as_user("officer_a")
    r = client.post("/api/households", content=json.dumps(_body()),
                    headers={**officer, "Origin": "https://elsewhere.example",
                             "Content-Type": "application/json"})
    assert r.status_code == 201, r.text


def test_public_posts_refuse_only_a_cross_site_browser(client: TestClient[Any]) -> None:
    login = {"username": "officer_a", "password": PASSWORD}
    foreign = client.post("/api/auth/login", json=login,
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and foreign.json()["code"] == "cross_site_request"
    assert "set-cookie" not in foreign.headers
    assert client.post("/api/auth/login", json=login).status_code == 200  # scripts, curl
    verify = client.post("/verify", files={"qr": (None, "LSR1.nothing")},
                         headers={"Sec-Fetch-Site": "same-origin"})
    assert verify.status_code == 200
    assert client.post("/verify", files={"qr": (None, "LSR1.x")},
                       headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


def test_the_session_cookie_is_secure_over_https_only(app: Any, clean_db: Engine) -> None:
    login = {"username": "officer_a", "password": PASSWORD}
    with TestClient(app=app, base_url="https://langso.example") as tls:
        r = tls.post("/api/auth/login", json=login)
        assert r.status_code == 200
        assert "secure" in r.headers["set-cookie"].lower()
        assert "max-age=31536000" in r.headers["strict-transport-security"]
    with TestClient(app=app) as plain:
        r = plain.post("/api/auth/login", json=login)
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert "secure" not in cookie
        assert "strict-transport-security" not in r.headers


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("trusted", [True, False])
def test_behind_a_trusted_proxy_that_says_https_the_cookie_is_secure(
    kind: str, trusted: bool, tmp_path: Path
) -> None:
    env = {"LANGSO_TRUSTED_PROXIES": "127.0.0.1"} if trusted else {}
    with live_server(kind, tmp_path, env) as server:
        login = {"username": "officer", "password": "demo"}
        via_tls = server.api("POST", "/api/auth/login", json=login,
                             headers={"X-Forwarded-Proto": "https"})
        assert via_tls.status_code == 200, via_tls.text
        assert ("secure" in via_tls.headers["set-cookie"].lower()) is trusted
        plain = server.api("POST", "/api/auth/login", json=login,
                           headers={"X-Forwarded-Proto": "http"})
        assert "secure" not in plain.headers["set-cookie"].lower()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("trusted", [True, False])
def test_behind_a_trusted_balancer_one_guesser_does_not_lock_out_the_others(
    kind: str, trusted: bool, tmp_path: Path
) -> None:
    """Issue 12: behind a load balancer every request comes from the balancer's address. With
    the balancer trusted, failed logins count against the client it names, so one address
    guessing passwords is stopped and everybody else still logs in; untrusted, the header is
    ignored and all clients share the balancer's address (and its count)."""
    env = {"LANGSO_TRUSTED_PROXIES": "127.0.0.1"} if trusted else {}
    guesser, neighbour = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}
    with live_server(kind, tmp_path, env) as server:
        # 50 failures per address (MAX_PER_ADDRESS), spread over usernames so that the
        # per-username limit (10) is never what stops them.
        for i in range(50):
            r = server.api("POST", "/api/auth/login",
                           json={"username": f"nobody{i // 5}", "password": "wrong"},
                           headers=guesser)
            assert r.status_code == 401, (i, r.status_code, r.text)
        stopped = server.api("POST", "/api/auth/login",
                             json={"username": "officer", "password": "demo"}, headers=guesser)
        assert stopped.status_code == 429 and "Retry-After" in stopped.headers
        other = server.api("POST", "/api/auth/login",
                           json={"username": "officer", "password": "demo"}, headers=neighbour)
        assert other.status_code == (200 if trusted else 429), other.text
