"""The server's hybrid logical clock (node "server"), one per process.

Why per process and not in the database: a shared clock row would be a hot spot every writer
updates. Each worker's clock stays ahead of every device clock it has received (HLC5) and of its
own wall clock; devices more than 24 h ahead are refused (HLC6), which bounds how far a worker
restarting from the wall clock can fall behind the clocks already stored.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sync.hlc import SERVER_NODE, Hlc, format_hlc, receive, tick


class ServerClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = Hlc(0, 0, SERVER_NODE)

    def tick(self, now: datetime) -> str:
        with self._lock:
            self._last = tick(self._last, ms_of(now))
            return format_hlc(self._last)

    def receive(self, remote: Hlc, now: datetime) -> str:
        """Raises `ClockDrift` when `remote` is more than 24 h ahead of `now`."""
        with self._lock:
            self._last = receive(self._last, remote, ms_of(now))
            return format_hlc(self._last)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ms_of(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


CLOCK = ServerClock()
