"""Read a CSV export or an XLSX sheet into numbered rows keyed by the file's own headers.

Terminal and spreadsheet exports differ in encoding (UTF-8 with or without
BOM, GBK on Chinese Windows, UTF-16 from some terminals), in delimiter
(comma, semicolon, tab), in container (a CSV text or an Excel workbook, whose
first sheet is read) and in header wording ("No." or "AC-No."). This module
settles all of them once, so that each adapter only declares its logical
columns and their usual header names::

    columns = {"employee_no": ("No.", "AC-No."), "timestamp": ("Time", "Date/Time")}

An admin can pin a column with ``mapping={"timestamp": "Punch time"}``.
Whole-file problems raise :class:`~connectors.errors.FileError` with one
message; row problems are left to the schema.
"""

import codecs
import csv
import dataclasses
import datetime
import io

from .errors import ConfigurationError, FileError, PayloadError

DEFAULT_ENCODINGS = ("utf-8-sig", "gbk")
_DELIMITERS = (",", ";", "\t")
# How an .xlsx workbook (a zip archive) starts.
_XLSX_MAGIC = b"PK\x03\x04"


@dataclasses.dataclass
class Table:
    """A parsed file: ``field_map`` maps header -> logical column, ``rows`` are
    ``(line_number, {header: cell})`` pairs for the non-blank data lines, and
    ``errors`` the lines that cannot be split into the header's columns."""

    field_map: dict[str, str]
    rows: list[tuple[int, dict[str, str]]]
    errors: list[PayloadError]


def read_table(data, columns, required, mapping=None, encodings=DEFAULT_ENCODINGS):
    """Decode ``data`` (bytes or str), check its header, return a :class:`Table`.

    An XLSX workbook is recognised by its content, not its name: its first
    sheet is read, cells as text (dates as ISO dates, whole numbers without
    ".0"), row numbers as the spreadsheet shows them."""
    if isinstance(data, bytes) and data.startswith(_XLSX_MAGIC):
        return _table(enumerate(_sheet_lines(data), start=1), columns, required, mapping, ",")
    text = decode(data, encodings)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered():
        for cells in reader:
            yield reader.line_num, cells

    try:
        return _table(numbered(), columns, required, mapping, delimiter)
    except csv.Error as exc:
        raise FileError(f"unreadable CSV at line {reader.line_num}: {exc}") from None


def _table(lines, columns, required, mapping, delimiter):
    """A :class:`Table` of ``lines`` (``(number, cells)`` pairs; the first non-blank: header)."""
    headers = _header(lines)
    table = Table(resolve_columns(headers, columns, required, mapping), [], [])
    for number, cells in lines:
        _add_line(table, number, headers, cells, delimiter)
    return table


def _sheet_lines(data):
    """The cells of the first sheet of an XLSX workbook, as text, row by row."""
    import openpyxl  # noqa: PLC0415 (only spreadsheets need it)

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip or XML errors: not a workbook
        raise FileError("cannot read the file: it is not a readable .xlsx workbook") from exc
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _cell_text(cell):
    """A spreadsheet cell as the text a CSV export of it would hold."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        if cell.time() == datetime.time():
            return cell.date().isoformat()
        return cell.isoformat(sep=" ", timespec="seconds")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _add_line(table, number, headers, cells, delimiter):
    """Add one data line to ``table``: blank lines are skipped, overlong ones rejected."""
    cells = [cell.strip() for cell in cells]
    if not any(cells):
        return
    if any(cells[len(headers) :]):
        # Typically an unquoted decimal comma ("12,5"): reading on would load 12.
        reason = (
            f"{len(cells)} values for {len(headers)} columns: "
            f"put values containing {delimiter!r} in quotes"
        )
        table.errors.append(PayloadError(number, None, reason, cells))
        return
    # Not strict: a short line lacks its last cells; the schema reports them.
    table.rows.append((number, dict(zip(headers, cells, strict=False))))


def decode(data, encodings=DEFAULT_ENCODINGS):
    """Return ``data`` as text, trying ``encodings`` in order; raise FileError if none fits."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if not data.strip():
        raise FileError("the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16", *encodings)
    elif b"\x00" in data:
        raise FileError("this is a binary file, not a CSV text export or an .xlsx workbook")
    for encoding in encodings:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    names = " or ".join(dict.fromkeys(_encoding_name(encoding) for encoding in encodings))
    raise FileError(f"cannot read the file: it is not {names} text; export it again as CSV (UTF-8)")


def resolve_columns(headers, columns, required, mapping=None):
    """Return ``{header: logical column}``; raise FileError naming missing columns."""
    unknown = sorted(set(mapping or {}) - set(columns))
    if unknown:
        raise ConfigurationError(f"column mapping names unknown column(s): {', '.join(unknown)}")
    present = {_norm(header): header for header in headers if header}
    found, missing = {}, []
    for logical, aliases in columns.items():
        wanted = [mapping[logical]] if mapping and logical in mapping else list(aliases)
        header = next((present[_norm(name)] for name in wanted if _norm(name) in present), None)
        if header is not None:
            found[header] = logical
        elif logical in required:
            missing.append(f"{logical} ({' / '.join(wanted)})")
    if missing:
        raise FileError(
            f"wrong header: no column for {', '.join(missing)}; "
            f"the file's columns are: {', '.join(headers)}"
        )
    return found


def _header(lines):
    for _number, cells in lines:
        if any(cell.strip() for cell in cells):
            return [cell.strip() for cell in cells]
    raise FileError("the file has no header line")


def _delimiter(text):
    """The most frequent candidate delimiter of the first line (comma by default)."""
    first = text.lstrip().split("\n", 1)[0]
    return max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","


def _encoding_name(encoding):
    """How users call an encoding: "utf-8-sig" -> "UTF-8"."""
    return encoding.upper().removesuffix("-SIG")


def _norm(header):
    """Compare headers ignoring case, BOM and repeated spaces."""
    return " ".join(header.replace("\ufeff", "").split()).casefold()
