"""The SQLite write gate hands the lock over in arrival order and gives up after its timeout;
the retry module tells transient database failures from real ones."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import exc as sa_exc
from sqlmodel import Session

from backend.db.engine import FairGate, make_engine
from backend.db.retry import is_transient, run_transaction
from backend.lib.errors import AppError


def test_waiters_get_the_gate_in_arrival_order() -> None:
    gate = FairGate()
    assert gate.acquire(1)
    order: list[int] = []
    arrived: list[int] = []

    def waiter(i: int) -> None:
        arrived.append(i)
        assert gate.acquire(30)
        order.append(i)
        gate.release()

    threads = []
    for i in range(8):
        t = threading.Thread(target=waiter, args=(i,))
        t.start()
        while len(arrived) <= i:  # start the next waiter only once this one is queued
            time.sleep(0.001)
        time.sleep(0.01)
        threads.append(t)
    gate.release()
    for t in threads:
        t.join(30)
    assert order == list(range(8))


def test_a_waiter_gives_up_and_the_gate_stays_usable() -> None:
    gate = FairGate()
    assert gate.acquire(1)
    assert gate.acquire(0.01) is False  # timed out: not queued any more
    gate.release()
    assert gate.acquire(0.01)  # free again: nobody was handed a stale turn
    gate.release()


def _locked() -> sa_exc.OperationalError:
    return sa_exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError(
        "database is locked"))


def test_transient_failures_are_recognised() -> None:
    assert is_transient(_locked())
    assert is_transient(sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"))
    assert not is_transient(sa_exc.OperationalError(
        "SELECT", {}, sqlite3.OperationalError("no such table: x")))
    assert not is_transient(ValueError("database is locked"))


def test_a_lock_timeout_is_a_503_at_once_and_other_errors_pass_through() -> None:
    engine = make_engine("sqlite://")
    calls: list[int] = []

    def locked() -> None:
        calls.append(1)
        raise _locked()

    with Session(engine) as session:
        with pytest.raises(AppError) as caught:
            run_transaction(session, locked, sleep=lambda _: None)
        assert (caught.value.status, caught.value.code) == (503, "server_busy")
        assert caught.value.headers["Retry-After"].isdigit()
        assert calls == [1]  # it already waited its busy timeout: no second wait

        def broken() -> None:
            raise sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table"))

        with pytest.raises(sa_exc.OperationalError):
            run_transaction(session, broken, sleep=lambda _: None)
