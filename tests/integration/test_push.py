"""Web Push against a real push endpoint on loopback that checks the VAPID token and decrypts
the RFC 8291 payload (tests/support/push_endpoint.py)."""

from __future__ import annotations

import base64
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.db.models import Dossier, PushNotice, PushOutbox, PushSubscription
from backend.lib.clock import utcnow
from backend.lib.vntime import local_date
from backend.push import notify as push_notify
from backend.push import outbox as push_outbox
from backend.push import vapid
from backend.push.notify import drain, notify, notify_after_commit, notify_due_soon
from tests.integration.test_dashboard import NOW, make_dossier
from tests.support.push_endpoint import PushEndpoint, b64url_decode
from tests.support.world import user_id

SUBS = "/api/push/subscriptions"


@pytest.fixture()
def push_service(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[PushEndpoint]:
    endpoint = PushEndpoint(vapid.public_key_b64(app.state.settings.data_dir)).start()
    monkeypatch.setenv("LANGSO_PUSH_EXTRA_ORIGINS", endpoint.origin)
    yield endpoint
    drain()
    endpoint.stop()


def subscribe(client: TestClient[Any], headers: dict[str, str], push: PushEndpoint,
              status: int = 201) -> dict[str, Any]:
    sub = push.subscription(status)
    r = client.post(SUBS, json=sub, headers=headers)
    assert r.status_code == 201, r.text
    return sub


def token_of(sub: dict[str, Any]) -> str:
    return str(sub["endpoint"]).rsplit("/", 1)[-1]


def data_dir(app: Any) -> Path:
    return app.state.settings.data_dir  # type: ignore[no-any-return]


def factory(engine: Engine) -> Any:
    return lambda: Session(engine)


# --- keys and subscriptions --------------------------------------------------------------------


def test_the_vapid_key_is_made_once_kept_private_and_published_as_a_p256_point(
    client: TestClient[Any], app: Any
) -> None:
    r = client.get("/api/push/vapid-public-key")
    assert r.status_code == 200
    key = r.json()["public_key"]
    raw = b64url_decode(key)
    assert len(raw) == 65 and raw[0] == 4
    path = data_dir(app) / "keys" / "vapid.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert client.get("/api/push/vapid-public-key").json()["public_key"] == key


def test_a_subscription_is_upserted_per_endpoint_and_deleted_by_its_owner_only(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine
) -> None:
    sub = push_service.subscription()
    assert client.post(SUBS, json=sub).status_code == 401
    first = client.post(SUBS, json=sub, headers=as_user("vol_a1"))
    assert first.status_code == 201, first.text
    again = client.post(SUBS, json=sub, headers=as_user("vol_a2"))  # same browser, new user
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    with Session(engine) as s:
        rows = s.exec(select(PushSubscription)).all()
        assert [r.user_id for r in rows] == [user_id("vol_a2")]
    assert client.get(SUBS, headers=as_user("vol_a1")).json() == []
    assert len(client.get(SUBS, headers=as_user("vol_a2")).json()) == 1
    r = client.delete(SUBS, params={"endpoint": sub["endpoint"]}, headers=as_user("vol_b1"))
    assert r.status_code == 404
    r = client.delete(SUBS, params={"endpoint": sub["endpoint"]}, headers=as_user("vol_a2"))
    assert r.status_code == 204
    assert client.get(SUBS, headers=as_user("vol_a2")).json() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "https://evil.example.com/push/1"}, "endpoint"),
        ({"endpoint": "http://127.0.0.1:9/push/1"}, "endpoint"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"keys": {"p256dh": base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).decode().rstrip("="),
                   "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
        ({"keys": {"p256dh": None, "auth": "AAAA"}}, None),
        ("short-auth", "keys.auth"),
    ],
)
def test_bad_subscriptions_are_refused(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, change: Any,
    field: str | None
) -> None:
    sub = push_service.subscription()
    if change == "short-auth":
        sub["keys"]["auth"] = "AAAA"
    else:
        sub.update(change)
    r = client.post(SUBS, json=sub, headers=as_user("vol_a1"))
    assert r.status_code in (400, 422), r.text
    if field:
        assert r.json()["errors"][0]["field"] == field


