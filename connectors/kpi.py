"""KPI values from a file (CSV or XLSX) or a REST endpoint, as measurement dicts.

A CSV export (UTF-8, GBK or UTF-16) or the first sheet of an XLSX workbook,
headers matched case-insensitively (English or Chinese), an optional note::

    KPI Code,Employee Code,Date,Value,Note
    OUTPUT,1001,2026-11-02,412,
    SCRAP_RATE,1001,2026-11-02,1.8,die 4 worn

gives, per valid line::

    {"definition_code": "OUTPUT", "employee_code": "1001",
     "date": datetime.date(2026, 11, 2), "value": 412.0, "note": None,
     "source_reference": "csv:OUTPUT:1001:2026-11-02"}

``source_reference`` is built from the KPI, employee and day, so importing
the same values again (from a corrected file, say) updates them instead of
adding new ones. There is one value per KPI, employee and day: a second line
for the same triple is reported as a duplicate of the first.
"""

from marshmallow import fields as marshmallow_fields
from marshmallow import post_load, validate

from .csvfile import DEFAULT_ENCODINGS, read_table
from .fields import Identifier, Quantity, WallClockDate
from .loading import BorderSchema, LoadResult, load_rows, load_table
from .pagination import Paginator

COLUMNS = {
    "kpi_code": ("KPI Code", "KPI", "kpi_code", "Indicator", "指标编码", "指标代码", "指标"),
    "employee_code": (
        "Employee Code",
        "Employee No.",
        "Employee",
        "employee_code",
        "No.",
        "工号",
        "员工编号",
        "员工",
    ),
    "date": ("Date", "Day", "date", "日期"),
    "value": ("Value", "value", "Actual", "数值", "实际值"),
    "note": ("Note", "Comment", "备注"),
}
REQUIRED = ("kpi_code", "employee_code", "date", "value")
NOTE_LENGTH = 500


class KpiValueSchema(BorderSchema):
    """One KPI value; loads into a measurement dict tagged with ``source``."""

    kpi_code = Identifier(required=True)
    employee_code = Identifier(required=True)
    date = WallClockDate(required=True)
    value = Quantity(required=True)
    note = marshmallow_fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=NOTE_LENGTH)
    )

    def __init__(self, *, source="kpi", date_formats=None, **kwargs):
        super().__init__(**kwargs)
        self.source = source
        if date_formats:
            self.fields["date"].formats = tuple(date_formats)

    @post_load
    def _make_measurement(self, data, **kwargs):
        day = data["date"]
        reference = f"{self.source}:{data['kpi_code']}:{data['employee_code']}:{day.isoformat()}"
        return {
            "definition_code": data["kpi_code"],
            "employee_code": data["employee_code"],
            "date": day,
            "value": data["value"],
            "note": (data.get("note") or "").strip() or None,
            "source_reference": reference,
        }


def parse_kpi_csv(
    data, *, mapping=None, date_formats=None, source="csv", encodings=DEFAULT_ENCODINGS
):
    """Parse a KPI CSV file; return a LoadResult of measurement dicts and PayloadErrors.

    Raises FileError when the file cannot be decoded or a column is missing.
    """
    table = read_table(data, COLUMNS, REQUIRED, mapping, encodings)
    schema = KpiValueSchema(field_map=table.field_map, source=source, date_formats=date_formats)
    return load_table(schema, table, key=_identity)


class KpiRestSource:
    """KPI values of a paginated REST endpoint; ``mapping`` renames remote fields."""

    def __init__(
        self,
        client,
        path,
        mapping=None,
        *,
        pagination="cursor",
        page_size=100,
        max_pages=10000,
        source="rest",
    ):
        self.schema = KpiValueSchema(field_map=mapping, source=source)
        self.paginator = Paginator(
            client, path, style=pagination, page_size=page_size, max_pages=max_pages
        )

    def fetch(self, params=None) -> LoadResult:
        """Fetch every page; return a LoadResult of measurement dicts and PayloadErrors."""
        self.paginator.params = dict(params or {})
        result = load_rows(self.schema, enumerate(self.paginator, start=1), key=_identity)
        result.warnings.extend(self.paginator.warnings)
        return result


def _identity(measurement):
    return measurement["source_reference"]
