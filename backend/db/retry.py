"""Transient database failures: recognised, retried inside the server, answered with 503.

A transaction can fail for reasons that say nothing about the request: a PostgreSQL deadlock
or serialization failure, a SQLite writer that waited `BUSY_TIMEOUT_S` for the write lock, a
thread that waited too long for a pooled connection. The push service runs its whole
transaction again a bounded number of times (`run_transaction`); whatever still fails — there
or in any other route — is a `503 server_busy` with `Retry-After`, never a 500. Clients retry
pushes anyway (replays are safe: docs/protocol.md).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Request, Response
from sqlalchemy import exc as sa_exc
from sqlmodel import Session

from backend.lib.errors import AppError, internal_error_handler, problem

T = TypeVar("T")
log = logging.getLogger("langso.db")

ATTEMPTS = 5
RETRY_AFTER_S = 2
# deadlock_detected, serialization_failure, lock_not_available, too_many_connections
_PG_TRANSIENT = {"40P01", "40001", "55P03", "53300"}
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")

BUSY_VI = "Máy chủ đang bận, vui lòng thử lại sau ít giây."
BUSY_EN = "The server is busy; retry in a few seconds."


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.TimeoutError):  # the pool had no connection in time
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _PG_TRANSIENT:
        return True
    return isinstance(exc, sa_exc.OperationalError) and any(
        text in str(orig).lower() for text in _SQLITE_TRANSIENT
    )


def _worth_retrying(exc: BaseException) -> bool:
    """Deadlocks and serialization failures are reported at once: running again is cheap and
    usually succeeds. A lock or pool wait that timed out has already cost its timeout."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in {"40P01", "40001"}


def busy_error() -> AppError:
    return AppError("server_busy", BUSY_VI, BUSY_EN, 503,
                    headers={"Retry-After": str(RETRY_AFTER_S)})


def run_transaction(session: Session, work: Callable[[], T], attempts: int = ATTEMPTS,
                    sleep: Callable[[float], None] = time.sleep) -> T:
    """`work()` (which commits) again from a clean session after a transient failure, at most
    `attempts` times in all, with a short randomised back-off; then a 503 AppError."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            if not is_transient(exc):
                raise
            session.rollback()
            if not _worth_retrying(exc):  # it already waited its full timeout
                raise busy_error() from exc
            log.warning("transient database failure (attempt %d of %d): %s", attempt,
                        attempts, type(exc.orig if isinstance(exc, sa_exc.DBAPIError)
                                       else exc).__name__)
            if attempt == attempts:
                raise busy_error() from exc
            sleep(random.uniform(0.02, 0.1) * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def database_error_handler(request: Request[Any, Any, Any], exc: Exception
                           ) -> Response[dict[str, Any]]:
    """Exception handler for SQLAlchemy errors: transient ones are a 503, the rest a 500."""
    if is_transient(exc):
        log.warning("transient database failure answered 503: %s", type(exc).__name__)
        return problem(503, "server_busy", BUSY_VI, BUSY_EN,
                       headers={"Retry-After": str(RETRY_AFTER_S)})
    return internal_error_handler(request, exc)
