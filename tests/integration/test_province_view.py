"""The province view on real flows: a dossier filed signed from a device, received, approved,
its electronic result issued and rated, moves the commune's and the province's index, the
ranking, the weekly trend and the drill-down — through the rollups, which stay equal to a
full recomputation."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from backend.lib.clock import utcnow
from backend.monitoring import rollups
from backend.monitoring.ratings import apply_rating
from tests.integration.test_results_verify import approved, issue
from tests.integration.test_review_world import make_device, seed_household, signed_dossier
from tests.support.world import WORLD, user_id

__all__ = ["make_device"]


def view(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    r = client.get(f"/api/province/{WORLD.province}/index", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_dossier_through_its_life_moves_the_index(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    mon = as_user("prov_mon")
    before = view(client, mon)
    assert before["index"]["points"] == 0.0
    assert all(c["received"] == 0 for c in before["communes"])

    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    approved(client, as_user, did)
    issue(client, as_user, did)
    with Session(engine) as s:
        apply_rating(s, user_id("vol_a1"), str(uuid.uuid4()),
                     {"dossier_id": did, "rating": "satisfied",
                      "rated_at": utcnow().isoformat()}, utcnow())
        s.commit()

    after = view(client, mon)
    a = next(c for c in after["communes"] if c["commune_id"] == WORLD.commune_a)
    assert (a["received"], a["finished"], a["on_time_rate"], a["satisfaction_rate"],
            a["electronic_result_rate"]) == (1, 1, 1.0, 1.0, 1.0)
    assert a["points"] == 26.0 and a["rank"] == 1
    criteria = {c["id"]: c for c in after["index"]["criteria"]}
    assert criteria["progress.on_time"]["points"] == 20.0
    assert criteria["satisfaction.procedures"]["points"] == 6.0
    assert criteria["online.filed_online"]["measurable"] is False
    goals = {g["id"]: g for g in after["index"]["goals"]}
    assert goals["satisfaction"]["met"] is True

    commune = client.get(f"/api/province/communes/{WORLD.commune_a}/index", headers=mon).json()
    assert [p["procedure_code"] for p in commune["procedures"]] == ["khai-sinh"]
    assert commune["index"]["extra"]["submitted"] == 1

    trend = client.get(f"/api/province/{WORLD.province}/trend?weeks=4", headers=mon).json()
    assert len(trend["weeks"]) == 4
    assert trend["weeks"][-1]["finished"] == 1

    for metric in ("received", "finished"):
        rows = client.get(f"/api/province/communes/{WORLD.commune_a}/dossiers",
                          params={"metric": metric, "procedure_code": "khai-sinh"},
                          headers=mon).json()["dossiers"]
        assert [r["id"] for r in rows] == [did], metric
    late = client.get(f"/api/province/communes/{WORLD.commune_a}/dossiers",
                      params={"metric": "late"}, headers=mon).json()
    assert late["dossiers"] == []
    bad = client.get(f"/api/province/communes/{WORLD.commune_a}/dossiers",
                     params={"metric": "nonsense"}, headers=mon)
    assert bad.status_code == 422 and bad.json()["code"] == "bad_metric"
    bad = client.get(f"/api/province/{WORLD.province}/index",
                     params={"from": "2026-05-01", "to": "2026-04-01"}, headers=mon)
    assert bad.status_code == 422 and bad.json()["code"] == "bad_period"

    with Session(engine) as s:
        assert rollups.stored(s) == rollups.recompute(s)


def test_monthly_report_as_pdf_xlsx_and_csv(client: Any, as_user: Any, engine: Engine) -> None:
    import io
    from datetime import UTC, date, datetime

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from backend.db.models import DossierEvent
    from tests.integration.test_dashboard import make_dossier
    from tests.unit.test_letters import flat

    # decided on 12 March (Vietnam), due on 10 March: late, with an apology on 9 March
    made = make_dossier(engine, status="done", code="000.99.01.H99-260302-0001",
                        received_at=datetime(2026, 3, 2, 3, tzinfo=UTC), due=date(2026, 3, 10),
                        done_at=datetime(2026, 3, 12, 3, tzinfo=UTC))
    with Session(engine) as s:
        s.add(DossierEvent(dossier_id=made.dossier_id, action="apologise",
                           from_status="processing", to_status="processing",
                           actor_role="officer", at=datetime(2026, 3, 9, 3, tzinfo=UTC),
                           reason="Chờ xác minh", data={"appointment_date": "2026-03-12"}))
        s.commit()
    mon = as_user("prov_mon")
    base = f"/api/province/{WORLD.province}/reports/2026-03"
    r = client.get(f"{base}/pdf", headers=mon)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = flat(r.content)
    assert "000.99.01.H99-260302-0001" in text and "09/03/2026" in text and "Xã A" in text
    r = client.get(f"{base}/xlsx", headers=mon)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content))["Xã"]
    a = next(row for row in ws.iter_rows(min_row=2) if row[1].value == WORLD.commune_a)
    assert (a[6].value, a[8].value, a[14].value) == (1, 1, 1)  # resolved, late, apologies
    r = client.get(f"{base}/csv", headers=mon)
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    assert client.get(f"{base}/doc", headers=mon).json()["code"] == "bad_format"
    bad = client.get(f"/api/province/{WORLD.province}/reports/2026-13/pdf", headers=mon)
    assert bad.status_code == 422 and bad.json()["code"] == "bad_month"
    assert client.get(f"{base}/pdf", headers=as_user("prov2_mon")).status_code == 403
    assert client.get(f"{base}/pdf", headers=as_user("officer_a")).status_code == 403
