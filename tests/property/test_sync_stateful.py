"""Stateful property test of the sync protocol (Hypothesis RuleBasedStateMachine).

Several simulated devices edit one household and its members offline and sync in random order
through a lossy network: requests dropped, responses lost (the server applied, the device never
heard), batches duplicated or reordered, and the server restarted (new app and engine on the
same database). At the end every device drains its outbox and pulls, and:

* every replica equals the server's current state (convergence);
* every mutation a device ever signed is stored exactly once, and every acknowledged result is
  the stored one (exactly-once, replay returns the original);
* every lost last-writer-wins value is in `sync_losers` and every conflict in `sync_conflicts`.

Runs on SQLite and PostgreSQL through the `database_url` fixture.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from litestar.testing import TestClient
from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, col, select

from backend.app import create_app
from backend.db.models import SyncConflict, SyncLoser, SyncMutation
from backend.settings import Settings
from tests.conftest import WORLD_TABLES, login
from tests.support.device import SimDevice, household_fields, member_fields, new_uuid
from tests.support.world import WORLD, user_id

USERS = ("vol_a1", "vol_a1", "officer_a")
NAMES = ("Giàng A Páo", "Giàng Á Páo", "Giàng A Pào")
PHONES = ("0912345678", "0987654321", "0977777777", None)
NOTES = ("", "Nhà gần suối", "Có người già", "Đi làm xa")
T0 = 1_772_438_400_000


def wipe(engine: Any) -> None:
    keep = WORLD_TABLES | {"auth_tokens"}
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(delete(table))


class SyncMachine(RuleBasedStateMachine):
    app_settings: Settings
    tokens: dict[str, dict[str, str]]

    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(self.app_settings)
        self.client = TestClient(app=self.app).__enter__()
        self.devices: list[SimDevice] = []
        self.time = T0
        self.restarts = 0

    # --- set-up -------------------------------------------------------------------------
    @initialize()
    def seed(self) -> None:
        wipe(self.app.state.engine)
        for i, user in enumerate(USERS):
            dev = SimDevice(self.client, self.tokens[user], alg="ES256" if i == 2 else "Ed25519")
            dev.enrol(user_id(user))
            self.devices.append(dev)
        self.hid = new_uuid()
        self.members = [new_uuid()]
        first = self.devices[0]
        first.mutate("household", self.hid, "create", household_fields(WORLD.village_a1),
                     now_ms=self._tick())
        first.mutate("member", self.members[0], "create", member_fields(self.hid),
                     now_ms=self._tick())
        assert first.push().status_code == 200
        for dev in self.devices:
            dev.pull()

    def _tick(self) -> int:
        self.time += 7
        return self.time

    # --- offline edits ------------------------------------------------------------------
    @rule(d=st.integers(0, 2), which=st.integers(0, 9), field=st.sampled_from(
        ["phone", "notes", "full_name"]), value=st.integers(0, 3))
    def edit_member(self, d: int, which: int, field: str, value: int) -> None:
        dev = self.devices[d]
        known = [m for m in self.members if ("member", m) in dev.replica]
        if not known:
            return
        mid = known[which % len(known)]
        new = {"phone": PHONES, "notes": NOTES, "full_name": (*NAMES, NAMES[0])}[field][value]
        dev.mutate("member", mid, "update", {field: new}, now_ms=self._tick())

    @rule(d=st.integers(0, 2), value=st.integers(0, 3))
    def edit_household_notes(self, d: int, value: int) -> None:
        self.devices[d].mutate("household", self.hid, "update", {"notes": NOTES[value]},
                               now_ms=self._tick())

    @rule(d=st.integers(0, 2))
    def add_to_roster(self, d: int) -> None:
        dev = self.devices[d]
        roster = dev.replica.get(("household", self.hid), {}).get("data", {}).get("members", [])
        dev.mutate("household", self.hid, "update", {"members": [*roster, new_uuid()]},
                   now_ms=self._tick())

    @rule(d=st.integers(0, 2))
    def create_member(self, d: int) -> None:
        mid = new_uuid()
        self.members.append(mid)
        self.devices[d].mutate("member", mid, "create",
                               member_fields(self.hid, "Lò Thị Mai", "con", 2015, "female"),
                               now_ms=self._tick())

    # --- the network ----------------------------------------------------------------------
    @rule(d=st.integers(0, 2), mode=st.sampled_from(
        ["ok", "drop_request", "drop_response", "duplicate", "reorder"]),
        size=st.integers(1, 6))
    def sync(self, d: int, mode: str, size: int) -> None:
        dev = self.devices[d]
        items = dev.outbox[:size]
        if items and mode != "drop_request":
            if mode == "reorder" and len(items) > 1:
                r = dev.post_push(dev.push_body(items[1:] + items[:1]))
                assert r.status_code in (200, 409), r.text
                if r.status_code == 200:  # the head was already stored: replays and then next
                    dev.acknowledge(r.json())
                else:
                    assert r.json()["code"] in ("chain_gap", "chain_fork")
            else:
                body = dev.push_body(items)
                r = dev.post_push(body)
                assert r.status_code == 200, r.text
                if mode == "duplicate":
                    again = dev.post_push(body)
                    assert again.json()["results"] == r.json()["results"]
                if mode != "drop_response":
                    dev.acknowledge(r.json())
        if mode == "ok":
            dev.pull()

    @rule()
    def restart_server(self) -> None:
        self.client.__exit__(None, None, None)
        self.app.state.engine.dispose()
        self.app = create_app(self.app_settings)
        self.client = TestClient(app=self.app).__enter__()
        for dev in self.devices:
            dev.http = self.client
        self.restarts += 1

    @invariant()
    def outbox_is_a_contiguous_chain_tail(self) -> None:
        for dev in self.devices:
            ns = [s.n for s in dev.outbox]
            assert ns == list(range(dev.n - len(ns) + 1, dev.n + 1))

    # --- the end --------------------------------------------------------------------------
    def teardown(self) -> None:
        try:
            if self.devices:
                self._converge_and_check()
        finally:
            self.client.__exit__(None, None, None)
            self.app.state.engine.dispose()

    def _converge_and_check(self) -> None:
        for dev in self.devices:
            while dev.outbox:
                r = dev.push(limit=50)
                assert r.status_code == 200, r.text
        server = SimDevice(self.client, self.tokens["officer_a"])
        server.pull()
        for dev in self.devices:
            dev.pull()
            assert dev.replica == server.replica, "replica diverged from the server"
        with Session(self.app.state.engine) as s:
            for dev in self.devices:
                stored = s.exec(select(func.count()).select_from(SyncMutation).where(
                    SyncMutation.device_id == dev.device_id)).one()
                assert stored == dev.n, "every signed mutation is stored exactly once"
                rows = {m.id: m for m in s.exec(select(SyncMutation).where(
                    col(SyncMutation.id).in_(list(dev.acked))))}
                assert set(rows) == set(dev.acked)
                for mid, result in dev.acked.items():
                    assert rows[mid].result == result
                    for c in result.get("conflicts", []):
                        assert s.get(SyncConflict, c["id"]) is not None
                    for name in result.get("lost_fields", []):
                        loser = s.exec(select(SyncLoser).where(
                            SyncLoser.mutation_id == mid, SyncLoser.field == name)).first()
                        assert loser is not None, "a lost value was not recorded"
            merged = s.exec(select(SyncMutation).where(SyncMutation.status == "merged")).all()
            for m in merged:
                if m.result.get("lost_fields"):
                    assert s.exec(select(func.count()).select_from(SyncLoser).where(
                        SyncLoser.mutation_id == m.id)).one() >= 1


def test_devices_converge_through_a_lossy_network(
    database_url: str, settings: Settings, engine: Any
) -> None:
    with TestClient(app=create_app(settings)) as c:
        SyncMachine.tokens = {u: login(c, u) for u in set(USERS)}
    SyncMachine.app_settings = settings
    try:
        run_state_machine_as_test(SyncMachine, settings=settings_for_db(database_url))
    finally:
        wipe(engine)


def settings_for_db(database_url: str) -> Any:
    return hypothesis_settings(max_examples=12, stateful_step_count=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])
