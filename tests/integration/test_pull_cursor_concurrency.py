"""The pull cursor never skips a change when writers commit concurrently.

On PostgreSQL a sequence value is taken at INSERT but becomes visible at COMMIT, so without
care a reader can see seq 11 before seq 10 commits and move its cursor past 10 forever. The
change log appends under a transaction-scoped advisory lock per commune
(backend/changelog/changes.py), so within a commune commit order equals seq order, and a reader
across communes (an admin) waits for the appends in flight. These tests show the hazard is
real, that the locks remove it, that writers in different communes do not wait for each other,
and hammer it with writer threads in two communes and pullers per commune and across them.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.changelog.changes import Versions
from backend.lib.auth import Principal
from backend.lib.clock import utcnow
from backend.sync_api.pull import pull
from tests.support.world import WORLD

ADMIN = Principal(user_id="x", username="admin", full_name="Admin", role="admin",
                  commune_id=None)
OFFICER_A = Principal(user_id="a", username="officer_a", full_name="A", role="officer",
                      commune_id=WORLD.commune_a)
OFFICER_B = Principal(user_id="b", username="officer_b", full_name="B", role="officer",
                      commune_id=WORLD.commune_b)
SCOPE = (WORLD.commune_a, WORLD.village_a1)
SCOPE_B = (WORLD.commune_b, WORLD.village_b1)


def write_change(session: Session, tag: str, scope: tuple[str, str] = SCOPE) -> None:
    versions = Versions(session)
    versions.write("household", tag, 1, {"tag": tag}, {}, scope, utcnow())
    versions.flush()


def seen_all(engine: Engine, cursor: str | None,
             who: Principal = ADMIN) -> tuple[list[str], str | None]:
    ids: list[str] = []
    with Session(engine) as s:
        while True:
            body = pull(s, who, cursor, 50)
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
    ids, cursor = seen_all(engine, None, OFFICER_A)
    assert ids == []
    t1.commit()
    t1.close()
    worker.join(10)
    assert done.is_set()
    later, _ = seen_all(engine, cursor, OFFICER_A)
    assert later == ["first", "second"]


@pytest.mark.postgres_only
def test_writers_in_different_communes_do_not_wait_for_each_other(
    database_url: str, engine: Engine, clean_db: Any
) -> None:
    assert database_url.startswith("postgresql")
    t1 = Session(engine)
    write_change(t1, "in-a")  # holds commune A's lock until commit
    done = threading.Event()

    def other_commune() -> None:
        with Session(engine) as t2:
            write_change(t2, "in-b", SCOPE_B)
            t2.commit()
        done.set()

    worker = threading.Thread(target=other_commune)
    worker.start()
    worker.join(10)
    assert done.is_set(), "a writer in commune B waited for commune A"
    assert seen_all(engine, None, OFFICER_B)[0] == ["in-b"]
    assert seen_all(engine, None, OFFICER_A)[0] == []

    # a reader across communes waits for the append in flight, then sees both
    got: list[list[str]] = []
    admin = threading.Thread(target=lambda: got.append(seen_all(engine, None)[0]))
    admin.start()
    time.sleep(0.3)
    assert got == [], "the admin's pull must wait for commune A's writer"
    t1.commit()
    t1.close()
    admin.join(10)
    assert got == [["in-a", "in-b"]] or got == [["in-b", "in-a"]]


def test_concurrent_writers_and_live_pullers_never_lose_a_change(
    engine: Engine, clean_db: Any
) -> None:
    writers, per_writer = 6, 25
    expected = {f"w{w}-{i}" for w in range(writers) for i in range(per_writer)}
    in_a = {tag for tag in expected if int(tag[1:].split("-")[0]) % 2 == 0}
    stop = threading.Event()
    seen: dict[str, list[str]] = {"admin": [], "a": [], "b": []}
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        rnd = random.Random(w)
        try:
            for i in range(per_writer):
                with Session(engine) as s:
                    # Work before and after the append, so commits interleave.
                    s.execute(text("SELECT 1"))
                    time.sleep(rnd.random() * 0.004)
                    write_change(s, f"w{w}-{i}", SCOPE if w % 2 == 0 else SCOPE_B)
                    time.sleep(rnd.random() * 0.004)
                    s.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def puller(name: str, who: Principal) -> None:
        cursor: str | None = None
        try:
            while not stop.is_set():
                ids, cursor = seen_all(engine, cursor, who)
                seen[name].extend(ids)
            ids, cursor = seen_all(engine, cursor, who)
            seen[name].extend(ids)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    readers = [threading.Thread(target=puller, args=(name, who)) for name, who in
               (("admin", ADMIN), ("a", OFFICER_A), ("b", OFFICER_B))]
    for r in readers:
        r.start()
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    for r in readers:
        r.join(60)
    assert not errors, errors
    for name, want in (("admin", expected), ("a", in_a), ("b", expected - in_a)):
        got = seen[name]
        assert len(got) == len(set(got)), f"{name}: a change was delivered twice"
        assert set(got) == want, f"{name}: missed {len(want - set(got))} changes"
