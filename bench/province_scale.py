"""Province view at a province's scale, on PostgreSQL.

Seeds a fresh database with one province of 100 communes (one village, household, member
and volunteer each) and N dossiers over the last two years with state histories
(generate_series SQL, not the ORM): 5 % refused at intake, 4 % withdrawn, 2 % stopped,
3 % still being processed (a third of them past their due date), the rest decided (approve
9 in 10, reject 1 in 10) after 1–12 days against a 5-working-day deadline, so about 80 % on
time; 90 % of decided dossiers get a signed electronic result, 60 % of those are returned,
40 % rated (85 % satisfied). Audit events are written for submit, receive, the decision,
the result and the return; the rollup rows are then built with one INSERT … SELECT that
mirrors `backend.monitoring.rollups.event_counts`, and `--verify` checks them against the
Python recomputation for a few communes.

Then measures, as the province monitor, the service calls behind the routes (no HTTP):
the province view (index of 100 communes, ranking, last 30 days), the province view over a
year, one commune's view with its procedures, the 12-week trend and the drill-down to
dossiers (finished and late, one commune and procedure). Prints median and p95 of --runs.

    .venv/bin/python bench/province_scale.py [--dossiers 1000000] [--runs 20] [--verify]
        [--keep]   # keep the database (prints its URL)
        [--database URL]   # measure a database kept by --keep (migrated to head, not seeded)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlmodel import Session

from backend.db.engine import make_engine
from backend.db.migrate import upgrade
from backend.lib.auth import Principal
from backend.lib.clock import utcnow
from backend.lib.vntime import local_date
from backend.monitoring import rollups
from backend.province import service
from tests.support.databases import create_database, drop_database

COMMUNES = 100
PROVINCE = "97"
PROCEDURES = ("khai-sinh", "khai-tu", "ket-hon", "xac-nhan-tinh-trang-hon-nhan",
              "dang-ky-thuong-tru")

SEED = """
INSERT INTO provinces (id, name) VALUES (:p, 'Tỉnh Đo Tải');
INSERT INTO communes (id, province_id, name, unit_code)
  SELECT lpad((97000 + g)::text, 5, '0'), :p, 'Xã ' || g, '000.97.' || g || '.H97'
  FROM generate_series(1, :n) g;
INSERT INTO villages (id, commune_id, code, name)
  SELECT 'v-' || c.id, c.id, 'V' || c.id, 'Bản ' || c.name FROM communes c WHERE province_id = :p;
INSERT INTO users (id, username, full_name, password_hash, role, commune_id, is_active,
                   created_at)
  SELECT 'u-' || c.id, 'vol' || c.id, 'TNV ' || c.id, '!', 'volunteer', c.id, true, now()
  FROM communes c WHERE province_id = :p;
INSERT INTO households (id, village_id, commune_id, address, head_member_id, created_at,
                        updated_at, version, notes, search_key)
  SELECT 'h-' || c.id, 'v-' || c.id, c.id, 'Bản', 'm-' || c.id, now(), now(), 1, '', ''
  FROM communes c WHERE province_id = :p;
INSERT INTO members (id, household_id, village_id, commune_id, full_name, relationship, sex,
                     date_of_birth, created_at, updated_at, version, notes, ethnicity,
                     search_key)
  SELECT 'm-' || c.id, 'h-' || c.id, 'v-' || c.id, c.id, 'Lò Văn Pọm', 'chu_ho', 'male',
         date '1990-01-01', now(), now(), 1, '', 'Thái', 'lo van pom'
  FROM communes c WHERE province_id = :p;
"""

# One row per dossier with its fate drawn from a hash of its number (reproducible).
DOSSIERS = """
CREATE TEMP TABLE plan AS
SELECT g,
       lpad((97000 + 1 + (g % :n))::text, 5, '0') AS commune_id,
       (ARRAY[{procs}])[1 + (g / 7) % {nprocs}] AS procedure_code,
       now() - ((g::float8 / :total) * interval '730 days') - interval '2 hours' AS submitted_at,
       (hashtext(g::text) & 1023) AS r1,
       (hashtext('b' || g::text) & 1023) AS r2,
       (hashtext('c' || g::text) & 1023) AS r3
FROM generate_series(1, :total) g;
ALTER TABLE plan ADD COLUMN fate text, ADD COLUMN received_at timestamptz,
  ADD COLUMN due date, ADD COLUMN decided_at timestamptz;
UPDATE plan SET
  fate = CASE WHEN r1 < 51 THEN 'refused' WHEN r1 < 92 THEN 'withdrawn'
              WHEN r1 < 112 THEN 'stopped' WHEN r1 < 143 THEN 'open'
              WHEN r2 < 102 THEN 'rejected' ELSE 'approved' END,
  received_at = submitted_at + ((r3 % 48) * interval '1 hour');
