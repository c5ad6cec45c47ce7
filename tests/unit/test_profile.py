"""Plain-pytest checks of the capability profile's arithmetic, with known answers."""

import datetime

import pytest

from okr_addon.logic import profile

D = datetime.date


def test_mean_skips_missing_and_never_invents_zero():
    assert profile.mean([1, 2, None, 3]) == 2
    assert profile.mean([]) is None
    assert profile.mean([None]) is None


def test_expiry_state():
    today = D(2026, 11, 23)
    assert profile.expiry_state(None, today) == "permanent"
    assert profile.expiry_state(D(2026, 11, 22), today) == "expired"
    assert profile.expiry_state(D(2026, 11, 23), today) == "expiring"
    assert profile.expiry_state(D(2026, 12, 23), today) == "expiring"
    assert profile.expiry_state(D(2026, 12, 24), today) == "valid"
    assert profile.expiry_state(D(2026, 12, 24), today, warn_days=60) == "expiring"
    assert profile.days_left(D(2026, 11, 20), today) == -3
    assert profile.days_left(None, today) is None


def test_attendance_rate_against_team():
    # 95% against colleagues at 90%, 80% and 100% (mean 90%): better.
    comparison = profile.compare_to_team(95.0, [90.0, 80.0, 100.0])
    assert comparison.team_average == pytest.approx(90.0)
    assert comparison.team_size == 3
    assert comparison.difference == pytest.approx(5.0)
    assert comparison.verdict == "better"
    assert comparison.bar_widths() == (100.0, pytest.approx(94.7))


def test_late_arrivals_lower_is_better():
    comparison = profile.compare_to_team(4, [1, 2, None, 3], higher_is_better=False)
    assert comparison.team_average == pytest.approx(2.0)
    assert comparison.team_size == 3, "a colleague without a figure is not counted"
    assert comparison.verdict == "worse"
    assert comparison.bar_widths() == (100.0, 50.0)
    assert profile.compare_to_team(1, [2, 2], higher_is_better=False).verdict == "better"


def test_same_as_team_and_no_data():
    assert profile.compare_to_team(10.2, [10.0]).verdict == "same", "within 5% reads as same"
    assert profile.compare_to_team(0, [0, 0]).verdict == "same"
    assert profile.compare_to_team(0, [0, 0]).bar_widths() == (0.0, 0.0)
    nobody = profile.compare_to_team(3.0, [])
    assert nobody.team_average is None and nobody.verdict is None
    assert profile.compare_to_team(None, [1.0]).verdict is None


def test_history_rows_per_cycle():
    q3 = profile.Period(1, "Q3 2026", D(2026, 7, 1), D(2026, 9, 30))
    q4 = profile.Period(2, "Q4 2026", D(2026, 10, 1), D(2026, 12, 31))
    nov = profile.Period(3, "November 2026", D(2026, 11, 1), D(2026, 11, 30))
    rows = profile.build_history(
        [q4, nov, q3],
        objectives={1: (0.8, 2, None, 0), 2: (None, 0, 0.45, 1)},
        kpis={
            (D(2026, 9, 1), D(2026, 9, 30)): (1.1, 1.0, 1),
            (D(2026, 10, 1), D(2026, 10, 31)): (1.8, 1.5, 2),
            (D(2026, 11, 1), D(2026, 11, 30)): (1.2, 1.1, 1),
            (D(2026, 5, 1), D(2026, 5, 31)): (0.9, 0.5, 1),
        },
        incentives={
            (D(2026, 10, 1), D(2026, 10, 31), "CNY"): 500.0,
            (D(2026, 11, 1), D(2026, 11, 30), "CNY"): -300.0,
            (D(2026, 11, 1), D(2026, 11, 30), "EUR"): 20.0,
        },
        label_period=lambda start, end: f"{start:%b %Y}",
    )
    labels = [row.label for row in rows]
    assert labels == ["November 2026", "Q4 2026", "Q3 2026", "May 2026"]
    nov_row, q4_row, q3_row, may_row = rows
    # Q4: October's two targets and November's one: (1.8 + 1.2) / 3.
    assert q4_row.kpi_completion == pytest.approx(1.0)
    assert q4_row.kpi_score == pytest.approx((1.5 + 1.1) / 3)
    assert q4_row.kpi_count == 3
    assert q4_row.okr_score is None and q4_row.okr_progress == pytest.approx(0.45)
    assert q4_row.incentives == {"CNY": pytest.approx(200.0), "EUR": pytest.approx(20.0)}
    assert nov_row.kpi_completion == pytest.approx(1.2)
    assert nov_row.incentives == {"CNY": -300.0, "EUR": 20.0}
    assert nov_row.objective_count == 0
    assert q3_row.okr_score == pytest.approx(0.8) and q3_row.objective_count == 2
    assert q3_row.kpi_completion == pytest.approx(1.1)
    assert may_row.cycle_key is None and may_row.kpi_count == 1, "KPI period outside cycles"


def test_history_leaves_out_empty_cycles():
    q1 = profile.Period(1, "Q1", D(2026, 1, 1), D(2026, 3, 31))
    assert profile.build_history([q1], {}, {}, {}) == []
