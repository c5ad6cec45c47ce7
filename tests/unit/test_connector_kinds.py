"""The registry of connector kinds: each kind has what okr.connector needs."""

import datetime

import pytest

from connectors import kinds
from connectors.attendance.schema import AttendanceRecordSchema, PunchSchema
from connectors.kpi import KpiValueSchema
from connectors.loading import LoadResult

PLATFORMS = ("attendance_dingtalk", "attendance_wecom", "attendance_feishu")
IMPORTING = ("attendance_csv", "attendance_rest", *PLATFORMS, "kpi_csv", "kpi_rest")


def test_the_kinds_in_the_order_users_see_them():
    assert kinds.selection() == [
        ("attendance_csv", "Attendance: terminal CSV file"),
        ("attendance_rest", "Attendance: REST API"),
        ("attendance_dingtalk", "Attendance: DingTalk (钉钉)"),
        ("attendance_wecom", "Attendance: WeCom (企业微信)"),
        ("attendance_feishu", "Attendance: Feishu (飞书)"),
        ("payroll_rest", "Payroll: REST API (wages in, incentives out)"),
        ("kpi_csv", "KPI values: CSV or XLSX file"),
        ("kpi_rest", "KPI values: REST API"),
    ]
    assert kinds.FILE_KINDS == ("attendance_csv", "kpi_csv")
    assert kinds.API_KINDS == ("attendance_rest", *PLATFORMS, "payroll_rest", "kpi_rest")
    assert kinds.IMPORT_KINDS == IMPORTING
    assert kinds.SCHEDULED_KINDS == ("attendance_rest", *PLATFORMS, "kpi_rest")
    assert kinds.PLATFORM_KINDS == PLATFORMS
    assert [kinds.get(code).platform for code in PLATFORMS] == ["dingtalk", "wecom", "feishu"]


@pytest.mark.parametrize("code", list(kinds.KINDS))
def test_every_kind_has_what_the_model_needs(code):
    spec = kinds.get(code)
    assert spec.code == code and spec.label
    assert spec.reads in (kinds.FILE, kinds.API)
    if spec.platform:
        # The adapter reads the platform and its raw records: nothing to map.
        assert spec.reads_api and spec.imports and spec.target_model == "hr.attendance"
        assert spec.mapping_fields == () and spec.make_source is spec.row_schema is None
        assert callable(spec.to_items) and spec.pairs_punches
        assert set(spec.wall_clock_fields) == {"check_in", "check_out"}
        assert {"employee", "check_in", "check_out"} <= set(spec.roles)
        return
    assert spec.mapping_fields and len(set(spec.mapping_fields)) == len(spec.mapping_fields)
    if spec.reads_file:
        assert callable(spec.parse_file)
        assert set(spec.required) <= set(spec.columns) == set(spec.mapping_fields)
        assert spec.make_source is None
    else:
        assert spec.parse_file is None and not spec.columns
    if spec.imports:
        assert spec.target_model in ("hr.attendance", "kpi.measurement")
        assert callable(spec.row_schema) and callable(spec.to_items)
        assert spec.reads_file or callable(spec.make_source)
        # every role a target model reports a failure on names one of our fields
        assert {"employee"} <= set(spec.roles)
        assert set(spec.roles.values()) <= set(spec.mapping_fields)
        assert set(spec.wall_clock_fields) <= {"check_in", "check_out"}
    else:
        assert spec.reads_api and spec.path_under_base == "wages"
        assert not spec.runs_on_schedule and not spec.probe_params
    assert spec.pushes == (code == "payroll_rest")
    assert spec.pairs_punches == (code == "attendance_csv")
    assert spec.platform is None


def test_unknown_kind_fails_clearly():
    with pytest.raises(kinds.UnknownKindError) as caught:
        kinds.get("wecom")
    assert str(caught.value) == (
        "unknown connector kind 'wecom': known kinds are attendance_csv, attendance_rest, "
        "attendance_dingtalk, attendance_wecom, attendance_feishu, payroll_rest, kpi_csv, "
        "kpi_rest"
    )
    assert isinstance(caught.value, LookupError) and caught.value.code == "wecom"


