"""SQL for personal-data duties: who is linked to what, what is held about a person."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from backend.db.models import (
    AccessLogEntry,
    BreachRecord,
    Device,
    Dossier,
    DossierEvent,
    DossierResult,
    DossierRevision,
    EntityVersion,
    Household,
    Member,
    MemberRestriction,
    PrivacyRequest,
    SyncConflict,
    SyncLoser,
    SyncMutation,
    User,
    UserVillage,
    Village,
    WorkerJob,
)

# A dossier an officer is working on: filed and not yet closed.
OPEN_REVIEW = ("submitted", "received", "processing", "supplement_requested", "done")
# Dossiers that were received by the commune are administrative records kept by law.
CLOSED = ("result_returned", "withdrawn", "stopped", "not_received")


# A dossier closed this recently is still the officer's work (the refusal letter printed
# right after refusing, the audit looked at after returning the result).
QUEUE_GRACE = timedelta(hours=24)


def open_dossier_in(session: Session, commune_id: str, now: datetime, *,
                    household_id: str | None = None, dossier_id: str | None = None) -> bool:
    stmt = select(Dossier.id).where(
        Dossier.commune_id == commune_id,
        or_(col(Dossier.status).in_(OPEN_REVIEW), col(Dossier.updated_at) >= now - QUEUE_GRACE),
        col(Dossier.status) != "draft")
    if household_id is not None:
        stmt = stmt.where(Dossier.household_id == household_id)
    if dossier_id is not None:
        stmt = stmt.where(Dossier.id == dossier_id)
    return session.exec(stmt.limit(1)).first() is not None


def member_ids_of_household(session: Session, household_id: str) -> list[str]:
    return list(session.exec(select(Member.id).where(Member.household_id == household_id)))


def names_member(d: Dossier, member: Member) -> bool:
    """The person is the applicant or is named in the form (a parent, a witness: form fields
    of type `member` hold member ids; a CCCD field holds the number)."""
    if d.applicant_member_id == member.id:
        return True
    values = set(_scalars(d.form_data))
    return member.id in values or bool(member.cccd and member.cccd in values)


def dossiers_of_member(session: Session, member: Member) -> list[Dossier]:
    rows = session.exec(select(Dossier).where(Dossier.household_id == member.household_id)
                        .order_by(col(Dossier.created_at))).all()
    return [d for d in rows if names_member(d, member)]


def _scalars(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [value] if isinstance(value, str) else []


def events_of(session: Session, dossier_ids: Sequence[str]) -> list[DossierEvent]:
    if not dossier_ids:
        return []
    return list(session.exec(select(DossierEvent).where(
        col(DossierEvent.dossier_id).in_(list(dossier_ids))).order_by(col(DossierEvent.id))))


def results_of(session: Session, dossier_ids: Sequence[str]) -> list[DossierResult]:
    if not dossier_ids:
        return []
    return list(session.exec(select(DossierResult).where(
        col(DossierResult.dossier_id).in_(list(dossier_ids)))))


def versions_of(session: Session, entity: str, entity_id: str) -> list[EntityVersion]:
    return list(session.exec(select(EntityVersion).where(
        EntityVersion.entity == entity, EntityVersion.entity_id == entity_id)
        .order_by(col(EntityVersion.version))))


def access_of(session: Session, member_id: str, limit: int = 500) -> list[AccessLogEntry]:
    """Entries naming the person (their own record, their household, a dossier about them).
    `member_ids` is a JSON list; filtering it portably is done here, over the subject's
    commune's recent entries, newest first."""
    member = session.get(Member, member_id)
    if member is None:
        return []
    rows = session.exec(select(AccessLogEntry).where(
        or_(col(AccessLogEntry.commune_id) == member.commune_id,
            col(AccessLogEntry.commune_id).is_(None)))
        .order_by(col(AccessLogEntry.id).desc()).limit(20_000)).all()
    return [r for r in rows if member_id in (r.member_ids or [])][:limit]


def requests_of(session: Session, member_id: str) -> list[PrivacyRequest]:
    return list(session.exec(select(PrivacyRequest).where(
        PrivacyRequest.member_id == member_id).order_by(col(PrivacyRequest.recorded_at))))


def restriction_of(session: Session, member_id: str) -> MemberRestriction | None:
    return session.get(MemberRestriction, member_id)


def scrub_entity_history(session: Session, entity: str, entity_id: str, marker: str) -> None:
    """Replace stored copies of an entity's data (versions, signed payloads, merge records)
    by a marker: the rows stay (the audit keeps that a change happened), the data goes."""
    session.execute(update(EntityVersion).where(
        col(EntityVersion.entity) == entity, col(EntityVersion.entity_id) == entity_id)
        .values(data={marker: True}))
    session.execute(update(SyncMutation).where(
        col(SyncMutation.entity) == entity, col(SyncMutation.entity_id) == entity_id)
        .values(payload=f'{{"{marker}":true}}'))
    session.execute(update(SyncLoser).where(
        col(SyncLoser.entity) == entity, col(SyncLoser.entity_id) == entity_id)
        .values(losing_value=None, winning_value=None))
    session.execute(update(SyncConflict).where(
        col(SyncConflict.entity) == entity, col(SyncConflict.entity_id) == entity_id)
        .values(base_value=None, current_value=None, proposed_value=None, resolved_value=None))
    if entity == "dossier":
        session.execute(update(DossierRevision).where(
            col(DossierRevision.dossier_id) == entity_id).values(payload=f'{{"{marker}":true}}'))


