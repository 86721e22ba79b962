"""The sync view of each entity: which fields a device sees and may change, their merge rules
(SPEC MRG1), and how the view is built from the database rows.

Invariants:
- `data_of` returns plain JSON values only (dates as ISO strings), so views can be stored as
  `entity_versions.data`, compared with `sync.merge.json_equal` and sent in pull responses.
- A household's `members` is a union list (MRG7) that always contains the ids of the member
  rows of that household: a member cannot be merged away while it exists.
- Dossier form fields are flattened to `form_data.<key>` for merging, so each form field
  follows its own catalogue `merge` rule (MRR1); `unflatten` restores the nested shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from backend.db.models import Dossier, EntityVersion, Household, Member

HOUSEHOLD_FIELDS = ("village_id", "address", "head_member_id", "notes", "members")
MEMBER_FIELDS = (
    "household_id",
    "full_name",
    "date_of_birth",
    "sex",
    "cccd",
    "phone",
    "relationship",
    "ethnicity",
    "notes",
    "status",
    "source_dossier_id",
)
DOSSIER_FIELDS = (
    "procedure_code",
    "procedure_version",
    "applicant_member_id",
    "household_id",
    "village_id",
    "status",
    "outcome",
    "official_code",
    "received_at",
    "due_date",
    "form_data",
    "components",
    "revision",
)

RULES: dict[str, dict[str, str]] = {
    "household": {
        "village_id": "server",
        "address": "lww",
        "head_member_id": "lww",
        "notes": "lww",
        "members": "union",
    },
    "member": {
        "household_id": "server",
        "full_name": "identity",
        "date_of_birth": "identity",
        "sex": "identity",
        "cccd": "identity",
        "phone": "lww",
        "notes": "lww",
        "relationship": "lww",
        "ethnicity": "lww",
        # Set by the device only when it creates a newborn; confirmed by the server.
        "status": "server",
        "source_dossier_id": "server",
    },
    "dossier": {
        "procedure_code": "server",
        "procedure_version": "server",
        "applicant_member_id": "identity",
        "household_id": "server",
        "village_id": "server",
        "status": "server",
        "outcome": "server",
        "official_code": "server",
        "received_at": "server",
        "due_date": "server",
        "revision": "server",
        "components": "lww",
    },
}

# Fields a device may send on create / update (everything else is the server's).
WRITABLE: dict[str, frozenset[str]] = {
    "household": frozenset(HOUSEHOLD_FIELDS),
    "member": frozenset(MEMBER_FIELDS),
    "dossier": frozenset({"procedure_code", "procedure_version", "applicant_member_id",
                          "form_data", "components"}),
}
FORM_PREFIX = "form_data."


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def latest_version(session: Session, entity: str, entity_id: str) -> EntityVersion | None:
    return session.exec(
        select(EntityVersion)
        .where(EntityVersion.entity == entity, EntityVersion.entity_id == entity_id)
        .order_by(col(EntityVersion.version).desc())
        .limit(1)
    ).first()


def version_at(session: Session, entity: str, entity_id: str, version: int) -> EntityVersion | None:
    return session.get(EntityVersion, (entity, entity_id, version))


def member_ids(session: Session, household_id: str) -> list[str]:
    return list(session.exec(select(Member.id).where(Member.household_id == household_id)).all())


def household_data(
    session: Session, h: Household, roster: list[str] | None = None
) -> dict[str, Any]:
    """`roster` is the stored union list (latest version's `members`); rows are added to it."""
    if roster is None:
        latest = latest_version(session, "household", h.id)
        roster = list(latest.data.get("members") or []) if latest else []
    members = sorted(set(roster) | set(member_ids(session, h.id)))
    return {
        "village_id": h.village_id,
        "address": h.address,
        "head_member_id": h.head_member_id,
        "notes": h.notes,
        "members": members,
    }


def member_data(m: Member) -> dict[str, Any]:
    return {
        "household_id": m.household_id,
        "full_name": m.full_name,
        "date_of_birth": _iso(m.date_of_birth),
        "sex": m.sex,
        "cccd": m.cccd,
        "phone": m.phone,
        "relationship": m.relationship,
        "ethnicity": m.ethnicity,
        "notes": m.notes,
        "status": m.status,
        "source_dossier_id": m.source_dossier_id,
    }


def dossier_data(d: Dossier, revision: str | None) -> dict[str, Any]:
    return {
        "procedure_code": d.procedure_code,
        "procedure_version": d.procedure_version,
        "applicant_member_id": d.applicant_member_id,
        "household_id": d.household_id,
        "village_id": d.village_id,
        "status": d.status,
        "outcome": d.outcome,
        "official_code": d.official_code,
        "received_at": _iso(d.received_at),
        "due_date": _iso(d.due_date),
        "form_data": dict(d.form_data or {}),
        "components": dict(d.components or {}),
        "revision": revision,
    }


def new_dossier_data(row: Mapping[str, Any]) -> dict[str, Any]:
    """`dossier_data` of a dossier being created from its row dict (no revision yet; dates
    are still None, so no ISO conversion is needed)."""
    assert row["received_at"] is None and row["due_date"] is None
    return {
        "procedure_code": row["procedure_code"],
        "procedure_version": row["procedure_version"],
        "applicant_member_id": row["applicant_member_id"],
        "household_id": row["household_id"],
        "village_id": row["village_id"],
        "status": row["status"],
        "outcome": row["outcome"],
        "official_code": row["official_code"],
        "received_at": None,
        "due_date": None,
        "form_data": dict(row["form_data"] or {}),
        "components": dict(row["components"] or {}),
        "revision": None,
    }


def data_of(session: Session, entity: str, row: Any) -> dict[str, Any]:
    """The current view of `row`, reading what the row alone does not hold from the latest
    stored version (household roster, dossier revision)."""
    if entity == "household":
        return household_data(session, row)
    if entity == "member":
        return member_data(row)
    latest = latest_version(session, "dossier", row.id)
    return dossier_data(row, latest.data.get("revision") if latest else None)


def scope_of(entity: str, row: Any) -> tuple[str, str]:
    """(commune_id, village_id) used to scope pulls and listings."""
    return row.commune_id, row.village_id


def flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """`form_data` → `form_data.<key>` entries (dossiers); other fields unchanged."""
    out = {k: v for k, v in data.items() if k != "form_data"}
    form = data.get("form_data")
    if type(form) is dict or isinstance(form, Mapping):  # dict first: the ABC check is slow
        for key, value in form.items():
            out[FORM_PREFIX + key] = value
    return out


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    form: dict[str, Any] = {}
    for key, value in flat.items():
        if key.startswith(FORM_PREFIX):
            if value is not None:
                form[key[len(FORM_PREFIX):]] = value
        else:
            out[key] = value
    out["form_data"] = form
    return out


def dossier_rules(form_rules: Mapping[str, str]) -> dict[str, str]:
    rules = dict(RULES["dossier"])
    rules.update({FORM_PREFIX + k: v for k, v in form_rules.items()})
    return rules
