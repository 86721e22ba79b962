"""The "decided late" drill-down: lateness judged in SQL by the Vietnam day of the decision
(`dossiers.decided_at`, stamped by a hook with the decision's audit event) against the due
date — the rule the rollups count by — newest first, and exact when a due date moved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.lib.auth import Principal
from backend.lib.vntime import local_date
from backend.province import service
from tests.integration.test_dashboard import make_dossier
from tests.support.world import WORLD

MONITOR = Principal(user_id="m", username="prov_mon", full_name="M", role="province_monitor",
                    commune_id=None, province_id=WORLD.province,
                    commune_ids=frozenset({WORLD.commune_a, WORLD.commune_b}))
START, END = date(2025, 1, 1), date(2025, 3, 31)


def _decided(engine: Engine, due: date, at: datetime) -> str:
    return make_dossier(engine, status="done", received_at=at - timedelta(days=3), due=due,
                        done_at=at, created_at=at - timedelta(days=4)).dossier_id


def _late(engine: Engine, limit: int) -> list[str]:
    with Session(engine) as s:
        body = service.drill(s, MONITOR, WORLD.commune_a, None, "late", START, END,
                             END, limit)
    return [d["id"] for d in body["dossiers"]]


def test_late_is_the_vietnam_day_after_the_due_date_newest_first(clean_db: Engine) -> None:
    engine = clean_db
    due = date(2025, 2, 10)
    # 23:30 on the due day in Vietnam is 16:30 UTC: on time; 00:30 the next day is late
    on_time = _decided(engine, due, datetime(2025, 2, 10, 16, 30, tzinfo=UTC))
    just_late = _decided(engine, due, datetime(2025, 2, 10, 17, 30, tzinfo=UTC))
    decided: list[tuple[datetime, str, date]] = []
    for i in range(14):  # a decision every 5 days, due 1–3 days before or after
        at = datetime(2025, 1, 3, 4, tzinfo=UTC) + timedelta(days=5 * i)
        d_due = local_date(at) + timedelta(days=(i % 5) - 2)
        decided.append((at, _decided(engine, d_due, at), d_due))
    late = sorted([(at, did) for at, did, d in decided if local_date(at) > d]
                  + [(datetime(2025, 2, 10, 17, 30, tzinfo=UTC), just_late)], reverse=True)
    expected = [did for _, did in late]
    assert on_time not in expected and len(expected) >= 6

    assert _late(engine, 100) == expected
    for limit in (1, 3, len(expected) - 1):
        assert _late(engine, limit) == expected[:limit]
    with Session(engine) as s:  # the decision's moment is kept on the dossier by the hook
        stamped = s.execute(text("SELECT decided_at FROM dossiers WHERE id = :i"),
                            {"i": just_late}).scalar_one()
    assert stamped is not None


def test_a_due_date_moved_after_the_decision_still_lists_exactly(clean_db: Engine) -> None:
    engine = clean_db
    newest = _decided(engine, date(2025, 3, 1), datetime(2025, 3, 20, 3, tzinfo=UTC))
    middle = _decided(engine, date(2025, 2, 1), datetime(2025, 2, 20, 3, tzinfo=UTC))
    oldest = _decided(engine, date(2025, 1, 1), datetime(2025, 1, 20, 3, tzinfo=UTC))
    assert _late(engine, 2) == [newest, middle]
    # the newest dossier's due date moves past its decision (a correction, no new event):
    # the list judges against the due date as it is now
    with engine.begin() as c:
        c.execute(text("UPDATE dossiers SET due_date = :d WHERE id = :i"),
                  {"d": date(2025, 3, 25), "i": newest})
    assert _late(engine, 2) == [middle, oldest]


def test_the_late_drill_down_over_http(client: Any, as_user: Any, engine: Engine) -> None:
    did = _decided(engine, date(2025, 3, 3), datetime(2025, 3, 5, 3, tzinfo=UTC))
    r = client.get(f"/api/province/communes/{WORLD.commune_a}/dossiers",
                   params={"metric": "late", "from": START.isoformat(),
                           "to": END.isoformat()}, headers=as_user("prov_mon"))
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["dossiers"]] == [did]
    assert r.json()["dossiers"][0]["due_date"] == "2025-03-03"
