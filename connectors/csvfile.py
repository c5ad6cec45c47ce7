"""Read a CSV export into numbered rows keyed by the file's own headers.

Terminal and spreadsheet exports differ in encoding (UTF-8 with or without
BOM, GBK on Chinese Windows, UTF-16 from some terminals), in delimiter
(comma, semicolon, tab) and in header wording ("No." or "AC-No."). This
module settles all three once, so that each adapter only declares its
logical columns and their usual header names::

    columns = {"employee_no": ("No.", "AC-No."), "timestamp": ("Time", "Date/Time")}

An admin can pin a column with ``mapping={"timestamp": "Punch time"}``.
Whole-file problems raise :class:`~connectors.errors.FileError` with one
message; row problems are left to the schema.
"""

import codecs
import csv
import dataclasses
import io

from .errors import ConfigurationError, FileError, PayloadError

DEFAULT_ENCODINGS = ("utf-8-sig", "gbk")
_DELIMITERS = (",", ";", "\t")


@dataclasses.dataclass
class Table:
    """A parsed file: ``field_map`` maps header -> logical column, ``rows`` are
    ``(line_number, {header: cell})`` pairs for the non-blank data lines, and
    ``errors`` the lines that cannot be split into the header's columns."""

    field_map: dict[str, str]
    rows: list[tuple[int, dict[str, str]]]
    errors: list[PayloadError]


def read_table(data, columns, required, mapping=None, encodings=DEFAULT_ENCODINGS):
    """Decode ``data`` (bytes or str), check its header, return a :class:`Table`."""
    text = decode(data, encodings)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = _header(reader)
        table = Table(resolve_columns(headers, columns, required, mapping), [], [])
        for cells in reader:
            _add_line(table, reader.line_num, headers, cells, delimiter)
    except csv.Error as exc:
        raise FileError(f"unreadable CSV at line {reader.line_num}: {exc}") from None
    return table


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
        raise FileError("this is a binary file, not a CSV text export (an .xlsx file?)")
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


def _header(reader):
    for cells in reader:
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
