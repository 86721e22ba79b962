"""Province roles: a monitor reads every commune of its province and writes nothing; a
monitor of another province sees nothing of it; a province administrator manages communes
and accounts of its own province only. Same rule (`Principal`) as the commune roles."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from backend.db.models import Commune, User
from tests.integration.test_access_scoping import _requests
from tests.support.world import PASSWORD, WORLD


def _reads(a: dict[str, Any]) -> list[str]:
    return [path for method, path, _ in _requests(a) if method == "GET"]


PROVINCE_READS = [
    f"/api/province/{WORLD.province}/index",
    f"/api/province/{WORLD.province}/trend",
    f"/api/province/communes/{WORLD.commune_a}/index",
    f"/api/province/communes/{WORLD.commune_a}/dossiers?metric=received",
]


def test_province_monitor_reads_every_commune_of_its_province(
    client: TestClient[Any], as_user: Any, commune_a: dict[str, Any]
) -> None:
    headers = as_user("prov_mon")
    for path in _reads(commune_a) + PROVINCE_READS:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
    body = client.get(f"/api/province/{WORLD.province}/index", headers=headers).json()
    assert {c["commune_id"] for c in body["communes"]} == {WORLD.commune_a, WORLD.commune_b}
    assert client.get("/api/dossiers/", headers=headers).json()["total"] == 1
    assert client.get("/api/households/", headers=headers).json()["total"] == 1
    communes = {c["id"] for c in client.get("/api/units/communes", headers=headers).json()}
    assert communes == {WORLD.commune_a, WORLD.commune_b}
    me = client.get("/api/auth/me", headers=headers).json()
    assert (me["role"], me["province_id"]) == ("province_monitor", WORLD.province)


def test_province_monitor_writes_nothing(
    client: TestClient[Any], as_user: Any, commune_a: dict[str, Any]
) -> None:
    headers = as_user("prov_mon")
    writes = [(m, p, b) for m, p, b in _requests(commune_a) if m != "GET"]
    writes += [
        ("POST", "/api/households/", {"village_id": WORLD.village_a1, "address": "x",
                                      "members": []}),
        ("POST", f"/api/province/{WORLD.province}/communes",
         {"id": "99009", "name": "Xã Mới", "unit_code": "000.99.09.H99"}),
        ("POST", f"/api/province/{WORLD.province}/users",
         {"username": "newbie", "password": PASSWORD, "full_name": "Người Mới",
          "role": "province_monitor"}),
        ("POST", "/api/sync/push", {}),
    ]
    for method, path, body in writes:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["code"] in {"read_only_role", "forbidden_role"}
    # nothing changed: the dossier is still a draft
    did = commune_a["dossier"]["id"]
    assert client.get(f"/api/dossiers/{did}", headers=headers).json()["status"] == "draft"


def test_monitor_of_another_province_sees_nothing_of_it(
    client: TestClient[Any], as_user: Any, commune_a: dict[str, Any]
) -> None:
    headers = as_user("prov2_mon")
    for path in _reads(commune_a) + PROVINCE_READS + [
        f"/api/province/{WORLD.province}/trend?commune_id={WORLD.commune_a}",
        f"/api/province/{WORLD.province_2}/trend?commune_id={WORLD.commune_a}",
    ]:
        response = client.get(path, headers=headers)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["code"] in {"forbidden", "forbidden_role"}
    assert client.get("/api/households/", headers=headers).json()["total"] == 0
    assert client.get("/api/dossiers/", headers=headers).json()["total"] == 0
    villages = {v["code"] for v in client.get("/api/units/villages", headers=headers).json()}
    assert villages.isdisjoint({"A1", "A2", "B1"})
    communes = [c["id"] for c in client.get("/api/units/communes", headers=headers).json()]
    assert communes == [WORLD.commune_c]
    own = client.get(f"/api/province/{WORLD.province_2}/index", headers=headers).json()
    assert [c["commune_id"] for c in own["communes"]] == [WORLD.commune_c]


@pytest.mark.parametrize("outsider", ["officer_a", "vol_a1"])
def test_commune_roles_cannot_open_the_province_view(
    client: TestClient[Any], as_user: Any, outsider: str
) -> None:
    for path in PROVINCE_READS:
        response = client.get(path, headers=as_user(outsider))
        assert response.status_code == 403, (outsider, path)
        assert response.json()["code"] == "forbidden_role"


def test_province_admin_manages_its_province_only(
    client: TestClient[Any], as_user: Any, engine: Engine
) -> None:
    headers = as_user("prov_admin")
    try:
        made = client.post(f"/api/province/{WORLD.province}/communes", headers=headers,
                           json={"id": "99009", "name": "Xã Mới", "unit_code": "000.99.09.H99"})
        assert made.status_code == 201, made.text
        other = client.post(f"/api/province/{WORLD.province_2}/communes", headers=headers,
                            json={"id": "98009", "name": "Xã Lạ", "unit_code": "x"})
        assert other.status_code == 403
        officer = client.post(f"/api/province/{WORLD.province}/users", headers=headers,
                              json={"username": "can_bo_moi", "password": PASSWORD,
                                    "full_name": "Cán Bộ Mới", "role": "officer",
                                    "commune_id": "99009"})
        assert officer.status_code == 201, officer.text
        for body, code in [
            ({"role": "officer", "commune_id": WORLD.commune_c}, 403),
            ({"role": "admin"}, 422),
            ({"role": "province_admin"}, 422),
        ]:
            response = client.post(f"/api/province/{WORLD.province}/users", headers=headers,
                                   json={"username": "ke_la", "password": PASSWORD,
                                         "full_name": "Kẻ Lạ", **body})
            assert response.status_code == code, (body, response.text)
        monitor = client.post(f"/api/province/{WORLD.province}/users", headers=headers,
                              json={"username": "giam_sat_moi", "password": PASSWORD,
                                    "full_name": "Giám Sát Mới", "role": "province_monitor"})
        assert monitor.status_code == 201, monitor.text
        assert monitor.json()["province_id"] == WORLD.province
        # the new monitor sees the new commune in the ranking
        new_headers = as_user("giam_sat_moi")
        body = client.get(f"/api/province/{WORLD.province}/index", headers=new_headers).json()
        assert "99009" in {c["commune_id"] for c in body["communes"]}
        # …and the administrator cannot act on dossiers through the commune routes
        response = client.post("/api/households/", headers=headers,
                               json={"village_id": WORLD.village_a1, "address": "x",
                                     "members": []})
        assert response.status_code == 403
    finally:
        with Session(engine) as s:
            from backend.db.models import AuthToken

            ids = list(s.exec(select(User.id).where(
                col(User.username).in_(["can_bo_moi", "giam_sat_moi"]))).all())
            s.execute(delete(AuthToken).where(col(AuthToken.user_id).in_(ids)))
            s.execute(delete(User).where(col(User.id).in_(ids)))
            s.execute(delete(Commune).where(col(Commune.id) == "99009"))
            s.commit()


def test_the_live_feed_follows_the_province_communes_only(
    client: TestClient[Any], engine: Engine, as_user: Any
) -> None:
    from tests.integration.test_dashboard import make_dossier
    from tests.integration.test_live_feed import URL, add_change, stream

    a = make_dossier(engine)
    b = make_dossier(engine, village=WORLD.village_b1, commune=WORLD.commune_b,
                     volunteer="vol_b1")
    add_change(engine, a.dossier_id, WORLD.commune_a, WORLD.village_a1)
    add_change(engine, b.dossier_id, WORLD.commune_b, WORLD.village_b1)
    mine = stream(client, as_user("prov_mon"), seconds=1, after="0")
    assert {e["data"]["commune_id"] for e in mine if e.get("event") == "dossier"} == {
        WORLD.commune_a, WORLD.commune_b}
    one = stream(client, as_user("prov_mon"), seconds=1, after="0", commune_id=WORLD.commune_b)
    assert [e["data"]["dossier_id"] for e in one if e.get("event") == "dossier"] == [
        b.dossier_id]
    other = stream(client, as_user("prov2_mon"), seconds=1, after="0")
    assert [e for e in other if e.get("event") == "dossier"] == []
    refused = client.get(URL, params={"commune_id": WORLD.commune_a, "max_seconds": 1},
                         headers=as_user("prov2_mon"))
    assert refused.status_code == 403
