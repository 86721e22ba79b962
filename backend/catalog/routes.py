"""The procedure catalogue, read-only, for any signed-in user (the PWA caches it offline)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from sqlmodel import Session

from backend.catalog.loader import ProcedureNotFound
from backend.lib.auth import Principal
from backend.lib.errors import not_found
from backend.province import catalogue


class CatalogController(Controller):
    path = "/api/procedures"
    tags = ["procedures"]

    @get("/", sync_to_thread=True)
    def list_procedures(self, state: State, db: Session,
                        principal: Principal) -> list[dict[str, Any]]:
        """Every procedure at the version the caller's province files it with (the newest
        unless its administrator chose another), with form schema and components."""
        return [p.model_dump(mode="json", exclude_none=True)
                for p in catalogue.served(db, state.catalog, principal)]

    @get("/{code:str}/versions/{version:int}", sync_to_thread=False)
    def get_version(self, code: str, version: int, state: State) -> dict[str, Any]:
        try:
            procedure = state.catalog.get(code, version)
        except ProcedureNotFound as exc:
            raise not_found("thủ tục", "Procedure") from exc
        return procedure.model_dump(mode="json", exclude_none=True)  # type: ignore[no-any-return]
