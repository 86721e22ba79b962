"""End-to-end fixtures: a real server process and Debian's Chromium driven by Playwright.

The server runs as a subprocess so a test can stop it (proving the PWA works with the
server truly unreachable, which the browser's offline switch alone does not prove for a
service worker) and start it again on the same port and database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend.db.engine import make_engine
from backend.db.migrate import upgrade
from backend.demo.seed import seed_demo
from tests.support.databases import in_ci
from tests.support.live_server import LiveServer as SupportLiveServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LANGSO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # one server and one browser per worker: keep e2e tests together
            item.add_marker(pytest.mark.xdist_group("e2e"))


class LiveServer(SupportLiveServer):
    """`langso serve` on the demo commune in a SQLite file of the test's own."""

    def __init__(self, tmp: Path) -> None:
        database_url = f"sqlite:///{tmp / 'e2e.sqlite3'}"
        upgrade(database_url)
        engine = make_engine(database_url)
        seed_demo(engine)
        engine.dispose()
        super().__init__(tmp, database_url)


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[LiveServer]:
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        pytest.fail("pwa/dist is missing: run `make pwa` (make test builds it)", pytrace=False)
    live = LiveServer(tmp_path)
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)  # only outside CI: under CI the line above fails instead
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.stash[_FAILED] = report.failed


_FAILED = pytest.StashKey[bool]()


def test_failed(node: pytest.Item) -> bool:
    """True when the test's own body (not setup) failed; for fixtures' teardown."""
    return node.stash.get(_FAILED, False)


test_failed.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def dump_pages(ctx: Any, folder: Path, label: str) -> None:
    """Screenshots and text of every open page, so a failure in CI can be read afterwards."""
    for i, page in enumerate(ctx.pages):
        try:
            page.screenshot(path=str(folder / f"{label}-page{i}.png"), full_page=True)
            (folder / f"{label}-page{i}.txt").write_text(page.url + "\n" + page.inner_text("body"))
        except Exception:  # a crashed page must not hide the test's own failure
            pass


def new_phone_context(browser: Any) -> Any:
    """A fresh profile, phone-sized (360×640), Vietnamese."""
    return browser.new_context(
        viewport={"width": 360, "height": 640}, locale="vi-VN", device_scale_factor=2
    )


@pytest.fixture()
def context(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh profile per test, phone-sized, Vietnamese. On failure its pages are saved to
    the test's tmp_path (screenshot + text)."""
    ctx = new_phone_context(browser)
    try:
        yield ctx
    finally:
        if test_failed(request.node):
            dump_pages(ctx, tmp_path, "context")
            print(f"pages of the failed test saved under {tmp_path}")
        ctx.close()


@dataclass
class OfflineVolunteer:
    """A volunteer phone after its first online login, now without signal (see the fixture)."""

    page: Any
    context: Any
    server: LiveServer
    username: str


@pytest.fixture()
def fresh_volunteer_offline(server: LiveServer, context: Any) -> OfflineVolunteer:
    """The shape of every volunteer end-to-end test: a fresh phone logs in ONCE online
    (first sync, PIN), waits until the service worker controls the page — never reloading —
    then the server process is stopped and the browser set offline at once. Tests bring them
    back with helpers.go_online(context, server)."""
    from tests.e2e.helpers import go_offline, log_in

    page = context.new_page()
    log_in(page, server, "volunteer1")
    go_offline(context, server)
    return OfflineVolunteer(page=page, context=context, server=server, username="volunteer1")
