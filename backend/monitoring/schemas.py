"""Wire shapes of the dashboard and of the PWA's sync-health reports (docs/monitoring-and-push.md)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from backend.lib.wire import Number, NumberOrNone, Out


class DeviceHealthIn(msgspec.Struct, forbid_unknown_fields=True):
    device_id: str
    pending: int
    oldest_pending_at: datetime | None = None


class DeviceHealthOut(msgspec.Struct):
    device_id: str
    pending: int
    oldest_pending_at: str | None
    reported_at: str | None


class ByStatus(Out):
    """Dossiers per state (sync/states.py: every state, in its order)."""

    draft: int
    submitted: int
    received: int
    not_received: int
    processing: int
    supplement_requested: int
    done: int
    result_returned: int
    withdrawn: int
    stopped: int


class OnTime(Out):
    finished: int
    before: int
    on: int
    after: int
    open_overdue: int
    rate: NumberOrNone


class FillTime(Out):
    count: int
    median_seconds: NumberOrNone
    within_target: int
    target_seconds: Number
    meets_target: bool | None


class SavedBack(Out):
    members_added: int
    members_confirmed: int


class Prefill(Out):
    dossiers: int
    prefilled_fields: int
    total_fields: int
    share: NumberOrNone
    target: Number
    meets_target: bool | None
    source: str | None
    saved_back: SavedBack


class ByChannel(Out):
    device: int
    web: int


class Satisfaction(Out):
    source: str
    ratings: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    rate: NumberOrNone
    target: Number
    meets_target: bool | None
    by_channel: ByChannel


class VolunteerSatisfaction(Out):
    source: str
    ratings: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    rate: NumberOrNone


class Figures(Out):
    dossiers: int
    by_status: ByStatus
    on_time: OnTime
    fill_time: FillTime
    prefill: Prefill
    satisfaction: Satisfaction
    satisfaction_volunteer: VolunteerSatisfaction


class VillageFigures(Figures):
    village_id: str
    name: str


class VolunteerFigures(Figures):
    volunteer_id: str
    name: str


class DeviceHealthRow(Out):
    device_id: str
    label: str
    user_id: str
    volunteer_name: str
    pending: int | None
    oldest_pending_at: str | None
    oldest_pending_age_seconds: int | None
    reported_at: str | None
    last_push_at: str | None


class SyncHealth(Out):
    devices: int
    devices_with_pending: int
    devices_never_reported: int
    pending_total: int
    oldest_pending_at: str | None
    oldest_pending_age_seconds: int | None
    items: list[DeviceHealthRow]


class DashboardScope(Out):
    commune_id: str | None
    village_id: str | None
    volunteer_id: str | None
    date_from: str | None = msgspec.field(name="from")
    date_to: str | None = msgspec.field(name="to")


class DashboardOut(Out):
    scope: DashboardScope
    generated_at: str
    totals: Figures
    by_village: list[VillageFigures]
    by_volunteer: list[VolunteerFigures]
    sync_health: SyncHealth
