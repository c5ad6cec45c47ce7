"""Plain-pytest checks of the profile statistics, with known answers."""

import pytest

from okr_addon.logic import stats


def test_mad_and_robust_z():
    values = [4.0, 4.2, 3.9, 4.1, 4.0, 4.3, 3.8]
    assert stats.mad(values) == pytest.approx(0.1)
    assert stats.robust_z(4.0, values) == pytest.approx(0.0)
    assert stats.robust_z(5.0, values) == pytest.approx(1.0 / (0.1 * 1.4826))
    assert stats.robust_z(5.0, values[:4]) is None, "too little data says so"
    assert stats.robust_z(5.0, [4.0] * 6) is None, "no spread, no verdict"
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


def test_suggestion_wang_wu():
    # defect rate ~4.0% vs team ~6.0%, QC certified: aim 10% lower than his level
    suggestion = stats.suggest_target(
        [4.1, 3.9, 4.0, 4.2], [6.0, 5.8, 6.3, 6.1], lower_is_better=True, certified=True
    )
    assert suggestion.value == pytest.approx(4.05 * 0.9)
    assert suggestion.reasons == ("your level 4.05", "team 6.05", "certified")


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
