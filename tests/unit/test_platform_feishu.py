"""Feishu attendance adapter against the fake Feishu server and the sample payloads."""

import datetime
import json
import logging
import pathlib

import pytest
from platform_helpers import adapter_on, reset_knobs

from connectors.errors import ConfigurationError, PayloadError
from connectors.http import ApiClient
from connectors.platforms import (
    CredentialError,
    MemoryTokenStore,
    PlatformUser,
    base,
    make_platform,
)
from connectors.platforms.fakes import FakeFeishu
from connectors.testing import FakeRemote, Reply

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "connectors"
SECRET = "fs-AppS3cret-x7Kq"
NOW = datetime.datetime(2026, 12, 20, 2, 0, tzinfo=datetime.UTC)
START = datetime.datetime(2026, 10, 31, 16, 0)  # 2026-11-01 00:00 in Shanghai
DAYS = 40
END = START + datetime.timedelta(days=DAYS)
NAMES = "赵磊 孙丽 周强 吴敏 郑浩 王静 冯涛 陈洁 褚亮 卫红".split()


def _users(count):
    return [
        PlatformUser(f"3e{i:06x}", NAMES[i % 10], mobile=f"+86135{i:08d}", job_number=f"FS-{i:04d}")
        for i in range(count)
    ]


USERS = _users(70)
PUNCHES = [
    (user.user_id, START + datetime.timedelta(days=day, hours=hour, minutes=number % 50), kind)
    for number, user in enumerate(USERS)
    for day in range(DAYS)
    for hour, kind in ((8, "in"), (17, "out"))  # leaving before 18:00: early
]


@pytest.fixture(scope="module")
def fake():
    with FakeFeishu(users=USERS, punches=PUNCHES, app_id="cli_a1b2", app_secret=SECRET) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(fake):
    reset_knobs(fake)


def platform_of(fake, *, waits=None, secret=SECRET, options=None, store=None):
    credentials = {"app_id": "cli_a1b2", "app_secret": secret}
    return adapter_on(
        fake, "feishu", credentials, waits=waits, store=store, now=lambda: NOW, options=options
    )


def test_directory_walks_departments_and_pages(fake):
    users = platform_of(fake).users()
    assert sorted(users, key=lambda u: u.user_id) == USERS
    # 35 people per department, pages of 50: one page each, two departments
    assert fake.count("contact/v3/users/find_by_department") == 2


def test_employee_no_as_the_identity(fake):
    platform = platform_of(fake, options={"employee_type": "employee_no"})
    users = platform.users()
    assert {u.user_id for u in users} == {u.job_number for u in USERS}
    result = platform.fetch(["FS-0003"], START, START + datetime.timedelta(days=1))
    assert {p.user_id for p in result.punches} == {"FS-0003"}
    (call,) = fake.remote.calls("POST", "/attendance/v1/user_flows/query")
    assert call.query == {"employee_type": "employee_no", "include_terminated_user": "true"}
    with pytest.raises(ConfigurationError, match="employee_type"):
        platform_of(fake, options={"employee_type": "open_id"})


def test_fetch_splits_users_by_50_and_periods_by_30_days_with_bearer_token(fake):
    result = platform_of(fake).fetch([u.user_id for u in USERS], START, END)
    assert result.done and not result.errors
    # 40 days -> 2 windows (30 + 10); 70 users -> 2 chunks (50 + 20)
    assert fake.count("attendance/v1/user_flows/query") == 4
    assert fake.count("attendance/v1/user_tasks/query") == 4
    ids = [p.record_id for p in result.punches]
    assert len(ids) == len(set(ids)) == len(PUNCHES)
    assert {p.kind for p in result.punches} == {None}
    for call in fake.remote.calls("POST", "/attendance/v1/user_flows/query"):
        assert call.headers["Authorization"].startswith("Bearer fake-token-")
        assert len(call.json["user_ids"]) <= 50
        assert int(call.json["check_time_to"]) - int(call.json["check_time_from"]) <= 30 * 86400
    assert len(result.shifts) == len(PUNCHES)
    assert {s.status for s in result.shifts} == {base.NORMAL, base.EARLY}
    assert len({s.record_id for s in result.shifts}) == len(result.shifts)


def test_token_kept_until_30_minutes_before_expiry(fake):
    store = MemoryTokenStore()
    store.save(fake.issue_token(), NOW + datetime.timedelta(minutes=31))
    platform_of(fake, store=store).users()
    assert fake.count("auth/v3/tenant_access_token/internal") == 0
    store.save(store.load()[0], NOW + datetime.timedelta(minutes=29))
    platform_of(fake, store=store).users()
    assert fake.count("auth/v3/tenant_access_token/internal") == 1


def test_token_refused_mid_run_is_renewed_once(fake):
    platform = platform_of(fake)
    fake.expire_token(after=3)
    result = platform.fetch([u.user_id for u in USERS], START, END)
    assert result.done and len(result.punches) == len(PUNCHES)
    assert fake.count("auth/v3/tenant_access_token/internal") == 2


def test_http_429_waits_for_the_reset_the_platform_gives(fake):
    waits = []
    fake.throttle(2)
    result = platform_of(fake, waits=waits).fetch([USERS[0].user_id], START, END)
    assert result.done and len(result.punches) == 2 * DAYS
    assert waits == [2.0, 2.0]  # x-ogw-ratelimit-reset: 2