def purgeable_dossiers(session: Session, status: Sequence[str], outcome: str | None,
                       before: datetime) -> list[Dossier]:
    stmt = select(Dossier).where(col(Dossier.status).in_(list(status)),
                                 col(Dossier.updated_at) < before)
    stmt = stmt.where(Dossier.outcome == outcome) if outcome else stmt.where(
        or_(col(Dossier.outcome).is_(None), col(Dossier.outcome) != "rejected"))
    return [d for d in session.exec(stmt) if not d.form_data.get("_purged")]


def delete_access_log_before(session: Session, before: datetime) -> int:
    result = session.execute(delete(AccessLogEntry).where(col(AccessLogEntry.at) < before))
    return int(getattr(result, "rowcount", 0) or 0)


def pending_erasures(session: Session) -> list[MemberRestriction]:
    return list(session.exec(select(MemberRestriction).where(
        col(MemberRestriction.erase_when_released).is_(True))))


def members_read_by(session: Session, actor_ids: Sequence[str], since: datetime,
                    until: datetime) -> set[str]:
    if not actor_ids:
        return set()
    rows = session.exec(select(AccessLogEntry.member_ids).where(
        col(AccessLogEntry.actor_id).in_(list(actor_ids)),
        col(AccessLogEntry.at) >= since, col(AccessLogEntry.at) <= until))
    return {m for ids in rows for m in (ids or [])}


def members_on_devices(session: Session, device_ids: Sequence[str]) -> set[str]:
    """Everyone a device could hold: the members of its volunteer's villages."""
    if not device_ids:
        return set()
    users = list(session.exec(select(Device.user_id).where(col(Device.id).in_(list(device_ids)))))
    villages = list(session.exec(select(UserVillage.village_id).where(
        col(UserVillage.user_id).in_(users))))
    if not villages:
        return set()
    return set(session.exec(select(Member.id).where(col(Member.village_id).in_(villages))))


def communes_of_members(session: Session, member_ids: Sequence[str]) -> list[str]:
    ids = list(member_ids)
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        out.update(session.exec(select(Member.commune_id).where(
            col(Member.id).in_(ids[i:i + 500]))))
    return sorted(out)


def household_of(session: Session, member: Member) -> Household | None:
    return session.get(Household, member.household_id)


def breaches(session: Session) -> Sequence[BreachRecord]:
    """Every breach record, newest first."""
    return session.exec(select(BreachRecord).order_by(col(BreachRecord.opened_at).desc())).all()


def breach(session: Session, breach_id: str) -> BreachRecord | None:
    return session.get(BreachRecord, breach_id)


# The console's pages (console_routes.py). A `commune_id` of None is an admin's view: all.

def find_people(session: Session, commune_id: str | None, limit: int, *,
                cccd_bidx: str | None = None,
                name_prefixes: Sequence[str] = ()) -> list[tuple[Member, str]]:
    """People with their village's name: by CCCD blind index, or each prefix starting a word
    of the search key (LIKE wildcards in a prefix are matched literally)."""
    stmt = select(Member, Village.name).join(Village, col(Village.id) == Member.village_id)
    if commune_id is not None:
        stmt = stmt.where(Member.commune_id == commune_id)
    if cccd_bidx is not None:
        stmt = stmt.where(Member.cccd_bidx == cccd_bidx)
    for token in name_prefixes:
        escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        key = col(Member.search_key)
        stmt = stmt.where(or_(key.like(f"{escaped}%", escape="\\"),
                              key.like(f"% {escaped}%", escape="\\")))
    return list(session.exec(stmt.order_by(Member.full_name, Member.id).limit(limit)).all())


def user_by_id_or_username(session: Session, ref: str) -> User | None:
    return session.exec(select(User).where(or_(col(User.id) == ref, col(User.username) == ref))
                        ).first()


def access_log_page(session: Session, commune_id: str | None, *, actor_id: str | None,
                    subject_id: str | None, outside_queue: bool, since: datetime | None,
                    until: datetime | None, offset: int,
                    limit: int) -> tuple[int, list[AccessLogEntry]]:
    """The filtered count and one page of entries, newest first (`until` excluded)."""
    stmt = select(AccessLogEntry)
    if commune_id is not None:
        stmt = stmt.where(AccessLogEntry.commune_id == commune_id)
    if actor_id is not None:
        stmt = stmt.where(AccessLogEntry.actor_id == actor_id)
    if subject_id is not None:
        stmt = stmt.where(AccessLogEntry.subject_id == subject_id)
    if outside_queue:
        stmt = stmt.where(col(AccessLogEntry.in_queue).is_(False))
    if since is not None:
        stmt = stmt.where(col(AccessLogEntry.at) >= since)
    if until is not None:
        stmt = stmt.where(col(AccessLogEntry.at) < until)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = list(session.exec(stmt.order_by(col(AccessLogEntry.at).desc(),
                                           col(AccessLogEntry.id).desc())
                             .offset(offset).limit(limit)))
    return int(total), rows


def user_names(session: Session, user_ids: Collection[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    return {u.id: u.full_name for u in session.exec(select(User).where(
        col(User.id).in_(list(user_ids))))}


def count_access_log_before(session: Session, before: datetime) -> int:
    return int(session.exec(select(func.count()).select_from(AccessLogEntry).where(
        col(AccessLogEntry.at) < before)).one())


def worker_job(session: Session, name: str) -> WorkerJob | None:
    return session.get(WorkerJob, name)
