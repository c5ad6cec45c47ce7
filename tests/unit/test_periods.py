"""Plain-pytest checks of okr_addon's period arithmetic (no Odoo needed)."""

import datetime

from okr_addon.logic import periods

D = datetime.date


def test_quarter_bounds():
    assert periods.quarter_bounds(D(2026, 11, 23)) == (D(2026, 10, 1), D(2026, 12, 31))
    assert periods.quarter_bounds(D(2026, 1, 1)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert periods.quarter_bounds(D(2024, 5, 31)) == (D(2024, 4, 1), D(2024, 6, 30))


def test_month_bounds_handles_leap_years():
    assert periods.month_bounds(D(2024, 2, 10)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert periods.month_bounds(D(2026, 2, 10)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert periods.month_bounds(D(2026, 12, 31)) == (D(2026, 12, 1), D(2026, 12, 31))


def test_cycle_bounds_and_names():
    assert periods.cycle_bounds("month", D(2026, 11, 23)) == (D(2026, 11, 1), D(2026, 11, 30))
    assert periods.cycle_bounds("custom", D(2026, 11, 23)) is None
    assert periods.cycle_name("quarter", D(2026, 10, 1)) == "2026-Q4"
    assert periods.cycle_name("month", D(2026, 3, 1)) == "2026-03"
    assert periods.cycle_name("custom", D(2026, 3, 1)) is None


def test_encloses():
    q4 = (D(2026, 10, 1), D(2026, 12, 31))
    assert periods.encloses(*q4, D(2026, 11, 1), D(2026, 11, 30))
    assert periods.encloses(*q4, *q4)
    assert not periods.encloses(*q4, D(2026, 9, 1), D(2026, 9, 30))
    assert not periods.encloses(*q4, D(2026, 12, 1), D(2027, 1, 31))


def test_is_stale():
    today = D(2026, 11, 23)
    assert periods.is_stale(D(2026, 11, 16), None, today, 7)
    assert not periods.is_stale(D(2026, 11, 17), None, today, 7)
    assert periods.is_stale(None, D(2026, 11, 1), today, 7)
    assert not periods.is_stale(None, None, today, 7)