def test_limit_that_does_not_lift_stops_and_resumes(fake):
    user_ids = [u.user_id for u in USERS]
    fake.quota_after(3)
    first = platform_of(fake).fetch(user_ids, START, END)
    assert not first.done and "99991400" in first.stopped
    assert first.resume["unit"] == 1  # unit 0 took 2 calls, unit 1 was cut after its first
    fake.quota_after(None)
    second = platform_of(fake).fetch(user_ids, START, END, resume=first.resume)
    assert second.done
    ids = [p.record_id for p in first.punches + second.punches]
    assert len(ids) == len(set(ids)) == len(PUNCHES)
    shift_ids = [s.record_id for s in first.shifts + second.shifts]
    assert len(shift_ids) == len(set(shift_ids)) == len(PUNCHES)


def test_repeated_fetch_same_ids_and_unknown_user_kept():
    punches = [("ex-employee", START + datetime.timedelta(hours=2), "in")]
    with FakeFeishu(users=USERS[:1], punches=punches, app_id="cli_a1b2", app_secret=SECRET) as fake:
        first = platform_of(fake).fetch(["ex-employee"], START, END)
        again = platform_of(fake).fetch(["ex-employee"], START, END)
    assert [p.user_id for p in first.punches] == ["ex-employee"]
    assert [p.record_id for p in first.punches] == [p.record_id for p in again.punches]
    assert [s.record_id for s in first.shifts] == [s.record_id for s in again.shifts]


def test_bad_flow_is_a_payload_error_and_neighbours_are_kept(fake):
    fake.add_raw("attendance/v1/user_flows/query", {"user_id": USERS[0].user_id, "record_id": "x1"})
    result = platform_of(fake).fetch([USERS[0].user_id], START, START + datetime.timedelta(days=1))
    assert len(result.punches) == 2
    (error,) = result.errors
    assert (error.row, error.field, error.reason) == (3, "check_time", "missing value")


def test_bad_app_secret_is_named_and_never_shown(fake, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CredentialError) as caught:
        platform_of(fake, secret="rotated-" + SECRET).probe()
    assert caught.value.credential == "app_secret" and caught.value.code == 10014
    assert SECRET not in str(caught.value) + caplog.text


def _sample(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def test_sample_payloads():
    token = {"code": 0, "msg": "ok", "tenant_access_token": "t-sample", "expire": 7200}
    departments = {"code": 0, "msg": "success", "data": {"has_more": False, "items": []}}
    with FakeRemote() as remote:
        remote.script("POST", "/auth/v3/tenant_access_token/internal", Reply(body=token))
        remote.script("GET", "/contact/v3/departments/0/children", Reply(body=departments))
        remote.script(
            "GET", "/contact/v3/users/find_by_department", Reply(body=_sample("feishu_users.json"))
        )
        remote.script(
            "POST", "/attendance/v1/user_flows/query", Reply(body=_sample("feishu_flows.json"))
        )
        remote.script(
            "POST", "/attendance/v1/user_tasks/query", Reply(body=_sample("feishu_tasks.json"))
        )
        client = ApiClient(remote.url, allow_local_network=True)
        platform = make_platform("feishu", client, {"app_id": "cli_a", "app_secret": "s"})
        users = platform.users()
        day = datetime.datetime(2026, 11, 2, 16, 0)  # 2026-11-03 00:00 in Shanghai
        result = platform.fetch(["3e3cf96b", "5d9bdxxx"], day, day + datetime.timedelta(days=2))
    # the contractor without a user_id is skipped
    assert [(u.user_id, u.name, u.job_number) for u in users] == [
        ("3e3cf96b", "赵磊", "FS-1001"),
        ("5d9bdxxx", "孙丽", "FS-1002"),
    ]
    assert [p.record_id for p in result.punches] == [
        "7270423478936817682",
        "7270467890123456789",
        "7270470000000000001",
    ]
    assert result.punches[0].moment == datetime.datetime(2026, 11, 2, 23, 52, 10)
    (error,) = result.errors
    assert (error.row, error.field) == (4, "check_time")
    assert [(s.user_id, s.check, s.status) for s in result.shifts] == [
        ("3e3cf96b", "in", base.NORMAL),
        ("3e3cf96b", "out", base.NORMAL),
        ("5d9bdxxx", "in", base.LATE),
        ("5d9bdxxx", "out", base.NOT_SIGNED),
    ]  # Todo and NoNeedCheck days give no result
    lack = result.shifts[3]
    assert lack.actual is None and lack.planned == datetime.datetime(2026, 11, 3, 9, 30)
    assert result.shifts[2].actual == datetime.datetime(2026, 11, 3, 0, 21)


def test_read_punch_rebuilds_a_flow():
    platform = make_platform(
        "feishu", ApiClient("https://open.feishu.cn/open-apis/"), {"app_id": "a", "app_secret": "s"}
    )
    flows = _sample("feishu_flows.json")["data"]["user_flow_results"]
    punch = platform.read_punch(flows[2])
    assert (punch.user_id, punch.record_id, punch.kind) == ("5d9bdxxx", "7270470000000000001", None)
    with pytest.raises(PayloadError, match="check_time"):
        platform.read_punch(flows[3])
