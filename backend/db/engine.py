"""Engine and sessions. Synchronous SQLAlchemy: handlers run in Litestar's thread pool.

Why synchronous: on SQLite (the default, embedded) the stdlib driver is markedly faster
than an async bridge, and every database call we make is short.

Transactions on SQLite (WAL): a transaction that may write starts with `BEGIN IMMEDIATE`, so
it takes the one write lock up front and never fails on a lock upgrade; a transaction that
only reads starts with a plain (deferred) `BEGIN` and never touches the write lock, so reads,
the per-request token check and /health keep answering while writers queue. Sessions are
writers unless they say otherwise: `read_session(engine)` / `read_engine(engine)` give
readers (GET and HEAD requests, authentication, the live feed, /health). A reader that must
write after all calls `ensure_writable(session)`, which ends its read transaction and starts a
write transaction — never an in-place upgrade, which WAL refuses (SQLITE_BUSY_SNAPSHOT) as
soon as another writer committed in between. On SQLite a write statement in a read
transaction is a programming error and raises at once (tests catch it, not a crowd).

Writers of one process queue in arrival order on an in-process gate (`FairGate`) before
`BEGIN IMMEDIATE`: SQLite's own busy handler polls with sleeps and is not fair, so under a
crowd some writer could lose every race until its busy timeout. The gate is advisory — the
SQLite lock stays the authority, and a writer that waited `GATE_WAIT_S` goes on to
`BEGIN IMMEDIATE` without it — so a gate that were somehow never released would cost speed,
never correctness. Other processes (the CLI, a second worker) meet the busy timeout.

Pool sizing goes with the thread pool (`pool_size_for`): every thread that can touch the
database can hold a connection at once, so no thread ever waits for one while holding the
thread a connection's owner needs to give it back.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import msgspec
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from backend.privacy import keys
from backend.settings import Settings

_JSON_ENCODE = msgspec.json.Encoder().encode
READ_ONLY = "langso_read_only"  # execution option: this transaction only reads
# How long a SQLite writer waits for the write lock before giving up (the request then gets
# a 503 with Retry-After, never a 500), and how long a thread waits for a pooled connection.
BUSY_TIMEOUT_S = 20.0
POOL_TIMEOUT_S = 20.0
GATE_WAIT_S = 30.0
_GATE = "langso_holds_write_gate"  # connection-record flag: this connection holds the gate
# Connections beyond the worker threads: session clean-up, /health, the live feed, notices.
POOL_SPARE = 8
_WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "CREATE", "DROP", "ALTER")


def json_text(value: Any) -> str:
    """JSON column serialiser: msgspec (C) instead of json.dumps, several times faster on the
    sync push path (every mutation writes five JSON values). Same JSON values; the stored
    text differs only cosmetically (no spaces, non-ASCII kept as UTF-8, NaN as null)."""
    return _JSON_ENCODE(value).decode()


def pool_size_for(threads: int) -> int:
    return threads + POOL_SPARE


def make_engine(
    url: str, threads: int | None = None, settings: Settings | None = None, **kwargs: Any
) -> Engine:
    """`threads`: the worker threads that may use the engine at once (the server's thread
    pool); the pool holds that many connections plus spares. None: a small tool's engine.

    Every engine carries its PII keyring (backend/privacy/keys.py), bound here and nowhere
    else: loaded on first use with the master key of `settings` (default: the environment's,
    read now), so app, CLI, worker, tests and benchmarks all get it the same way."""
    engine = _make_engine(url, threads, **kwargs)
    keys.bind(engine, settings if settings is not None else Settings.from_env())
    return engine


def _make_engine(url: str, threads: int | None, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", json_text)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = not parsed.database or parsed.database == ":memory:"
        if not in_memory:
            Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
            if threads is not None:
                kwargs.setdefault("pool_size", pool_size_for(threads))
                kwargs.setdefault("max_overflow", threads)
                kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}, **kwargs
        )
        _sqlite_transactions(engine)
        return engine
    if threads is not None:
        kwargs.setdefault("pool_size", pool_size_for(threads))
        kwargs.setdefault("max_overflow", POOL_SPARE)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
    else:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
    return create_engine(url, pool_pre_ping=True, **kwargs)


log = logging.getLogger("langso.db")


class FairGate:
    """A lock handed over in arrival order; `acquire` gives up after `timeout` seconds."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # ownership passes directly: _held stays True
            else:
                self._held = False


def _sqlite_transactions(engine: Engine) -> None:
    gate = FairGate()

    def let_go(info: dict[str, Any]) -> None:
        if info.pop(_GATE, False):
            gate.release()
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets readers run while one writer commits; foreign keys are off by default.
        # isolation_level None: pysqlite issues no BEGIN of its own, ours below is the one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no write lock
            return
        if gate.acquire(GATE_WAIT_S):
            conn.info[_GATE] = True
        else:
            log.warning("SQLite write gate: no turn within %ss, waiting on the lock", GATE_WAIT_S)
        try:
            # Take the write lock at BEGIN so two writers never deadlock on lock upgrade.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            let_go(conn.info)
            raise

    # The transaction ends: commit, rollback (also on close), or the connection is reset,
    # invalidated or closed by the pool. Whichever comes first gives the gate back.
    @event.listens_for(engine, "commit")
    def _gate_commit(conn: Any) -> None:
        let_go(conn.info)

    @event.listens_for(engine, "rollback")
    def _gate_rollback(conn: Any) -> None:
        let_go(conn.info)

    def _gate_pool(_dbapi: Any, record: Any) -> None:
        if record is not None:
            let_go(record.info)

    def _gate_pool_3(dbapi: Any, record: Any, _why: Any) -> None:
        _gate_pool(dbapi, record)

    for name in ("reset", "invalidate", "soft_invalidate"):
        event.listen(engine.pool, name, _gate_pool_3)
    for name in ("close", "detach"):
        event.listen(engine.pool, name, _gate_pool)

    @event.listens_for(engine, "before_cursor_execute")
    def _no_write_in_read(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY) and (
            statement.lstrip()[:6].upper().startswith(_WRITE_PREFIXES)
        ):
            raise ReadOnlyTransactionError(
                "write in a read-only transaction; call ensure_writable(session) first"
            )


class ReadOnlyTransactionError(RuntimeError):
    """A write statement in a transaction opened as read-only (a programming error)."""


_readers: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def read_engine(engine: Engine) -> Engine:
    """The same engine and pool, whose transactions are read-only (deferred on SQLite)."""
    reader = _readers.get(engine)
    if reader is None:
        reader = engine.execution_options(**{READ_ONLY: True})
        _readers[engine] = reader
    return reader



def ping(engine: Engine) -> str | None:
    """One round trip in a read transaction (never SQLite's write lock): None when it worked,
    else the driver error's type name (/health)."""
    try:
        with read_engine(engine).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver failure means "not healthy"
        return type(exc).__name__
    return None

def read_session(engine: Engine) -> Session:
    return Session(read_engine(engine), expire_on_commit=False)


def write_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def ensure_writable(session: Session) -> None:
    """Make the session's current transaction one that may write. A read transaction is
    ended first (it holds nothing to keep) and a write transaction begins; a session that
    is already a writer is left as it is."""
    if not session.get_bind().get_execution_options().get(READ_ONLY):
        return
    if session.in_transaction():
        if not session.connection().get_execution_options().get(READ_ONLY):
            return
        session.commit()
    session.connection(execution_options={READ_ONLY: False})


def session_scope(engine: Engine) -> Iterator[Session]:
    """One writer session; rolled back unless the caller committed (tools and tests)."""
    session = write_session(engine)
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
