"""One PostgreSQL LISTEN per server process for the live feed (SQLite keeps polling).

Writers `NOTIFY langso_changes, '<commune_id>'` in the transaction that appends change rows
(backend/changelog/changes.py); PostgreSQL delivers it on commit. A daemon thread per process
LISTENs on its own autocommit connection and wakes the feeds of that commune (and the
commune-less admin feeds) on their event loops. A feed still re-reads every SAFETY_POLL
seconds, so a notification lost while the listener reconnects only delays an event.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field

import psycopg

log = logging.getLogger("langso.live")
CHANNEL = "langso_changes"


# What a feed watches: one commune, a province's communes, or every commune (None).
Scope = str | frozenset[str] | None


@dataclass(eq=False)
class Waiter:
    commune_id: Scope
    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)


def _watches(scope: Scope, commune_id: str) -> bool:
    if scope is None:
        return True
    return commune_id == scope if isinstance(scope, str) else commune_id in scope


class Notifier:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.waiters: set[Waiter] = set()
        self.received = 0
        self.listening = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="langso-listen", daemon=True)
        self._thread.start()

    def register(self, commune_id: Scope) -> Waiter:
        waiter = Waiter(commune_id, asyncio.get_running_loop())
        with self._lock:
            self.waiters.add(waiter)
        return waiter

    def unregister(self, waiter: Waiter) -> None:
        with self._lock:
            self.waiters.discard(waiter)

    def _wake(self, commune_id: str) -> None:
        self.received += 1
        with self._lock:
            chosen = [w for w in self.waiters if _watches(w.commune_id, commune_id)]
        for w in chosen:
            w.loop.call_soon_threadsafe(w.event.set)

    def _run(self) -> None:
        delay = 1.0
        while True:
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    delay = 1.0
                    for note in conn.notifies():
                        self._wake(note.payload)
            except Exception as exc:  # reconnect; feeds fall back to their safety poll
                self.listening.clear()
                log.warning("live listener: %s; reconnecting in %.0f s",
                            str(exc).splitlines()[0] if str(exc) else type(exc).__name__, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)


_NOTIFIERS: dict[str, Notifier] = {}
_CREATE = threading.Lock()


def notifier_for(database_url: str) -> Notifier:
    """The process's listener for this database, started on first use."""
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with _CREATE:
        if dsn not in _NOTIFIERS:
            _NOTIFIERS[dsn] = Notifier(dsn)
        return _NOTIFIERS[dsn]
