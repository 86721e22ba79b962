"""Dependencies handed to route handlers: the database session, the caller, the clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from sqlmodel import Session

from backend.db.engine import session_scope
from backend.lib.auth import NOT_AUTHENTICATED, READ_ONLY, Principal


def provide_db(state: State) -> Iterator[Session]:
    yield from session_scope(state.engine)


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise NOT_AUTHENTICATED
    if not user.may_request(request.method, request.url.path):
        raise READ_ONLY
    return user
