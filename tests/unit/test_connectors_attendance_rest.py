"""Attendances from a paginated REST API, against a local server playing the remote."""

import datetime

import pytest
from marshmallow import ValidationError

from connectors.attendance import RestAttendanceSource
from connectors.attendance.schema import AttendanceRecord, AttendanceRecordSchema
from connectors.errors import MalformedResponseError
from connectors.http import ApiClient
from connectors.pagination import PageStyle
from connectors.testing import FakeRemote, Reply

DT = datetime.datetime


@pytest.fixture
def remote():
    with FakeRemote() as server:
        yield server


def record(number, **extra):
    base = {
        "employee_code": f"10{number:02d}",
        "check_in": f"2026-11-{number:02d}T08:00:00",
        "check_out": f"2026-11-{number:02d}T17:00:00",
        "external_id": f"att-{number}",
    }
    return {**base, **extra}


def cursor_pages(pages):
    """A remote answering page ``n`` for cursor ``c<n>`` (no cursor: page 0)."""

    def answer(seen):
        index = int(seen.query.get("cursor", "c0")[1:])
        following = f"c{index + 1}" if index + 1 < len(pages) else None
        return Reply(body={"items": pages[index], "next_cursor": following})

    return answer


def source(remote, **kwargs):
    return RestAttendanceSource(
        ApiClient(remote.url, sleep=lambda _s: None, allow_local_network=True), "v1/att", **kwargs
    )


def test_cursor_pages_are_loaded_with_bad_records_reported_by_position(remote):
    pages = [
        [record(2), record(3, device="T-7"), {"check_in": "2026-11-04T08:00:00"}],
        [record(5, check_in="yesterday"), record(6)],
    ]
    remote.script("GET", "/v1/att", cursor_pages(pages))
    result = source(remote, page_size=3).fetch({"since": "2026-11-01"})
    assert [r.external_id for r in result.items] == ["att-2", "att-3", "att-6"]
    assert [(e.row, e.field, e.reason) for e in result.errors] == [
        (3, "employee_code", "missing value"),
        (4, "check_in", "Not a valid datetime."),
    ]
    calls = remote.calls()
    assert [c.query.get("cursor") for c in calls] == [None, "c1"]
    assert calls[1].query["since"] == "2026-11-01"
    assert calls[0].query["limit"] == "3"
    assert result.warnings == []


def test_offset_pagination_stops_on_a_short_page(remote):
    rows = [record(n) for n in range(1, 6)]

    def answer(seen):
        offset, limit = int(seen.query["offset"]), int(seen.query["limit"])
        return Reply(body=rows[offset : offset + limit])  # a bare list page

    remote.script("GET", "/v1/att", answer)
    result = source(remote, pagination="offset", page_size=2).fetch()
    assert len(result.items) == 5
    assert [c.query["offset"] for c in remote.calls()] == ["0", "2", "4"]


def test_a_cursor_returned_again_stops_pagination(remote):
    remote.script(
        "GET",
        "/v1/att",
        Reply(body={"items": [record(1)], "next_cursor": "abc"}),
        Reply(body={"items": [record(2)], "next_cursor": "abc"}),
    )
    result = source(remote).fetch()
    assert [r.external_id for r in result.items] == ["att-1", "att-2"]
    assert len(remote.calls()) == 2
    assert "got cursor 'abc' a second time" in result.warnings[0]
    assert not result.ok


def test_a_page_repeating_the_same_ids_stops_pagination(remote):
    page = [record(1), record(2)]
    remote.script("GET", "/v1/att", Reply(body=page))  # offset ignored by a buggy remote
    result = source(remote, pagination="offset", page_size=2).fetch()
    assert len(result.items) == 2
    assert len(remote.calls()) == 2
    assert "page 2 repeats page 1" in result.warnings[0]


def test_max_pages_stops_an_endless_list(remote):
    remote.script("GET", "/v1/att", cursor_pages([[record(n)] for n in range(1, 9)]))
    result = source(remote, max_pages=3).fetch()
    assert len(result.items) == 3
    assert "max_pages=3" in result.warnings[0]


def test_remote_field_names_are_mapped_and_named_in_errors(remote):
    body = {
        "data": [
            {"emp_no": 1001, "in": "2026-11-02T08:00:00+08:00", "id": 77},
            {"in": "2026-11-02T08:10:00+08:00", "id": 78},
        ],
        "next": None,
    }
    remote.script("GET", "/v1/att", Reply(body=body))
    result = source(
        remote,
        mapping={
            "emp_no": "employee_code",
            "in": "check_in",
            "out": "check_out",
            "id": "external_id",
        },
        pagination=PageStyle(items_key="data", next_key="next"),
    ).fetch()
    assert result.items == [
        AttendanceRecord(
            "1001", DT.fromisoformat("2026-11-02T08:00:00+08:00"), None, external_id="77"
        )
    ]
    assert (result.errors[0].row, result.errors[0].field) == (2, "emp_no")


def test_a_page_without_a_list_is_malformed(remote):
    remote.script("GET", "/v1/att", Reply(body={"error": "try later"}))
    with pytest.raises(MalformedResponseError, match="expected a list of records"):
        source(remote).fetch()


def test_attendance_schema_ignores_unknown_fields_and_derives_missing_ids():
    schema = AttendanceRecordSchema()
    loaded = schema.load(
        {"employee_code": 1001, "check_in": "2026-11-02 08:00:00", "badge_colour": "red"}
    )
    assert loaded == AttendanceRecord("1001", DT(2026, 11, 2, 8), None, "1001@2026-11-02T08:00:00")


def test_attendance_schema_rejects_a_check_out_before_the_check_in():
    with pytest.raises(ValidationError) as caught:
        AttendanceRecordSchema().load(record(2, check_out="2026-11-02T07:00:00"))
    assert caught.value.messages == {"check_out": ["check-out is before check-in"]}
