"""The PWA's shell is installed by the service worker on the first online visit and keeps
working when the server process is gone, not only when the browser says "offline"."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import OFFLINE_READY, go_offline, wait_offline_ready


def test_shell_loads_after_the_server_is_stopped(server: LiveServer, context: Any) -> None:
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("#login-username")
    # the manifest is linked and served
    manifest = page.evaluate("document.querySelector('link[rel=manifest]')?.href")
    assert manifest and server.api("GET", manifest.removeprefix(server.url)).status_code == 200
    # The first visit installs the app and the worker takes this page over: no reload needed.
    wait_offline_ready(page)
    page.get_by_text(OFFLINE_READY).wait_for()

    go_offline(context, server)
    page.reload()
    page.wait_for_selector("#login-username")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_login_page_is_vietnamese_first(server: LiveServer, context: Any) -> None:
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("#login-username")
    text = page.inner_text("body")
    assert "Đăng nhập" in text
