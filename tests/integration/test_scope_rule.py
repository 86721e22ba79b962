"""The one scope rule (backend/access/scope.py), proven for every scoped table and every role
on both databases: the SQL form (`where_visible`) returns exactly the rows the role may see,
and the row form (`row_visible`, `get_visible`) agrees row by row (403 outside the scope).

Expectations are written out per role below, not derived from the rule: they are what the
hand-written copies the rule replaced used to do (docs/architecture.md "Scope").
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.access.scope import RULES, get_visible, row_visible, where_visible
from backend.db.models import (
    Blob,
    Commune,
    Device,
    Dossier,
    DossierAmendment,
    DossierResult,
    Household,
    Member,
    SupplementRequest,
    SyncChange,
    SyncConflict,
    SyncLoser,
    SyncMutation,
    User,
    Village,
)
from backend.lib.auth import load_principal
from backend.lib.errors import AppError
from tests.support.world import USERS, WORLD, user_id

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
A, B, C = WORLD.commune_a, WORLD.commune_b, WORLD.commune_c
PLACES = {"a1": (A, WORLD.village_a1), "a2": (A, WORLD.village_a2), "b1": (B, WORLD.village_b1)}

# Which seeded rows each user sees, by the key the rows are seeded under.
IN_VILLAGES = {  # rows placed in a village of a commune
    "admin": {"a1", "a2", "b1"},
    "officer_a": {"a1", "a2"}, "officer_b": {"b1"},
    "vol_a1": {"a1"}, "vol_a2": {"a2"}, "vol_b1": {"b1"},
    "prov_mon": {"a1", "a2", "b1"}, "prov_admin": {"a1", "a2", "b1"}, "prov2_mon": set(),
}
SYNC_LOG = {**IN_VILLAGES, "prov_mon": set(), "prov_admin": set()}  # device log: no province
COMMUNES = {
    "admin": {A, B, C},
    "officer_a": {A}, "officer_b": {B},
    "vol_a1": {A}, "vol_a2": {A}, "vol_b1": {B},
    "prov_mon": {A, B}, "prov_admin": {A, B}, "prov2_mon": {C},
}
# Devices and pushed mutations are keyed by their owner: vol_a1, vol_b1, officer_a, admin.
DEVICES = {
    "admin": {"vol_a1", "vol_b1", "officer_a", "admin"},
    "officer_a": {"vol_a1", "officer_a"}, "officer_b": {"vol_b1"},
    "vol_a1": {"vol_a1"}, "vol_a2": set(), "vol_b1": {"vol_b1"},
    "prov_mon": {"vol_a1", "vol_b1", "officer_a"}, "prov_admin": {"vol_a1", "vol_b1", "officer_a"},
    "prov2_mon": set(),
}
MUTATIONS = {  # commune-wide for the commune's roles; never the province's
    **DEVICES, "vol_a1": {"vol_a1", "officer_a"}, "vol_a2": {"vol_a1", "officer_a"},
    "prov_mon": set(), "prov_admin": set(),
}
# Blobs are keyed by their uploader: the uploader, admins, officers of the uploader's commune.
BLOBS = {
    "admin": {"vol_a1", "vol_a2", "officer_b", "admin"},
    "officer_a": {"vol_a1", "vol_a2"}, "officer_b": {"officer_b"},
    "vol_a1": {"vol_a1"}, "vol_a2": {"vol_a2"}, "vol_b1": set(),
    "prov_mon": set(), "prov_admin": set(), "prov2_mon": set(),
}
OWNERS = ("vol_a1", "vol_b1", "officer_a", "admin")
COMMUNE_OF = {name: commune for name, (_, commune, _) in USERS.items()}


def _hex(key: str, n: int = 64) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:n]


def _uuid(kind: str, key: str) -> str:
    return f"00000000-0000-4000-{ord(kind):04x}-{_hex(key, 12)}"


def seed(s: Session) -> dict[type[Any], dict[Any, str]]:
    """One row per place (or owner) in every scoped table; returns primary key → key."""
    rows: dict[type[Any], dict[Any, str]] = {m: {} for m in RULES}
    rows[Commune] = {c: c for c in (A, B, C)}
    rows[Village] = {v: k for k, (_, v) in PLACES.items()}
    for key, (commune, village) in PLACES.items():
        hid, mid, did = _uuid("h", key), _uuid("m", key), _uuid("d", key)
        place = {"commune_id": commune, "village_id": village}
        s.add(Household(id=hid, address=f"Bản {key}", created_at=NOW, updated_at=NOW, **place))
        s.flush()
        s.add(Member(id=mid, household_id=hid, full_name=f"Người {key}", relationship="chủ hộ",
                     ethnicity="Mông", created_at=NOW, updated_at=NOW, **place))
        s.flush()
        s.add(Dossier(id=did, procedure_code="khai-sinh", procedure_version=1,
                      applicant_member_id=mid, household_id=hid, status="draft",
                      prepared_by=user_id("admin"), created_at=NOW, updated_at=NOW, **place))
        s.flush()
        s.add(DossierResult(id=_uuid("r", key), dossier_id=did, official_code=f"X-{key}",
                            outcome="approved", document_kind="k", summary="", record="{}",
                            result_sha256=_hex(key), sig="s", key_id="k", qr_text="q",
                            pdf_sha256=_hex(key), issued_by=user_id("admin"), issued_at=NOW,
                            **place))
        s.add(SupplementRequest(id=_uuid("q", key), dossier_id=did, requested_by=user_id("admin"),
                                requested_at=NOW, reason="r", **place))
        s.add(DossierAmendment(id=_uuid("a", key), dossier_id=did, mutation_id=_uuid("x", key),
                               base_version=1, created_at=NOW, **place))
        s.add(SyncConflict(id=_uuid("c", key), entity="household", entity_id=hid, field="notes",
                           proposed_hlc="h", created_at=NOW, **place))
        s.add(SyncLoser(entity="household", entity_id=hid, field="notes", rule="lww",
                        created_at=NOW, **place))
        s.add(SyncChange(entity="household", entity_id=hid, version=1, created_at=NOW, **place))
        for model, pk in ((Household, hid), (Member, mid), (Dossier, did)):
            rows[model][pk] = key
        rows[DossierResult][_uuid("r", key)] = key
        rows[SupplementRequest][_uuid("q", key)] = key
        rows[DossierAmendment][_uuid("a", key)] = key
        rows[SyncConflict][_uuid("c", key)] = key
    s.flush()
    for model in (SyncLoser, SyncChange):
        pk = model.__table__.primary_key.columns[0]  # type: ignore[attr-defined]
        for row in s.exec(select(model)).all():
            rows[model][getattr(row, pk.name)] = next(
                k for k, (_, v) in PLACES.items() if v == row.village_id)
    for owner in OWNERS:
        dev = _uuid("v", owner)
        s.add(Device(id=dev, user_id=user_id(owner), commune_id=COMMUNE_OF[owner], alg="ed25519",
                     public_key=_hex(owner), key_id=owner[:16], created_at=NOW))
        s.flush()
        s.add(SyncMutation(id=_uuid("n", owner), device_id=dev, n=1, hash=_hex(owner),
                           user_id=user_id(owner), entity="household", entity_id=dev,
                           op="create", status="applied", payload="{}", sig="s",
                           commune_id=COMMUNE_OF[owner], received_at=NOW))
        rows[Device][dev] = owner
        rows[SyncMutation][_uuid("n", owner)] = owner
    for uploader in ("vol_a1", "vol_a2", "officer_b", "admin"):
        s.add(Blob(sha256=_hex(uploader), size=1, content_type="image/jpeg",
                   uploaded_by=user_id(uploader), created_at=NOW))
        rows[Blob][_hex(uploader)] = uploader
    s.commit()
    return rows


EXPECTED: dict[type[Any], dict[str, set[str]]] = {
    Commune: COMMUNES,
    Village: IN_VILLAGES,
    Household: IN_VILLAGES,
    Member: IN_VILLAGES,
    Dossier: IN_VILLAGES,
    DossierResult: IN_VILLAGES,
    SupplementRequest: IN_VILLAGES,
    Device: DEVICES,
    Blob: BLOBS,
    SyncChange: SYNC_LOG,
    SyncConflict: SYNC_LOG,
    SyncLoser: SYNC_LOG,
    DossierAmendment: SYNC_LOG,
    SyncMutation: MUTATIONS,
}


def test_every_scoped_table_has_its_expectations() -> None:
    assert set(EXPECTED) == set(RULES)
    assert all(set(e) == set(USERS) for e in EXPECTED.values())


def _pk(model: type[Any]) -> Callable[[Any], Any]:
    name = model.__table__.primary_key.columns[0].name  # type: ignore[attr-defined]
    return lambda row: getattr(row, name)


@pytest.mark.parametrize("username", sorted(USERS))
@pytest.mark.parametrize("model", list(RULES), ids=lambda m: m.__tablename__)
def test_each_role_sees_exactly_its_rows(clean_db: Engine, model: type[Any],
                                         username: str) -> None:
    with Session(clean_db) as s:
        rows = seed(s)[model]
        user = s.get(User, user_id(username))
        assert user is not None
        principal = load_principal(s, user)
        expected = {pk for pk, key in rows.items() if key in EXPECTED[model][username]}
        pk = _pk(model)
        listed = {pk(r) for r in s.exec(where_visible(select(model), principal, model)).all()}
        assert listed == expected, (username, model.__tablename__)
        for key in rows:
            row = s.get(model, key)
            assert row_visible(s, principal, row) == (key in expected), (username, key)
            if key in expected:
                assert pk(get_visible(s, principal, model, key, "x", "x")) == key
            else:
                with pytest.raises(AppError) as refused:
                    get_visible(s, principal, model, key, "x", "x")
                assert refused.value.status == 403
        with pytest.raises(AppError) as missing:
            get_visible(s, principal, model, None, "x", "x")
        assert missing.value.status == 404
