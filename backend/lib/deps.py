"""Dependencies handed to route handlers: the database session, the caller, the clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
from litestar import Request
from litestar.datastructures import State
from sqlalchemy import Engine as Engine
from sqlmodel import Session as Session

from backend.db.engine import read_session, write_session
from backend.lib.auth import NOT_AUTHENTICATED, READ_ONLY, Principal

# Session and Engine are re-exported: routes annotate their dependencies with them and import
# nothing from sqlalchemy/sqlmodel themselves (the import contract in pyproject.toml).
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Threads that only give connections back, apart from the handlers' thread pool.
_CLOSER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="langso-db-close")


async def provide_db(state: State, request: Request[Any, Any, Any]) -> AsyncIterator[Session]:
    """A reader session for GET/HEAD (never takes SQLite's write lock), a writer otherwise.

    The session is closed (its transaction rolled back unless committed, its connection
    given back) whatever happens to the request: after a normal answer, after an error, and
    when the client went away or the request was cancelled. Closing runs in a thread of its
    own small pool, shielded from cancellation, so it never waits for a handler thread."""
    engine = state.engine
    session = read_session(engine) if request.method in READ_METHODS else write_session(engine)
    try:
        yield session
    finally:
        with anyio.CancelScope(shield=True):
            await asyncio.get_running_loop().run_in_executor(_CLOSER, session.close)


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise NOT_AUTHENTICATED
    if not user.may_request(request.method, request.url.path):
        raise READ_ONLY
    return user
