"""The API behind the console's personal-data pages (branch privacy2), on SQLite and PostgreSQL:
finding a person (name words, accents ignored, or CCCD through the blind index; commune-scoped),
a person's recorded requests, the access-log viewer's scope and filters, retention figures and
the purge on demand (admins only), and the worker's daily retention job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.db.models import AccessLogEntry, Member, WorkerJob
from backend.lib.clock import utcnow
from backend.worker.jobs import SCHEDULE, run_scheduled
from tests.integration.test_review_world import seed_household
from tests.support.world import user_id


def test_find_people_by_name_or_cccd_within_the_commune(
        make_device: Any, client: Any, as_user: Any, engine: Engine) -> None:
    _, head, spouse = seed_household(make_device())
    with Session(engine) as s:
        member = s.get(Member, head)
        assert member is not None and member.cccd
        cccd = member.cccd
    off = as_user("officer_a")
    hits = client.get("/api/privacy/people", params={"q": "giang pao"}, headers=off).json()
    assert head in [h["id"] for h in hits]
    hit = next(h for h in hits if h["id"] == head)
    assert hit["full_name"] == "Giàng A Páo" and hit["village"] and hit["birth_year"]
    by_cccd = client.get("/api/privacy/people", params={"q": cccd}, headers=off).json()
    assert [h["id"] for h in by_cccd] == [head]
    # another commune's officer finds nobody; an admin finds the person
    assert client.get("/api/privacy/people", params={"q": cccd},
                      headers=as_user("officer_b")).json() == []
    assert [h["id"] for h in client.get("/api/privacy/people", params={"q": cccd},
                                        headers=as_user("admin")).json()] == [head]
    # too short a query: a clear 422, in Vietnamese
    r = client.get("/api/privacy/people", params={"q": "g"}, headers=off)
    assert r.status_code == 422 and r.json()["code"] == "invalid_query"
    assert "12 số CCCD" in r.json()["message_vi"]
    # volunteers have no business here
    assert client.get("/api/privacy/people", params={"q": "giang"},
                      headers=as_user("vol_a1")).status_code == 403
    # a search that lists people is in each listed person's log (privacy3), never the query
    assert client.get(f"/api/privacy/people/{spouse}/access-log", headers=off).json() == []
    log = client.get(f"/api/privacy/people/{head}/access-log", headers=off).json()
    actions = [e["action"] for e in log]
    assert "person.search.cccd" in actions and "person.search.name" in actions
    assert all(e["reason"] == "" for e in log if e["action"].startswith("person.search"))
    with Session(engine) as s:
        rows = s.exec(select(AccessLogEntry).where(
            col(AccessLogEntry.action).like("person.search%"))).all()
    assert rows and all(cccd not in (r.subject_id + r.reason) for r in rows)
    by_admin = [r for r in rows if r.actor_id == user_id("admin")]
    assert by_admin and all(head in r.member_ids for r in by_admin)
    # the viewer shows them too, and a search that finds nobody logs nothing
    view = client.get("/api/privacy/access-log", params={"subject": ""}, headers=off).json()
    assert any(i["action"] == "person.search.name" for i in view["items"])
    before = len(rows)
    client.get("/api/privacy/people", params={"q": "khongcoai"}, headers=off)
    with Session(engine) as s:
        assert len(s.exec(select(AccessLogEntry).where(
            col(AccessLogEntry.action).like("person.search%"))).all()) == before



def test_find_people_takes_like_wildcards_literally(
        make_device: Any, client: Any, as_user: Any) -> None:
    _, head, _ = seed_household(make_device())
    off = as_user("officer_a")
    assert head in [h["id"] for h in client.get("/api/privacy/people", params={"q": "giang pao"},
                                                headers=off).json()]
    # unescaped, `_` and `%` would match any letter(s) of "giang"
    for q in ("gi_ng pao", "g%ng pao", "% pao"):
        assert client.get("/api/privacy/people", params={"q": q}, headers=off).json() == [], q

def test_requests_are_listed_newest_first(make_device: Any, client: Any, as_user: Any) -> None:
    _, head, _ = seed_household(make_device())
    off = as_user("officer_a")
    url = f"/api/privacy/people/{head}/requests"
    assert client.get(url, headers=off).json() == []
    for kind in ("correction", "restriction"):
        assert client.post(url, json={"kind": kind, "note": "đơn"}, headers=off).status_code == 201
    assert [r["kind"] for r in client.get(url, headers=off).json()] == ["restriction", "correction"]
    assert client.get(url, headers=as_user("officer_b")).status_code == 403


def test_access_log_viewer_scope_and_filters(
        make_device: Any, client: Any, as_user: Any) -> None:
    _, head, _ = seed_household(make_device())
    off = as_user("officer_a")
    reason = "Kiểm tra theo đơn thư"
    assert client.get(f"/api/members/{head}", params={"access_reason": reason},
                      headers=off).status_code == 200
    page = client.get("/api/privacy/access-log", headers=off).json()
    assert page["total"] == 1
    [row] = page["items"]
    assert (row["actor_id"], row["actor_name"], row["reason"], row["in_queue"]) == (
        user_id("officer_a"), row["actor_name"], reason, False)
    assert row["actor_name"] and row["member_ids"] == [head]
    # the other commune's officer sees none of it; the admin sees it
    assert client.get("/api/privacy/access-log", headers=as_user("officer_b")).json()["total"] == 0
    assert client.get("/api/privacy/access-log", headers=as_user("admin")).json()["total"] >= 1
    # filters: by username, subject, outside the queue, time
    for params, total in (({"actor": "officer_a"}, 1), ({"actor": "admin"}, 0),
                          ({"subject": head}, 1), ({"outside_queue": "true"}, 1),
                          ({"since": (utcnow() + timedelta(hours=1)).isoformat()}, 0),
                          ({"until": (utcnow() + timedelta(hours=1)).isoformat()}, 1)):
        got = client.get("/api/privacy/access-log", params=params, headers=off).json()
        assert got["total"] == total, params
    r = client.get("/api/privacy/access-log", params={"since": "hôm qua"}, headers=off)
    assert r.status_code == 422 and "ISO" in r.json()["message_en"]


def test_retention_figures_and_the_purge_on_demand(
        client: Any, as_user: Any, engine: Engine) -> None:
    off = as_user("officer_a")
    info = client.get("/api/privacy/retention", headers=off).json()
    assert (info["closed_dossier_days"], info["rejected_dossier_days"],
            info["access_log_days"], info["device_closed_dossier_days"]) == (3650, 1825, 1825, 30)
    assert info["due_dossiers"] == 0 and info["last_run_at"] is None
    assert client.post("/api/privacy/retention/purge", headers=off).status_code == 403
    r = client.post("/api/privacy/retention/purge", headers=as_user("admin"))
    assert r.status_code == 200 and set(r.json()) == {"dossiers", "people", "access_log"}
    # the worker runs the same purge daily and the page shows its last run
    assert "purge_retention" in [j.name for j in SCHEDULE]
    job = next(j for j in SCHEDULE if j.name == "purge_retention")
    assert run_scheduled(engine, Path("."), utcnow(),
                         (job,)) == {"purge_retention": 0}
    with Session(engine) as s:
        row = s.get(WorkerJob, "purge_retention")
        assert row is not None and row.last_result == "ok: 0"
    info = client.get("/api/privacy/retention", headers=off).json()
    assert info["last_run_at"] is not None and info["last_result"] == "ok: 0"
