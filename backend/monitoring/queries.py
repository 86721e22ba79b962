"""SQL for the dashboard: everything is read once per request, scoped by `Scope`, and the
figures are computed in Python (backend/monitoring/dashboard.py). A commune holds thousands of
dossiers, not millions, so a handful of scoped queries beats a tangle of SQL aggregates that
would have to agree on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.db.models import (
    CitizenRating,
    Commune,
    Device,
    DeviceHealth,
    Dossier,
    DossierEvent,
    DossierRevision,
    Household,
    Member,
    Province,
    Rating,
    User,
    UserVillage,
    Village,
)
from backend.lib.vntime import VN


@dataclass(frozen=True)
class Scope:
    """Already authorised filters. `commune_id` None means every commune (admins only)."""

    commune_id: str | None = None
    village_id: str | None = None
    volunteer_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class DossierRow:
    id: str
    procedure_code: str
    procedure_version: int
    village_id: str
    commune_id: str
    household_id: str
    applicant_member_id: str
    prepared_by: str
    status: str
    official_code: str | None
    created_at: datetime
    received_at: datetime | None
    due_date: date | None
    form_data: dict[str, Any]


def _start(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=VN)


def scoped(stmt: Any, scope: Scope) -> Any:
    """Apply the scope to a statement that selects from (or joins) `dossiers`."""
    if scope.commune_id is not None:
        stmt = stmt.where(Dossier.commune_id == scope.commune_id)
    if scope.village_id is not None:
        stmt = stmt.where(Dossier.village_id == scope.village_id)
    if scope.volunteer_id is not None:
        stmt = stmt.where(Dossier.prepared_by == scope.volunteer_id)
    if scope.date_from is not None:
        stmt = stmt.where(col(Dossier.created_at) >= _start(scope.date_from))
    if scope.date_to is not None:
        stmt = stmt.where(col(Dossier.created_at) < _start(scope.date_to) + _ONE_DAY)
    return stmt


_ONE_DAY = timedelta(days=1)


def dossiers(session: Session, scope: Scope) -> list[DossierRow]:
    rows = session.exec(scoped(select(Dossier), scope).order_by(col(Dossier.created_at))).all()
    return [
        DossierRow(
            id=d.id, procedure_code=d.procedure_code, procedure_version=d.procedure_version,
            village_id=d.village_id, commune_id=d.commune_id, household_id=d.household_id,
            applicant_member_id=d.applicant_member_id, prepared_by=d.prepared_by,
            status=d.status, official_code=d.official_code, created_at=d.created_at,
            received_at=d.received_at, due_date=d.due_date, form_data=dict(d.form_data or {}),
        )
        for d in rows
    ]


def done_times(session: Session, scope: Scope) -> dict[str, datetime]:
    """When each dossier first reached `done` (the audit log is the source of truth)."""
    stmt = scoped(
        select(DossierEvent.dossier_id, func.min(DossierEvent.at))
        .join(Dossier, col(Dossier.id) == col(DossierEvent.dossier_id))
        .where(DossierEvent.to_status == "done")
        .group_by(col(DossierEvent.dossier_id)),
        scope,
    )
    out: dict[str, datetime] = {}
    for dossier_id, at in session.exec(stmt).all():
        # func.min loses the column type on SQLite: normalise to an aware UTC datetime.
        out[dossier_id] = _aware(at)
    return out


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
    return value.astimezone(UTC)  # type: ignore[no-any-return]


def first_submissions(session: Session, scope: Scope) -> dict[str, dict[str, Any]]:
    """The signed `fields` of each dossier's first submission (revision number 1).

    The payload is the exact canonical JSON the device signed; its `fields` carry the
    submission metadata (`fill_seconds`, and `prefilled_fields`/`total_fields` once devices
    send them)."""
    stmt = scoped(
        select(DossierRevision.dossier_id, DossierRevision.payload)
        .join(Dossier, col(Dossier.id) == col(DossierRevision.dossier_id))
        .where(DossierRevision.number == 1),
        scope,
    )
    out: dict[str, dict[str, Any]] = {}
    for dossier_id, payload in session.exec(stmt).all():
        try:
            fields = json.loads(payload).get("fields")
        except (ValueError, AttributeError):
            continue
        if isinstance(fields, dict):
            out[dossier_id] = fields
    return out


def members_added(session: Session, scope: Scope) -> dict[str, list[str]]:
    """Statuses of the members each dossier added to its household (a newborn added with its
    birth registration: ``pending_birth`` until the result, then ``active``)."""
    stmt = scoped(
        select(Member.source_dossier_id, Member.status)
        .join(Dossier, col(Dossier.id) == col(Member.source_dossier_id)),
        scope,
    )
    out: dict[str, list[str]] = {}
    for dossier_id, status in session.exec(stmt).all():
        if dossier_id is not None:
            out.setdefault(dossier_id, []).append(status)
    return out


def ratings(session: Session, scope: Scope) -> dict[str, str]:
    stmt = scoped(
        select(Rating.dossier_id, Rating.rating).join(
            Dossier, col(Dossier.id) == col(Rating.dossier_id)
        ),
        scope,
    )
    return {dossier_id: value for dossier_id, value in session.exec(stmt).all()}


def citizen_ratings(session: Session, scope: Scope) -> dict[str, tuple[str, str]]:
    """dossier id → (rating, channel) of the citizen's own ratings (device | web)."""
    stmt = scoped(
        select(CitizenRating.dossier_id, CitizenRating.rating, CitizenRating.channel).join(
            Dossier, col(Dossier.id) == col(CitizenRating.dossier_id)
        ),
        scope,
    )
    return {dossier_id: (value, channel)
            for dossier_id, value, channel in session.exec(stmt).all()}


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    label: str
    user_id: str
    last_push_at: datetime | None
    pending: int | None
    oldest_pending_at: datetime | None
    reported_at: datetime | None


