"""Terminal CSV exports (ZKTeco style) and the pairing of punches into attendances."""

import codecs
import datetime
import random
import re

import pytest

from connectors.attendance import pair_punches, parse_zkteco_csv
from connectors.attendance.schema import IN, OUT, Punch, PunchSchema
from connectors.errors import ConfigurationError, FileError

DT = datetime.datetime

EXPORT = (
    "No.,Name,Time,State\r\n"
    "1001,Wang Wu,2026-11-02 07:58:12,C/In\r\n"
    "1001,Wang Wu,2026-11-02 17:04:40,C/Out\r\n"
    "1002,Zhang San,2026/11/2 8:01,Check In\r\n"
    "1002,Zhang San,02/11/2026 17:10:19,1\r\n"
    "1003,Li Si,2026-11-02 07:49:51,\r\n"
)

CHINESE_EXPORT = (
    "AC-No.,Name,Date/Time,Status\r\n"
    "1001,王五,2026/11/2 7:58,Check In\r\n"
    "1002,张三,2026/11/2 8:03,Check In\r\n"
    "1001,王五,2026/11/2 17:05,Check Out\r\n"
    "1003,李四,2026/11/2 17:12,签退\r\n"
)


def punch(employee_no, when, state=None):
    return Punch(employee_no, DT.fromisoformat(when), state)


def test_utf8_export_gives_typed_punches():
    result = parse_zkteco_csv(EXPORT.encode())
    assert result.ok
    assert [(p.employee_no, p.state) for p in result.items] == [
        ("1001", IN),
        ("1001", OUT),
        ("1002", IN),
        ("1002", OUT),
        ("1003", None),
    ]
    assert result.items[2].timestamp == DT(2026, 11, 2, 8, 1)
    assert result.items[3].timestamp == DT(2026, 11, 2, 17, 10, 19)  # day first
    assert result.items[0].name == "Wang Wu"


def test_utf8_with_bom_reads_like_without():
    plain = parse_zkteco_csv(EXPORT.encode())
    with_bom = parse_zkteco_csv(codecs.BOM_UTF8 + EXPORT.encode())
    assert with_bom.items == plain.items
    assert len(with_bom.items) == 5


def test_gbk_export_with_chinese_names_and_other_header():
    result = parse_zkteco_csv(CHINESE_EXPORT.encode("gbk"))
    assert result.errors == []
    assert [p.name for p in result.items] == ["王五", "张三", "王五", "李四"]
    assert result.items[3].state == OUT
    assert result.items[0].timestamp == DT(2026, 11, 2, 7, 58)


def test_utf16_export_is_read():
    result = parse_zkteco_csv(EXPORT.encode("utf-16"))
    assert len(result.items) == 5


def test_semicolon_separated_export_is_read():
    result = parse_zkteco_csv(EXPORT.replace(",", ";").encode())
    assert [p.employee_no for p in result.items] == ["1001", "1001", "1002", "1002", "1003"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"No.,Name,Time,State\r\n1001,\xff\xfe\x20,2026-11-02 08:00:00,C/In\r\n",
            "it is not UTF-8 or GBK text",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00", "not a readable .xlsx workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"  \r\n", "the file is empty"),
    ],
)
def test_unreadable_file_is_one_file_error(data, message):
    with pytest.raises(FileError, match=message):
        parse_zkteco_csv(data)


def test_wrong_header_names_the_missing_column_and_what_was_found():
    data = b"Badge,Name,When\r\n1001,Wang Wu,2026-11-02 08:00:00\r\n"
    with pytest.raises(FileError) as caught:
        parse_zkteco_csv(data)
    message = str(caught.value)
    assert message.startswith("wrong header: no column for employee_no (No. / AC-No.")
    assert "timestamp (Time / Date/Time" in message
    assert message.endswith("the file's columns are: Badge, Name, When")


def test_column_mapping_and_custom_formats():
    data = b"Badge;Who;Punch time\n7;Ann;11/02/2026 05:01 PM\n"
    result = parse_zkteco_csv(
        data,
        mapping={"employee_no": "Badge", "name": "Who", "timestamp": "Punch time"},
        formats=["%m/%d/%Y %I:%M %p"],
    )
    assert result.items == [Punch("7", DT(2026, 11, 2, 17, 1), None, "Ann")]


def test_mapping_of_an_unknown_column_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match=re.escape("unknown column(s): badge")):
        parse_zkteco_csv(EXPORT.encode(), mapping={"badge": "No."})


