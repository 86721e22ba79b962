"""`langso worker`: web push notices are durable (an outbox row written with their cause) and
delivered once per notice and subscription, with retries and back-off, also when two workers
run at once; scheduled jobs (notify-due, pull-log pruning, stale-upload purging) run once per
interval across workers."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.cli import main
from backend.db.models import PushDelivery, PushOutbox, WorkerJob
from backend.lib.clock import utcnow
from backend.push.outbox import MAX_ATTEMPTS, backoff, deliver_due, enqueue
from backend.worker.jobs import Job, run_scheduled
from tests.integration.test_dashboard import make_dossier
from tests.integration.test_push import push_service, subscribe, token_of
from tests.support.device import make_device, submit_fields
from tests.support.push_endpoint import PushEndpoint

__all__ = ["make_device", "push_service"]


def queue(engine: Engine, dossier_ids: list[str], event: str = "result_issued") -> None:
    with Session(engine) as s:
        for did in dossier_ids:
            enqueue(s, event, did, utcnow())
        s.commit()


def outbox(engine: Engine) -> list[PushOutbox]:
    with Session(engine) as s:
        return list(s.exec(select(PushOutbox).order_by(col(PushOutbox.id))).all())


def test_a_submission_writes_its_notice_in_the_same_transaction(
    client: Any, as_user: Any, push_service: PushEndpoint, make_device: Any, engine: Engine
) -> None:
    from tests.integration.test_sync_push import seed_household
    from tests.support.device import new_uuid

    subscribe(client, as_user("officer_a"), push_service)
    dev = make_device("vol_a1")
    _, head, _ = seed_household(dev)
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    assert dev.push().status_code == 200
    from backend.push.notify import drain

    drain()
    [notice] = [n for n in outbox(engine) if n.dossier_id == did]
    assert notice.event == "dossier_submitted" and notice.done_at is not None
    # a worker round afterwards sends nothing again
    assert deliver_due(engine, push_service_dir(client), utcnow() + timedelta(hours=1)) == 0
    assert len([m for m in push_service.received if m.payload["dossier_id"] == did]) == 1


def push_service_dir(client: Any) -> Any:
    return client.app.state.settings.data_dir


def test_two_workers_deliver_each_notice_once_per_subscription(
    client: Any, as_user: Any, push_service: PushEndpoint, engine: Engine
) -> None:
    subs = [subscribe(client, as_user("vol_a1"), push_service) for _ in range(2)]
    dossiers = [make_dossier(engine, status="done").dossier_id for _ in range(8)]
    queue(engine, dossiers)
    data_dir = push_service_dir(client)
    now = utcnow()
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        while deliver_due(engine, data_dir, now, limit=3):
            pass

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = push_service.wait_for(16)
    pairs = Counter((m.token, m.payload["dossier_id"]) for m in got)
    assert set(pairs) == {(token_of(s), d) for s in subs for d in dossiers}
    assert set(pairs.values()) == {1}, "a notice reached a subscription twice"
    assert all(n.done_at is not None and n.attempts == 1 for n in outbox(engine))
    with Session(engine) as s:
        assert len(s.exec(select(PushDelivery)).all()) == 16


def test_a_failing_subscription_is_retried_with_back_off_and_the_good_one_is_not_repeated(
    client: Any, as_user: Any, push_service: PushEndpoint, engine: Engine
) -> None:
    good = subscribe(client, as_user("vol_a1"), push_service)
    bad = subscribe(client, as_user("vol_a1"), push_service, status=503)
    did = make_dossier(engine, status="done").dossier_id
    queue(engine, [did])
    data_dir = push_service_dir(client)
    t0 = utcnow()
    assert deliver_due(engine, data_dir, t0) == 1
    [notice] = outbox(engine)
    assert notice.done_at is None and notice.attempts == 1
    assert notice.next_attempt_at == t0 + backoff(1) and "failed" in notice.last_error
    assert deliver_due(engine, data_dir, t0 + backoff(1) - timedelta(seconds=1)) == 0  # not yet
    push_service.receivers[token_of(bad)].status = 201  # the push service recovers
    assert deliver_due(engine, data_dir, t0 + backoff(1)) == 1
    [notice] = outbox(engine)
    assert notice.done_at is not None and notice.attempts == 2
    tokens = Counter(m.token for m in push_service.wait_for(3))
    assert tokens[token_of(good)] == 1 and tokens[token_of(bad)] == 2  # one 503, one 201


def test_a_notice_is_given_up_after_the_last_attempt(
    client: Any, as_user: Any, push_service: PushEndpoint, engine: Engine
) -> None:
    subscribe(client, as_user("vol_a1"), push_service, status=500)
    queue(engine, [make_dossier(engine, status="done").dossier_id])
    data_dir = push_service_dir(client)
    at = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_due(engine, data_dir, at) == 1
        at += backoff(attempt)
    [notice] = outbox(engine)
    assert notice.attempts == MAX_ATTEMPTS and notice.done_at is not None
    assert notice.last_error.startswith("gave up")
    assert deliver_due(engine, data_dir, at + timedelta(days=1)) == 0


def test_scheduled_jobs_run_once_per_interval_across_two_workers(
    engine: Engine, clean_db: Engine, tmp_path: Any
) -> None:
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def count(name: str) -> Any:
        def run(*_: Any) -> int:
            with lock:
                calls[name] += 1
            return 1
        return run

    jobs = (Job("test_a", timedelta(hours=1), count("test_a")),
            Job("test_b", timedelta(minutes=10), count("test_b")))
    now = utcnow()
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        run_scheduled(engine, tmp_path, now, jobs)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == {"test_a": 1, "test_b": 1}
    run_scheduled(engine, tmp_path, now + timedelta(minutes=11), jobs)  # only b is due again
    assert calls == {"test_a": 1, "test_b": 2}
    with Session(engine) as s:
        job = s.get(WorkerJob, "test_b")
        assert job is not None and job.last_result == "ok: 1"


def test_the_worker_command_runs_one_round(
    client: Any, as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any,
    monkeypatch: Any, capsys: Any
) -> None:
    subscribe(client, as_user("vol_a1"), push_service)
    queue(engine, [make_dossier(engine, status="done").dossier_id])
    monkeypatch.setenv("LANGSO_DATABASE_URL", app.state.settings.database_url)
    monkeypatch.setenv("LANGSO_DATA_DIR", str(app.state.settings.data_dir))
    assert main(["worker", "--once"]) == 0
    out = capsys.readouterr().out
    assert "'push_notices': 1" in out and "purge_stale_uploads" in out
    assert len(push_service.wait_for(1)) == 1
