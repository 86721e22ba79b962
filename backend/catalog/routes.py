"""The procedure catalogue, read-only, for any signed-in user (the PWA caches it offline)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from pydantic import BaseModel

from backend.catalog.loader import ProcedureNotFound
from backend.catalog.model import Procedure
from backend.lib.auth import Principal
from backend.lib.deps import Session
from backend.lib.errors import not_found
from backend.province import catalogue


def _dump(model: BaseModel) -> Any:
    # The catalogue's own file format: keys left out stay out (no `null` for every option).
    return model.model_dump(mode="json", exclude_none=True)


class CatalogController(Controller):
    """Answers are the catalogue's own models (backend/catalog/model.py, the one definition of
    the format, docs/catalog-format.md), typed for the OpenAPI document like every other
    answer; no copy of the format as msgspec Structs."""

    path = "/api/procedures"
    tags = ["procedures"]
    type_encoders = {BaseModel: _dump}

    @get("/", sync_to_thread=True)
    def list_procedures(self, state: State, db: Session, principal: Principal) -> list[Procedure]:
        """Every procedure at the version the caller's province files it with (the newest
        unless its administrator chose another), with form schema and components."""
        return list(catalogue.served(db, state.catalog, principal))

    @get("/{code:str}/versions/{version:int}", sync_to_thread=False)
    def get_version(self, code: str, version: int, state: State) -> Procedure:
        try:
            return state.catalog.get(code, version)  # type: ignore[no-any-return]
        except ProcedureNotFound as exc:
            raise not_found("thủ tục", "Procedure") from exc
