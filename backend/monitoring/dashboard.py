"""The monitoring dashboard: figures per commune, village and volunteer, and the devices'
sync health.

Invariant: figures only ever cover the scope the caller was authorised for (`Scope` is built
by `authorise_scope`, the one place that checks the filters against the principal).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.db.models import (
    Commune,
    User,
    Village,
)
from backend.lib.auth import Principal
from backend.lib.errors import AppError, forbidden, not_found
from backend.lib.vntime import local_date
from backend.monitoring import queries
from backend.monitoring.queries import DossierRow, Scope
from backend.monitoring.ratings import RATINGS
from sync.forms import FormError, is_empty, resolve_prefill
from sync.merge import json_equal
from sync.states import STATES

FILL_TARGET_SECONDS = 300
PREFILL_TARGET = 0.5
SATISFACTION_TARGET = 0.95
RUNNING = frozenset({"received", "processing", "supplement_requested"})


def authorise_scope(session: Session, principal: Principal, commune_id: str | None,
                    village_id: str | None, volunteer_id: str | None, date_from: date | None,
                    date_to: date | None) -> Scope:
    """Turn query filters into a `Scope` the principal may see, or refuse (403/404/400).

    Officers are pinned to their commune; naming another commune, or a village/volunteer of
    another commune, is a 403. Admins may look at one commune or all."""
    if principal.role not in ("officer", "admin"):
        raise forbidden()
    if principal.role == "officer":
        if commune_id is not None and commune_id != principal.commune_id:
            raise forbidden()
        commune_id = principal.commune_id
    elif commune_id is not None and session.get(Commune, commune_id) is None:
        raise not_found("xã", "Commune")
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is None:
            raise forbidden() if principal.role == "officer" else not_found("thôn", "Village")
        if commune_id is not None and village.commune_id != commune_id:
            raise forbidden()
        commune_id = village.commune_id
    if volunteer_id is not None:
        user = session.get(User, volunteer_id)
        if user is None or user.role != "volunteer":
            if principal.role == "officer":
                raise forbidden()
            raise not_found("tình nguyện viên", "Volunteer")
        if commune_id is not None and user.commune_id != commune_id:
            raise forbidden()
    if date_from and date_to and date_from > date_to:
        raise AppError("bad_date_range", "Ngày bắt đầu phải trước ngày kết thúc.",
                       "'from' must not be after 'to'.")
    return Scope(commune_id, village_id, volunteer_id, date_from, date_to)


@dataclass
class DossierFacts:
    """Everything the figures need about one dossier."""

    row: DossierRow
    done_at: datetime | None
    timing: str  # before | on | after | overdue | open | ""
    fill_seconds: int | None
    prefilled: int | None
    total_fields: int | None
    prefill_source: str | None  # submission | computed
    rating: str | None  # recorded by the volunteer
    citizen_rating: str | None = None  # given by the citizen
    citizen_channel: str | None = None  # device (at hand-over) | web (public status page)
    # Statuses of the members this dossier added to its household ("never ask twice").
    added_members: tuple[str, ...] = ()


def _timing(row: DossierRow, done_at: datetime | None, today: date) -> str:
    if row.due_date is None:
        return ""
    if done_at is not None:
        day = local_date(done_at)
        return "before" if day < row.due_date else "on" if day == row.due_date else "after"
    if row.status in RUNNING:
        return "overdue" if today > row.due_date else "open"
    return ""


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _computed_prefill(catalog: Catalog, row: DossierRow,
                      sources: queries.PrefillSources) -> tuple[int, int] | None:
    """(prefilled, total) for a dossier whose submission carries no counts: a filled top-level
    field counts as prefilled when its value equals what the catalogue's `prefill` mapping
    gives from the household's data as it is now (see docs/monitoring-and-push.md)."""
    try:
        schema = catalog.get(row.procedure_code, row.procedure_version).form_schema()
    except ProcedureNotFound:
        return None
    household = sources.households.get(row.household_id)
    members = sources.members.get(row.household_id, [])
    applicant = next((m for m in members if m.get("id") == row.applicant_member_id), None)
    member_keys = {f["key"] for f in schema if f.get("type") == "member"}
    chosen = {k: v for k, v in row.form_data.items() if k in member_keys and isinstance(v, str)}
    try:
        resolved = resolve_prefill(schema, applicant, sources.heads.get(row.household_id),
                                   household, members, chosen)
    except FormError:  # a catalogue quirk must not break the dashboard
        return None
    prefillable = {f["key"] for f in schema if isinstance(f.get("prefill"), str)}
    keys = {f["key"] for f in schema}
    filled = [k for k, v in row.form_data.items() if k in keys and not is_empty(v)]
    prefilled = sum(
        1 for k in filled if k in prefillable and k in resolved
        and json_equal(row.form_data[k], resolved[k])
    )
    return prefilled, len(filled)