def test_row_schemas_read_the_raw_rows_of_their_kind():
    assert isinstance(kinds.get("attendance_csv").row_schema({}), PunchSchema)
    assert isinstance(kinds.get("attendance_rest").row_schema({}), AttendanceRecordSchema)
    assert kinds.get("kpi_csv").row_schema({}).source == "csv"
    assert kinds.get("kpi_rest").row_schema({}).source == "rest"
    assert isinstance(kinds.get("kpi_rest").row_schema({}), KpiValueSchema)
    assert kinds.get("kpi_csv").row_key({"source_reference": "csv:OUTPUT:1001:2026-11-02"}) == (
        "csv:OUTPUT:1001:2026-11-02"
    )
    assert kinds.get("attendance_rest").row_key is None


def test_terminal_punches_become_paired_attendance_items_with_their_rows():
    data = (
        b"No.,Name,Time,State\r\n"
        b"1001,Wang Wu,2026-11-02 07:58:12,C/In\r\n"
        b"1001,Wang Wu,2026-11-02 17:04:40,C/Out\r\n"
    )
    spec = kinds.get("attendance_csv")
    result = spec.parse_file(data, mapping=None)
    [(row, raws, item)] = spec.to_items(result, max_shift_hours=16, pairing_policy="state")
    assert row == 2 and len(raws) == 2
    assert item["employee_code"] == "1001"
    assert (item["check_in"], item["check_out"]) == (
        datetime.datetime(2026, 11, 2, 7, 58, 12),
        datetime.datetime(2026, 11, 2, 17, 4, 40),
    )
    assert item["external_id"]


def test_kpi_items_are_the_loaded_measurements():
    spec = kinds.get("kpi_csv")
    result = spec.parse_file(b"KPI Code,Employee Code,Date,Value\nOUTPUT,1001,2026-11-02,412\n")
    [(row, raws, item)] = spec.to_items(result)
    assert (row, item["value"], item["source_reference"]) == (
        2,
        412.0,
        "csv:OUTPUT:1001:2026-11-02",
    )
    assert raws == [result.origins[0][1]]
    assert spec.to_items(LoadResult()) == []


def test_platform_punches_pair_on_the_local_day_and_keep_their_records():
    from connectors.platforms.base import Punch  # noqa: PLC0415

    def punch(user_id, moment, kind):
        raw = {"user": user_id, "at": moment.isoformat()}
        return Punch(f"{user_id}@{moment}", user_id, moment, kind, raw)

    utc = datetime.datetime
    numbered = [
        # 07:58 and 17:04 in Shanghai on 2 November, sent in UTC
        (1, punch("ding-7", utc(2026, 11, 1, 23, 58), "in")),
        (2, punch("ding-7", utc(2026, 11, 2, 9, 4), "out")),
        # no state: the first and last of the local day
        (3, punch("ding-8", utc(2026, 11, 2, 0, 30), None)),
        (4, punch("ding-8", utc(2026, 11, 2, 4, 0), None)),
        (5, punch("ding-8", utc(2026, 11, 2, 10, 0), None)),
    ]
    spec = kinds.get("attendance_dingtalk")
    items = spec.to_items(numbered, tz="Asia/Shanghai", pairing_policy="first_last")
    assert [(row, [raw["at"] for raw in raws], item) for row, raws, item in items] == [
        (
            1,
            ["2026-11-01T23:58:00", "2026-11-02T09:04:00"],
            {
                "employee_code": "ding-7",
                "check_in": utc(2026, 11, 2, 7, 58),
                "check_out": utc(2026, 11, 2, 17, 4),
                "external_id": "ding-7@2026-11-02T07:58:00",
            },
        ),
        (
            3,
            ["2026-11-02T00:30:00", "2026-11-02T10:00:00"],
            {
                "employee_code": "ding-8",
                "check_in": utc(2026, 11, 2, 8, 30),
                "check_out": utc(2026, 11, 2, 18, 0),
                "external_id": "ding-8@2026-11-02T08:30:00",
            },
        ),
    ]
