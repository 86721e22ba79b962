"""One server clock for all nodes (SPEC HLC7): the server's hybrid clock is derived from the
commune's clock stored in the database, advanced in the writing transaction, and a device clock
far ahead of the wall clock orders only that device's writes: it never drags the server clock,
so an officer's edit is stamped the same way whichever node (or process) serves it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.changelog.clock import ms_of
from backend.db.models import CommuneClock, EntityVersion, Member, SyncLoser
from backend.lib.clock import utcnow
from sync.hlc import SERVER_LEAD_MS, parse_hlc
from tests.support.device import household_fields, make_device, member_fields, new_uuid
from tests.support.world import WORLD

__all__ = ["make_device"]
HOUR = 3_600_000


def stored_clock(engine: Engine, commune_id: str = WORLD.commune_a) -> int:
    with Session(engine) as s:
        row = s.get(CommuneClock, commune_id)
        assert row is not None
        return parse_hlc(row.hlc).ms


def field_clock(engine: Engine, mid: str, field: str) -> str:
    with Session(engine) as s:
        v = s.exec(select(EntityVersion).where(EntityVersion.entity_id == mid)
                   .order_by(col(EntityVersion.version).desc())).first()
        assert v is not None
        return v.clocks[field]  # type: ignore[no-any-return]


def test_a_fast_phone_does_not_drag_the_server_clock_and_the_officers_edit_is_ordered_by_it(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    fast, other = make_device("vol_a1"), make_device("officer_a")
    now = ms_of(utcnow())
    hid, mid = new_uuid(), new_uuid()
    fast.mutate("household", hid, "create", household_fields(WORLD.village_a1), now_ms=now)
    fast.mutate("member", mid, "create", member_fields(hid, phone="0912345678"), now_ms=now)
    assert fast.push().status_code == 200
    other.pull()

    # a phone whose clock runs 20 h fast edits the member's phone
    fast.mutate("member", mid, "update", {"phone": "0987654321"}, now_ms=now + 20 * HOUR)
    r = fast.push()
    assert r.json()["results"][-1]["status"] == "applied"
    assert parse_hlc(field_clock(engine, mid, "phone")).ms == now + 20 * HOUR  # its own order
    wall = ms_of(utcnow())
    assert stored_clock(engine) <= wall + SERVER_LEAD_MS, "a fast phone dragged the server clock"
    assert parse_hlc(r.json()["results"][-1]["hlc"]).ms < now + HOUR

    # an officer edits it: stamped by the commune's clock, not by the fast phone's
    officer = as_user("officer_a")
    assert client.patch(f"/api/members/{mid}", json={"phone": "0911111111"},
                        headers=officer).status_code == 200
    officer_clock = parse_hlc(field_clock(engine, mid, "phone"))
    assert officer_clock.node == "server" and officer_clock.ms < now + HOUR

    # another device pushes an edit based on the version before both, made after the officer's
    other.mutate("member", mid, "update", {"phone": "0977777777"},
                 now_ms=ms_of(utcnow()) + 2000)
    res = other.push().json()["results"][-1]
    assert res["status"] == "merged", json.dumps(res)
    with Session(engine) as s:
        m = s.get(Member, mid)
        assert m is not None and m.phone == "0977777777"
        losers = s.exec(select(SyncLoser).where(SyncLoser.entity_id == mid)).all()
        assert ("0911111111", "0977777777") in [(lo.losing_value, lo.winning_value)
                                                for lo in losers]


def test_the_server_clock_continues_from_the_clock_stored_for_the_commune(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device("vol_a1")
    now = ms_of(utcnow())
    hid, mid = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1), now_ms=now)
    dev.mutate("member", mid, "create", member_fields(hid), now_ms=now)
    assert dev.push().status_code == 200
    # another node committed a clock one hour ahead (its wall clock was ahead, say)
    ahead = ms_of(utcnow() + timedelta(hours=1))
    with Session(engine) as s:
        row = s.get(CommuneClock, WORLD.commune_a)
        assert row is not None
        row.hlc = f"{ahead:015d}-00007-server"
        s.add(row)
        s.commit()
    assert client.patch(f"/api/members/{mid}", json={"notes": "x"},
                        headers=as_user("officer_a")).status_code == 200
    stamped = parse_hlc(field_clock(engine, mid, "notes"))
    assert (stamped.ms, stamped.counter, stamped.node) == (ahead, 8, "server")
    assert stored_clock(engine) == ahead
    with Session(engine) as s:
        assert s.get(CommuneClock, WORLD.commune_a).hlc == f"{ahead:015d}-00008-server"  # type: ignore[union-attr]
    # another commune's clock is its own
    with Session(engine) as s:
        other = s.get(CommuneClock, WORLD.commune_b)
        assert other is None or parse_hlc(other.hlc).ms < ahead