def gather(session: Session, catalog: Catalog, scope: Scope, now: datetime,
           prefill: bool = True) -> list[DossierFacts]:
    rows = queries.dossiers(session, scope)
    done = queries.done_times(session, scope)
    submissions = queries.first_submissions(session, scope)
    rated = queries.ratings(session, scope)
    citizens = queries.citizen_ratings(session, scope)
    added = queries.members_added(session, scope)
    sources: queries.PrefillSources | None = None
    today = local_date(now)
    out = []
    for row in rows:
        sub = submissions.get(row.id)
        fill = _int_or_none(sub.get("fill_seconds")) if sub else None
        prefilled = total = None
        source = None
        if sub is not None:
            p, t = _int_or_none(sub.get("prefilled_fields")), _int_or_none(sub.get("total_fields"))
            if p is not None and t is not None and p <= t:
                prefilled, total, source = p, t, "submission"
        if prefill and source is None and row.status != "draft":
            if sources is None:
                sources = queries.prefill_sources(session, scope)
            computed = _computed_prefill(catalog, row, sources)
            if computed is not None:
                prefilled, total = computed
                source = "computed"
        citizen = citizens.get(row.id)
        out.append(DossierFacts(row, done.get(row.id), _timing(row, done.get(row.id), today),
                                fill, prefilled, total, source, rated.get(row.id),
                                citizen_rating=citizen[0] if citizen else None,
                                citizen_channel=citizen[1] if citizen else None,
                                added_members=tuple(added.get(row.id, ()))))
    return out


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _meets(value: float | None, target: float, higher_is_better: bool = True) -> bool | None:
    if value is None:
        return None
    return value >= target if higher_is_better else value <= target


