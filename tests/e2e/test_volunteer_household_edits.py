"""Two volunteers edit the same household member on their own phones without signal: edits to
different fields both survive; the same identity field changed on both becomes a conflict that
each of them sees in the conflict inbox, and the server holds it for a person to decide."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, dump_pages, new_phone_context, test_failed
from tests.e2e.helpers import (
    edit_member,
    go,
    local_member,
    log_in,
    server_db,
    sync_now,
    unseal,
    young_couple,
)


@pytest.fixture()
def second_phone(browser: Any, request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    ctx = new_phone_context(browser)
    try:
        yield ctx
    finally:
        if test_failed(request.node):
            dump_pages(ctx, tmp_path, "second")
        ctx.close()



def _share_village(server: LiveServer, username: str, village_id: str) -> None:
    """Assigns `username` to the village too (an officer would do this in the admin screens)."""
    with server_db(server) as con:
        (user_id,) = con.execute("select id from users where username = ?", (username,)).fetchone()
        con.execute(
            "insert into user_villages (user_id, village_id) values (?, ?)", (user_id, village_id)
        )


def _both_offline(server: LiveServer, *phones: Any) -> None:
    """No signal on either phone, and the server process really gone."""
    server.stop()
    for phone in phones:
        phone.set_offline(True)


def _go_online_and_sync(server: LiveServer, context: Any, page: Any) -> None:
    server.start()  # a no-op once it runs
    context.set_offline(False)
    sync_now(page)


def test_two_volunteers_edit_the_same_household_offline(
    server: LiveServer, context: Any, second_phone: Any
) -> None:
    couple = young_couple(server, "volunteer1")
    member = couple.mother_id
    _share_village(server, "volunteer2", couple.village_id)
    a = context.new_page()
    b = second_phone.new_page()
    log_in(a, server, "volunteer1")
    log_in(b, server, "volunteer2")

    # Round 1: different fields, both offline (neither page was reloaded since its login).
    _both_offline(server, context, second_phone)
    edit_member(a, couple, member, {"phone": "0912345678"})
    edit_member(b, couple, member, {"notes": "Sắp sinh con, dự sinh tháng 12"})
    _go_online_and_sync(server, context, a)
    _go_online_and_sync(server, second_phone, b)
    sync_now(a)  # A fetches B's note
    for page in (a, b):
        row = local_member(page, member)
        assert row["phone"] == "0912345678" and row["notes"] == "Sắp sinh con, dự sinh tháng 12"
        assert row["full_name"] == couple.mother_name
    with server_db(server) as con:
        phone, notes = con.execute(
            "select phone, notes from members where id = ?", (member,)
        ).fetchone()
        assert (phone, notes) == ("0912345678", "Sắp sinh con, dự sinh tháng 12")
        assert con.execute("select count(*) from sync_conflicts").fetchone()[0] == 0

    # Round 2: the same identity field, both offline.
    name_a, name_b = couple.mother_name + " Anh", couple.mother_name + " Bích"
    _both_offline(server, context, second_phone)
    edit_member(a, couple, member, {"full_name": name_a})
    edit_member(b, couple, member, {"full_name": name_b})
    _go_online_and_sync(server, context, a)
    _go_online_and_sync(server, second_phone, b)
    sync_now(a)

    with server_db(server) as con:
        conflicts = con.execute(
            "select field, base_value, current_value, proposed_value, status from sync_conflicts"
            " where entity = 'member' and entity_id = ?",
            (member,),
        ).fetchall()
        stored_name = con.execute(
            "select full_name from members where id = ?", (member,)
        ).fetchone()[0]
    assert [
        (
            c["field"],
            *(json.loads(unseal(server, "sync", json.loads(c[k])))
              for k in ("base_value", "current_value", "proposed_value")),
            c["status"],
        )
        for c in conflicts
    ] == [("full_name", couple.mother_name, name_a, name_b, "open")]
    assert stored_name == name_a  # first to arrive applied; the other waits for a decision

    for page in (a, b):
        go(page, "/conflicts")
        card = page.locator("li.list-item", has_text="Thông tin: Họ và tên")
        card.wait_for(timeout=15_000)
        text = card.inner_text()
        assert name_a in text and name_b in text, text
        assert page.locator("li.list-item").count() == 1
