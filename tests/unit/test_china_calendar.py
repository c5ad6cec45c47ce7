"""China's official calendar as read from chinesecalendar (no Odoo needed)."""

import datetime

import pytest

from okr_addon.logic import china_calendar

D = datetime.date


def test_national_day_2025_holidays_and_make_up_days():
    days_off, make_up = china_calendar.official_year(2025)
    off = {day.date: day for day in days_off}
    for n in range(1, 9):
        assert D(2025, 10, n) in off, f"2025-10-0{n} is a holiday"
    assert off[D(2025, 10, 1)].label == "国庆节 / National Day"
    assert D(2025, 10, 9) not in off
    working = {day.date: day for day in make_up}
    assert D(2025, 10, 11) in working  # a Saturday
    assert D(2025, 10, 11).weekday() == 5
    assert D(2025, 9, 28) in working  # a Sunday
    assert working[D(2025, 10, 11)].label == "国庆节调休上班 / National Day make-up working day"
    assert D(2025, 10, 12) not in working, "an ordinary Sunday is no make-up day"


def test_labour_day_2024_make_up_saturday():
    _off, make_up = china_calendar.official_year(2024)
    working = {day.date: day for day in make_up}
    assert D(2024, 5, 11) in working
    assert working[D(2024, 5, 11)].name_zh == "劳动节调休上班"
    assert all(day.date.year == 2024 for day in make_up)


def test_blocks_group_consecutive_days_of_one_holiday():
    days_off, _make_up = china_calendar.official_year(2025)
    blocks = {block.key: block for block in china_calendar.holiday_blocks(days_off)}
    national = blocks["2025:national_day:1"]
    assert (national.date_from, national.date_to) == (D(2025, 10, 1), D(2025, 10, 8))
    assert national.label == "国庆节、中秋节 / National Day, Mid-autumn Festival"
    assert "2025:national_day:2" not in blocks
    # one block per holiday, each key once
    assert len(blocks) == len(china_calendar.holiday_blocks(days_off))


def test_blocks_split_by_a_gap_get_their_own_key():
    holidays = {
        D(2030, 1, 1): "New Year's Day",
        D(2030, 1, 2): "New Year's Day",
        D(2030, 1, 5): "New Year's Day",
        D(2030, 10, 1): "Mid-autumn Festival",
        D(2030, 10, 2): "National Day",
    }
    days_off, make_up = china_calendar.official_year(2030, holidays=holidays, workdays={})
    assert make_up == []
    blocks = china_calendar.holiday_blocks(days_off)
    assert [b.key for b in blocks] == [
        "2030:new_years_day:1",
        "2030:new_years_day:2",
        "2030:mid_autumn_festival:1",
    ]
    assert blocks[2].label == "中秋节、国庆节 / Mid-autumn Festival, National Day"
    assert (blocks[0].date_from, blocks[0].date_to) == (D(2030, 1, 1), D(2030, 1, 2))


def test_unknown_year_asks_for_an_update():
    last = china_calendar.known_years()[-1]
    with pytest.raises(china_calendar.UnknownYear) as caught:
        china_calendar.official_year(2099)
    message = str(caught.value)
    assert "the official calendar of 2099 is not published in chinesecalendar" in message
    assert china_calendar.library_version() in message
    assert "update it" in message
    assert caught.value.last == last
    with pytest.raises(china_calendar.UnknownYear, match="covers 2004"):
        china_calendar.official_year(1999)


def test_unknown_year_with_the_data_of_a_given_version():
    holidays = {D(2026, 1, 1): "New Year's Day"}
    with pytest.raises(china_calendar.UnknownYear) as caught:
        china_calendar.official_year(2027, holidays=holidays, workdays={}, version="1.11.0")
    assert str(caught.value).startswith(
        "the official calendar of 2027 is not published in chinesecalendar 1.11.0 yet"
    )


def test_known_years_start_in_2004():
    years = china_calendar.known_years()
    assert years[0] == 2004
    assert {2024, 2025} <= set(years)


def test_parse_years():
    assert china_calendar.parse_years("2025, 2026") == [2025, 2026]
    assert china_calendar.parse_years("2024-2026") == [2024, 2025, 2026]
    assert china_calendar.parse_years("2026，2025 2025") == [2025, 2026]
    assert china_calendar.parse_years("") == []
    for wrong in ("twenty", "2026-2024", "25", "2000-2099"):
        with pytest.raises(ValueError):
            china_calendar.parse_years(wrong)


def test_years_to_follow():
    known = [2024, 2025, 2026]
    assert china_calendar.years_to_follow(D(2025, 3, 1), known) == ([2025, 2026], [])
    assert china_calendar.years_to_follow(D(2026, 12, 6), known) == ([2026], [2027])
