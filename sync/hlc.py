"""Hybrid logical clocks (SPEC §HLC).

Wire form ``"<ms:15 digits>-<counter:5 digits>-<node>"``, e.g.
``"001763820000000-00000-server"``. Clock order is the tuple ``(ms, counter, node)`` with
``node`` compared by code points; because the first two parts are fixed-width, plain string
comparison of two valid wire strings gives the same order (HLC2).

All functions are pure: wall-clock time is the ``now_ms`` argument (Unix epoch milliseconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sync.errors import ClockDrift, HlcError

MS_MAX = 10**15 - 1
COUNTER_MAX = 99_999
MAX_DRIFT_MS = 24 * 60 * 60 * 1000
SERVER_LEAD_MS = 5 * 60 * 1000
SERVER_NODE = "server"

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HLC_RE = re.compile(r"([0-9]{15})-([0-9]{5})-(server|[0-9a-f-]{36})")


def is_uuid(value: object) -> bool:
    """True for a lowercase canonical 8-4-4-4-12 hex uuid string (any version/variant)."""
    return isinstance(value, str) and UUID_RE.fullmatch(value) is not None


def is_node(value: object) -> bool:
    return value == SERVER_NODE or is_uuid(value)


@dataclass(frozen=True, order=True, slots=True)
class Hlc:
    """A clock value. Field order makes dataclass ordering equal clock order (HLC2)."""

    ms: int
    counter: int
    node: str

    def __post_init__(self) -> None:
        if isinstance(self.ms, bool) or not isinstance(self.ms, int) or not 0 <= self.ms <= MS_MAX:
            raise HlcError(f"HLC: ms ngoài miền / ms out of range: {self.ms!r}")
        if (
            isinstance(self.counter, bool)
            or not isinstance(self.counter, int)
            or not 0 <= self.counter <= COUNTER_MAX
        ):
            raise HlcError(f"HLC: bộ đếm ngoài miền / counter out of range: {self.counter!r}")
        if not is_node(self.node):
            raise HlcError(f"HLC: nút không hợp lệ / bad node: {self.node!r}")

    def __str__(self) -> str:
        return format_hlc(self)


def format_hlc(h: Hlc) -> str:
    return f"{h.ms:015d}-{h.counter:05d}-{h.node}"


def parse_hlc(text: str) -> Hlc:
    """Parse the wire form. Raises :class:`HlcError` (``bad_hlc``) for anything else,
    including uppercase uuids and missing zero padding.
    """
    m = _HLC_RE.fullmatch(text) if isinstance(text, str) else None
    if m is None or not is_node(m.group(3)):
        raise HlcError(f"HLC không hợp lệ / malformed HLC: {text!r}")
    return Hlc(int(m.group(1)), int(m.group(2)), m.group(3))


def compare(a: Hlc | str, b: Hlc | str) -> int:
    """-1, 0 or 1 as ``a`` is before, equal to or after ``b``."""
    ha = parse_hlc(a) if isinstance(a, str) else a
    hb = parse_hlc(b) if isinstance(b, str) else b
    return (ha > hb) - (ha < hb)


def _check_now(now_ms: int) -> None:
    if isinstance(now_ms, bool) or not isinstance(now_ms, int) or not 0 <= now_ms <= MS_MAX:
        raise HlcError(f"now_ms ngoài miền / now_ms out of range: {now_ms!r}")


def _advance(ms: int, counter: int, node: str) -> Hlc:
    # Counter overflow carries into ms (HLC5) rather than failing: the clock must always move.
    if counter > COUNTER_MAX:
        return Hlc(ms + 1, 0, node)
    return Hlc(ms, counter, node)


def tick(local: Hlc, now_ms: int) -> Hlc:
    """Clock for a local or send event (HLC4): strictly greater than ``local``."""
    _check_now(now_ms)
    if now_ms > local.ms:
        return Hlc(now_ms, 0, local.node)
    return _advance(local.ms, local.counter + 1, local.node)


def check_drift(remote: Hlc, now_ms: int) -> None:
    """Raise :class:`ClockDrift` if ``remote`` is more than 24 h ahead of ``now_ms`` (HLC6).
    Exactly 24 h ahead is accepted.
    """
    _check_now(now_ms)
    if remote.ms - now_ms > MAX_DRIFT_MS:
        raise ClockDrift(
            "Đồng hồ thiết bị lệch quá 24 giờ / remote clock is more than 24 h ahead: "
            f"{format_hlc(remote)} vs now {now_ms}"
        )


def receive(local: Hlc, remote: Hlc, now_ms: int) -> Hlc:
    """Clock after receiving ``remote`` (HLC5): greater than both ``local`` and ``remote``,
    keeps ``local.node``. Raises :class:`ClockDrift` first if ``remote`` is too far ahead.
    """
    check_drift(remote, now_ms)
    ms = max(local.ms, remote.ms, now_ms)
    if ms == local.ms == remote.ms:
        counter = max(local.counter, remote.counter) + 1
    elif ms == local.ms:
        counter = local.counter + 1
    elif ms == remote.ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return _advance(ms, counter, local.node)


def server_receive(local: Hlc, remote: Hlc, now_ms: int) -> Hlc:
    """The server clock after receiving a device clock (HLC7): HLC6 first; a remote at most
    ``SERVER_LEAD_MS`` ahead of ``now_ms`` is received (HLC5); one further ahead orders only
    that device's own writes and the server clock just ticks (HLC4), so one fast phone
    cannot push the clock every node shares into the future.
    """
    check_drift(remote, now_ms)
    if remote.ms - now_ms > SERVER_LEAD_MS:
        return tick(local, now_ms)
    return receive(local, remote, now_ms)
