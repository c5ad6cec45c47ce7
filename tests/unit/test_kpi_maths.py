"""Plain-pytest checks of the KPI scoring curve, completion, splits and roll-ups."""

import pytest

from okr_addon.logic import kpi

LOWER, HIGHER = kpi.LOWER, kpi.HIGHER


def test_higher_is_better_curve():
    # floor 80, target 100, stretch 120, cap 1.2
    args = {"floor": 80, "stretch": 120}
    assert kpi.score(70, 100, HIGHER, **args) == 0.0
    assert kpi.score(80, 100, HIGHER, **args) == 0.0
    assert kpi.score(90, 100, HIGHER, **args) == pytest.approx(0.5)
    assert kpi.score(100, 100, HIGHER, **args) == pytest.approx(1.0)
    assert kpi.score(110, 100, HIGHER, **args) == pytest.approx(1.1)
    assert kpi.score(150, 100, HIGHER, **args) == pytest.approx(1.2)


def test_lower_is_better_is_proportional():
    # scrap: floor 6%, target 4%, stretch 3%
    args = {"floor": 6.0, "stretch": 3.0}
    assert kpi.score(4.2, 4.0, LOWER, **args) == pytest.approx(0.9)
    assert kpi.score(5.0, 4.0, LOWER, **args) == pytest.approx(0.5)
    assert kpi.score(6.5, 4.0, LOWER, **args) == 0.0
    assert kpi.score(3.5, 4.0, LOWER, **args) == pytest.approx(1.1)
    assert kpi.score(2.0, 4.0, LOWER, **args) == pytest.approx(1.2)


def test_defaults_without_floor_or_stretch():
    assert kpi.score(50, 100) == pytest.approx(0.5)  # floor 0
    assert kpi.score(130, 100) == 1.0  # no stretch: no bonus above 1.0
    assert kpi.score(6.0, 4.0, LOWER) == pytest.approx(0.5)  # floor = 2 x target
    assert kpi.score(8.0, 4.0, LOWER) == 0.0


def test_custom_cap():
    assert kpi.score(120, 100, floor=0, stretch=120, cap=1.5) == pytest.approx(1.5)
    with pytest.raises(kpi.KpiError):
        kpi.score(120, 100, cap=0.5)


@pytest.mark.parametrize(
    ("floor", "target", "stretch", "direction", "code"),
    [
        (100, 100, None, HIGHER, "floor_order"),
        (120, 100, None, HIGHER, "floor_order"),
        (80, 100, 90, HIGHER, "stretch_order"),
        (3.0, 4.0, None, LOWER, "floor_order"),
        (6.0, 4.0, 5.0, LOWER, "stretch_order"),
    ],
)
def test_bad_bands(floor, target, stretch, direction, code):
    with pytest.raises(kpi.KpiError) as error:
        kpi.check_bands(floor, target, stretch, direction)
    assert error.value.code == code


def test_completion():
    assert kpi.completion(120, 100) == pytest.approx(1.2)
    assert kpi.completion(3.5, 4.0, LOWER) == pytest.approx(1.125)
    assert kpi.completion(8.0, 4.0, LOWER) == 0.0
    assert kpi.completion(9.0, 4.0, LOWER) == 0.0
    with pytest.raises(kpi.KpiError):
        kpi.completion(5, 0)


def test_aggregate():
    values = [3, 1, 2]
    assert kpi.aggregate(values, "sum") == 6
    assert kpi.aggregate(values, "avg") == 2
    assert kpi.aggregate(values, "min") == 1
    assert kpi.aggregate(values, "max") == 3
    assert kpi.aggregate(values, "last") == 2
    assert kpi.aggregate([], "sum") is None
    with pytest.raises(kpi.KpiError):
        kpi.aggregate(values, "median")


def test_ratio_with_zero_denominator_is_none():
    assert kpi.ratio(5, 100) == pytest.approx(0.05)
    assert kpi.ratio(5, 0) is None
    assert kpi.ratio(None, 10) == 0.0


def test_split_targets():
    shares = {"a": 10, "b": 30}
    assert kpi.split_targets(4.5, "same", shares) == {"a": 4.5, "b": 4.5}
    assert kpi.split_targets(4.5, "factor", shares, 0.8) == pytest.approx({"a": 3.6, "b": 3.6})
    assert kpi.split_targets(1000, "equal", shares) == {"a": 500, "b": 500}
    assert kpi.split_targets(1000, "headcount", shares) == {"a": 250, "b": 750}
    assert kpi.split_targets(1000, "weight", shares) == {"a": 250, "b": 750}
    assert kpi.split_targets(1000, "equal", {}) == {}
    with pytest.raises(kpi.KpiError) as error:
        kpi.split_targets(1000, "headcount", {"a": 0, "b": 0})
    assert error.value.code == "zero_shares"
    with pytest.raises(kpi.KpiError):
        kpi.split_targets(1000, "factor", shares, 0)


def test_roll_up():
    assert kpi.roll_up([100, 200, None], "sum") == 300
    assert kpi.roll_up([4.0, 5.0], "avg") == 4.5
    assert kpi.roll_up([None], "sum") is None
