"""The officer console's live feed: server-sent events that follow `sync_changes`."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from backend.changelog.changes import announce_commit
from backend.db.models import SyncChange
from backend.live import routes as live
from tests.integration.test_dashboard import make_dossier
from tests.support.world import WORLD

URL = "/api/live/dossiers"


def add_change(engine: Engine, dossier_id: str, commune: str, village: str,
               version: int = 1) -> int:
    with Session(engine) as s:
        row = SyncChange(entity="dossier", entity_id=dossier_id, version=version,
                         commune_id=commune, village_id=village,
                         created_at=datetime.now(UTC))
        s.add(row)
        announce_commit(s, [commune])  # as the change-log writer does (NOTIFY on PostgreSQL)
        s.commit()
        assert row.seq is not None
        return row.seq


def parse_events(text: str) -> list[dict[str, Any]]:
    """SSE blocks → [{"id", "event", "data", "comments"}]."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        event: dict[str, Any] = {"comments": []}
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                event["comments"].append(value)
            elif name == "data":
                event["data"] = json.loads(value)
            else:
                event[name] = value
        events.append(event)
    return events


def stream(client: TestClient[Any], headers: dict[str, str], seconds: int = 2,
           **params: Any) -> list[dict[str, Any]]:
    with client.stream("GET", URL, headers=headers,
                       params={"max_seconds": seconds, **params}) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        return parse_events("".join(r.iter_text()))


def test_last_event_id_resumes_after_that_change_and_only_the_officers_commune_is_sent(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    a = make_dossier(engine, status="submitted")
    b = make_dossier(engine, village=WORLD.village_b1, commune=WORLD.commune_b,
                     volunteer="vol_b1")
    first = add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1)
    add_change(engine, b.dossier_id, WORLD.commune_b, WORLD.village_b1)
    second = add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1, version=2)
    third = add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1, version=3)
    headers = {**as_user("officer_a"), "Last-Event-ID": str(first)}
    events = [e for e in stream(client, headers) if e.get("event") == "dossier"]
    assert [int(e["id"]) for e in events] == [second, third]
    assert events[0]["data"] == {"seq": second, "dossier_id": a.dossier_id, "version": 2,
                                 "commune_id": WORLD.commune_a, "village_id": WORLD.village_a1,
                                 "deleted": False, "status": "submitted"}
    resumed = stream(client, as_user("officer_a"), after=str(second))
    assert [int(e["id"]) for e in resumed if e.get("event") == "dossier"] == [third]


def test_without_a_cursor_the_feed_starts_now_and_delivers_changes_as_they_commit(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    a = make_dossier(engine, status="submitted")
    add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1)
    headers = as_user("officer_a")
    late: list[int] = []

    def later() -> None:
        time.sleep(0.8)
        late.append(add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1, 2))

    writer = threading.Thread(target=later)
    writer.start()
    events = stream(client, headers, seconds=3)
    writer.join()
    assert events[0]["comments"] and events[0]["retry"] == "3000"
    assert [int(e["id"]) for e in events if e.get("event") == "dossier"] == late


def test_heartbeat_comments_keep_an_idle_stream_alive(
    client: TestClient[Any], as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "HEARTBEAT", 0.4)
    monkeypatch.setattr(live, "POLL_SECONDS", 0.2)
    events = stream(client, as_user("officer_a"), seconds=2)
    assert sum(1 for e in events if "ping" in e["comments"]) >= 2


def test_admins_follow_every_commune_or_one(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    a = make_dossier(engine)
    b = make_dossier(engine, village=WORLD.village_b1, commune=WORLD.commune_b,
                     volunteer="vol_b1")
    add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1)
    add_change(engine, b.dossier_id, WORLD.commune_b, WORLD.village_b1)
    every = stream(client, as_user("admin"), seconds=1, after="0")
    assert {e["data"]["commune_id"] for e in every if e.get("event") == "dossier"} == {
        WORLD.commune_a, WORLD.commune_b}
    one = stream(client, as_user("admin"), seconds=1, after="0", commune_id=WORLD.commune_b)
    assert [e["data"]["dossier_id"] for e in one if e.get("event") == "dossier"] == [
        b.dossier_id]


def test_other_communes_volunteers_and_strangers_are_refused(
    client: TestClient[Any], as_user: Any
) -> None:
    r = client.get(URL, params={"commune_id": WORLD.commune_a, "max_seconds": 1},
                   headers=as_user("officer_b"))
    assert r.status_code == 403
    assert client.get(URL, params={"max_seconds": 1},
                      headers=as_user("vol_a1")).status_code == 403
    assert client.get(URL, params={"max_seconds": 1}).status_code == 401
    bad = client.get(URL, headers={**as_user("officer_a"), "Last-Event-ID": "abc"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_event_id"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_on_a_real_server_events_stream_at_once_and_polling_stops_when_the_client_leaves(
    app: Any, engine: Engine, clean_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[float] = []
    real_poll = live._poll

    def counting_poll(*args: Any) -> Any:
        polls.append(time.monotonic())
        return real_poll(*args)

    monkeypatch.setattr(live, "_poll", counting_poll)
    monkeypatch.setattr(live, "POLL_SECONDS", 0.1)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with httpx.Client(base_url=base, timeout=10) as http:
            from tests.conftest import login

            headers = login(http, "officer_a")  # type: ignore[arg-type]
            a = make_dossier(engine, status="submitted")
            seq = add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1)
            started = time.monotonic()
            with http.stream("GET", URL, params={"after": str(seq - 1)},
                             headers=headers) as r:
                assert r.status_code == 200
                buffer = ""
                for chunk in r.iter_text():
                    buffer += chunk
                    if "event: dossier" in buffer and buffer.endswith(("\n\n", "\r\n\r\n")):
                        break
            assert time.monotonic() - started < 5, "the event came long before max_seconds"
            assert f"id: {seq}" in buffer
        time.sleep(0.5)  # the server notices the disconnect and cancels the generator
        settled = len(polls)
        time.sleep(0.6)
        assert len(polls) == settled, "polling continued after the client disconnected"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
