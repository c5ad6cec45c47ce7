"""Plain-pytest checks of the kiosk's "Are you sure?" rule."""

import math

import pytest

from okr_addon.logic import plausibility
from okr_addon.logic.plausibility import doubt


def test_no_history_no_question():
    assert doubt(4.1, []) is None
    assert doubt(1e9, []) is None


def test_one_recent_value_asks_below_a_third_or_above_three_times():
    assert doubt(35, [35]) is None
    assert doubt(11.7, [35]) is None, "just above a third"
    assert doubt(105, [35]) is None, "three times exactly is still plausible"
    found = doubt(4.1, [35])
    assert found == plausibility.Doubt(last=35, usual=35, low=pytest.approx(35 / 3), high=105)
    assert doubt(106, [35]).high == 105


def test_range_of_the_recent_values():
    recent = [30, 12, 40, 35]  # oldest first
    assert doubt(4.5, recent) is None, "a third of the smallest (12) is 4"
    assert doubt(119, recent) is None, "three times the largest (40) is 120"
    found = doubt(3.9, recent)
    assert (found.last, found.usual, found.low, found.high) == (35, 32.5, 4, 120)
    assert doubt(121, recent).last == 35


def test_only_the_latest_values_count():
    old = [1000.0] * 5
    recent = [10.0] * plausibility.RECENT_VALUES
    assert doubt(500, old + recent) is not None, "the old 1000s are forgotten"
    assert doubt(500, old + recent[:-1]) is None


def test_zero_and_negative_history_draw_no_limit_on_that_side():
    assert doubt(2, [0, 0, 0]) is None, "no defect so far: two defects are no typo"
    assert doubt(-50, [0, 3]) is None, "no lower limit from a zero"
    assert doubt(10, [0, 3]) is not None, "but above three times the largest"
    assert doubt(-100, [-5, -2]) is None
    assert doubt(0, [5, 6]) is not None, "zero after fives and sixes is asked about"


def test_plausible_range_decides_alone():
    assert doubt(4.1, [35], plausible_range=(0, 100)) is None, "inside HR's range: trusted"
    found = doubt(120, [35], plausible_range=(0, 100))
    assert found.outside_range
    assert (found.low, found.high, found.last) == (0, 100, 35)
    assert doubt(-1, [], plausible_range=(0, 100)).outside_range


def test_refuses_what_is_not_a_number():
    with pytest.raises(ValueError):
        doubt(math.nan, [1])
    with pytest.raises(ValueError):
        doubt(1, [1], factor=1)
    assert doubt(4, [math.nan, 5]) is None, "a broken history value is skipped"
