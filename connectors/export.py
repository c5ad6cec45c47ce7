"""Incentive lines as files for payroll clerks: CSV and XLSX, same columns.

The CSV is UTF-8 *with* a BOM: without it Excel guesses the legacy code
page and shows Chinese names as mojibake. Amounts are written with two
decimals ("350.00" in CSV, a number formatted ``0.00`` in XLSX).

Text cells starting with ``= + - @`` are written so that a spreadsheet shows
them as text instead of running them as formulas (CSV injection): the CSV
gets a leading apostrophe, the XLSX cell is typed as a string.
"""

import csv
import dataclasses
import io

import openpyxl
from marshmallow import ValidationError

from .loading import payload_error
from .payroll.schema import IncentiveLineSchema

COLUMNS = (
    "ledger_key",
    "employee_code",
    "period",
    "rule_code",
    "amount",
    "currency",
    "explanation",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_csv(lines):
    """Return ``lines`` (dicts or IncentiveLine) as CSV bytes, UTF-8 with BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in normalise(lines):
        writer.writerow([_csv_cell(name, line[name]) for name in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(lines, sheet_title="Incentives"):
    """Return ``lines`` as the bytes of an .xlsx workbook with one sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(COLUMNS)
    for number, line in enumerate(normalise(lines), start=2):
        for column, name in enumerate(COLUMNS, start=1):
            _xlsx_cell(sheet.cell(row=number, column=column), name, line[name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def normalise(lines):
    """Validate lines with IncentiveLineSchema; raise PayloadError on the first bad one."""
    schema = IncentiveLineSchema()
    for index, line in enumerate(lines, start=1):
        data = dataclasses.asdict(line) if dataclasses.is_dataclass(line) else dict(line)
        try:
            yield schema.load(data)
        except ValidationError as exc:
            raise payload_error(index, exc, line) from None


def _csv_cell(name, value):
    if name == "amount":
        return f"{value:.2f}"
    return f"'{value}" if str(value).startswith(_FORMULA_START) else value


def _xlsx_cell(cell, name, value):
    cell.value = value
    if name == "amount":
        cell.number_format = "0.00"
    else:
        # openpyxl would store "=..." as a formula; force plain text.
        cell.data_type = "s"
