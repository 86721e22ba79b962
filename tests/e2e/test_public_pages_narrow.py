"""Issue 11, item 2: /v, /verify and /tra-cuu fit a 360 px phone in the states a villager
meets — an answer, not only the empty form. The long signed record (a QR link of 300+
characters with no space) is the likeliest thing to push a page sideways, so every state
that echoes one is opened, and no element may reach past the viewport's right edge (a
stricter check than the document's scroll width, which an `overflow: hidden` box hides)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.e2e.conftest import LiveServer
from tests.e2e.test_result_qr_link import issued_qr_link, verdict

WIDEST = """() => Math.max(...[...document.querySelectorAll('body *')]
    .map((e) => e.getBoundingClientRect().right))"""


def fits(page: Any, what: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, what
    assert page.evaluate(WIDEST) <= 360, what


def test_public_answers_fit_a_360_px_phone(server: LiveServer, context: Any) -> None:
    link = issued_qr_link(server)
    record = link.split("#", 1)[1]
    page = context.new_page()
    assert page.viewport_size["width"] == 360

    page.goto(link)
    assert verdict(page) == "valid"
    fits(page, "/v valid")
    page.goto(server.url + "/v#LSR2.not-a-record")
    assert verdict(page) != "valid"
    fits(page, "/v malformed")

    page.goto(f"{server.url}/verify?r={quote(link, safe='')}")
    assert "Hợp lệ" in page.inner_text("body")
    fits(page, "/verify valid link")
    page.goto(f"{server.url}/verify?r={quote(record[:-3] + 'xyz', safe='')}")
    assert "KHÔNG hợp lệ" in page.inner_text("body")
    fits(page, "/verify altered record")
    page.goto(server.url + "/verify")
    page.fill("textarea", "LSR1." + "A" * 400)  # pasted text with no space at all
    page.get_by_role("button").first.click()
    page.wait_for_load_state()
    fits(page, "/verify posted garbage")

    page.goto(f"{server.url}/tra-cuu?code={'9' * 48}&phone4=1234")
    assert "Không tìm thấy" in page.inner_text("body")
    fits(page, "/tra-cuu not found")
