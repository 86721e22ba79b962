"""Issue 11: the commune officer sets the signer of result papers (title and name) in the
console; the server keeps them and the next result prints them in its signature block."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import go, wait_until
from tests.e2e.officer_flow import new_desktop_context, officer_log_in

TITLE = "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"
NAME = "Lò Văn Thưởng"


def test_officer_sets_the_signer_of_result_papers(server: LiveServer, browser: Any) -> None:
    context = new_desktop_context(browser)
    page = context.new_page()
    officer_log_in(page, server)
    page.get_by_role("link", name="Người ký kết quả").click()
    page.wait_for_selector("#oc-signer-title")
    title = page.locator('input[name="signer_title"]')
    name = page.locator('input[name="signer_name"]')
    wait_until(page, lambda: title.is_enabled(), "the current signer to load")
    title.fill(TITLE)
    # typed decomposed, as some Vietnamese keyboards send it: stored in NFC
    name.fill("Lo\u0300 Va\u0306n Thu\u031bo\u031b\u0309ng")
    assert TITLE in page.inner_text(".oc-preview")
    page.get_by_role("button", name="Lưu người ký").click()
    page.locator(".oc-success").wait_for(timeout=30_000)

    token = server.login("officer")
    me = server.api("GET", "/api/auth/me", token).json()
    commune = me.get("commune_id") or me["user"]["commune_id"]
    stored = server.api("GET", f"/api/review/communes/{commune}/signer", token).json()
    assert stored == {"commune_id": commune, "signer_name": NAME, "signer_title": TITLE}

    # a second visit shows what is stored
    go(page, "/officer?tab=queue")
    go(page, "/officer?tab=signer")
    wait_until(page, lambda: page.locator('input[name="signer_name"]').input_value() == NAME,
               "the stored signer to show")
    # too long: the server's Vietnamese refusal, nothing stored
    page.evaluate("document.querySelector('input[name=signer_name]').removeAttribute('maxlength')")
    page.locator('input[name="signer_name"]').fill("A" * 121)
    page.get_by_role("button", name="Lưu người ký").click()
    page.locator(".oc-error").wait_for(timeout=30_000)
    assert "quá dài" in page.inner_text(".oc-error")
    again = server.api("GET", f"/api/review/communes/{commune}/signer", token).json()
    assert again["signer_name"] == NAME
    context.close()
