"""Liveness with a real database round trip."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text


@get("/health", opt={"public": True}, sync_to_thread=True, tags=["health"])
def health(state: State) -> Response[dict[str, Any]]:
    try:
        with state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver failure means "not healthy"
        return Response(
            {"status": "error", "database": "unreachable", "detail": type(exc).__name__},
            status_code=503,
        )
    return Response({"status": "ok", "database": "ok"})
