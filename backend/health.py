"""Liveness with a real database round trip.

The check runs in a thread of its own (not the handlers' thread pool) in a read transaction
(never SQLite's write lock): /health answers while every handler thread is busy or waiting
for the write lock, so a busy server is told apart from a stuck one.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import msgspec
from litestar import Response, get
from litestar.datastructures import State

from backend.db.engine import ping
from backend.lib.wire import UNSET, UnsetType

_CHECKER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="langso-health")


class HealthOut(msgspec.Struct):
    status: str  # ok | error
    database: str  # ok | unreachable
    detail: str | UnsetType = UNSET  # the driver error's type, when unreachable


@get("/health", opt={"public": True}, tags=["health"])
async def health(state: State) -> Response[HealthOut]:
    failure = await asyncio.get_running_loop().run_in_executor(_CHECKER, ping, state.engine)
    if failure is not None:
        return Response(HealthOut(status="error", database="unreachable", detail=failure),
                        status_code=503)
    return Response(HealthOut(status="ok", database="ok"))
