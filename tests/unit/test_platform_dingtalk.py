"""DingTalk attendance adapter against the fake DingTalk server and the sample payloads."""

import datetime
import json
import pathlib

import pytest
from platform_helpers import adapter_on, reset_knobs

from connectors.errors import PayloadError
from connectors.http import ApiClient
from connectors.platforms import PlatformUser, base, make_platform
from connectors.platforms.fakes import FakeDingTalk
from connectors.testing import FakeRemote, Reply

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "connectors"
SECRET = "dt-S3cret-9f8e7d"
START = datetime.datetime(2026, 10, 31, 16, 0)  # 2026-11-01 00:00 in Shanghai
END = datetime.datetime(2026, 11, 20, 16, 0)  # 2026-11-21 00:00 in Shanghai: 20 days
SURNAMES = "王李张刘陈杨黄赵吴周"


def _users(count):
    return [
        PlatformUser(f"0151{i:06d}", SURNAMES[i % 10] + "伟静敏强"[i % 4], mobile=f"138{i:08d}")
        for i in range(count)
    ]


def _punches(users, days=20):
    punches = []
    for number, user in enumerate(users):
        for day in range(days):
            base_day = START + datetime.timedelta(days=day)
            punches.append(
                (user.user_id, base_day + datetime.timedelta(hours=8, minutes=number % 13), "in")
            )
            punches.append(
                (user.user_id, base_day + datetime.timedelta(hours=18, minutes=number % 7), "out")
            )
    return punches


USERS = _users(120)
PUNCHES = _punches(USERS)


@pytest.fixture(scope="module")
def fake():
    with FakeDingTalk(users=USERS, punches=PUNCHES, app_id="ding-key", app_secret=SECRET) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(fake):
    reset_knobs(fake)


def platform_of(fake, waits=None, options=None):
    credentials = {"app_key": "ding-key", "app_secret": SECRET}
    return adapter_on(fake, "dingtalk", credentials, waits=waits, options=options)


def all_ids(fake, users=USERS):
    wanted = {u.user_id for u in users}
    return {record_id for user_id, _m, _k, record_id in fake.punches if user_id in wanted}


def test_directory_is_walked_through_sub_departments_and_pages(fake):
    users = platform_of(fake).users()
    assert sorted(users, key=lambda u: u.user_id) == USERS
    assert fake.count("topapi/v2/department/listsub") == 2
    # 60 users in each department, pages of 100: one page each
    assert fake.count("topapi/v2/user/list") == 2


def test_fetch_splits_users_by_50_and_periods_by_7_days(fake):
    platform = platform_of(fake)
    result = platform.fetch([u.user_id for u in USERS], START, END)
    assert result.done and not result.errors and not result.warnings
    # 20 days -> 3 windows (7 + 7 + 6); 120 users -> 3 chunks (50 + 50 + 20)
    assert fake.count("attendance/listRecord") == 9
    ids = [p.record_id for p in result.punches]
    assert len(ids) == len(set(ids)) == len(PUNCHES)
    assert set(ids) == all_ids(fake)
    for call in fake.remote.calls("POST", "/attendance/listRecord"):
        body = call.json
        assert len(body["userIds"]) <= 50
        span = datetime.datetime.fromisoformat(
            body["checkDateTo"]
        ) - datetime.datetime.fromisoformat(body["checkDateFrom"])
        assert span <= datetime.timedelta(days=7)
    assert result.calls == sum(fake.counts.values())


def test_punches_are_naive_utc_with_kind(fake):
    user = USERS[3]
    result = platform_of(fake).fetch([user.user_id], START, START + datetime.timedelta(days=1))
    assert [(p.moment, p.kind) for p in result.punches] == [
        (START + datetime.timedelta(hours=8, minutes=3), "in"),
        (START + datetime.timedelta(hours=18, minutes=3), "out"),
    ]
    assert result.punches[0].raw["checkType"] == "OnDuty"


