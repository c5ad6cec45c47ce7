"""Plain-pytest checks of the connector run helpers (no Odoo needed)."""

import datetime

import pytest

from connectors.attendance import parse_zkteco_csv
from okr_addon.logic import sync

DT = datetime.datetime


def test_terminal_wall_clock_to_utc_and_back():
    assert sync.to_utc(DT(2026, 11, 2, 7, 58), "Asia/Shanghai") == DT(2026, 11, 1, 23, 58)
    assert sync.to_local(DT(2026, 11, 1, 23, 58), "Asia/Shanghai") == DT(2026, 11, 2, 7, 58)
    # The autumn hour that happens twice: the first occurrence (still summer time).
    assert sync.to_utc(DT(2026, 10, 25, 2, 30), "Europe/Berlin") == DT(2026, 10, 25, 0, 30)
    aware = DT(2026, 11, 2, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    assert sync.to_utc(aware, "Europe/Berlin") == DT(2026, 11, 2, 0, 0)
    assert sync.to_utc(None, "UTC") is None


@pytest.mark.parametrize(
    ("new", "clash"),
    [
        ((DT(2026, 11, 2, 12), DT(2026, 11, 2, 18)), (DT(2026, 11, 2, 8), DT(2026, 11, 2, 16))),
        ((DT(2026, 11, 2, 6), DT(2026, 11, 2, 9)), (DT(2026, 11, 2, 8), DT(2026, 11, 2, 16))),
        ((DT(2026, 11, 2, 8), DT(2026, 11, 2, 12)), (DT(2026, 11, 2, 8), DT(2026, 11, 2, 16))),
        ((DT(2026, 11, 3, 8), None), (DT(2026, 11, 1, 8), None)),
        ((DT(2026, 11, 2, 17), DT(2026, 11, 2, 20)), None),
        ((DT(2026, 11, 3, 8), DT(2026, 11, 3, 16)), None),  # after an open one: allowed
    ],
)
def test_attendance_conflict_mirrors_hr_attendance(new, clash):
    others = [(DT(2026, 11, 2, 8), DT(2026, 11, 2, 16)), (DT(2026, 11, 1, 8), None)]
    assert sync.attendance_conflict(others, *new) == clash


def test_raw_rows_round_trip_through_log_text():
    row = {"No.": "1002", "Name": "张三", "Time": "2026-11-31 07:55:02"}
    assert sync.load_raw(sync.dump_raw([row])) == [row]
    assert "张三" in sync.dump_raw([row]), "kept readable"
    assert sync.load_raw(sync.dump_raw([row, row])) == [row, row]
    assert sync.load_raw(sync.dump_raw([["a", "b", "c", "d", "e"]])) == [["a", "b", "c", "d", "e"]]
    assert sync.load_raw("") == []
    with pytest.raises(ValueError):
        sync.load_raw("{not json")


def test_mapping_is_checked_with_a_reason():
    allowed = ("employee_no", "timestamp")
    assert sync.parse_mapping("", allowed) == {}
    assert sync.parse_mapping('{"timestamp": "Punch time"}', allowed) == {"timestamp": "Punch time"}
    with pytest.raises(ValueError, match=r"not valid JSON \(line 1, column 2"):
        sync.parse_mapping("{timestamp}", allowed)
    with pytest.raises(ValueError, match="expected a JSON object"):
        sync.parse_mapping("[1]", allowed)
    with pytest.raises(ValueError, match=r"unknown field\(s\) when; the fields are: employee_no"):
        sync.parse_mapping('{"when": "x"}', allowed)
    with pytest.raises(ValueError, match="timestamp must be a non-empty text"):
        sync.parse_mapping('{"timestamp": 3}', allowed)


def test_endpoint_split_keeps_the_exact_url():
    assert sync.split_endpoint("https://clock.example.com/api/v1/attendances?site=3") == (
        "https://clock.example.com/api/v1/",
        "attendances?site=3",
    )
    assert sync.split_endpoint("https://clock.example.com") == ("https://clock.example.com/", "")


def test_run_state_from_counts():
    assert sync.run_state(done=10, failed=0) == sync.SUCCESS
    assert sync.run_state(done=10, failed=2) == sync.PARTIAL
    assert sync.run_state(done=10, failed=0, warnings=["page repeated"]) == sync.PARTIAL
    assert sync.run_state(done=0, failed=2) == sync.FAILED
    assert sync.run_state(done=0, failed=0, fatal=True) == sync.FAILED


def test_load_result_keeps_the_origin_of_each_item():
    data = (
        "No.,Name,Time,State\n"
        "1001,Wang Wu,2026-11-02 07:58:12,C/In\n"
        ",x,bad,\n"
        "1002,Li,2026-11-02 08:00,\n"
    )
    result = parse_zkteco_csv(data.encode())
    assert [row for row, _raw in result.origins] == [2, 4]
    assert result.origins[1][1]["No."] == "1002"
    assert len(result.origins) == len(result.items)
