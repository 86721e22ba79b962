"""Catalogue versions per province: with a second version of khai-sinh published, the
province administrator keeps the communes of its province on version 1 — their officers and
volunteers are served version 1 and a draft is made with it — while another province gets the
newest; only that province's administrator may choose, and only a published version."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from backend.app import create_app
from backend.catalog.loader import DEFAULT_DIRECTORY
from backend.settings import Settings
from tests.conftest import login
from tests.support.factories import create_household
from tests.support.world import WORLD


@pytest.fixture()
def two_versions(database_url: str, clean_db: Engine,
                 tmp_path: Path) -> Iterator[TestClient[Any]]:
    catalog = tmp_path / "catalog"
    shutil.copytree(DEFAULT_DIRECTORY, catalog)
    v2 = json.loads((catalog / "khai-sinh.v1.json").read_text(encoding="utf-8"))
    v2["version"] = 2
    v2["name"]["vi"] = "Đăng ký khai sinh (mẫu mới)"
    (catalog / "khai-sinh.v2.json").write_text(json.dumps(v2, ensure_ascii=False),
                                               encoding="utf-8")
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path / "data",
                              catalog_dir=catalog))
    with TestClient(app=app) as client:
        yield client


def served(client: TestClient[Any], username: str) -> int:
    r = client.get("/api/procedures", headers=login(client, username))
    assert r.status_code == 200, r.text
    return next(p["version"] for p in r.json() if p["code"] == "khai-sinh")


def test_the_province_administrator_keeps_its_communes_on_a_version(
    two_versions: TestClient[Any],
) -> None:
    client = two_versions
    admin = login(client, "prov_admin")
    base = f"/api/province/{WORLD.province}/procedures"
    listed = {p["code"]: p for p in client.get(base, headers=admin).json()}
    assert listed["khai-sinh"] | {"name": ""} == {
        "code": "khai-sinh", "name": "", "versions": [1, 2], "latest": 2, "pinned": None,
        "effective": 2}
    assert served(client, "vol_a1") == 2

    r = client.put(f"{base}/khai-sinh", json={"version": 1}, headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["pinned"], r.json()["effective"]) == (1, 1)
    for username in ("vol_a1", "officer_b", "prov_mon"):
        assert served(client, username) == 1, username
    assert served(client, "prov2_mon") == 2  # another province follows the newest

    vol = login(client, "vol_a1")
    h = create_household(client, vol)
    draft = client.post("/api/dossiers/", json={"procedure_code": "khai-sinh",
                                                "applicant_member_id": h["members"][1]["id"]},
                        headers=vol)
    assert draft.status_code == 201, draft.text
    assert draft.json()["procedure_version"] == 1

    r = client.put(f"{base}/khai-sinh", json={"version": None}, headers=admin)
    assert r.status_code == 200 and r.json()["pinned"] is None
    assert served(client, "vol_a1") == 2


def test_only_that_province_administrator_chooses_a_published_version(
    two_versions: TestClient[Any],
) -> None:
    client = two_versions
    admin = login(client, "prov_admin")
    base = f"/api/province/{WORLD.province}/procedures"
    r = client.put(f"{base}/khai-sinh", json={"version": 7}, headers=admin)
    assert r.status_code == 422 and r.json()["code"] == "unknown_procedure_version"
    r = client.put(f"{base}/khong-co", json={"version": 1}, headers=admin)
    assert r.status_code == 422
    for username in ("prov_mon", "officer_a", "vol_a1"):
        r = client.put(f"{base}/khai-sinh", json={"version": 1},
                       headers=login(client, username))
        assert r.status_code == 403, username
    r = client.put(f"/api/province/{WORLD.province_2}/procedures/khai-sinh",
                   json={"version": 1}, headers=admin)
    assert r.status_code == 403
    r = client.get(f"/api/province/{WORLD.province_2}/procedures",
                   headers=login(client, "prov_mon"))
    assert r.status_code == 403
    assert served(client, "vol_a1") == 2  # nothing was chosen
