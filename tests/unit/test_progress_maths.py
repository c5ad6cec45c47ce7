"""Plain-pytest checks of okr_addon's progress maths (no Odoo needed)."""

import datetime

import pytest

from okr_addon.logic import progress as p


def test_increase_progress_is_share_of_distance():
    assert p.key_result_progress(0, 200, 50) == pytest.approx(0.25)
    assert p.key_result_progress(800, 950, 875) == pytest.approx(0.5)


def test_decrease_progress_counts_downward_moves():
    # scrap 7% -> 5%: at 6% half way, at 5% done
    assert p.key_result_progress(7, 5, 6) == pytest.approx(0.5)
    assert p.key_result_progress(7, 5, 5) == pytest.approx(1.0)


def test_decrease_overshoot_is_kept_up_to_cap():
    # 7% -> 5%, reached 4%: 150% raw, capped at the default 1.2
    assert p.key_result_progress(7, 5, 4) == pytest.approx(1.2)
    assert p.key_result_progress(7, 5, 4, cap=2.0) == pytest.approx(1.5)


def test_moving_the_wrong_way_gives_zero_not_negative():
    assert p.key_result_progress(7, 5, 8) == 0.0
    assert p.key_result_progress(10, 20, 3) == 0.0


def test_milestone_is_zero_or_one():
    assert p.key_result_progress(0, 1, 0, kind="milestone") == 0.0
    assert p.key_result_progress(0, 1, 0.99, kind="milestone") == 0.0
    assert p.key_result_progress(0, 1, 1, kind="milestone") == 1.0


def test_cap_below_one_is_refused():
    with pytest.raises(p.ProgressError) as error:
        p.key_result_progress(0, 10, 5, cap=0.9)
    assert error.value.code == "cap"


@pytest.mark.parametrize(
    ("start", "target", "direction", "code"),
    [
        (5, 5, "increase", "equal"),
        (10, 5, "increase", "increase_below"),
        (5, 10, "decrease", "decrease_above"),
    ],
)
def test_inconsistent_key_results_are_rejected(start, target, direction, code):
    with pytest.raises(p.ProgressError) as error:
        p.check_key_result(start, target, direction)
    assert error.value.code == code


def test_milestones_skip_start_target_checks():
    p.check_key_result(0, 0, "decrease", kind="milestone")


def test_weighted_mean():
    assert p.weighted_mean([(1.0, 1), (0.0, 3)]) == pytest.approx(0.25)
    assert p.weighted_mean([(0.5, 0), (1.0, 2)]) == pytest.approx(1.0)
    assert p.weighted_mean([]) == 0.0


def test_weighted_mean_rejects_bad_weights():
    with pytest.raises(p.ProgressError) as error:
        p.weighted_mean([(1.0, -1), (0.5, 2)])
    assert error.value.code == "negative_weight"
    with pytest.raises(p.ProgressError) as error:
        p.weighted_mean([(1.0, 0), (0.5, 0)])
    assert error.value.code == "zero_weights"


def test_default_score_caps_at_one():
    assert p.default_score(1.2) == 1.0
    assert p.default_score(0.7) == pytest.approx(0.7)
    assert p.default_score(-0.1) == 0.0


def test_expected_progress_and_risk():
    start, end = datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)
    assert p.expected_progress(start, end, datetime.date(2026, 9, 1)) == 0.0
    assert p.expected_progress(start, end, datetime.date(2027, 1, 5)) == 1.0
    half = p.expected_progress(start, end, datetime.date(2026, 11, 15))
    assert half == pytest.approx(45 / 91)
    assert p.is_at_risk(0.2, 0.5) is True
    assert p.is_at_risk(0.35, 0.5) is False
    assert p.is_at_risk(0.9, 0.5, confidence=0.3) is True


def test_objective_approved_late_is_not_at_risk_on_its_first_day():
    q4_start, q4_end = datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)
    approved = datetime.date(2026, 12, 1)  # two thirds into the quarter, no progress yet
    assert p.objective_health(0.0, q4_start, q4_end, approved, approved) == (0.0, False)
    # Measured against the cycle, the same objective would have been flagged at once.
    assert p.is_at_risk(0.0, p.expected_progress(q4_start, q4_end, approved)) is True
    # Not even a low confidence flags it during the grace period...
    assert p.objective_health(
        0.0, q4_start, q4_end, approved, datetime.date(2026, 12, 7), confidence=0.1
    ) == (pytest.approx(6 / 30), False)
    # ...which ends after grace_days: with no progress 10 days in (a third of its time).
    expected, at_risk = p.objective_health(
        0.0, q4_start, q4_end, approved, datetime.date(2026, 12, 11)
    )
    assert expected == pytest.approx(10 / 30) and at_risk is True
    assert p.objective_health(0.2, q4_start, q4_end, approved, datetime.date(2026, 12, 11)) == (
        pytest.approx(10 / 30),
        False,
    )
    # No grace at all: the day after approval already counts.
    assert (
        p.objective_health(
            0.0, q4_start, q4_end, approved, datetime.date(2026, 12, 8), grace_days=0
        )[1]
        is True
    )


def test_objective_approved_before_its_cycle_runs_from_the_cycle_start():
    q4_start, q4_end = datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)
    early = datetime.date(2026, 9, 20)
    assert p.running_start(q4_start, early) == q4_start
    assert p.running_start(q4_start, None) == q4_start
    assert p.running_start(None, None) is None
    expected, at_risk = p.objective_health(
        0.0, q4_start, q4_end, early, datetime.date(2026, 11, 15)
    )
    assert expected == pytest.approx(45 / 91) and at_risk is True
    assert p.objective_health(0.0, None, None, early, datetime.date(2026, 11, 15)) == (0.0, False)
