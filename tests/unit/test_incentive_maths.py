"""Plain-pytest checks of tiers, amounts and the posting ledger."""

import pytest

from okr_addon.logic import incentive as inc

TIERS = [
    inc.Tier("miss", None, 80, -300),
    inc.Tier("near", 80, 100, 0),
    inc.Tier("met", 100, 120, 300),
    inc.Tier("star", 120, None, 500),
]


def test_find_tier_bounds_are_lower_inclusive_upper_exclusive():
    assert inc.find_tier(79.99, TIERS).name == "miss"
    assert inc.find_tier(80, TIERS).name == "near"
    assert inc.find_tier(119.9, TIERS).name == "met"
    assert inc.find_tier(120, TIERS).name == "star"
    assert inc.find_tier(5000, TIERS).name == "star"
    assert inc.find_tier(50, TIERS[1:]) is None


def test_valid_tiers_pass():
    inc.check_tiers(TIERS)
    inc.check_tiers(list(reversed(TIERS)))
    inc.check_tiers([inc.Tier("only", 100, None, 1)])


@pytest.mark.parametrize(
    ("tiers", "code", "names"),
    [
        ([inc.Tier("a", 80, 110, 1), inc.Tier("b", 100, 120, 2)], "overlap", ("a", "b")),
        ([inc.Tier("a", None, 80, 1), inc.Tier("b", 100, None, 2)], "gap", ("a", "b")),
        ([inc.Tier("a", None, None, 1), inc.Tier("b", 100, None, 2)], "overlap", ("a", "b")),
        ([inc.Tier("a", 100, 100, 1)], "empty", ("a",)),
    ],
)
def test_bad_tiers_name_the_culprits(tiers, code, names):
    with pytest.raises(inc.IncentiveError) as error:
        inc.check_tiers(tiers)
    assert error.value.code == code
    assert error.value.names == names


def test_amounts_caps_and_codes():
    assert inc.amount_for(500, "fixed") == 500
    assert inc.amount_for(5, "wage_percent", 6000) == 300
    with pytest.raises(inc.IncentiveError) as error:
        inc.amount_for(5, "wage_percent", None)
    assert error.value.code == "no_wage"
    assert inc.clamp(900, floor=-200, cap=800) == 800
    assert inc.clamp(-500, floor=-200, cap=800) == -200
    assert inc.clamp(100) == 100
    assert inc.split_by_code(300, "OKR_BONUS", "KPI_DEDUCTION") == {
        "OKR_BONUS": 300,
        "KPI_DEDUCTION": 0.0,
    }
    assert inc.split_by_code(-300, "OKR_BONUS", "KPI_DEDUCTION") == {
        "OKR_BONUS": 0.0,
        "KPI_DEDUCTION": -300,
    }
    assert inc.split_by_code(-300, "OKR", "OKR") == {"OKR": -300}


def test_ledger_deltas_post_only_differences():
    assert inc.deltas({"k": 500.0}, {}) == {"k": 500.0}
    assert inc.deltas({"k": 500.0}, {"k": 500.0}) == {}, "re-posting adds nothing"
    assert inc.deltas({"k": 300.0}, {"k": 500.0}) == {"k": -200.0}
    assert inc.deltas({}, {"k": 500.0}) == {"k": -500.0}, "a withdrawn line is reversed"
    assert inc.deltas({"k": 500.001}, {"k": 500.0}) == {}


def test_explanation_reads_like_a_sentence():
    text = inc.explanation(
        ["Scrap rate 3.5% vs target 4%", "completion 112.5%"],
        inc.Tier("star", 110, None, 500),
        500,
        "CNY",
        "%",
    )
    assert text == "Scrap rate 3.5% vs target 4% → completion 112.5% → tier ≥ 110% → +500.00 CNY"
    assert inc.explanation(["score 40"], None, 0, "CNY").endswith("no tier → +0.00 CNY")


PIECE_BANDS = [inc.Tier("first", None, 1000, 0.50), inc.Tier("beyond", 1000, None, 0.65)]


@pytest.mark.parametrize(
    ("units", "amount", "arithmetic"),
    [
        (0, 0.0, "0 = 0"),
        (-20, 0.0, "0 = 0"),  # returns pay nothing
        (999, 499.5, "999 × 0.5 = 499.5"),
        (1000, 500.0, "1,000 × 0.5 = 500"),  # the band edge belongs to the first band
        (1001, 500.65, "1,000 × 0.5 + 1 × 0.65 = 500.65"),
        (1200, 630.0, "1,000 × 0.5 + 200 × 0.65 = 630"),
    ],
)
def test_piece_rate_bands_are_progressive(units, amount, arithmetic):
    assert inc.progressive(units, PIECE_BANDS) == (amount, arithmetic)


def test_commission_is_a_percentage_of_the_value_per_band():
    bands = [inc.Tier("up to 50k", None, 50000, 3), inc.Tier("above", 50000, None, 4)]
    assert inc.progressive(62500.5, bands, percent=True) == (
        2000.02,
        "50,000 × 3% + 12,500.5 × 4% = 2,000.02",
    )


def test_units_beyond_the_last_band_are_not_paid():
    capped = [inc.Tier("only band", 0, 100, 2.0)]
    assert inc.progressive(150, capped) == (200.0, "100 × 2 = 200")


def test_deductions_are_cut_to_20_percent_of_the_wage_in_proportion():
    cuts = inc.lawful_deductions([-800, -700, 300], wage=6000, cap_percent=20)
    assert {i: c.cut for i, c in cuts.items()} == {0: 160.0, 1: 140.0}
    assert {c.reason for c in cuts.values()} == {"cap"}
    assert -800 + 160 + -700 + 140 == -1200  # exactly the cap


def test_the_minimum_wage_floor_wins_when_stricter():
    cuts = inc.lawful_deductions([-600], wage=5000, cap_percent=20, minimum_wage=4700)
    assert cuts == {0: inc.DeductionCut(300.0, "floor", 300.0)}
    # a bonus in the same period leaves room under the floor
    assert inc.lawful_deductions([-600, 300], wage=5000, cap_percent=20, minimum_wage=4700) == {}


def test_cuts_add_up_to_the_cent():
    cuts = inc.lawful_deductions([-100, -100, -100], wage=1000, cap_percent=20)
    assert round(sum(c.cut for c in cuts.values()), 2) == 100.0
    assert sorted(c.cut for c in cuts.values()) == [33.33, 33.33, 33.34]


def test_nothing_is_cut_within_the_limits_or_without_a_wage():
    assert inc.lawful_deductions([-1200], wage=6000, cap_percent=20) == {}
    assert inc.lawful_deductions([-5000], wage=None, cap_percent=20) == {}
    assert inc.lawful_deductions([-5000], wage=0.0, cap_percent=20) == {}  # no wage recorded
    assert inc.lawful_deductions([500], wage=6000, cap_percent=20) == {}
