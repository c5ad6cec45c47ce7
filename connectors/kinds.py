"""The kinds of connector okr_addon knows, each described once.

A connector's *kind* says where its data comes from and where it goes: a
terminal CSV file of punches, a REST API of attendances, KPI values from a file
or an API, a payroll API. Everything that differs between kinds lives in one
:class:`ConnectorKind` of :data:`KINDS`; the Odoo model ``okr.connector``
only looks its kind up here, so adding a source (DingTalk, WeCom, ...) means
adding one entry, not editing the model::

    spec = kinds.get("attendance_rest")
    spec.reads_api                  # True: it calls endpoint_url
    spec.target_model               # "hr.attendance", which writes the entries
    spec.mapping_fields             # our field names, keys of the JSON mapping
    spec.make_source(client, path, remote_names, pagination="cursor", page_size=100)
    spec.to_items(result)           # [(row, raws, item)], times still wall-clock

An attendance platform kind (DingTalk, WeCom, Feishu) names its adapter by
``platform`` (see :mod:`connectors.platforms`) instead of a ``make_source``:
the adapter reads the platform's directory and punches, ``to_items`` pairs
the punches, numbered ``[(row, Punch)]``, into attendance items.

Items come out of :attr:`ConnectorKind.to_items` with the fields listed in
:attr:`ConnectorKind.wall_clock_fields` as naive local times; the caller
converts them with the connector's time zone.
"""

import dataclasses
import datetime
import functools
import types
import zoneinfo
from collections.abc import Callable, Mapping

from . import kpi
from .attendance import RestAttendanceSource, pair_punches, parse_zkteco_csv, zkteco
from .attendance.schema import AttendanceRecordSchema, PunchSchema
from .attendance.schema import Punch as TerminalPunch
from .loading import LoadResult

FILE = "file"
API = "api"
ATTENDANCE_FIELDS = ("employee_code", "check_in", "check_out", "external_id")


class UnknownKindError(LookupError):
    """A connector kind that :data:`KINDS` does not describe."""

    def __init__(self, code):
        self.code = code
        super().__init__(f"unknown connector kind {code!r}: known kinds are {', '.join(KINDS)}")

    def __str__(self):
        return self.args[0]


def _empty():
    return types.MappingProxyType({})


@dataclasses.dataclass(frozen=True)
class ConnectorKind:
    """What one kind of connector reads, how, and which Odoo model writes it.

    ``reads`` is :data:`FILE` (the user uploads a file) or :data:`API` (the
    connector calls its endpoint). An importing kind has a ``target_model``
    whose ``_okr_connector_import(connector, entries)`` writes the entries,
    a ``row_schema`` that reads one raw row again (retry of failed rows) and
    ``to_items``; a file kind has ``columns`` and ``parse_file``, an API kind
    ``make_source``. An attendance platform kind has ``platform`` instead of
    ``make_source`` and ``row_schema``: its adapter reads the platform and reads a
    raw record again (``read_punch``). A kind without ``target_model`` is not run
    (payroll: the incentive engine pushes through it)."""

    code: str
    label: str
    reads: str
    # Our field names, as keys of the mapping {"our field": "their column or field"}.
    mapping_fields: tuple[str, ...]
    target_model: str | None = None
    # The field a failure is reported on: role ("employee", "kpi"...) -> our field name.
    roles: Mapping[str, str] = dataclasses.field(default_factory=_empty)
    # File kinds: our field -> header spellings seen in the wild; the required ones.
    columns: Mapping[str, tuple[str, ...]] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({})
    )
    required: tuple[str, ...] = ()
    # (data, mapping=...) -> LoadResult
    parse_file: Callable | None = None
    # (client, path, remote_names, pagination=..., page_size=...) -> object with fetch(params)
    make_source: Callable | None = None
    # (field_map) -> the BorderSchema of one raw row
    row_schema: Callable | None = None
    # identity of a loaded item, for duplicates among retried rows (None: no check)
    row_key: Callable | None = None
    # (LoadResult, max_shift_hours=..., pairing_policy=...) -> [(row, raws, item)]
    to_items: Callable | None = None
    # Item fields holding a naive wall-clock time of the source's time zone.
    wall_clock_fields: tuple[str, ...] = ()
    # API kinds whose endpoint URL is a base URL: the path read under it.
    path_under_base: str | None = None
    # Incentive postings are sent through it (to its push path).
    pushes: bool = False
    # Its rows are single punches that become attendances by pairing (pairing policy).
    pairs_punches: bool = False
    # Query parameters of the one call that tests the connection.
    probe_params: Mapping[str, object] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({})
    )
    # Attendance platforms: the adapter's code in connectors.platforms ("dingtalk"...).
    platform: str | None = None

    @property
    def reads_file(self):
        return self.reads == FILE

    @property
    def reads_api(self):
        return self.reads == API

    @property
    def imports(self):
        """Whether a run of this kind imports data into ``target_model``."""
        return self.target_model is not None

    @property
    def runs_on_schedule(self):
        """Whether the scheduler and Run Now run it (an importing API kind)."""
        return self.imports and self.reads_api