def test_shift_results_are_mapped_to_statuses():
    day = START + datetime.timedelta(days=1)  # 2026-11-02 00:00 in Shanghai (naive UTC)
    punches = [
        ("u1", day + datetime.timedelta(hours=9, minutes=12), "in"),  # late
        ("u1", day + datetime.timedelta(hours=17, minutes=30), "out"),  # early
        ("u2", day + datetime.timedelta(hours=8, minutes=55), "in"),  # normal
        ("u2", day + datetime.timedelta(hours=18, minutes=5), None),  # no kind: no verdict
    ]
    users = [PlatformUser("u1", "王伟"), PlatformUser("u2", "李娜")]
    with FakeDingTalk(users=users, punches=punches, app_id="ding-key", app_secret=SECRET) as fake:
        result = platform_of(fake).fetch(["u1", "u2"], START, END)
    assert len(result.punches) == 4
    assert [p.kind for p in result.punches] == ["in", "out", "in", "in"]  # listRecord says OnDuty
    assert sorted((s.user_id, s.work_date, s.check, s.status) for s in result.shifts) == [
        ("u1", datetime.date(2026, 11, 2), "in", base.LATE),
        ("u1", datetime.date(2026, 11, 2), "out", base.EARLY),
        ("u2", datetime.date(2026, 11, 2), "in", base.NORMAL),
    ]
    late = next(s for s in result.shifts if s.status == base.LATE)
    assert late.planned == day + datetime.timedelta(hours=9)
    assert late.actual == day + datetime.timedelta(hours=9, minutes=12)


def test_quota_stop_then_resume_loses_and_doubles_nothing(fake):
    user_ids = [u.user_id for u in USERS]
    platform = platform_of(fake)
    # a unit of 50 users x 7 days: 1 listRecord call + 14 pages of shift results
    fake.quota_after(40)
    first = platform.fetch(user_ids, START, END)
    assert not first.done
    assert "90005" in first.stopped
    assert first.resume["unit"] == 3
    assert first.punches
    fake.quota_after(None)
    second = platform_of(fake).fetch(user_ids, START, END, resume=first.resume)
    assert second.done and second.resume is None
    ids = [p.record_id for p in first.punches + second.punches]
    assert len(ids) == len(set(ids))
    assert set(ids) == all_ids(fake)
    shift_ids = [s.record_id for s in first.shifts + second.shifts]
    assert len(shift_ids) == len(set(shift_ids))


def test_resume_state_of_another_period_is_ignored_with_a_warning(fake):
    user_ids = [u.user_id for u in USERS[:10]]
    platform = platform_of(fake)
    fake.quota_after(1)
    stopped = platform.fetch(user_ids, START, END)
    fake.quota_after(None)
    result = platform.fetch(
        user_ids, START, END - datetime.timedelta(days=1), resume=stopped.resume
    )
    assert result.done
    assert any("other users or another period" in w for w in result.warnings)
    assert len(result.punches) == 10 * 19 * 2
    for broken in ({"key": stopped.resume["key"], "unit": "x"}, {"unit": 1}, {"key": "k"}):
        again = platform.fetch(user_ids, START, END, resume=broken)
        assert again.done and len(again.punches) == 10 * 20 * 2 and again.warnings


def test_repeated_fetch_gives_the_same_record_ids(fake):
    user_ids = [u.user_id for u in USERS[:7]]
    first = platform_of(fake).fetch(user_ids, START, END)
    again = platform_of(fake).fetch(user_ids, START, END)
    assert [p.record_id for p in first.punches] == [p.record_id for p in again.punches]
    assert [s.record_id for s in first.shifts] == [s.record_id for s in again.shifts]


def test_punch_of_a_user_outside_the_directory_is_still_returned():
    punches = [("left-2026", START + datetime.timedelta(hours=1), "in")]
    with FakeDingTalk(
        users=USERS[:2], punches=punches, app_id="ding-key", app_secret=SECRET
    ) as fake:
        platform = platform_of(fake)
        assert "left-2026" not in {u.user_id for u in platform.users()}
        result = platform.fetch(["left-2026", USERS[0].user_id], START, END)
    assert [p.user_id for p in result.punches] == ["left-2026"]