UPDATE plan SET due = ((received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 7),
  decided_at = CASE WHEN fate IN ('approved', 'rejected')
                    THEN received_at + ((1 + (r2 % 10) + (r3 % 3)) * interval '1 day') END;
UPDATE plan SET decided_at = NULL, fate = 'open'
  WHERE decided_at > now();  -- recent dossiers still being handled
INSERT INTO dossiers (id, procedure_code, procedure_version, applicant_member_id, household_id,
                      village_id, commune_id, prepared_by, status, outcome, form_data,
                      components, official_code, received_at, due_date, decided_at, version,
                      created_at, updated_at)
SELECT 'd-' || g, procedure_code, 1, 'm-' || commune_id, 'h-' || commune_id,
       'v-' || commune_id, commune_id, 'u-' || commune_id,
       CASE fate WHEN 'refused' THEN 'not_received' WHEN 'withdrawn' THEN 'withdrawn'
                 WHEN 'stopped' THEN 'stopped' WHEN 'open' THEN 'processing'
                 ELSE CASE WHEN r3 % 10 < 6 THEN 'result_returned' ELSE 'done' END END,
       CASE fate WHEN 'approved' THEN 'approved' WHEN 'rejected' THEN 'rejected' END,
       '{{}}', '{{}}',
       CASE WHEN fate <> 'refused' THEN commune_id || '-' || g END,
       CASE WHEN fate <> 'refused' THEN received_at END,
       CASE WHEN fate <> 'refused' THEN due END, decided_at,
       1, submitted_at - interval '10 minutes', coalesce(decided_at, received_at)
FROM plan;
"""

EVENTS = """
INSERT INTO dossier_events (dossier_id, action, from_status, to_status, actor_role, at, reason,
                            data)
SELECT 'd-' || g, 'submit', 'draft', 'submitted', 'volunteer', submitted_at, '', '{}'::jsonb
FROM plan
UNION ALL
SELECT 'd-' || g, CASE WHEN fate = 'refused' THEN 'refuse' ELSE 'receive' END, 'submitted',
       CASE WHEN fate = 'refused' THEN 'not_received' ELSE 'received' END, 'officer',
       received_at, '', '{}'::jsonb
FROM plan
UNION ALL
SELECT 'd-' || g, CASE fate WHEN 'approved' THEN 'approve' ELSE 'reject' END, 'processing',
       'done', 'officer', decided_at, '', '{}'::jsonb
FROM plan WHERE decided_at IS NOT NULL
UNION ALL
SELECT 'd-' || g, 'issue_result', 'done', 'done', 'officer',
       decided_at + interval '5 minutes', '', '{}'::jsonb
FROM plan WHERE decided_at IS NOT NULL AND r3 % 10 <> 9
UNION ALL
SELECT 'd-' || g, 'return_result', 'done', 'result_returned', 'officer',
       decided_at + interval '1 day', '', '{}'::jsonb
FROM plan WHERE decided_at IS NOT NULL AND r3 % 10 < 6;
INSERT INTO ratings (id, dossier_id, rating, comment, rated_at, recorded_by, commune_id,
                     village_id, created_at)
SELECT 'r-' || g, 'd-' || g,
       CASE WHEN r1 % 20 < 17 THEN 'satisfied' ELSE 'not_satisfied' END, '',
       decided_at + interval '2 days', 'u-' || commune_id, commune_id, 'v-' || commune_id,
       decided_at + interval '2 days'
FROM plan WHERE decided_at IS NOT NULL AND r3 % 10 < 6 AND r2 % 3 = 0
  AND decided_at + interval '2 days' < now();
"""

# The SQL twin of rollups.event_counts / rating_counts, for seeding only (--verify checks it).
ROLLUPS = """
INSERT INTO dossier_rollups (commune_id, procedure_code, day, submitted, received, refused,
  finished, finished_early, finished_on_time, processing_seconds, returned, results_issued,
  supplements, apologies, rated, satisfied, timed, fast, prefilled_fields, total_fields)
SELECT commune_id, procedure_code, day,
  sum(submitted), sum(received), sum(refused), sum(finished), sum(early), sum(on_time),
  sum(secs), sum(returned), sum(issued), 0, 0, sum(rated), sum(satisfied), 0, 0, 0, 0
FROM (
  SELECT d.commune_id, d.procedure_code, (e.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
    (e.action = 'submit')::int AS submitted, (e.action = 'receive')::int AS received,
    (e.action = 'refuse')::int AS refused,
    (e.action IN ('approve', 'reject'))::int AS finished,
    (e.action IN ('approve', 'reject')
     AND (e.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < d.due_date)::int AS early,
    (e.action IN ('approve', 'reject')
     AND (e.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= d.due_date)::int AS on_time,
    CASE WHEN e.action IN ('approve', 'reject') AND d.received_at IS NOT NULL
         THEN greatest(0, floor(extract(epoch FROM e.at - d.received_at)))::bigint
         ELSE 0 END AS secs,
    (e.action = 'return_result')::int AS returned, (e.action = 'issue_result')::int AS issued,
    0 AS rated, 0 AS satisfied
  FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
  UNION ALL
  SELECT d.commune_id, d.procedure_code, (r.rated_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (r.rating <> 'not_satisfied')::int
  FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
) x
GROUP BY commune_id, procedure_code, day;
"""


def timed(label: str, fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm the cache once
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    print(f"  {label:<44} median {median:8.1f} ms   p95 {p95:8.1f} ms")
    return median, p95


def seed(url: str, total: int) -> None:
    engine = make_engine(url)
    procs = ", ".join(f"'{p}'" for p in PROCEDURES)
    params = {"p": PROVINCE, "n": COMMUNES, "total": total}
    steps = [("units and people", SEED), ("dossiers", DOSSIERS.format(procs=procs,
                                                                      nprocs=len(PROCEDURES))),
             ("audit events and ratings", EVENTS), ("rollups", ROLLUPS)]
    with engine.begin() as conn:
        for label, script in steps:
            t0 = time.perf_counter()
            for statement in [s for s in script.split(";\n") if s.strip()]:
                conn.execute(text(statement), {k: v for k, v in params.items()
                                               if f":{k}" in statement})
            print(f"  seeded {label:<28} {time.perf_counter() - t0:7.1f} s", flush=True)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("dossiers", "dossier_events", "ratings", "dossier_rollups")}
    print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--database", help="a database kept by --keep: measure it again")
    args = parser.parse_args()
    print(f"province_scale: {COMMUNES} communes, {args.dossiers:,} dossiers over two years; "
          f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
    url = args.database or create_database("langso_bench_province")
    try:
        upgrade(url)
        if not args.database:
            t0 = time.perf_counter()
            seed(url, args.dossiers)
            print(f"  seeding took {time.perf_counter() - t0:.0f} s", flush=True)
        engine = make_engine(url)
        with Session(engine) as s:
            communes = frozenset(s.execute(text(
                "SELECT id FROM communes WHERE province_id = :p"), {"p": PROVINCE}).scalars())
            if args.verify:
                sample = sorted(communes)[:3]
                assert rollups.stored(s, sample) == rollups.recompute(s, sample), "rollups differ"
                print(f"  verified: rollups of {sample} equal the recomputation")
        monitor = Principal(user_id="bench", username="bench", full_name="Bench",
                            role="province_monitor", commune_id=None, province_id=PROVINCE,
                            commune_ids=communes)
        today = local_date(utcnow())
        one = sorted(communes)[17]
        year_ago = today - timedelta(days=364)

        def call(fn: Callable[[Session], Any]) -> Callable[[], Any]:
            def run() -> Any:
                with Session(engine) as s:
                    return fn(s)
            return run

        print(f"  measuring ({args.runs} runs each, load average {os.getloadavg()[0]:.2f}):")
        timed("province view, 100 communes, 30 days", call(lambda s: service.province_view(
            s, monitor, PROVINCE, None, None, today)), args.runs)
        timed("province view, 100 communes, 365 days", call(lambda s: service.province_view(
            s, monitor, PROVINCE, year_ago, today, today)), args.runs)
        timed("commune view with procedures, 30 days", call(lambda s: service.commune_view(
            s, monitor, one, None, None, today)), args.runs)
        timed("commune view with procedures, 365 days", call(lambda s: service.commune_view(
            s, monitor, one, year_ago, today, today)), args.runs)
        timed("province weekly trend, 12 weeks", call(lambda s: service.trend(
            s, monitor, PROVINCE, None, 12, today)), args.runs)
        timed("drill-down: finished, commune+procedure", call(lambda s: service.drill(
            s, monitor, one, "khai-sinh", "finished", None, None, today, 100)), args.runs)
        timed("drill-down: late, commune, 365 days", call(lambda s: service.drill(
            s, monitor, one, None, "late", year_ago, today, today, 100)), args.runs)
        timed("drill-down: overdue still open, commune", call(lambda s: service.drill(
            s, monitor, one, None, "overdue", None, None, today, 100)), args.runs)
        print(f"  load average {os.getloadavg()[0]:.2f} at the end")
        engine.dispose()
    finally:
        if args.keep or args.database:
            print(f"  kept {url}")
        else:
            drop_database(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