def devices(session: Session, scope: Scope) -> list[DeviceRow]:
    """Active (not revoked) devices of the scope: commune, a village's volunteers, or one
    volunteer. The date range does not apply: sync health is about now."""
    stmt = (
        select(Device, DeviceHealth)
        .join(DeviceHealth, col(DeviceHealth.device_id) == col(Device.id), isouter=True)
        .where(col(Device.revoked_at).is_(None))
    )
    if scope.commune_id is not None:
        stmt = stmt.where(Device.commune_id == scope.commune_id)
    if scope.volunteer_id is not None:
        stmt = stmt.where(Device.user_id == scope.volunteer_id)
    if scope.village_id is not None:
        stmt = stmt.where(
            col(Device.user_id).in_(
                select(UserVillage.user_id).where(UserVillage.village_id == scope.village_id)
            )
        )
    out = []
    for device, health in session.exec(stmt.order_by(col(Device.created_at))).all():
        out.append(
            DeviceRow(
                device_id=device.id, label=device.label, user_id=device.user_id,
                last_push_at=device.last_push_at,
                pending=health.pending if health else None,
                oldest_pending_at=health.oldest_pending_at if health else None,
                reported_at=health.reported_at if health else None,
            )
        )
    return out


def user_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(wanted))).all()
    return dict(rows)


def village_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Village.id, Village.name).where(col(Village.id).in_(wanted))).all()
    return dict(rows)


@dataclass
class PrefillSources:
    """What the household looks like now, in the shape `sync.forms.resolve_prefill` takes."""

    households: dict[str, dict[str, object]]
    members: dict[str, list[dict[str, object]]]  # by household id
    heads: dict[str, dict[str, object] | None]


def prefill_sources(session: Session, scope: Scope) -> PrefillSources:
    hh_stmt = (
        select(Household, Village.name, Commune.name, Province.name)
        .join(Village, col(Village.id) == col(Household.village_id))
        .join(Commune, col(Commune.id) == col(Household.commune_id))
        .join(Province, col(Province.id) == col(Commune.province_id))
        .where(col(Household.id).in_(scoped(select(Dossier.household_id), scope)))
    )
    households: dict[str, dict[str, object]] = {}
    head_ids: dict[str, str | None] = {}
    for h, village, commune, province in session.exec(hh_stmt).all():
        households[h.id] = {
            "address": h.address, "village_name": village, "commune_name": commune,
            "province_name": province,
        }
        head_ids[h.id] = h.head_member_id
    members: dict[str, list[dict[str, object]]] = {}
    m_stmt = select(Member).where(
        col(Member.household_id).in_(scoped(select(Dossier.household_id), scope))
    )
    by_id: dict[str, dict[str, object]] = {}
    for m in session.exec(m_stmt).all():
        view: dict[str, object] = {
            "id": m.id, "full_name": m.full_name,
            "date_of_birth": m.date_of_birth.isoformat() if m.date_of_birth else None,
            "sex": m.sex, "cccd": m.cccd, "phone": m.phone, "ethnicity": m.ethnicity,
            "relationship": m.relationship,
        }
        by_id[m.id] = view
        members.setdefault(m.household_id, []).append(view)
    heads: dict[str, dict[str, object] | None] = {}
    for hid, head_id in head_ids.items():
        head = by_id.get(head_id) if head_id else None
        heads[hid] = head
        households[hid]["head_name"] = head["full_name"] if head else None
    return PrefillSources(households, members, heads)


def officers_of(session: Session, commune_id: str) -> list[str]:
    rows = session.exec(
        select(User.id).where(
            User.role == "officer", User.commune_id == commune_id, col(User.is_active)
        )
    ).all()
    return list(rows)
