"""The rollup rows kept by the flush hook equal a full recomputation from the audit log,
the dossiers and the ratings, after random histories: random transitions by the officer and
the volunteer at random moments (around local midnight, over several days), illegal actions
that are refused, transactions rolled back, results issued, ratings recorded, and signed
submissions carrying their fill time and prefilled fields (some out of range, so ignored).

Runs on SQLite and PostgreSQL through the `engine` fixture (tests/conftest.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, delete
from sqlmodel import Session, SQLModel, select

from backend.catalog.loader import Catalog
from backend.db.models import Dossier, DossierEvent, DossierRevision, Household, Member, User
from backend.dossiers.service import apply_action
from backend.lib.auth import load_principal
from backend.lib.errors import AppError
from backend.monitoring import rollups
from backend.monitoring.ratings import RatingRefused, apply_rating
from tests.conftest import WORLD_TABLES
from tests.support.world import WORLD, user_id

START = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 23:30 in Vietnam: days turn over mid-run
ACTIONS = ("submit", "receive", "refuse", "request_supplement", "supplement", "approve",
           "reject", "return_result", "withdraw", "stop")
OFFICER_ACTIONS = {"receive", "refuse", "request_supplement", "approve", "reject", "stop"}

step = st.tuples(
    st.integers(0, 3),  # which dossier
    st.sampled_from((*ACTIONS, "rate", "issue")),
    st.integers(0, 60 * 60 * 30),  # seconds since the previous step
    st.booleans(),  # roll the transaction back instead of committing
    st.sampled_from(("very_satisfied", "satisfied", "not_satisfied")),
)


def wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in WORLD_TABLES:
                conn.execute(delete(table))


def seed(engine: Engine, n: int, at: datetime) -> list[str]:
    ids = []
    with Session(engine) as s:
        for i in range(n):
            hid, mid, did = (str(uuid.uuid4()) for _ in range(3))
            village, commune = ((WORLD.village_a1, WORLD.commune_a) if i % 2 == 0
                                else (WORLD.village_b1, WORLD.commune_b))
            s.add(Household(id=hid, village_id=village, commune_id=commune, address="Bản",
                            head_member_id=mid, created_at=at, updated_at=at))
            s.flush()
            s.add(Member(id=mid, household_id=hid, village_id=village, commune_id=commune,
                         full_name="Lò Văn Pọm", relationship="chu_ho", sex="male",
                         date_of_birth=date(1990, 2, 3), created_at=at, updated_at=at))
            s.flush()
            procedure = "khai-sinh" if i < 3 else "ket-hon"
            s.add(Dossier(id=did, procedure_code=procedure, procedure_version=1,
                          applicant_member_id=mid, household_id=hid, village_id=village,
                          commune_id=commune, prepared_by=user_id("vol_a1"), status="draft",
                          created_at=at, updated_at=at))
            ids.append(did)
        s.commit()
    return ids


def issue(s: Session, dossier_id: str, at: datetime) -> None:
    """The audit event a signed result leaves (backend/results/service.py), on a done dossier."""
    d = s.get(Dossier, dossier_id)
    assert d is not None
    if d.status == "done":
        s.add(DossierEvent(dossier_id=d.id, action="issue_result", from_status=d.status,
                           to_status=d.status, actor_role="officer", at=at))


@hypothesis_settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=30))
def test_rollups_equal_a_full_recomputation(engine: Engine, app: Any,
                                            steps: list[tuple[int, str, int, bool, str]]
                                            ) -> None:
    catalog: Catalog = app.state.catalog
    wipe(engine)
    at = START
    ids = seed(engine, 4, at)
    try:
        for which, action, gap, rollback, value in steps:
            at += timedelta(seconds=gap)
            did = ids[which]
            with Session(engine) as s:
                d = s.get(Dossier, did)
                assert d is not None
                try:
                    if action == "rate":
                        rater = "vol_a1" if d.commune_id == WORLD.commune_a else "vol_b1"
                        apply_rating(s, user_id(rater), str(uuid.uuid4()),
                                     {"dossier_id": did, "rating": value,
                                      "rated_at": at.isoformat()}, at)
                    elif action == "issue":
                        issue(s, did, at)
                    else:
                        officer = "officer_a" if d.commune_id == WORLD.commune_a else "officer_b"
                        volunteer = "vol_a1" if d.commune_id == WORLD.commune_a else "vol_b1"
                        who = officer if action in OFFICER_ACTIONS else volunteer
                        user = s.exec(select(User).where(User.username == who)).one()
                        apply_action(s, load_principal(s, user), catalog, did, action, "lý do",
                                     at, commit=False)
                        if action in ("submit", "supplement"):
                            # the signed revision a device submission leaves, with its metadata
                            fields = {"fill_seconds": gap % 700, "prefilled_fields": gap % 7,
                                      "total_fields": 5}
                            s.add(DossierRevision(
                                hash=uuid.uuid4().hex * 2, dossier_id=did, number=1,
                                kind=action, mutation_id=str(uuid.uuid4()),
                                device_id=str(uuid.uuid4()), sig="x", created_at=at,
                                payload=json.dumps({"entity": "dossier", "fields": fields})))
                except (AppError, RatingRefused):
                    s.rollback()
                    continue
                if rollback:
                    s.flush()  # the hook has run: the rollback must take its counts along
                    s.rollback()
                else:
                    s.commit()
        with Session(engine) as s:
            assert rollups.stored(s) == rollups.recompute(s)
    finally:
        wipe(engine)