# --- items of each kind ---------------------------------------------------------------------
def _items(result, **_settings):
    """Loaded items as they are (KPI values)."""
    return [
        (row, [raw], item) for item, (row, raw) in zip(result.items, result.origins, strict=True)
    ]


def _attendance_records(result, **_settings):
    """AttendanceRecords of a REST API as attendance items."""
    return [
        (
            row,
            [raw],
            {
                "employee_code": record.employee_code,
                "check_in": record.check_in,
                "check_out": record.check_out,
                "external_id": record.external_id,
            },
        )
        for record, (row, raw) in zip(result.items, result.origins, strict=True)
    ]


def _punch_pairs(result, *, max_shift_hours=16, pairing_policy="state", **_settings):
    """Terminal punches paired into attendance items, each keeping its punches' rows."""
    origin = {}
    for punch, source in zip(result.items, result.origins, strict=True):
        origin.setdefault((punch.employee_no, punch.timestamp), source)
    items = []
    for pair in pair_punches(result.items, max_shift_hours, policy=pairing_policy):
        sources = [
            origin[(pair.employee_no, moment)]
            for moment in (pair.check_in, pair.check_out)
            if moment is not None
        ]
        item = {
            "employee_code": pair.employee_no,
            "check_in": pair.check_in,
            "check_out": pair.check_out,
            "external_id": pair.external_id,
        }
        items.append((sources[0][0], [raw for _row, raw in sources], item))
    return items


def _platform_punch_pairs(
    numbered, *, tz="UTC", max_shift_hours=16, pairing_policy="state", **_settings
):
    """Punches of an attendance platform, ``[(row, connectors.platforms.Punch)]``, paired
    into attendance items like a terminal's: the platform user id is the employee code,
    times are read on the wall clock of ``tz`` (first and last punch of the *local* day)
    and each item keeps the raw records of its punches."""
    zone = zoneinfo.ZoneInfo(tz or "UTC")
    result = LoadResult()
    for row, punch in numbered:
        aware = punch.moment.replace(tzinfo=datetime.timezone.utc)
        local = aware.astimezone(zone).replace(tzinfo=None)
        result.items.append(
            TerminalPunch(employee_no=punch.user_id, timestamp=local, state=punch.kind)
        )
        result.origins.append((row, punch.raw))
    return _punch_pairs(result, max_shift_hours=max_shift_hours, pairing_policy=pairing_policy)


def _platform_kind(code, platform, label):
    return ConnectorKind(
        code=code,
        label=label,
        reads=API,
        mapping_fields=(),
        target_model="hr.attendance",
        roles=types.MappingProxyType(
            {"employee": "user_id", "check_in": "check_time", "check_out": "check_time"}
        ),
        to_items=_platform_punch_pairs,
        wall_clock_fields=("check_in", "check_out"),
        pairs_punches=True,
        platform=platform,
    )


def _kpi_schema(field_map, source):
    return kpi.KpiValueSchema(field_map=field_map, source=source)


def _source_reference(measurement):
    return measurement["source_reference"]


_KPI_ROLES = types.MappingProxyType(
    {"employee": "employee_code", "kpi": "kpi_code", "date": "date", "value": "value"}
)

KINDS = {
    spec.code: spec
    for spec in (
        ConnectorKind(
            code="attendance_csv",
            label="Attendance: terminal CSV file",
            reads=FILE,
            mapping_fields=tuple(zkteco.COLUMNS),
            target_model="hr.attendance",
            roles=types.MappingProxyType(
                {"employee": "employee_no", "check_in": "timestamp", "check_out": "timestamp"}
            ),
            columns=zkteco.COLUMNS,
            required=zkteco.REQUIRED,
            parse_file=parse_zkteco_csv,
            row_schema=lambda field_map: PunchSchema(field_map=field_map),
            to_items=_punch_pairs,
            wall_clock_fields=("check_in", "check_out"),
            pairs_punches=True,
        ),
        ConnectorKind(
            code="attendance_rest",
            label="Attendance: REST API",
            reads=API,
            mapping_fields=ATTENDANCE_FIELDS,
            target_model="hr.attendance",
            roles=types.MappingProxyType(
                {"employee": "employee_code", "check_in": "check_in", "check_out": "check_out"}
            ),
            make_source=RestAttendanceSource,
            row_schema=lambda field_map: AttendanceRecordSchema(field_map=field_map),
            to_items=_attendance_records,
            wall_clock_fields=("check_in", "check_out"),
            probe_params=types.MappingProxyType({"limit": 1}),
        ),
        _platform_kind("attendance_dingtalk", "dingtalk", "Attendance: DingTalk (钉钉)"),
        _platform_kind("attendance_wecom", "wecom", "Attendance: WeCom (企业微信)"),
        _platform_kind("attendance_feishu", "feishu", "Attendance: Feishu (飞书)"),
        ConnectorKind(
            code="payroll_rest",
            label="Payroll: REST API (wages in, incentives out)",
            reads=API,
            mapping_fields=("employee_code", "base_wage", "currency", "period", "gross", "net"),
            path_under_base="wages",
            pushes=True,
        ),
        ConnectorKind(
            code="kpi_csv",
            label="KPI values: CSV or XLSX file",
            reads=FILE,
            mapping_fields=tuple(kpi.COLUMNS),
            target_model="kpi.measurement",
            roles=_KPI_ROLES,
            columns=kpi.COLUMNS,
            required=kpi.REQUIRED,
            parse_file=kpi.parse_kpi_csv,
            row_schema=functools.partial(_kpi_schema, source="csv"),
            row_key=_source_reference,
            to_items=_items,
        ),
        ConnectorKind(
            code="kpi_rest",
            label="KPI values: REST API",
            reads=API,
            mapping_fields=tuple(kpi.COLUMNS),
            target_model="kpi.measurement",
            roles=_KPI_ROLES,
            make_source=kpi.KpiRestSource,
            row_schema=functools.partial(_kpi_schema, source="rest"),
            row_key=_source_reference,
            to_items=_items,
            probe_params=types.MappingProxyType({"limit": 1}),
        ),
    )
}


def get(code):
    """The :class:`ConnectorKind` of ``code``; :class:`UnknownKindError` if there is none."""
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownKindError(code) from None


def selection():
    """``[(code, label)]`` of every kind, for the model's Selection field."""
    return [(spec.code, spec.label) for spec in KINDS.values()]


def codes(predicate):
    """Codes of the kinds ``predicate(spec)`` accepts, in registry order (a tuple)."""
    return tuple(code for code, spec in KINDS.items() if predicate(spec))


FILE_KINDS = codes(lambda spec: spec.reads_file)
API_KINDS = codes(lambda spec: spec.reads_api)
IMPORT_KINDS = codes(lambda spec: spec.imports)
SCHEDULED_KINDS = codes(lambda spec: spec.runs_on_schedule)
PLATFORM_KINDS = codes(lambda spec: spec.platform is not None)