def test_bad_record_is_a_payload_error_and_its_neighbours_are_kept(fake):
    fake.add_raw(
        "attendance/listRecord",
        {
            "id": 77,
            "userId": USERS[0].user_id,
            "checkType": "OnDuty",
            "userCheckTime": "昨天 09:00",
        },
    )
    result = platform_of(fake).fetch([USERS[0].user_id], START, START + datetime.timedelta(days=1))
    assert len(result.punches) == 2
    (error,) = result.errors
    assert isinstance(error, PayloadError)
    assert error.field == "userCheckTime"
    assert error.row == 3
    assert "not a Unix time" in error.reason
    assert error.raw["id"] == 77


def test_frequency_limit_in_the_middle_of_a_fetch_is_waited_for(fake):
    waits = []
    platform = platform_of(fake, waits=waits)
    platform.probe()
    fake.throttle(1)
    result = platform.fetch([USERS[0].user_id], START, END)
    assert result.done and len(result.punches) == 40
    assert waits == [1.0]


def test_read_punch_rebuilds_a_punch_from_its_raw_record(fake):
    platform = platform_of(fake)
    punch = platform.fetch([USERS[0].user_id], START, START + datetime.timedelta(days=1)).punches[0]
    assert platform.read_punch(punch.raw) == punch
    with pytest.raises(PayloadError, match="userCheckTime"):
        platform.read_punch({**punch.raw, "userCheckTime": None})
    with pytest.raises(PayloadError):
        platform.read_punch(["not", "a", "record"])


def test_unknown_time_zone_or_missing_credential_is_a_configuration_error(fake):
    from connectors.errors import ConfigurationError  # noqa: PLC0415

    client = ApiClient(fake.url, allow_local_network=True)
    with pytest.raises(ConfigurationError, match="app_secret"):
        make_platform("dingtalk", client, {"app_key": "ding-key"})
    with pytest.raises(ConfigurationError, match="time zone"):
        platform_of(fake, options={"tz": "Mars/Olympus"})
    with pytest.raises(ConfigurationError, match="unknown attendance platform"):
        make_platform("slack", client, {})


def _sample(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def test_sample_payloads_parse_to_users_punches_and_shift_results():
    token = {"errcode": 0, "errmsg": "ok", "access_token": "sample-token", "expires_in": 7200}
    with FakeRemote() as remote:
        remote.script("GET", "/gettoken", Reply(body=token))
        remote.script(
            "POST", "/topapi/v2/department/listsub", Reply(body={"errcode": 0, "result": []})
        )
        remote.script("POST", "/topapi/v2/user/list", Reply(body=_sample("dingtalk_users.json")))
        remote.script(
            "POST", "/attendance/listRecord", Reply(body=_sample("dingtalk_listrecord.json"))
        )
        remote.script("POST", "/attendance/list", Reply(body=_sample("dingtalk_list.json")))
        client = ApiClient(remote.url, allow_local_network=True)
        platform = make_platform("dingtalk", client, {"app_key": "k", "app_secret": "s"})
        users = platform.users()
        day = datetime.datetime(2026, 11, 2, 16, 0)  # 2026-11-03 in Shanghai
        result = platform.fetch(
            ["0151052530291212", "manager4220", "2806103344-1587627741"],
            day,
            day + datetime.timedelta(days=1),
        )
    assert [(u.name, u.job_number) for u in users] == [
        ("王伟", "A1001"),
        ("李娜", "A1002"),
        ("陈静", ""),
    ]
    assert users[0].mobile == "13812345678" and users[0].email == "wangwei@example.com"
    assert [(p.record_id, p.kind) for p in result.punches] == [
        ("43047156750", "in"),
        ("43055377426", "out"),
        ("43060011234", "in"),  # no "id": the record's "recordId"
    ]
    assert result.punches[0].moment == datetime.datetime(2026, 11, 2, 23, 58, 25)
    (error,) = result.errors
    assert (error.row, error.field) == (4, "userCheckTime")
    assert [s.status for s in result.shifts] == [
        base.NORMAL,
        base.EARLY,
        base.LATE,
        base.NOT_SIGNED,
        base.ABSENT,
    ]
    assert {s.work_date for s in result.shifts} == {datetime.date(2026, 11, 3)}
    not_signed = result.shifts[3]
    assert not_signed.actual is None and not_signed.planned == datetime.datetime(2026, 11, 3, 10, 0)
