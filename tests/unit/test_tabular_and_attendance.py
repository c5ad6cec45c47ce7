"""Plain-pytest checks of file reading (CSV/XLSX, UTF-8/GBK) and attendance behaviour."""

import datetime
import io

import openpyxl
import pytest

from okr_addon.logic import attendance, tabular

UTC = datetime.timezone.utc
REQUIRED = ("kpi", "employee", "date", "value")


def _rows(data, filename="values.csv"):
    return list(tabular.read_rows(data, filename, REQUIRED))


def test_csv_utf8_bom_and_gbk():
    text = "KPI, Employee ,date,value,note\nSCRAP,1001,2026-11-02,4.2,王五\n\n"
    for data in (text.encode("utf-8-sig"), text.encode("gbk")):
        rows = _rows(data)
        assert rows == [
            (
                2,
                {
                    "kpi": "SCRAP",
                    "employee": "1001",
                    "date": "2026-11-02",
                    "value": "4.2",
                    "note": "王五",
                },
            )
        ]


def test_missing_column_is_a_file_error():
    with pytest.raises(tabular.FileFormatError, match=r"missing column.*value"):
        _rows(b"kpi,employee,date\nSCRAP,1001,2026-11-02\n")


def test_undecodable_bytes_are_a_file_error():
    with pytest.raises(tabular.FileFormatError, match="neither UTF-8 nor GBK"):
        _rows(b"\xff\xfe\x00\x00\x81\x30\x81")


def test_xlsx_rows_keep_their_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kpi", "employee", "date", "value"])
    sheet.append(["SCRAP", 1001, datetime.datetime(2026, 11, 2), 4.2])
    sheet.append([None, None, None, None])
    sheet.append(["SCRAP", 1002, "2026-11-03", "n/a"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = _rows(buffer.getvalue(), "values.xlsx")
    assert [number for number, _row in rows] == [2, 4]
    assert rows[0][1] == {"kpi": "SCRAP", "employee": "1001", "date": "2026-11-02", "value": "4.2"}
    with pytest.raises(tabular.FileFormatError, match=r"not a readable \.xlsx"):
        _rows(b"not a zip", "broken.xlsx")


def test_parse_number_and_date():
    assert tabular.parse_number("1,234.5") == 1234.5
    assert tabular.parse_number("4.5%") == 4.5
    for bad in ("", "abc"):
        with pytest.raises(ValueError):
            tabular.parse_number(bad)
    expected = datetime.date(2026, 11, 23)
    for text in ("2026-11-23", "2026/11/23", "23.11.2026", "20261123"):
        assert tabular.parse_date(text) == expected
    with pytest.raises(ValueError):
        tabular.parse_date("23/11/26 oops")


def test_late_arrivals_respect_tolerance_and_rest_days():
    def at(day, hour, minute):
        return datetime.datetime(2026, 11, day, hour, minute, tzinfo=UTC)

    starts = {datetime.date(2026, 11, d): at(d, 8, 0) for d in (2, 3, 4)}
    firsts = {
        datetime.date(2026, 11, 2): at(2, 8, 4),  # within 5 minutes
        datetime.date(2026, 11, 3): at(3, 8, 20),  # late
        datetime.date(2026, 11, 4): at(4, 7, 55),
        datetime.date(2026, 11, 8): at(8, 10, 0),  # Sunday: nothing scheduled
    }
    assert attendance.late_arrivals(firsts, starts, 5) == 1
    assert attendance.late_arrivals(firsts, starts, 2) == 2


def test_attendance_rate():
    scheduled = [datetime.date(2026, 11, d) for d in (2, 3, 4, 5)]
    present = [datetime.date(2026, 11, d) for d in (2, 3, 8)]
    assert attendance.attendance_rate(present, scheduled) == 0.5
    assert attendance.attendance_rate(present, []) is None
