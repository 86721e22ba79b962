"""The pull cursor never skips a change when writers commit concurrently.

On PostgreSQL a sequence value is taken at INSERT but becomes visible at COMMIT, so without
care a reader can see seq 11 before seq 10 commits and move its cursor past 10 forever. The
change log appends under a transaction-scoped advisory lock (backend/sync_api/changes.py), so
commit order equals seq order. These tests show the hazard is real, that the lock removes it,
and hammer it with several writer threads and a puller that must see every change.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.lib.auth import Principal
from backend.lib.clock import utcnow
from backend.sync_api.changes import Versions
from backend.sync_api.pull import pull
from tests.support.world import WORLD

ADMIN = Principal(user_id="x", username="admin", full_name="Admin", role="admin",
                  commune_id=None)
SCOPE = (WORLD.commune_a, WORLD.village_a1)


def write_change(session: Session, tag: str) -> None:
    versions = Versions(session)
    versions.write("household", tag, 1, {"tag": tag}, {}, SCOPE, utcnow())
    versions.flush()


def seen_all(engine: Engine, cursor: str | None) -> tuple[list[str], str | None]:
    ids: list[str] = []
    with Session(engine) as s:
        while True:
            body = pull(s, ADMIN, cursor, 50)
            ids.extend(c["id"] for c in body["changes"])
            cursor = body["cursor"]
            if not body["more"]:
                return ids, cursor


@pytest.mark.postgres_only
def test_without_the_lock_a_cursor_skips_a_late_commit(
    database_url: str, engine: Engine, clean_db: Any
) -> None:
    """The control experiment: raw inserts that bypass the lock lose a change."""
    assert database_url.startswith("postgresql")
    insert = text("INSERT INTO sync_changes (entity, entity_id, version, commune_id, village_id,"
                  " deleted, created_at) VALUES ('household', :id, 1, :c, :v, false, now())")
    ev = text("INSERT INTO entity_versions (entity, entity_id, version, data, clocks,"
              " created_at) VALUES ('household', :id, 1, '{}', '{}', now())")
    with engine.connect() as t1, engine.connect() as t2:
        for conn, tag in ((t1, "early"), (t2, "late")):
            conn.execute(ev, {"id": tag})
            conn.execute(insert, {"id": tag, "c": SCOPE[0], "v": SCOPE[1]})
        t2.commit()  # the larger seq commits first
        ids, cursor = seen_all(engine, None)
        assert ids == ["late"]
        t1.commit()
        later, _ = seen_all(engine, cursor)
    assert later == []  # "early" is lost to this cursor: the hazard the lock prevents


@pytest.mark.postgres_only
def test_with_the_lock_a_second_writer_waits_for_the_first_commit(
    database_url: str, engine: Engine, clean_db: Any
) -> None:
    assert database_url.startswith("postgresql")
    t1 = Session(engine)
    write_change(t1, "first")  # holds the change-log lock until commit
    done = threading.Event()

    def second() -> None:
        with Session(engine) as t2:
            write_change(t2, "second")
            t2.commit()
        done.set()

    worker = threading.Thread(target=second)
    worker.start()
    time.sleep(0.3)
    assert not done.is_set(), "the second writer must wait for the first one's commit"
    ids, cursor = seen_all(engine, None)
    assert ids == []
    t1.commit()
    t1.close()
    worker.join(10)
    assert done.is_set()
    later, _ = seen_all(engine, cursor)
    assert later == ["first", "second"]


def test_concurrent_writers_and_a_live_puller_never_lose_a_change(
    engine: Engine, clean_db: Any
) -> None:
    writers, per_writer = 6, 25
    expected = {f"w{w}-{i}" for w in range(writers) for i in range(per_writer)}
    stop = threading.Event()
    seen: list[str] = []
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        rnd = random.Random(w)
        try:
            for i in range(per_writer):
                with Session(engine) as s:
                    # Work before and after the append, so commits interleave.
                    s.execute(text("SELECT 1"))
                    time.sleep(rnd.random() * 0.004)
                    write_change(s, f"w{w}-{i}")
                    time.sleep(rnd.random() * 0.004)
                    s.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def puller() -> None:
        cursor: str | None = None
        try:
            while not stop.is_set():
                ids, cursor = seen_all(engine, cursor)
                seen.extend(ids)
            ids, cursor = seen_all(engine, cursor)
            seen.extend(ids)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    reader = threading.Thread(target=puller)
    reader.start()
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    reader.join(60)
    assert not errors, errors
    assert len(seen) == len(set(seen)), "a change was delivered twice"
    assert set(seen) == expected, f"missed {len(expected - set(seen))} changes"