def test_known_push_services_are_accepted(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint
) -> None:
    sub = push_service.subscription()
    sub["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc:def"
    assert client.post(SUBS, json=sub, headers=as_user("officer_a")).status_code == 201


# --- sending -----------------------------------------------------------------------------------


def test_a_supplement_request_reaches_only_the_preparing_volunteer_encrypted_and_signed(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any
) -> None:
    mine = subscribe(client, as_user("vol_a1"), push_service)
    subscribe(client, as_user("vol_a2"), push_service)
    subscribe(client, as_user("officer_a"), push_service)
    made = make_dossier(engine, status="supplement_requested", volunteer="vol_a1")
    future = notify(factory(engine), "supplement_requested", dossier_id=made.dossier_id,
                    data_dir=data_dir(app))
    assert future is not None
    assert drain(10)
    got = push_service.wait_for(1)
    assert push_service.errors == []
    assert len(got) == 1
    message = got[0]
    assert message.token == token_of(mine)
    assert message.payload == {"v": 1, "type": "supplement_requested",
                               "dossier_id": made.dossier_id,
                               "url": f"/dossiers/{made.dossier_id}"}
    assert message.headers["ttl"] == str(7 * 86400)
    assert message.headers["urgency"] == "high"
    assert message.claims["aud"] == push_service.origin
    assert message.claims["sub"].startswith("mailto:")
    with Session(engine) as s:
        row = s.exec(select(PushSubscription).where(
            PushSubscription.endpoint == mine["endpoint"])).one()
        assert row.last_success_at is not None


def test_new_dossiers_are_announced_to_the_officers_of_their_commune_only(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any
) -> None:
    officer_a = subscribe(client, as_user("officer_a"), push_service)
    subscribe(client, as_user("officer_b"), push_service)
    subscribe(client, as_user("vol_a1"), push_service)
    made = make_dossier(engine, status="submitted")
    notify(factory(engine), "dossier_submitted", dossier_id=made.dossier_id,
           data_dir=data_dir(app))
    drain()
    got = push_service.wait_for(1)
    assert [m.token for m in got] == [token_of(officer_a)]
    assert got[0].payload["type"] == "dossier_submitted"
    assert got[0].headers["ttl"] == "86400"
    assert set(got[0].payload) == {"v", "type", "dossier_id", "url"}


@pytest.mark.parametrize("gone", [410, 404])
def test_a_gone_subscription_is_removed(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any,
    gone: int
) -> None:
    sub = subscribe(client, as_user("vol_a1"), push_service, status=gone)
    made = make_dossier(engine, status="done")
    notify(factory(engine), "result_issued", dossier_id=made.dossier_id, data_dir=data_dir(app))
    drain()
    assert len(push_service.wait_for(1)) == 1  # it was delivered, then answered 'gone'
    with Session(engine) as s:
        assert s.exec(select(PushSubscription).where(
            PushSubscription.endpoint == sub["endpoint"])).first() is None


def test_a_failing_push_service_is_counted_and_never_raises(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any
) -> None:
    sub = subscribe(client, as_user("vol_a1"), push_service, status=503)
    made = make_dossier(engine, status="done")
    future = notify(factory(engine), "result_issued", dossier_id=made.dossier_id,
                    data_dir=data_dir(app))
    assert future is not None
    result = future.result(timeout=10)
    assert (result.sent, result.failed, result.removed) == (0, 1, 0)
    with Session(engine) as s:
        row = s.exec(select(PushSubscription).where(
            PushSubscription.endpoint == sub["endpoint"])).one()
        assert row.failures == 1


def test_an_error_while_sending_is_logged_and_the_write_that_triggered_it_stays(
    client: TestClient[Any], engine: Engine, app: Any, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, as_user: Any, push_service: PushEndpoint
) -> None:
    # A subscriber, so the notice is sent (a notice nobody subscribed to is closed unsent).
    subscribe(client, as_user("vol_a1"), push_service)
    made = make_dossier(engine, status="processing")

    def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("push service exploded")

    monkeypatch.setattr(push_outbox, "deliver_notice", boom)
    with Session(engine) as s:
        d = s.get(Dossier, made.dossier_id)
        assert d is not None
        d.status = "supplement_requested"
        s.add(d)
        notify_after_commit(s, "supplement_requested", dossier_id=d.id, data_dir=data_dir(app))
        s.commit()
    assert drain()
    assert "push notice supplement_requested" in caplog.text
    with Session(engine) as s:
        d = s.get(Dossier, made.dossier_id)
        assert d is not None and d.status == "supplement_requested"


def test_notices_queued_in_a_transaction_are_sent_after_commit_and_dropped_on_rollback(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any
) -> None:
    subscribe(client, as_user("vol_a1"), push_service)
    kept = make_dossier(engine, status="done")
    dropped = make_dossier(engine, status="done")
    with Session(engine) as s:
        notify_after_commit(s, "result_issued", dossier_id=dropped.dossier_id,
                            data_dir=data_dir(app))
        s.rollback()
        notify_after_commit(s, "result_issued", dossier_id=kept.dossier_id,
                            data_dir=data_dir(app))
        assert push_service.received == []  # nothing before the commit
        s.commit()
    drain()
    got = push_service.wait_for(1)
    assert [m.payload["dossier_id"] for m in got] == [kept.dossier_id]


def test_officers_hear_once_about_dossiers_due_within_one_working_day(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any
) -> None:
    subscribe(client, as_user("officer_a"), push_service)
    # NOW is Monday 2 March 2026: today and Tuesday are "within one working day".
    today = make_dossier(engine, status="processing", due=date(2026, 3, 2))
    tomorrow = make_dossier(engine, status="received", due=date(2026, 3, 3))
    make_dossier(engine, status="processing", due=date(2026, 3, 4))
    make_dossier(engine, status="supplement_requested", due=date(2026, 3, 2))  # clock paused
    make_dossier(engine, status="processing", due=date(2026, 2, 27))  # already overdue
    assert notify_due_soon(NOW, engine, data_dir(app)) == 2
    got = push_service.wait_for(2)
    assert sorted(m.payload["dossier_id"] for m in got) == sorted(
        [today.dossier_id, tomorrow.dossier_id])
    assert all(m.payload["type"] == "due_soon" and m.headers["urgency"] == "high" for m in got)
    assert notify_due_soon(NOW + timedelta(hours=1), engine, data_dir(app)) == 0
    with Session(engine) as s:
        assert len(s.exec(select(PushNotice)).all()) == 2


def test_a_friday_due_date_counts_on_thursday_and_a_monday_one_on_friday(
    engine: Engine, clean_db: Engine
) -> None:
    from datetime import UTC, datetime

    monday = make_dossier(engine, status="processing", due=date(2026, 3, 9))
    friday = datetime(2026, 3, 6, 2, tzinfo=UTC)
    with Session(engine) as s:
        due = [d.id for d in push_notify.due_soon_dossiers(s, friday)]
    assert due == [monday.dossier_id]


def test_the_notify_due_command_sends_due_soon_notices(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from backend.cli import main

    subscribe(client, as_user("officer_a"), push_service)
    make_dossier(engine, status="processing", due=local_date(utcnow()))
    monkeypatch.setenv("LANGSO_DATABASE_URL", app.state.settings.database_url)
    monkeypatch.setenv("LANGSO_DATA_DIR", str(data_dir(app)))
    assert main(["notify-due"]) == 0
    assert "1 dossier" in capsys.readouterr().out
    assert len(push_service.wait_for(1)) == 1
    assert push_service.errors == []


def push_new_submission(dev: Any, head: str) -> str:
    """A device creates and submits a birth registration for `head` in one push; its id."""
    from tests.support.device import new_uuid, submit_fields

    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    assert [r["status"] for r in dev.push().json()["results"]][-1] == "applied"
    return did


def test_a_signed_submission_synced_from_a_device_notifies_the_commune_officers(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, make_device: Any
) -> None:
    from tests.integration.test_sync_push import seed_household

    officer = subscribe(client, as_user("officer_a"), push_service)
    dev = make_device("vol_a1")
    _, head, _ = seed_household(dev)
    did = push_new_submission(dev, head)
    drain()
    got = push_service.wait_for(1)
    assert [m.token for m in got] == [token_of(officer)]
    assert got[0].payload == {"v": 1, "type": "dossier_submitted", "dossier_id": did,
                              "url": f"/officer/dossiers/{did}"}


def test_a_synced_submission_nobody_could_be_told_of_writes_no_notice(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, make_device: Any,
    engine: Engine
) -> None:
    from tests.integration.test_sync_push import seed_household

    subscribe(client, as_user("officer_b"), push_service)  # another commune's officer only
    dev = make_device("vol_a1")
    _, head, _ = seed_household(dev)
    did = push_new_submission(dev, head)
    assert drain()
    with Session(engine) as s:
        assert s.exec(select(PushOutbox).where(PushOutbox.dossier_id == did)).all() == []
    # once an officer of the commune subscribes, the next submission is announced
    officer = subscribe(client, as_user("officer_a"), push_service)
    other = push_new_submission(dev, head)
    drain()
    got = push_service.wait_for(1)
    assert [(m.token, m.payload["dossier_id"]) for m in got] == [(token_of(officer), other)]


def test_notices_nobody_subscribed_to_are_closed_together_without_sending(
    client: TestClient[Any], as_user: Any, push_service: PushEndpoint, engine: Engine, app: Any
) -> None:
    subscribe(client, as_user("officer_b"), push_service)  # another commune's officer only
    made = [make_dossier(engine, status="processing") for _ in range(3)]
    with Session(engine) as s:
        for m in made:
            notify_after_commit(s, "dossier_submitted", dossier_id=m.dossier_id,
                                data_dir=data_dir(app))
        s.commit()
    assert drain()
    with Session(engine) as s:
        rows = s.exec(select(PushOutbox).where(
            col(PushOutbox.dossier_id).in_([m.dossier_id for m in made]))).all()
        assert len(rows) == 3
        assert all(r.done_at is not None and r.attempts == 1 and r.last_error == ""
                   and r.locked_until is None for r in rows)
    assert push_service.received == []
