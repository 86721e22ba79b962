"""Browser hardening headers on every response: the PWA, the officer console, the API, the
server-rendered public pages, static files and error answers alike — but not the same set.

Documents (HTML, scripts including the service worker, the manifest, PDFs, images, CSS) get the
whole set below. A JSON answer of the API (`application/json`, `application/problem+json`)
gets only the headers that protect a JSON answer: the page-only ones (the app's script policy,
Permissions-Policy, Cross-Origin-Opener-Policy, Referrer-Policy) govern what a *document* may
run, embed, open or leak, and a JSON body is never a document — with `nosniff` a browser never
renders or runs it as one. Sent on each of the ~50 answers of a 1,000-dossier sync they were
≈ 0.5 KB each, a quarter of what the device downloads on EDGE (issue 13, docs/benchmarks.md).

The PWA build has no inline script (Vite emits module files; the service worker is a file),
so the app's policy allows scripts from this origin only. Pages that set their own policy
(the no-JavaScript /verify and /tra-cuu pages, PDFs) keep it, with `frame-ancestors 'none'`
added when missing. The API reference under /schema loads its renderer from a CDN and
gets a policy that allows exactly that.

`Cache-Control: no-store` is not added here: the routes whose answers must not be kept (the
public status look-up, privacy exports, attachments, review downloads) set it themselves.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

APP_CSP = "; ".join(
    [
        "default-src 'self'",
        # 'wasm-unsafe-eval' lets WebAssembly compile (Argon2id for the PIN, the ZXing QR reader)
        # and nothing else: JavaScript eval stays refused.
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        # photos and signatures are previewed from blob: URLs before they are uploaded
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        # blob: — results and photos kept offline are read back from object URLs, and an
        # issued PDF opens from one in the browser's viewer (a plugin document)
        "connect-src 'self' blob:",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-src 'self' blob:",
        "object-src 'self' blob:",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {DOCS_CDN}",
        f"style-src 'self' 'unsafe-inline' {DOCS_CDN}",
        f"img-src 'self' data: {DOCS_CDN}",
        f"font-src 'self' data: {DOCS_CDN} https://fonts.scalar.com",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # full referrer within the app, nothing to other sites (status look-up codes and
    # verification links must not leak through the Referer header)
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), microphone=(), payment=(), usb=()",
}

# What a JSON answer keeps, and why each:
JSON_HEADERS = {
    # The bodies echo text people typed (names, addresses, notes): a browser must never sniff
    # one as HTML or script (a foreign page's <script src=/api/...>, an old browser opening it);
    # with nosniff Chromium's cross-origin read blocking also refuses to hand it to another site.
    "X-Content-Type-Options": "nosniff",
}
# The one CSP directive that protects a JSON answer: no other site may frame it (a logged-in
# officer's records shown inside a foreign page and dragged out of it). Every browser able to
# run the PWA honours `frame-ancestors`, so X-Frame-Options would repeat it.
JSON_CSP = "frame-ancestors 'none'"
JSON_TYPES = frozenset({"application/json", "application/problem+json"})

# Kept on every HTTPS answer, JSON included: it is what protects the API's own transport (the
# bearer token, the session cookie), and 35 bytes; a client may meet the API before any page.
HSTS = "max-age=31536000"


def policy_for(path: str, existing: str | None) -> str:
    if existing:
        if "frame-ancestors" in existing:
            return existing
        return existing.rstrip("; ") + "; frame-ancestors 'none'"
    if path == "/schema" or path.startswith("/schema/"):
        return DOCS_CSP
    return APP_CSP


def is_json_answer(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() in JSON_TYPES


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook: runs on the response start of every HTTP answer."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    if is_json_answer(headers.get("Content-Type")):
        for name, value in JSON_HEADERS.items():
            if name not in headers:
                headers[name] = value
        existing = headers.get("Content-Security-Policy")
        headers["Content-Security-Policy"] = policy_for("", existing) if existing else JSON_CSP
    else:
        for name, value in STATIC_HEADERS.items():
            if name not in headers:
                headers[name] = value
        headers["Content-Security-Policy"] = policy_for(
            scope.get("path", "/"), headers.get("Content-Security-Policy")
        )
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS
