"""KPI values from CSV files and a REST endpoint, as measurement dicts."""

import datetime
import io

import openpyxl
import pytest

from connectors.errors import FileError
from connectors.http import ApiClient
from connectors.kpi import KpiRestSource, KpiValueSchema, parse_kpi_csv
from connectors.testing import FakeRemote, Reply

KPI_CSV = (
    "KPI Code,Employee Code,Date,Value\r\n"
    "OUTPUT,1001,2026-11-02,412\r\n"
    "SCRAP_RATE,1001,2026/11/02,12,5\r\n"
    "SCRAP_RATE,1002,2026-11-02,\r\n"
    "OUTPUT,1002,02/11/2026, 398.5 \r\n"
    "OUTPUT,1001,2026-11-02,415\r\n"
    "OUTPUT,1003,2026-11-02,n/a\r\n"
    'SCRAP_RATE,1003,2026-11-02,"1,8"\r\n'
)


@pytest.fixture
def remote():
    with FakeRemote() as server:
        yield server


def test_csv_values_become_measurements_with_stable_references():
    result = parse_kpi_csv(KPI_CSV.encode())
    assert result.items == [
        {
            "definition_code": "OUTPUT",
            "employee_code": "1001",
            "date": datetime.date(2026, 11, 2),
            "value": 412.0,
            "note": None,
            "source_reference": "csv:OUTPUT:1001:2026-11-02",
        },
        {
            "definition_code": "OUTPUT",
            "employee_code": "1002",
            "date": datetime.date(2026, 11, 2),
            "value": 398.5,
            "note": None,
            "source_reference": "csv:OUTPUT:1002:2026-11-02",
        },
    ]


def test_csv_errors_name_row_and_column():
    errors = parse_kpi_csv(KPI_CSV.encode()).errors
    assert [str(e) for e in errors] == [
        "row 3: 5 values for 4 columns: put values containing ',' in quotes",
        "row 4, field 'Value': missing value",
        "row 6: duplicate of row 2",
        "row 7, field 'Value': not a number: 'n/a'",
        "row 8, field 'Value': not a number: '1,8'",
    ]
    assert errors[0].raw == ["SCRAP_RATE", "1001", "2026/11/02", "12", "5"]


def test_gbk_kpi_file_with_mapped_chinese_headers():
    data = "指标,工号,日期,数值\r\nOUTPUT,1001,2026-11-02,7\r\n".encode("gbk")
    mapping = {"kpi_code": "指标", "employee_code": "工号", "date": "日期", "value": "数值"}
    result = parse_kpi_csv(data, mapping=mapping, source="line-3")
    assert result.items[0]["source_reference"] == "line-3:OUTPUT:1001:2026-11-02"


def test_kpi_csv_without_value_column_is_a_file_error():
    with pytest.raises(
        FileError, match=r"no column for value \(Value / value / Actual / 数值 / 实际值\)"
    ):
        parse_kpi_csv(b"KPI Code,Employee Code,Date\r\nOUTPUT,1001,2026-11-02\r\n")


def test_utf8_bom_and_gbk_files_with_a_note_read_alike():
    text = "kpi, Employee ,date,value,note\nSCRAP,1001,2026-11-02,4.2,王五 die 4\n\n"
    for data in (text.encode("utf-8-sig"), text.encode("gbk")):
        (item,) = parse_kpi_csv(data).items
        assert (item["definition_code"], item["value"], item["note"]) == (
            "SCRAP",
            4.2,
            "王五 die 4",
        )


def test_chinese_headers_are_known_without_a_mapping():
    data = '指标编码,工号,日期,数值,备注\r\nOUTPUT,1001,20261102,"1,234",夜班\r\n'.encode("gbk")
    (item,) = parse_kpi_csv(data).items
    assert item["date"] == datetime.date(2026, 11, 2)
    assert (item["value"], item["note"]) == (1234.0, "夜班")


def test_values_as_spreadsheets_type_them():
    rows = ["4.5%", "1,234.5", "-1,000", "12,5", "1,23"]
    data = "KPI,Employee,Date,Value\n" + "".join(
        f'SCRAP,100{n},2026-11-02,"{value}"\n' for n, value in enumerate(rows)
    )
    result = parse_kpi_csv(data.encode())
    assert [item["value"] for item in result.items] == [4.5, 1234.5, -1000.0]
    assert [str(e) for e in result.errors] == [
        "row 5, field 'Value': not a number: '12,5'",
        "row 6, field 'Value': not a number: '1,23'",
    ]


def test_xlsx_workbook_rows_keep_the_numbers_the_sheet_shows():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["KPI", "Employee", "Date", "Value", "Note"])
    sheet.append(["SCRAP", 1001, datetime.datetime(2026, 11, 2), 4.2, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["SCRAP", 1002, "2026-11-03", "n/a", "typo"])
    sheet.append(["OUTPUT", 1002, datetime.date(2026, 11, 3), 412.0, "夜班"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_kpi_csv(buffer.getvalue())
    assert [(item["employee_code"], item["date"], item["value"]) for item in result.items] == [
        ("1001", datetime.date(2026, 11, 2), 4.2),
        ("1002", datetime.date(2026, 11, 3), 412.0),
    ]
    assert [str(e) for e in result.errors] == ["row 4, field 'Value': not a number: 'n/a'"]
    assert result.origins[1][0] == 5


def test_a_broken_workbook_is_one_file_error():
    with pytest.raises(FileError, match=r"not a readable \.xlsx workbook"):
        parse_kpi_csv(b"PK\x03\x04 but not a zip")


def test_a_note_longer_than_allowed_fails_its_row():
    data = f"KPI,Employee,Date,Value,Note\nSCRAP,1001,2026-11-02,1,{'x' * 501}\n".encode()
    (error,) = parse_kpi_csv(data).errors
    assert (error.row, error.field) == (2, "Note")


def test_kpi_rest_source_loads_pages_and_reports_bad_records(remote):
    remote.script(
        "GET",
        "/kpi/values",
        Reply(
            body={
                "items": [
                    {"kpi": "OUTPUT", "employee": 1001, "day": "2026-11-02", "value": 412},
                    {"kpi": "OUTPUT", "employee": 1002, "day": "2026-11-02", "value": "high"},
                ],
                "next_cursor": "p2",
            }
        ),
        Reply(body={"items": [{"kpi": "OUTPUT", "employee": 1003, "day": "2026-11-02"}]}),
    )
    mapping = {"kpi": "kpi_code", "employee": "employee_code", "day": "date"}
    client = ApiClient(remote.url, sleep=lambda _s: None, allow_local_network=True)
    result = KpiRestSource(client, "kpi/values", mapping=mapping).fetch()
    assert [m["source_reference"] for m in result.items] == ["rest:OUTPUT:1001:2026-11-02"]
    assert [str(e) for e in result.errors] == [
        "row 2, field 'value': not a number: 'high'",
        "row 3, field 'value': missing value",
    ]


def test_kpi_schema_uses_the_given_date_formats():
    schema = KpiValueSchema(source="mes", date_formats=["%d.%m.%Y"])
    loaded = schema.load(
        {"kpi_code": "OEE", "employee_code": "1001", "date": "02.11.2026", "value": "0.83"}
    )
    assert loaded["date"] == datetime.date(2026, 11, 2)
    assert loaded["value"] == pytest.approx(0.83)
    assert loaded["source_reference"] == "mes:OEE:1001:2026-11-02"
