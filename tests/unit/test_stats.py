"""Plain-pytest checks of the profile statistics, with known answers."""

from datetime import date, timedelta

import pytest

from okr_addon.logic import stats


def test_mad_and_robust_z():
    values = [4.0, 4.2, 3.9, 4.1, 4.0, 4.3, 3.8]
    assert stats.mad(values) == pytest.approx(0.1)
    assert stats.robust_z(4.0, values) == pytest.approx(0.0)
    assert stats.robust_z(5.0, values) == pytest.approx(1.0 / (0.1 * 1.4826))
    assert stats.robust_z(5.0, values[:4]) is None, "too little data says so"
    assert stats.robust_z(5.0, [4.0] * 6) is None, "no spread, no verdict"
    steady = [1.0, 1.0 + 1e-14, 1.0 - 1e-14, 1.0, 1.0 + 2e-14, 1.0]
    assert stats.robust_z(0.0, steady) is None, "rounding noise is no spread"
    assert stats.mad([]) is None


def test_anomaly_against_own_history_then_team():
    own = [4.0, 4.2, 3.9, 4.1, 4.0, 4.3]
    flag = stats.anomaly(9.5, own, [])
    assert flag.against == "own history"
    assert flag.z > 3.5
    assert stats.anomaly(4.2, own, []) is None
    team = [5.0, 6.0, 5.5, 6.2, 5.8, 6.1]
    assert stats.anomaly(0.5, [1.0], team).against == "team"
    assert stats.anomaly(0.5, [1.0], [2.0]) is None, "too little data: no flag"
    assert flag.usual == 4.05


def test_values_within_the_usual_range_are_never_flagged():
    weekly = [4.4, 4.3, 4.1, 4.2, 4.5, 4.0]
    assert stats.anomaly(4.45, weekly, []) is None, "inside the employee's own range"
    team = [2.0, 2.1, 2.0, 2.2, 2.1, 2.0, 6.0]
    assert stats.anomaly(5.8, [2.0] * 2, team) is None, "inside the team's range"


def test_a_small_difference_is_not_remarkable_however_tight_the_history():
    tight = [2.10, 2.11, 2.10, 2.09, 2.10, 2.11]
    assert stats.robust_z(2.3, tight) > 3.5
    assert stats.anomaly(2.3, tight, []) is None, "10% off the usual: ordinary"
    flag = stats.anomaly(4.2, tight, [])
    assert (flag.against, flag.usual) == ("own history", 2.1)
    steps = [5.0, 4.0, 6.0, 5.0, 4.0]
    assert stats.anomaly(40.0, [], steps, at_least=50) is None, "40% of the way: no alarm"
    assert stats.anomaly(65.0, [], steps, at_least=50).usual == 5.0


def test_suggestion_wang_wu():
    # defect rate ~4.0% vs team ~6.0%, QC certified: aim 10% lower than his level
    suggestion = stats.suggest_target(
        [4.1, 3.9, 4.0, 4.2], [6.0, 5.8, 6.3, 6.1], lower_is_better=True, certified=True
    )
    assert suggestion.value == pytest.approx(4.05 * 0.9)
    assert (suggestion.level, suggestion.team_level, suggestion.certified) == (4.05, 6.05, True)


def test_suggestion_never_below_the_team_and_needs_history():
    # output below the team: the suggestion asks at least for the team's level
    suggestion = stats.suggest_target([700, 720, 710], [900, 950, 1000], lower_is_better=False)
    assert suggestion.value == 950
    assert stats.suggest_target([700, 720], [900], lower_is_better=False) is None


def test_forecast_known_line_and_band():
    exact = stats.forecast([(0, 10), (1, 12), (2, 14), (3, 16)], 10)
    assert exact.value == pytest.approx(30)
    assert exact.low == pytest.approx(30) and exact.high == pytest.approx(30)
    noisy = stats.forecast([(0, 10), (1, 13), (2, 13), (3, 16)], 10)
    assert noisy.low < noisy.value < noisy.high
    assert stats.forecast([(0, 1), (1, 2)], 5) is None
    assert stats.forecast([(1, 1), (1, 2), (1, 3)], 5) is None


def test_likely_to_miss():
    slow = stats.forecast([(0, 0), (10, 10), (20, 20)], 90)  # reaches ~90 by day 90
    assert stats.likely_to_miss(slow, 150, lower_is_better=False) is True
    assert stats.likely_to_miss(slow, 80, lower_is_better=False) is False
    scrap = stats.forecast([(0, 7.0), (10, 6.8), (20, 6.6)], 90)  # ~5.2% at the end
    assert stats.likely_to_miss(scrap, 4.0, lower_is_better=True) is True
    assert stats.likely_to_miss(None, 4.0, lower_is_better=True) is False


def test_running_actual_by_aggregation():
    values = [3.0, 1.0, 5.0]
    assert stats.running_actual(values, "sum") == [3.0, 4.0, 9.0]
    assert stats.running_actual(values, "avg") == [3.0, 2.0, 3.0]
    assert stats.running_actual(values, "min") == [3.0, 1.0, 1.0]
    assert stats.running_actual(values, "max") == [3.0, 3.0, 5.0]
    assert stats.running_actual(values, "last") == values
    assert stats.running_actual([], "sum") == []


