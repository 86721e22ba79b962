"""GET /api/live/dossiers: server-sent events when dossiers of the caller's commune change.

The feed follows `sync_changes` (one row per new entity version, `seq` visible in commit
order: see backend/changelog/changes.py), so polling `seq > cursor` never skips a change.
Each event's `id:` is its seq: a reconnecting EventSource sends `Last-Event-ID` and resumes
exactly after it. Without it the feed starts at the newest change (only what happens next).

On PostgreSQL a feed re-reads when the process's one LISTEN connection hears a commit in its
commune (backend/live/notifier.py), and at least every SAFETY_POLL seconds; on SQLite it polls
every POLL_SECONDS. Database calls run in worker threads, never on the event loop; the
generator waits between reads, sends a heartbeat comment every HEARTBEAT seconds (proxies drop idle connections), and
ends after `max_seconds` (the browser reconnects and is re-authenticated) or when the client
disconnects (Litestar cancels the stream). Events carry ids and status only, no personal data.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from backend.access.scope import visible_communes
from backend.lib.auth import Principal, require_roles
from backend.lib.deps import Engine
from backend.lib.errors import AppError, forbidden
from backend.live.notifier import Waiter, notifier_for
from backend.live.queries import BATCH, Communes
from backend.live.queries import latest_seq as _latest_seq
from backend.live.queries import poll as _poll

POLL_SECONDS = 1.0  # SQLite
SAFETY_POLL = 15.0  # PostgreSQL: woken by NOTIFY, re-read at least this often anyway
HEARTBEAT = 15.0
RETRY_MS = 3000


def _parse_cursor(raw: str | None) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise AppError("bad_event_id", "Mã sự kiện không hợp lệ.",
                       "Last-Event-ID must be a number.") from exc
    if value < 0:
        raise AppError("bad_event_id", "Mã sự kiện không hợp lệ.",
                       "Last-Event-ID must not be negative.")
    return value


async def feed(engine: Engine, commune_id: Communes, cursor: int,
               max_seconds: float) -> AsyncIterator[ServerSentEventMessage]:
    deadline = time.monotonic() + max_seconds
    yield ServerSentEventMessage(comment="ket-noi / connected", retry=RETRY_MS, data=None)
    beat = time.monotonic()
    waiter = None
    notifier = None
    if engine.dialect.name == "postgresql":
        # One LISTEN per process wakes this feed; no query per second per connection.
        notifier = notifier_for(engine.url.render_as_string(hide_password=False))
        waiter = notifier.register(commune_id)
    try:
        async for message in _events(engine, commune_id, cursor, deadline, beat, waiter):
            yield message
    finally:
        if notifier is not None and waiter is not None:
            notifier.unregister(waiter)


async def _events(engine: Engine, commune_id: Communes, cursor: int, deadline: float,
                  beat: float, waiter: Waiter | None) -> AsyncIterator[ServerSentEventMessage]:
    while time.monotonic() < deadline:
        if waiter is not None:
            waiter.event.clear()  # before the read: a commit after it wakes the next wait
        rows = await anyio.to_thread.run_sync(_poll, engine, commune_id, cursor)
        for row in rows:
            cursor = row["seq"]
            yield ServerSentEventMessage(event="dossier", id=cursor,
                                         data=json.dumps(row, separators=(",", ":")))
        if time.monotonic() - beat >= HEARTBEAT:
            beat = time.monotonic()
            yield ServerSentEventMessage(comment="ping", data=None)
        if len(rows) < BATCH:
            left = max(0.0, deadline - time.monotonic())
            if waiter is None:
                await anyio.sleep(min(POLL_SECONDS, left))
            else:
                with anyio.move_on_after(min(SAFETY_POLL, HEARTBEAT, left)):
                    await waiter.event.wait()


class LiveController(Controller):
    path = "/api/live"
    tags = ["live"]

    @get("/dossiers", guards=[require_roles("officer", "admin", "province_monitor",
                                            "province_admin")])
    async def dossiers(
        self, state: State, principal: Principal, commune_id: str | None = None,
        max_seconds: Annotated[int, QueryParameter(ge=1, le=3600)] = 600,
        last_event_id: Annotated[str | None, HeaderParameter(name="Last-Event-ID")] = None,
        after: str | None = None,
    ) -> ServerSentEvent:
        """Dossier changes of the commune as `event: dossier` messages whose data is
        `{"seq","dossier_id","version","commune_id","village_id","deleted","status"}`.
        Resume with the `Last-Event-ID` header (or `?after=<seq>`)."""
        communes = visible_communes(principal)  # officer: theirs; province: its communes
        if commune_id is not None and communes is not None and commune_id not in communes:
            raise forbidden()
        scope: Communes = commune_id if commune_id is not None else communes
        cursor = _parse_cursor(last_event_id if last_event_id is not None else after)
        engine: Engine = state.engine
        if cursor is None:
            cursor = await anyio.to_thread.run_sync(_latest_seq, engine, scope)
        return ServerSentEvent(
            feed(engine, scope, cursor, float(max_seconds)),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
