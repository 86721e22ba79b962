"""Small builders for integration tests: valid members, households and CCCD numbers."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import TestClient

from tests.support.world import WORLD


def cccd_for(year: int, sex: str, province: str = "012", tail: int = 123456) -> str:
    century = (year // 100) - 19
    digit = century * 2 + (1 if sex == "female" else 0)
    return f"{province}{digit}{year % 100:02d}{tail:06d}"


def member(full_name: str, relationship: str, year: int, sex: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "full_name": full_name,
        "relationship": relationship,
        "date_of_birth": f"{year}-05-12",
        "sex": sex,
        "cccd": cccd_for(year, sex, tail=uuid.uuid4().int % 1_000_000) if year < 2012 else None,
        "ethnicity": "Mông",
        **extra,
    }


def create_household(
    client: TestClient[Any],
    headers: dict[str, str],
    village_id: str = WORLD.village_a1,
    head: str = "Giàng A Páo",
    spouse: str = "Vàng Thị Dính",
) -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "village_id": village_id,
        "address": "Bản Nậm Khăn, xã Pu Sam Cáp",
        "members": [
            member(head, "chu_ho", 1990, "male", phone="0912345678"),
            member(spouse, "vo", 1993, "female"),
        ],
    }
    response = client.post("/api/households/", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def submit_unsigned(client: TestClient[Any], username: str, dossier_id: str,
                    action: str = "submit") -> None:
    """Test shortcut: moves a draft on as if it had been submitted (or supplemented), without
    a device signature — the state a review test needs, without building a signed revision.
    Real submissions only arrive signed through POST /api/sync/push; the REST action refuses
    them (`signed_submission_required`)."""
    from sqlmodel import Session, select

    from backend.db.models import User
    from backend.dossiers.service import apply_action
    from backend.lib.auth import load_principal
    from backend.lib.clock import utcnow

    state = client.app.state
    with Session(state.engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        apply_action(s, load_principal(s, user), state.catalog, dossier_id, action, "", utcnow())