def test_forecast_period_end_sum_projects_the_pace():
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    # 10 pieces a day for the first 10 days: heading for 300 by day 29 (the 30th).
    points = [(start + timedelta(days=i), 10.0) for i in range(10)]
    projection = stats.forecast_period_end(points, start, end, "sum")
    assert projection.value == pytest.approx(300.0)
    assert projection.low == pytest.approx(300.0), "a perfect line has no spread"
    assert stats.likely_to_miss(projection, 400.0, lower_is_better=False)
    assert not stats.likely_to_miss(projection, 250.0, lower_is_better=False)
    outside = [(date(2026, 10, 31), 1000.0), *points]
    assert stats.forecast_period_end(outside, start, end, "sum").value == pytest.approx(300.0)
    assert stats.forecast_period_end(points[:2], start, end, "sum") is None, "too little data"


def test_forecast_period_end_rising_defect_rate_is_flagged_early():
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    # Defect rate creeping up 0.1 a day from 4.0: the average heads above a 4.5 target.
    noise = [0.05, -0.05] * 6
    points = [(start + timedelta(days=i), 4.0 + 0.1 * i + noise[i]) for i in range(12)]
    projection = stats.forecast_period_end(points, start, end, "avg")
    assert projection.value > 4.5
    assert projection.low < projection.value < projection.high
    assert stats.likely_to_miss(projection, 4.5, lower_is_better=True)
    assert not stats.likely_to_miss(projection, 9.0, lower_is_better=True)


def test_next_target_raises_on_a_hit_and_keeps_on_a_miss():
    # Scrap 5% target, reached 4%: halfway (4.5%) is more than 5% better, take it.
    assert stats.next_target(5.0, 4.0, lower_is_better=True) == stats.NextTarget(4.5, "met")
    # Just met: at least 5% better than this time.
    assert stats.next_target(5.0, 4.99, lower_is_better=True).value == pytest.approx(4.75)
    assert stats.next_target(100.0, 130.0, lower_is_better=False).value == pytest.approx(115.0)
    assert stats.next_target(100.0, 101.0, lower_is_better=False).value == pytest.approx(105.0)
    assert stats.next_target(-10.0, -10.0, lower_is_better=False).value == pytest.approx(-9.5)
    # Missed: the bar stays where it was.
    assert stats.next_target(5.0, 6.0, lower_is_better=True) == stats.NextTarget(5.0, "missed")
    assert stats.next_target(100.0, 80.0, lower_is_better=False).reason == "missed"
    assert stats.next_target(100.0, None, lower_is_better=False) is None


def test_next_key_result_level_and_cumulative():
    # Scrap 7% -> 5%, reached 4.5%: start from 4.5%, aim half the last step lower.
    assert stats.next_key_result(7.0, 5.0, 4.5, lower_is_better=True) == stats.NextKeyResult(
        4.5, 3.5, "met"
    )
    # Missed (5.6%): start from 5.6%, same 5% target.
    assert stats.next_key_result(7.0, 5.0, 5.6, lower_is_better=True) == stats.NextKeyResult(
        5.6, 5.0, "missed"
    )
    # Output 0 -> 1000 pcs, 1200 made: next 1100 from 0 again.
    proposal = stats.next_key_result(0.0, 1000.0, 1200.0, lower_is_better=False, cumulative=True)
    assert proposal == stats.NextKeyResult(0.0, 1100.0, "met")


def test_progress_steps_level_and_cumulative():
    # Scrap 7% -> 5%: 6.5 then 6.0 are 25% steps each; back up to 6.5 is -25%.
    assert stats.progress_steps([6.5, 6.0, 6.5], 7.0, 5.0) == [25.0, 25.0, -25.0]
    assert stats.progress_steps([100, 300], 0.0, 1000.0, cumulative=True) == [10.0, 30.0]
    assert stats.progress_steps([1.0], 2.0, 2.0) is None
    assert stats.progress_steps([], 0.0, 1.0) == []


def test_forecast_period_end_sum_extrapolates_the_total_over_the_period():
    # Q4 (92 days) of a sum KPI, a batch of pieces typed in every 5 days from Nov 8 on:
    # 20,757 pieces by Dec 6 (66 days gone). The period total heads for 20,757 x 92 / 66,
    # not for twice the 20,000 target (the trend between the batches alone).
    start, end = date(2026, 10, 1), date(2026, 12, 31)
    values = (3217, 3314, 3411, 3508, 3605, 3702)
    points = [(date(2026, 11, 8) + timedelta(days=5 * i), float(v)) for i, v in enumerate(values)]
    projection = stats.forecast_period_end(points, start, end, "sum", today=date(2026, 12, 6))
    assert projection.value == pytest.approx(20757 * 92 / 66)
    assert projection.low < projection.value < projection.high
    assert projection.value < 1.5 * 20000
    # The same total, had no day of the period passed without values so far.
    done = stats.forecast_period_end(points, start, end, "sum", today=date(2027, 1, 5))
    assert done.value == pytest.approx(20757) and done.low == done.high == done.value
    # A value typed in today counts today as gone.
    today = [*points, (date(2026, 12, 6), 66.0)]
    after = stats.forecast_period_end(today, start, end, "sum", today=date(2026, 12, 6))
    assert after.value == pytest.approx(20823 * 92 / 67)
