"""PostgreSQL LISTEN/NOTIFY for the live feed: a commit that appends change rows of a commune
wakes the waiting feeds of that commune (and the admin's), through one listener per process;
a rolled-back append wakes nobody."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from backend.live.notifier import notifier_for
from tests.integration.test_pull_cursor_concurrency import SCOPE_B, write_change
from tests.support.world import WORLD


def run_in_fresh_loop(coro: Any) -> Any:
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop running
    in the test worker's main thread once an end-to-end test has opened the browser."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()



@pytest.mark.postgres_only
def test_a_commit_wakes_the_feeds_of_its_commune_only(
    database_url: str, engine: Engine, clean_db: Any
) -> None:
    notifier = notifier_for(engine.url.render_as_string(hide_password=False))
    assert notifier.listening.wait(30)
    assert notifier_for(engine.url.render_as_string(hide_password=False)) is notifier

    async def scenario() -> tuple[bool, bool, bool, bool]:
        a, b, admin = (notifier.register(c) for c in (WORLD.commune_a, WORLD.commune_b, None))
        try:
            def rolled_back() -> None:
                with Session(engine) as s:
                    write_change(s, "never", SCOPE_B)
                    s.rollback()

            await asyncio.to_thread(rolled_back)
            await asyncio.sleep(0.5)
            quiet = not b.event.is_set()

            def committed() -> None:
                with Session(engine) as s:
                    write_change(s, "in-b", SCOPE_B)
                    s.commit()

            await asyncio.to_thread(committed)
            await asyncio.wait_for(b.event.wait(), 30)  # a hang guard, not a speed limit
            await asyncio.wait_for(admin.event.wait(), 30)
            return quiet, b.event.is_set(), admin.event.is_set(), a.event.is_set()
        finally:
            for w in (a, b, admin):
                notifier.unregister(w)

    quiet, woke_b, woke_admin, woke_a = run_in_fresh_loop(scenario())
    assert quiet, "a rolled-back append must not wake anyone"
    assert woke_b and woke_admin and not woke_a
