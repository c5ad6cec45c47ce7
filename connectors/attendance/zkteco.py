"""Terminal punch exports in the common ZKTeco-style CSV layout.

A typical export (UTF-8, UTF-8 with BOM, or GBK from Chinese Windows)::

    No.,Name,Time,State
    1001,Wang Wu,2026-11-02 07:58:12,C/In
    1001,Wang Wu,2026-11-02 17:03:40,C/Out

Other firmware writes ``AC-No.,Name,Date/Time,Status`` with states such as
``Check In``, ``0``/``1`` or nothing at all; all are recognised. Times are
the terminal's local wall-clock time and stay naive: converting them to UTC
needs the employee's time zone, which the caller knows.

:func:`parse_zkteco_csv` returns the valid punches and one PayloadError per
bad line (with its line number and the header of the bad column);
:func:`~connectors.attendance.pairing.pair_punches` then builds attendances.
"""

from ..csvfile import DEFAULT_ENCODINGS, read_table
from ..loading import load_table
from .pairing import pair_punches
from .schema import PunchSchema

__all__ = ["COLUMNS", "REQUIRED", "pair_punches", "parse_zkteco_csv"]

# Logical column -> header spellings seen in the wild (compared case-insensitively).
COLUMNS = {
    "employee_no": ("No.", "AC-No.", "AC No.", "Employee No.", "EnNo", "User ID", "工号"),
    "name": ("Name", "姓名"),
    "timestamp": ("Time", "Date/Time", "DateTime", "Date Time", "Check Time", "时间"),
    "state": ("State", "Status", "Punch State", "状态"),
}
REQUIRED = ("employee_no", "timestamp")


def parse_zkteco_csv(data, *, mapping=None, formats=None, encodings=DEFAULT_ENCODINGS):
    """Parse a terminal export; return a LoadResult of :class:`Punch` and PayloadErrors.

    ``data`` is the file's bytes (or text); ``mapping`` pins headers per
    logical column, e.g. ``{"timestamp": "Punch time"}``; ``formats`` lists
    accepted ``strptime`` layouts, tried in order. Raises FileError when the
    file cannot be decoded or lacks the employee number or time column.
    """
    table = read_table(data, COLUMNS, REQUIRED, mapping, encodings)
    schema = PunchSchema(field_map=table.field_map, formats=formats)
    return load_table(schema, table)
