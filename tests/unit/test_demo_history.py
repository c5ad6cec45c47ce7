"""Plain-pytest checks of the demo history: shifts, attendances, daily series."""

import datetime
import random

from okr_addon.logic.demo_history import (
    Habits,
    calm_tail,
    day_attendances,
    end_declining,
    ramp,
    shift_blocks,
)
from okr_addon.logic.trends import alert_due, worsening_streak

DT = datetime.datetime


def at(hour, minute=0, day=2):
    return DT(2026, 11, day, hour, minute)


def test_lunch_break_stays_inside_a_shift_and_split_shifts_stay_apart():
    factory = [(at(13), at(17)), (at(8), at(12))]
    assert shift_blocks(factory) == [(at(8), at(17))]
    restaurant = [(at(10, 30), at(14, 30)), (at(17), at(21, 30))]
    assert shift_blocks(restaurant) == restaurant
    assert shift_blocks([]) == []


def test_attendances_never_overlap_and_show_late_arrivals_and_overtime():
    rng = random.Random(7)
    blocks = [(at(10, 30), at(14, 30)), (at(17), at(21, 30))]
    days, late, overtime = 0, 0, 0
    for _ in range(400):
        shifts = day_attendances(blocks, rng, Habits(absence=0.05, late=0.2, overtime=0.3))
        if not shifts:
            continue
        days += 1
        assert len(shifts) == 2
        for (check_in, check_out), (start, _stop) in zip(shifts, blocks, strict=True):
            assert check_in < check_out
            assert start - datetime.timedelta(minutes=12) <= check_in
            assert check_in <= start + datetime.timedelta(minutes=35)
        assert shifts[0][1] < shifts[1][0], "lunch and dinner service do not overlap"
        late += shifts[0][0] > blocks[0][0] + datetime.timedelta(minutes=5)
        overtime += shifts[1][1] > blocks[1][1] + datetime.timedelta(minutes=30)
        assert shifts[0][1] <= blocks[0][1] + datetime.timedelta(minutes=8), "no overtime at lunch"
    assert 340 < days < 400
    assert late and overtime


def test_attendances_are_deterministic_for_a_seed():
    blocks = [(at(8), at(17))]
    first = [day_attendances(blocks, random.Random(3)) for _ in range(5)]
    again = [day_attendances(blocks, random.Random(3)) for _ in range(5)]
    assert first == again


def test_ramp_reaches_its_plateau_and_stays_there():
    days = [datetime.date(2026, 9, 1) + datetime.timedelta(days=n) for n in range(90)]
    plateau_from = datetime.date(2026, 10, 1)
    values = ramp(days, 80, 92, plateau_from, rng=random.Random(1), noise=1.5)
    assert values[days[0]] < 82
    assert all(90.5 <= v <= 93.5 for d, v in values.items() if d >= plateau_from)
    assert len(values) == 90


def test_end_declining_raises_exactly_one_alert():
    series = end_declining([240, 236, 250, 248, 251], steps=3, drop=9)
    assert series == [240, 244.5, 235.5, 226.5, 217.5]
    assert worsening_streak(series) == (3, 1), "exactly three drops, from a small peak"
    assert alert_due(series, 3) == 1
    lower = end_declining([4.0, 4.1, 3.9, 3.8], steps=2, drop=0.2, higher_is_better=False)
    assert worsening_streak(lower, higher_is_better=False) == (2, 1)


def test_calm_tail_breaks_streaks_only_where_allowed():
    calmed = calm_tail([90, 88, 86, 85, 83], editable={1, 2, 3, 4})
    assert worsening_streak(calmed)[0] <= 1
    assert calmed[-1] == calmed[-2]
    # The last two values were entered by someone else: the streak is broken before them.
    fixed_end = calm_tail([90, 88, 86, 85, 83], editable={0, 1, 2})
    assert fixed_end[3:] == [85, 83]
    assert worsening_streak(fixed_end)[0] == 2
    assert calm_tail([4.1, 4.3, 4.6], editable={1, 2}, higher_is_better=False) == [4.1, 4.3, 4.3]
