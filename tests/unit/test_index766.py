"""The Decision 766 criteria this product measures, on a fixture with hand-checked points."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from backend.monitoring.index766 import GROUP_MAX, Counts, compute
from backend.monitoring.rollups import event_counts, rating_counts, submission_counts

# A commune's month: 40 dossiers finished, 34 on or before the due date (30 early);
# 38 results issued electronically; 25 ratings of which 23 satisfied or very satisfied.
FIXTURE = Counts(submitted=45, received=44, refused=1, finished=40, finished_early=30,
                 finished_on_time=34, processing_seconds=40 * 3 * 86400, returned=36,
                 results_issued=38, supplements=5, apologies=2, rated=25, satisfied=23,
                 timed=20, fast=12, prefilled_fields=90, total_fields=200)


def test_groups_add_up_to_100() -> None:
    assert sum(GROUP_MAX.values()) == 100


def test_points_and_rates_on_the_fixture() -> None:
    result = compute(FIXTURE)
    by_id = {c.id: c for c in result.criteria}
    on_time = by_id["progress.on_time"]
    # 34 / 40 = 0.85 of 20 points = 17.00
    assert (on_time.numerator, on_time.denominator, on_time.rate) == (34, 40, 0.85)
    assert on_time.points == 17.0
    # 23 / 25 = 0.92 of 6 points = 5.52
    satisfied = by_id["satisfaction.procedures"]
    assert satisfied.rate == 0.92
    assert satisfied.points == 5.52
    # measured rates whose weight is not confirmed carry no points
    electronic = by_id["digitisation.electronic_results"]
    assert (electronic.rate, electronic.points, electronic.weight) == (0.95, None, None)
    assert by_id["progress.early"].rate == 0.75
    assert result.points == 22.52
    assert result.points_possible == 26.0
    assert result.average_processing_days == 3.0


def test_unmeasurable_criteria_are_named_and_never_scored() -> None:
    result = compute(FIXTURE)
    unmeasured = {c.id for c in result.criteria if not c.measurable}
    assert unmeasured == {"publicity.published_on_time", "digitisation.reuse",
                          "online.filed_online", "satisfaction.feedback_on_time",
                          "satisfaction.feedback_satisfied"}
    for c in result.criteria:
        if not c.measurable:
            assert c.rate is None and c.points is None and c.why_not


def test_goal_lines() -> None:
    goals = {g.id: g for g in compute(FIXTURE).goals}
    assert goals["satisfaction"].target == 0.95 and goals["satisfaction"].met is False
    assert goals["electronic_results"].met is False  # 38 of 40, the target is all
    # 12 of 20 submissions in 5 minutes or less: the median is under 5 minutes
    assert goals["submission_minutes"].rate == 0.6 and goals["submission_minutes"].met is True
    # 90 of 200 fields prefilled: 45 %, under the 50 % target
    assert goals["data_reuse"].rate == 0.45 and goals["data_reuse"].met is False
    assert not goals["electronic_processing"].measured
    full = compute(Counts(finished=2, finished_on_time=2, results_issued=2, rated=20,
                          satisfied=19))
    met = {g.id: g.met for g in full.goals}
    assert met["satisfaction"] is True and met["electronic_results"] is True


def test_nothing_to_measure_gives_no_rate_and_no_points() -> None:
    result = compute(Counts())
    assert result.points == 0.0
    assert all(c.rate is None for c in result.criteria)
    assert result.average_processing_days is None


def test_a_finish_counts_on_time_by_the_local_day() -> None:
    received = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    # 16:59 UTC on 10 March is 23:59 on 10 March in Vietnam: on the due day, on time
    late_evening = datetime(2026, 3, 10, 16, 59, tzinfo=UTC)
    assert event_counts("approve", late_evening, date(2026, 3, 10), received) == {
        "finished": 1, "finished_on_time": 1,
        "processing_seconds": int((late_evening - received).total_seconds())}
    # one minute later it is 11 March in Vietnam: late
    assert "finished_on_time" not in event_counts(
        "reject", datetime(2026, 3, 10, 17, 0, tzinfo=UTC), date(2026, 3, 10), received)
    assert event_counts("approve", late_evening, date(2026, 3, 11), received)[
        "finished_early"] == 1
    assert event_counts("create", late_evening, None, None) == {}
    assert rating_counts("not_satisfied") == {"rated": 1}


def test_a_first_submission_counts_its_fill_time_and_prefilled_fields() -> None:
    def payload(**fields: object) -> str:
        return json.dumps({"entity": "dossier", "op": "submit", "fields": fields})

    assert submission_counts("submit", payload(fill_seconds=300, prefilled_fields=4,
                                               total_fields=10)) == {
        "timed": 1, "fast": 1, "prefilled_fields": 4, "total_fields": 10}
    assert submission_counts("submit", payload(fill_seconds=301)) == {"timed": 1, "fast": 0}
    # a supplement is not a first submission; bad or missing metadata counts nothing
    assert submission_counts("supplement", payload(fill_seconds=10)) == {}
    assert submission_counts("submit", payload(fill_seconds=True, prefilled_fields=5,
                                               total_fields=4)) == {}
    assert submission_counts("submit", "not json") == {}
