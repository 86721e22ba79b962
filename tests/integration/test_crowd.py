"""Many devices at once against a real server process (`langso serve`, the `make run`
defaults: one worker), on SQLite and on PostgreSQL: every device enrols, pushes its new
household and signed dossiers with their submissions in one batch, and pulls from zero while
the others push. No request may get a 5xx (nor a timeout), every mutation is stored exactly
once, and the server still answers /health afterwards.

bench/burst.py runs the same crowd with hundreds of devices and prints the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.crowd import (
    Device,
    add_villages,
    fresh_database,
    login,
    run_crowd,
    serve,
    stored_counts,
)
from tests.support.databases import require_postgres

DEVICES = 40
DOSSIERS = 2  # per device: create + submit each
DEVICES_PER_VILLAGE = 4


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_crowd_of_devices_pushes_and_pulls_without_errors(kind: str, tmp_path: Path) -> None:
    if kind == "postgres":
        require_postgres()
    with fresh_database(kind, tmp_path) as (url, engine):
        volunteers = add_villages(engine, DEVICES // DEVICES_PER_VILLAGE)
        with serve(url, tmp_path) as server:
            tokens = {name: login(server.base, name) for name, _, _ in volunteers}
            devices = [
                Device(server.base, tokens[name], uid, village, DOSSIERS, timeout=120)
                for i in range(DEVICES)
                for name, uid, village in [volunteers[i // DEVICES_PER_VILLAGE]]
            ]
            outcomes, hung, _ = run_crowd(devices, join_timeout=600)
            assert hung == 0
            statuses = sum((o.statuses for o in outcomes), start=type(outcomes[0].statuses)())
            assert set(statuses) <= {"enrol 201", "push 200", "pull 200"}, statuses
            assert all(o.pushed and o.pulled for o in outcomes)
            assert [o.accepted for o in outcomes] == [o.sent for o in outcomes]
            assert server.health() == 200
            log = server.log_text()
        ids = [d.sim.device_id for d in devices]
        rows, distinct, dossiers = stored_counts(engine, ids)
        sent = sum(o.sent for o in outcomes)
        assert (rows, distinct, dossiers) == (sent, sent, DEVICES * DOSSIERS)
        assert "Traceback" not in log and "database is locked" not in log, log[-3000:]
