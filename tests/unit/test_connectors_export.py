"""Incentive lines exported to CSV (UTF-8 BOM) and XLSX with the same columns."""

import codecs
import csv
import decimal
import io

import openpyxl
import pytest

from connectors.errors import PayloadError
from connectors.export import COLUMNS, export_csv, export_xlsx
from connectors.payroll import IncentiveLine

LINES = [
    IncentiveLine("INC-1", "1001", "2026-11", "OUTPUT", decimal.Decimal("350"), "CNY", "王五 超产"),
    {
        "ledger_key": "INC-2",
        "employee_code": "1002",
        "period": "2026-11",
        "rule_code": "SCRAP",
        "amount": -20.005,
        "currency": "cny",
        "explanation": '=HYPERLINK("http://x")',
    },
]


def test_csv_has_a_bom_chinese_text_and_two_decimal_amounts():
    data = export_csv(LINES)
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == ["INC-1", "1001", "2026-11", "OUTPUT", "350.00", "CNY", "王五 超产"]
    assert rows[2][4:6] == ["-20.01", "CNY"]


def test_csv_defuses_formulas_in_text_cells():
    rows = list(csv.reader(io.StringIO(export_csv(LINES).decode("utf-8-sig"))))
    assert rows[2][6] == '\'=HYPERLINK("http://x")'


def test_xlsx_has_the_same_columns_numbers_and_plain_text():
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(LINES))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    assert values[1][6] == "王五 超产"
    assert values[1][4] == 350
    assert sheet["E2"].number_format == "0.00"
    assert sheet["G3"].data_type == "s"
    assert sheet["G3"].value == '=HYPERLINK("http://x")'
    assert sheet.title == "Incentives"


def test_an_invalid_line_stops_the_export_with_its_position():
    with pytest.raises(PayloadError) as caught:
        export_csv([LINES[0], {**LINES[1], "period": "November"}])
    assert (caught.value.row, caught.value.field) == (2, "period")
