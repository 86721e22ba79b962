"""Fixtures shared by the integration tests of several files."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.support.factories import create_household


@pytest.fixture()
def commune_a(client: TestClient[Any], as_user: Any) -> dict[str, Any]:
    h = create_household(client, as_user("vol_a1"))
    head = h["members"][0]
    dossier = client.post(
        "/api/dossiers/",
        json={"procedure_code": "khai-sinh", "applicant_member_id": head["id"]},
        headers=as_user("vol_a1"),
    )
    assert dossier.status_code == 201, dossier.text
    return {"household": h, "member": head, "dossier": dossier.json()}
