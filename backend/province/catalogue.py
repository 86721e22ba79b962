"""Catalogue versions per province: the province administrator chooses, per procedure, which
published version its communes file with (a new version is published for the whole country;
a province moves to it when its officers and volunteers are ready). No choice: the newest.

The choice decides what the communes are served (`GET /api/procedures`, which volunteers'
phones cache offline) and the version of a dossier drafted without one. A dossier keeps the
version it was filed with: a phone that was offline when the choice changed files with the
version it holds, and the server accepts every published version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from backend.catalog.loader import Catalog, ProcedureNotFound
from backend.catalog.model import Procedure
from backend.db.models import Commune, ProvinceProcedureVersion
from backend.lib.auth import Principal
from backend.lib.errors import AppError, forbidden


def pinned(session: Session, province_id: str | None) -> dict[str, int]:
    if province_id is None:
        return {}
    rows = session.exec(select(ProvinceProcedureVersion)
                        .where(ProvinceProcedureVersion.province_id == province_id)).all()
    return {r.procedure_code: r.version for r in rows}


def province_of(session: Session, principal: Principal) -> str | None:
    """The province whose choices apply to the caller (none for an admin)."""
    if principal.province_id is not None:
        return principal.province_id
    if principal.commune_id is None:
        return None
    commune = session.get(Commune, principal.commune_id)
    return commune.province_id if commune else None


def effective(catalog: Catalog, pins: dict[str, int]) -> list[Procedure]:
    """Every procedure at the version its province chose, else the newest."""
    out = []
    for newest in catalog.latest():
        version = pins.get(newest.code)
        out.append(catalog.procedures.get((newest.code, version), newest) if version else newest)
    return out


def served(session: Session, catalog: Catalog, principal: Principal) -> list[Procedure]:
    return effective(catalog, pinned(session, province_of(session, principal)))


def version_for(session: Session, principal: Principal, code: str) -> int | None:
    """The version a new dossier of `code` is drafted with when the caller names none."""
    return pinned(session, province_of(session, principal)).get(code)


def listing(session: Session, catalog: Catalog, province_id: str) -> list[dict[str, Any]]:
    pins = pinned(session, province_id)
    rows = []
    for newest in catalog.latest():
        versions = sorted(v for (c, v) in catalog.procedures if c == newest.code)
        rows.append({"code": newest.code, "name": newest.name.vi, "versions": versions,
                     "latest": newest.version, "pinned": pins.get(newest.code),
                     "effective": pins.get(newest.code, newest.version)})
    return rows


def choose(session: Session, catalog: Catalog, principal: Principal, province_id: str,
           code: str, version: int | None, now: datetime) -> dict[str, Any]:
    """Pin `code` to `version` for the province (None: follow the newest again)."""
    if not (principal.is_admin or (principal.role == "province_admin"
                                   and principal.province_id == province_id)):
        raise forbidden()
    try:
        catalog.get(code, version)
    except ProcedureNotFound as exc:
        raise AppError("unknown_procedure_version",
                       f"Không có phiên bản {version} của thủ tục {code}.",
                       f"No version {version} of procedure {code}.", 422) from exc
    row = session.get(ProvinceProcedureVersion, (province_id, code))
    if version is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ProvinceProcedureVersion(province_id=province_id, procedure_code=code,
                                             version=version, set_by=principal.user_id,
                                             set_at=now))
    else:
        row.version, row.set_by, row.set_at = version, principal.user_id, now
        session.add(row)
    session.commit()
    return next(r for r in listing(session, catalog, province_id) if r["code"] == code)