def figures(facts: Iterable[DossierFacts]) -> dict[str, Any]:
    facts = list(facts)
    by_status = Counter(f.row.status for f in facts)
    timing = Counter(f.timing for f in facts)
    finished = timing["before"] + timing["on"] + timing["after"]
    on_time_rate = _rate(timing["before"] + timing["on"], finished)
    fills = [f.fill_seconds for f in facts if f.fill_seconds is not None]
    median = float(statistics.median(fills)) if fills else None
    with_prefill = [f for f in facts if f.prefilled is not None and f.total_fields is not None]
    prefilled = sum(f.prefilled or 0 for f in with_prefill)
    total_fields = sum(f.total_fields or 0 for f in with_prefill)
    share = _rate(prefilled, total_fields)
    sources = sorted({f.prefill_source for f in with_prefill if f.prefill_source})
    # The 95 % target measures the citizens themselves; what volunteers recorded is shown
    # apart, never mixed in.
    ratings = Counter(f.citizen_rating for f in facts if f.citizen_rating)
    rated = sum(ratings.values())
    satisfaction = _rate(ratings["very_satisfied"] + ratings["satisfied"], rated)
    channels = Counter(f.citizen_channel for f in facts if f.citizen_rating)
    by_volunteer = Counter(f.rating for f in facts if f.rating)
    volunteer_rated = sum(by_volunteer.values())
    return {
        "dossiers": len(facts),
        "by_status": {s: by_status.get(s, 0) for s in STATES},
        "on_time": {
            "finished": finished, "before": timing["before"], "on": timing["on"],
            "after": timing["after"], "open_overdue": timing["overdue"],
            "rate": on_time_rate,
        },
        "fill_time": {
            "count": len(fills), "median_seconds": median,
            "within_target": sum(1 for s in fills if s <= FILL_TARGET_SECONDS),
            "target_seconds": FILL_TARGET_SECONDS,
            "meets_target": _meets(median, FILL_TARGET_SECONDS, higher_is_better=False),
        },
        "prefill": {
            "dossiers": len(with_prefill), "prefilled_fields": prefilled,
            "total_fields": total_fields, "share": share, "target": PREFILL_TARGET,
            "meets_target": _meets(share, PREFILL_TARGET),
            "source": "mixed" if len(sources) > 1 else (sources[0] if sources else None),
            # Data a dossier gave back to the household record (the newborn of a birth
            # registration); later dossiers prefill it, which the share above counts.
            "saved_back": {
                "members_added": sum(len(f.added_members) for f in facts),
                "members_confirmed": sum(
                    1 for f in facts for status in f.added_members if status == "active"),
            },
        },
        "satisfaction": {
            "source": "citizen",
            "ratings": rated, **{r: ratings.get(r, 0) for r in RATINGS},
            "rate": satisfaction, "target": SATISFACTION_TARGET,
            "meets_target": _meets(satisfaction, SATISFACTION_TARGET),
            "by_channel": {c: channels.get(c, 0) for c in ("device", "web")},
        },
        "satisfaction_volunteer": {
            "source": "volunteer",
            "ratings": volunteer_rated, **{r: by_volunteer.get(r, 0) for r in RATINGS},
            "rate": _rate(by_volunteer["very_satisfied"] + by_volunteer["satisfied"],
                          volunteer_rated),
        },
    }


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def sync_health(session: Session, scope: Scope, now: datetime) -> dict[str, Any]:
    rows = queries.devices(session, scope)
    names = queries.user_names(session, (r.user_id for r in rows))
    items = []
    for r in rows:
        age = int((now - r.oldest_pending_at).total_seconds()) if r.oldest_pending_at else None
        items.append({
            "device_id": r.device_id, "label": r.label, "user_id": r.user_id,
            "volunteer_name": names.get(r.user_id, ""), "pending": r.pending,
            "oldest_pending_at": iso(r.oldest_pending_at), "oldest_pending_age_seconds": age,
            "reported_at": iso(r.reported_at), "last_push_at": iso(r.last_push_at),
        })
    pending = [r for r in rows if r.pending]
    oldest = min((r.oldest_pending_at for r in pending if r.oldest_pending_at), default=None)
    return {
        "devices": len(rows),
        "devices_with_pending": len(pending),
        "devices_never_reported": sum(1 for r in rows if r.reported_at is None),
        "pending_total": sum(r.pending or 0 for r in rows),
        "oldest_pending_at": iso(oldest),
        "oldest_pending_age_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "items": items,
    }


@dataclass
class Dashboard:
    scope: Scope
    facts: list[DossierFacts]
    body: dict[str, Any] = field(default_factory=dict)


def dashboard(session: Session, catalog: Catalog, scope: Scope, now: datetime) -> Dashboard:
    facts = gather(session, catalog, scope, now)
    villages = queries.village_names(session, (f.row.village_id for f in facts))
    volunteers = queries.user_names(session, (f.row.prepared_by for f in facts))
    by_village = _group(facts, lambda f: f.row.village_id)
    by_volunteer = _group(facts, lambda f: f.row.prepared_by)
    body = {
        "scope": {
            "commune_id": scope.commune_id, "village_id": scope.village_id,
            "volunteer_id": scope.volunteer_id,
            "from": scope.date_from.isoformat() if scope.date_from else None,
            "to": scope.date_to.isoformat() if scope.date_to else None,
        },
        "generated_at": iso(now),
        "totals": figures(facts),
        "by_village": [
            {"village_id": vid, "name": villages.get(vid, ""), **figures(group)}
            for vid, group in sorted(by_village.items(), key=lambda kv: villages.get(kv[0], ""))
        ],
        "by_volunteer": [
            {"volunteer_id": uid, "name": volunteers.get(uid, ""), **figures(group)}
            for uid, group in sorted(by_volunteer.items(), key=lambda kv: volunteers.get(kv[0], ""))
        ],
        "sync_health": sync_health(session, scope, now),
    }
    return Dashboard(scope, facts, body)


def _group(facts: list[DossierFacts], key: Any) -> dict[str, list[DossierFacts]]:
    out: dict[str, list[DossierFacts]] = {}
    for f in facts:
        out.setdefault(key(f), []).append(f)
    return out
