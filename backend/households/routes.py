"""Households and members over REST (the PWA mostly uses sync; officers and tools use this)."""

from __future__ import annotations

from typing import Any

import anyio
import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter

from backend.db.models import Household, Member
from backend.households import queries, service
from backend.households.importer import import_into
from backend.households.schemas import (
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    ImportReport,
    MemberIn,
    MemberOut,
    MemberPatch,
)
from backend.lib.auth import Principal, require_roles
from backend.lib.clock import utcnow
from backend.lib.deps import Session
from backend.lib.errors import AppError
from backend.lib.pagination import Page, PageSize, check_page


def member_out(m: Member) -> MemberOut:
    return MemberOut(
        id=m.id,
        household_id=m.household_id,
        village_id=m.village_id,
        full_name=m.full_name,
        date_of_birth=m.date_of_birth,
        sex=m.sex,
        cccd=m.cccd,
        phone=m.phone,
        relationship=m.relationship,
        ethnicity=m.ethnicity,
        notes=m.notes,
        version=m.version,
    )


def household_out(
    h: Household, head_name: str | None, members: list[Member] | None
) -> HouseholdOut:
    return HouseholdOut(
        id=h.id,
        village_id=h.village_id,
        commune_id=h.commune_id,
        address=h.address,
        head_member_id=h.head_member_id,
        head_name=head_name,
        notes=h.notes,
        version=h.version,
        members=[member_out(m) for m in members] if members is not None else None,
    )


def _fields(struct: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(struct).items() if v is not msgspec.UNSET}


class HouseholdController(Controller):
    path = "/api/households"
    tags = ["households"]

    @get("/", sync_to_thread=True)
    def list_households(
        self,
        db: Session,
        principal: Principal,
        village_id: str | None = None,
        q: str | None = Parameter(default=None, max_length=200),
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> HouseholdPage:
        offset, limit = check_page(page, page_size)
        rows, total = queries.list_households(
            db, principal, village_id=village_id, query=q, offset=offset, limit=limit
        )
        heads = service.head_names(db, list(rows))
        items = [household_out(h, heads.get(h.head_member_id or ""), None) for h in rows]
        return HouseholdPage(items=items, total=total, page=page, page_size=page_size)

    @post("/", sync_to_thread=True, guards=[require_roles("admin", "officer", "volunteer")])
    def create_household(
        self, data: HouseholdIn, db: Session, principal: Principal
    ) -> HouseholdOut:
        payload = _fields(data)
        payload["members"] = [_fields(m) for m in data.members]
        h = service.create_household(db, principal, payload, utcnow())
        members = queries.members_of(db, [h.id])[h.id]
        heads = service.head_names(db, [h])
        return household_out(h, heads.get(h.head_member_id or ""), members)

    @get("/{household_id:str}", sync_to_thread=True)
    def get_household(self, household_id: str, db: Session, principal: Principal) -> HouseholdOut:
        h = service.visible_household(db, principal, household_id)
        members = queries.members_of(db, [h.id])[h.id]
        heads = service.head_names(db, [h])
        return household_out(h, heads.get(h.head_member_id or ""), members)

    @patch("/{household_id:str}", sync_to_thread=True)
    def update_household(
        self, household_id: str, data: HouseholdPatch, db: Session, principal: Principal
    ) -> HouseholdOut:
        h = service.update_household(db, principal, household_id, _fields(data), utcnow())
        heads = service.head_names(db, [h])
        return household_out(h, heads.get(h.head_member_id or ""), None)

    @post("/{household_id:str}/members", sync_to_thread=True)
    def add_member(
        self, household_id: str, data: MemberIn, db: Session, principal: Principal
    ) -> MemberOut:
        return member_out(service.add_member(db, principal, household_id, _fields(data), utcnow()))

    @post(
        "/import",
        guards=[require_roles("admin", "officer")],
        request_max_body_size=6_000_000,
        status_code=201,
    )
    async def import_csv(
        self,
        request: Request[Any, Any, Any],
        db: Session,
        principal: Principal,
        commune_id: str | None = None,
    ) -> ImportReport:
        """Body: the CSV file itself (`Content-Type: text/csv`). All rows or none."""
        target = principal.commune_id if principal.role == "officer" else commune_id
        if not target:
            raise AppError("commune_required", "Cần chỉ định xã.", "commune_id is required.")
        data = await request.body()
        report = await anyio.to_thread.run_sync(import_into, db, data, target, utcnow())
        return ImportReport(
            imported_households=report["households"], imported_members=report["members"]
        )


class MemberController(Controller):
    path = "/api/members"
    tags = ["households"]

    @get("/{member_id:str}", sync_to_thread=True)
    def get_member(self, member_id: str, db: Session, principal: Principal) -> MemberOut:
        return member_out(service.visible_member(db, principal, member_id))

    @patch("/{member_id:str}", sync_to_thread=True)
    def update_member(
        self, member_id: str, data: MemberPatch, db: Session, principal: Principal
    ) -> MemberOut:
        return member_out(service.update_member(db, principal, member_id, _fields(data), utcnow()))
