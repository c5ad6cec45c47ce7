"""Plain-pytest checks of team pools: shares add up to the pool to the cent."""

import itertools
import random

import pytest

from okr_addon.logic import pool


def cents(shares):
    return sum(round(share * 100) for share in shares)


def test_three_equal_weights_of_one_hundred():
    assert pool.split(100.0, [7, 7, 7]) == [33.34, 33.33, 33.33]


def test_a_third_and_two_thirds():
    assert pool.split(100.0, [1, 2]) == [33.33, 66.67]
    assert pool.split(1.0, [1, 1, 1]) == [0.34, 0.33, 0.33]


def test_a_tiny_pool_goes_to_the_first_of_equal_members():
    assert pool.split(0.01, [1, 1, 1]) == [0.01, 0.0, 0.0]
    assert pool.split(0.02, [1, 1, 1]) == [0.01, 0.01, 0.0]
    # a larger remainder beats the order of the list
    assert pool.split(0.01, [1, 3]) == [0.0, 0.01]


def test_hours_times_coefficients_add_up_exactly():
    weights = [168 * 1.2, 160.5, 99.75 * 0.8, 7.25]
    shares = pool.split(6000.0, weights)
    assert cents(shares) == 600000
    exact = [6000 * w / sum(weights) for w in weights]
    assert all(abs(share - x) < 0.01 for share, x in zip(shares, exact, strict=True))


@pytest.mark.parametrize("seed", range(40))
def test_random_pools_always_add_up_and_stay_within_a_cent(seed):
    rng = random.Random(seed)
    weights = [rng.choice([0, rng.uniform(0, 200), 7, 8.5]) for _ in range(rng.randint(1, 30))]
    if not any(weights):
        weights[0] = 1.0
    amount = round(rng.uniform(-9999, 9999), 2)
    shares = pool.split(amount, weights)
    assert cents(shares) == round(amount * 100)
    exact = [amount * w / sum(weights) for w in weights]
    assert all(abs(share - x) < 0.01 + 1e-9 for share, x in zip(shares, exact, strict=True))
    assert all(share == 0 for share, w in zip(shares, weights, strict=True) if w == 0)


def test_the_split_is_deterministic_and_follows_the_members():
    weights = [5, 5, 5, 5, 5, 5, 5]
    first = pool.split(10.0, weights)
    assert all(pool.split(10.0, weights) == first for _ in range(5))
    assert first == [1.43, 1.43, 1.43, 1.43, 1.43, 1.43, 1.42]
    # reordering the members moves the shares with them (ties: first listed wins)
    for order in itertools.permutations(range(3)):
        shares = pool.split(100.0, [[1, 1, 1][i] for i in order])
        assert shares == [33.34, 33.33, 33.33]


def test_a_negative_pool_is_shared_as_deductions():
    assert pool.split(-100.0, [7, 7, 7]) == [-33.34, -33.33, -33.33]


def test_a_zero_weight_gets_nothing():
    assert pool.split(50.0, [0, 3, 1]) == [0.0, 37.5, 12.5]


@pytest.mark.parametrize("weights", [[], [0], [0, 0, 0], [0.0, -0.0]])
def test_nobody_worked_the_pool_cannot_be_split(weights):
    with pytest.raises(pool.PoolError) as error:
        pool.split(100.0, weights)
    assert error.value.code == "no_weight"


@pytest.mark.parametrize(
    ("amount", "weights", "code"),
    [
        (100.0, [1, -1, 3], "negative_weight"),
        (100.0, [1, float("nan")], "not_a_number"),
        (100.0, [float("inf"), 1], "not_a_number"),
        (float("nan"), [1], "not_a_number"),
        (100.0, ["7"], "not_a_number"),
    ],
)
def test_bad_weights_and_amounts_are_refused(amount, weights, code):
    with pytest.raises(pool.PoolError) as error:
        pool.split(amount, weights)
    assert error.value.code == code


def test_another_currency_rounding():
    assert pool.split(100.0, [1, 1, 1], rounding=1.0) == [34.0, 33.0, 33.0]
    assert pool.split(0.1, [1, 1, 1], rounding=0.05) == [0.05, 0.05, 0.0]
