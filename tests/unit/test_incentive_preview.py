"""Earnings preview on the phone: what a forecast pays and how far the next tier is."""

import pytest

from okr_addon.logic import incentive as inc
from okr_addon.logic.incentive_preview import completion_actual, preview

T = inc.Tier

# Completion (higher is better): below 90% nothing, 90–100% +200, ≥ 100% +300, ≥ 110% +500.
COMPLETION = [
    T("low", None, 90, 0),
    T("ok", 90, 100, 200),
    T("good", 100, 110, 300),
    T("top", 110, None, 500),
]
# Scrap rate in % (lower is better): under 3% +300, 3–4% nothing, 4% and more −100.
SCRAP = [T("great", None, 3, 300), T("fine", 3, 4, 0), T("bad", 4, None, -100)]
# Piece rate: 0.5 per part up to 1,000, then 0.65.
PIECES = [T("base", 0, 1000, 0.5), T("more", 1000, None, 0.65)]


def test_no_forecast_says_so():
    result = preview(None, COMPLETION, "fixed")
    assert not result.has_forecast
    assert not result.has_next
    assert result.amount == 0.0


def test_higher_is_better_fixed_tiers():
    result = preview(103.0, COMPLETION, "fixed")
    assert result.tier.name == "good"
    assert result.amount == 300
    assert result.next_threshold == 110
    assert result.next_amount == 500
    assert result.gap == pytest.approx(7.0)


def test_next_tier_skips_bands_that_pay_no_more():
    tiers = [T("a", 0, 50, 100), T("b", 50, 60, 100), T("c", 60, None, 400)]
    result = preview(40.0, tiers, "fixed")
    assert (result.next_threshold, result.next_amount) == (60, 400)


def test_top_tier_has_no_next():
    result = preview(120.0, COMPLETION, "fixed")
    assert result.amount == 500
    assert not result.has_next
    assert result.gap is None


def test_lower_is_better_bonus():
    result = preview(3.3, SCRAP, "fixed", lower_is_better=True)
    assert result.amount == 0
    assert result.next_threshold == 3
    assert result.next_amount == 300
    assert result.gap == pytest.approx(0.3)


def test_lower_is_better_deduction_is_avoidable():
    result = preview(4.4, SCRAP, "fixed", lower_is_better=True)
    assert result.tier.name == "bad"
    assert result.amount == -100
    # The nearest better band loses nothing: 0.4 points lower avoids the deduction.
    assert (result.next_threshold, result.next_amount) == (4, 0)
    assert result.gap == pytest.approx(0.4)


def test_deduction_on_a_higher_is_better_basis():
    tiers = [T("miss", None, 80, -100), T("ok", 80, None, 0)]
    result = preview(72.0, tiers, "fixed")
    assert result.amount == -100
    assert (result.next_threshold, result.next_amount, result.gap) == (80, 0, 8)


def test_per_unit_bands_use_the_runs_progressive_arithmetic():
    result = preview(900.0, PIECES, "per_unit")
    assert result.amount == inc.progressive(900.0, PIECES)[0] == 450
    assert result.next_threshold == 1000
    assert result.next_amount == 500
    assert result.gap == pytest.approx(100)
    beyond = preview(1200.0, PIECES, "per_unit")
    assert beyond.amount == 630
    assert not beyond.has_next, "the last band is open: no band boundary above"


def test_commission_is_a_percentage_of_the_value():
    bands = [T("base", 0, 10000, 2), T("more", 10000, None, 3)]
    result = preview(8000.0, bands, "commission")
    assert result.amount == 160
    assert (result.next_threshold, result.next_amount) == (10000, 200)


def test_cap_reached_means_no_next_tier():
    result = preview(103.0, COMPLETION, "fixed", cap=300)
    assert result.amount == 300
    assert result.capped is False, "300 is the tier's own amount, not cut"
    assert not result.has_next, "the next tier's 500 is capped to 300: nothing more to win"
    capped = preview(115.0, COMPLETION, "fixed", cap=400)
    assert (capped.amount, capped.capped, capped.has_next) == (400, True, False)


def test_cap_lowers_the_next_tiers_amount():
    result = preview(95.0, COMPLETION, "fixed", cap=250)
    assert result.amount == 200
    assert (result.next_threshold, result.next_amount) == (100, 250)


def test_amount_is_the_one_the_run_pays():
    for value in (50.0, 90.0, 99.99, 100.0, 130.0):
        assert (
            preview(value, COMPLETION, "fixed").amount
            == inc.evaluate(value, COMPLETION, "fixed")[1]
        )


def test_wage_percent_needs_a_wage():
    tiers = [T("ok", 100, None, 5)]
    assert preview(100.0, tiers, "wage_percent", wage=6000).amount == 300
    with pytest.raises(inc.IncentiveError):
        preview(100.0, tiers, "wage_percent")


def test_completion_back_to_kpi_units():
    assert completion_actual(110, 100) == pytest.approx(110)
    assert completion_actual(110, 4.0, lower_is_better=True) == pytest.approx(3.6)