def test_broken_rows_are_reported_and_valid_rows_kept():
    data = (
        b"No.,Name,Time,State\r\n"
        b"1001,Wang Wu,2026-11-02 07:58:12,C/In\r\n"
        b"1002,Zhang San,2026-11-31 07:55:02,C/In\r\n"
        b",Li Si,2026-11-02 07:49:51,C/In\r\n"
        b"\r\n"
        b"1004,Sun Mei,2026-11-02 17:20:44,Lunch\r\n"
        b"1005,Zhou Qiang\r\n"
        b"1001,Wang Wu,2026-11-02 17:04:40,C/Out\r\n"
    )
    result = parse_zkteco_csv(data)
    assert [p.timestamp.hour for p in result.items] == [7, 17]
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "Time"),
        (4, "No."),
        (6, "State"),
        (7, "Time"),
    ]
    assert result.errors[0].reason.startswith("not a valid date/time '2026-11-31 07:55:02'")
    assert result.errors[1].reason == "missing value"
    assert result.errors[1].raw["Name"] == "Li Si"
    assert "unknown punch state 'Lunch'" in str(result.errors[2])


def test_punch_schema_accepts_the_usual_state_spellings():
    schema = PunchSchema()
    spellings = {"C/In": IN, "check-out": OUT, "0": IN, "1": OUT, "OverTime In": IN, " ": None}
    for text, expected in spellings.items():
        loaded = schema.load({"employee_no": 1001, "timestamp": "2026-11-02 08:00", "state": text})
        assert loaded.state == expected, text
        assert loaded.employee_no == "1001"


def test_pairs_check_in_with_check_out_per_employee_and_day():
    result = parse_zkteco_csv(EXPORT.encode())
    pairs = pair_punches(result.items)
    assert [(p.employee_no, p.external_id, p.issue) for p in pairs] == [
        ("1001", "1001@2026-11-02T07:58:12", ""),
        ("1002", "1002@2026-11-02T08:01:00", ""),
        ("1003", "1003@2026-11-02T07:49:51", "missing check-out"),
    ]
    assert pairs[0].worked_hours == pytest.approx(9 + 6 / 60 + 28 / 3600)
    assert pairs[2].check_out is None


def test_duplicate_punches_within_two_minutes_count_once():
    punches = [
        punch("1001", "2026-11-02T07:58:12", IN),
        punch("1001", "2026-11-02T07:58:40", IN),
        punch("1001", "2026-11-02T07:59:30", IN),
        punch("1001", "2026-11-02T17:04:40", OUT),
        punch("1001", "2026-11-02T17:05:02", OUT),
    ]
    pairs = pair_punches(punches)
    assert len(pairs) == 1
    assert (pairs[0].check_in, pairs[0].check_out) == (
        DT(2026, 11, 2, 7, 58, 12),
        DT(2026, 11, 2, 17, 4, 40),
    )


def test_out_of_order_rows_give_the_same_pairs():
    result = parse_zkteco_csv(EXPORT.encode())
    shuffled = list(result.items)
    random.Random(7).shuffle(shuffled)
    assert pair_punches(shuffled) == pair_punches(result.items)


def test_missing_check_out_does_not_swallow_the_next_day():
    punches = [
        punch("1006", "2026-11-03T07:55:00", IN),
        punch("1006", "2026-11-04T07:52:00", IN),
        punch("1006", "2026-11-04T17:03:00", OUT),
    ]
    pairs = pair_punches(punches)
    assert [(p.day.day, p.issue) for p in pairs] == [(3, "missing check-out"), (4, "")]


def test_check_out_without_check_in_is_kept_as_an_issue():
    pairs = pair_punches([punch("1002", "2026-11-02T17:10:19", OUT)])
    assert pairs[0].issue == "missing check-in"
    assert pairs[0].external_id == "1002@out@2026-11-02T17:10:19"


def test_punches_without_state_alternate_in_and_out():
    times = ["07:58", "12:01", "12:58", "17:03"]
    punches = [punch("1003", f"2026-11-02T{t}:00") for t in times]
    pairs = pair_punches(punches)
    assert [(p.check_in.hour, p.check_out.hour) for p in pairs] == [(7, 12), (12, 17)]


def test_first_last_policy_ignores_states_and_middle_punches():
    states = [IN, OUT, IN, IN]
    times = ["07:58", "12:01", "12:58", "17:03"]
    punches = [punch("1003", f"2026-11-02T{t}:00", s) for t, s in zip(times, states, strict=True)]
    pairs = pair_punches(punches, policy="first_last")
    assert [(p.check_in.hour, p.check_out.hour) for p in pairs] == [(7, 17)]


def test_night_shift_across_midnight_belongs_to_the_check_in_day():
    punches = [punch("1009", "2026-11-02T22:01:00", IN), punch("1009", "2026-11-03T06:02:00", OUT)]
    (pair,) = pair_punches(punches)
    assert pair.day == datetime.date(2026, 11, 2)
    assert pair.worked_hours == pytest.approx(8 + 1 / 60)


def test_reparsing_the_same_file_gives_identical_external_ids():
    first = [p.external_id for p in pair_punches(parse_zkteco_csv(EXPORT.encode()).items)]
    again = [p.external_id for p in pair_punches(parse_zkteco_csv(EXPORT.encode()).items)]
    assert first == again
    assert len(set(first)) == 3


def test_unknown_pairing_policy_is_refused():
    with pytest.raises(ValueError, match="unknown pairing policy 'lunch'"):
        pair_punches([], policy="lunch")
