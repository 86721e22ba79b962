"""Issue 11, item 3: a conflict reads like the history — the field's label from the catalogue
and its values as the officer would write them (dd/mm/yyyy), not paths and ISO strings."""

from __future__ import annotations

from typing import Any

from tests.integration.test_sync_merge import dossier_for, result, two_devices_on_one_member
from tests.support.device import make_device

__all__ = ["make_device"]
T0 = 1_772_438_400_000


def test_a_conflict_shows_the_fields_label_and_readable_values(
    make_device: Any, client: Any, as_user: Any
) -> None:
    a, b, hid, mid = two_devices_on_one_member(make_device)
    did = dossier_for(a, (hid, mid))
    a.mutate("dossier", did, "update",
             {"form_data": {"child_full_name": "Giàng A Lử",
                            "child_date_of_birth": "2026-02-20"}}, now_ms=T0 + 5)
    assert result(a)["status"] == "applied"
    b.pull()
    a.mutate("dossier", did, "update", {"form_data": {"child_date_of_birth": "2026-02-21"}},
             now_ms=T0 + 10)
    b.mutate("dossier", did, "update", {"form_data": {"child_date_of_birth": "2026-02-22"}},
             now_ms=T0 + 20)
    assert result(a)["status"] == "applied"
    assert result(b)["status"] == "conflict"

    # a draft is outside the queue: opening it needs a stated reason (privacy rules)
    officer = {**as_user("officer_a"), "X-Access-Reason": "conflict check"}
    r = client.get(f"/api/review/dossiers/{did}", headers=officer)
    assert r.status_code == 200, r.text
    [c] = r.json()["conflicts"]
    assert c["label_vi"] == "Ngày sinh của trẻ"
    assert (c["base_text"], c["current_text"], c["proposed_text"]) \
        == ("20/02/2026", "21/02/2026", "22/02/2026")
    assert c["proposed_value"] == "2026-02-22"  # the raw value stays for resolving
