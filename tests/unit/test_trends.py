"""Plain-pytest checks of decline streaks and once-per-streak alerts."""

from okr_addon.logic.trends import alert_due, worsening_streak


def test_streak_of_declines_for_higher_is_better():
    # average ticket: 88, 86, 85, 83 -> three drops in a row, starting at index 0
    assert worsening_streak([88, 86, 85, 83]) == (3, 0)
    assert worsening_streak([80, 88, 86, 85]) == (2, 1)
    assert worsening_streak([88, 86, 86]) == (0, None), "a flat day breaks the streak"
    assert worsening_streak([5]) == (0, None)
    assert worsening_streak([]) == (0, None)


def test_lower_is_better_worsens_upward():
    assert worsening_streak([3.0, 3.2, 3.5, 4.1], higher_is_better=False) == (3, 0)
    assert worsening_streak([3.0, 3.2, 3.5, 3.1], higher_is_better=False) == (0, None)


def test_alert_once_per_streak():
    series = [90, 88, 86, 85]
    start = alert_due(series, 3)
    assert start == 0
    assert alert_due([*series, 84], 3, alerted_start=start) is None, "same streak goes on"
    assert alert_due([90, 88, 86], 3) is None, "two drops are not three"
    # recovery, then a new streak: alerted again
    assert alert_due([*series, 95, 93, 92, 90], 3, alerted_start=start) == 4
