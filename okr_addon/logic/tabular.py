"""Read an uploaded CSV or XLSX file into numbered rows (pure Python).

Row numbers are what the user sees in a spreadsheet: the header is row 1,
the first data row is row 2.
"""

import csv
import datetime
import io

ENCODINGS = ("utf-8-sig", "gb18030")


class FileFormatError(ValueError):
    """The whole file is unusable (encoding, header, format)."""


def decode(data):
    """Text of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError("the file is neither UTF-8 nor GBK text")


def read_rows(data, filename, required):
    """Yield (row number, {column: text}) for each non-empty data row.

    ``required`` lists the columns that must be in the header (case-insensitive,
    surrounding spaces ignored). Raises FileFormatError for a missing column.
    """
    if (filename or "").lower().endswith(".xlsx"):
        table = _xlsx_table(data)
    else:
        table = list(csv.reader(io.StringIO(decode(data))))
    if not table:
        raise FileFormatError("the file is empty")
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise FileFormatError(
            f"missing column(s): {', '.join(missing)} (found: {', '.join(header)})"
        )
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(cell or "").strip() for cell in cells):
            continue
        yield (
            number,
            {
                column: _text(cells[index]) if index < len(cells) else ""
                for index, column in enumerate(header)
            },
        )


def _text(cell):
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if cell is None:
        return ""
    return str(cell).strip()


def _xlsx_table(data):
    import openpyxl  # noqa: PLC0415 (only needed for spreadsheets)

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zip or XML errors: not a spreadsheet
        raise FileFormatError("the file is not a readable .xlsx spreadsheet") from error
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def parse_number(text):
    """Float from '1234.5', '1,234.5' or '4.5%'; ValueError otherwise."""
    cleaned = text.replace(",", "").replace("%", "").strip()
    if not cleaned:
        raise ValueError("empty")
    return float(cleaned)


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def parse_date(text):
    """Date from ISO (2026-11-23), 2026/11/23, 23.11.2026 or 20261123; ValueError otherwise."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
