"""WeCom attendance adapter against the fake WeCom server and the sample payloads."""

import datetime
import json
import logging
import pathlib

import pytest
from platform_helpers import adapter_on, reset_knobs

from connectors.errors import PayloadError
from connectors.http import ApiClient
from connectors.platforms import (
    CredentialError,
    PlatformUser,
    base,
    make_platform,
)
from connectors.platforms.fakes import FakeWeCom
from connectors.testing import FakeRemote, Reply

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "connectors"
SECRET = "wx-Corp5ecret-Zq81"
START = datetime.datetime(2026, 9, 30, 16, 0)  # 2026-10-01 00:00 in Shanghai
DAYS = 65
END = START + datetime.timedelta(days=DAYS)
NAMES = "张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄强 周杰 吴婷".split()


def _users(count):
    return [
        PlatformUser(f"wx{i:04d}", NAMES[i % 10], mobile=f"137{i:08d}", job_number=f"SZ-{i:04d}")
        for i in range(count)
    ]


def _punches(users):
    punches = []
    for number, user in enumerate(users):
        for day in range(DAYS):
            midnight = START + datetime.timedelta(days=day)
            arrive = midnight + datetime.timedelta(hours=8, minutes=40 + number % 30)
            punches.append((user.user_id, arrive, "in"))
            punches.append(
                (user.user_id, midnight + datetime.timedelta(hours=18, minutes=2), "out")
            )
    return punches


USERS = _users(150)
PUNCHES = _punches(USERS)


@pytest.fixture(scope="module")
def fake():
    with FakeWeCom(users=USERS, punches=PUNCHES, app_id="ww-corp", app_secret=SECRET) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(fake):
    reset_knobs(fake)


def platform_of(fake, waits=None, secret=SECRET, options=None):
    credentials = {"corp_id": "ww-corp", "corp_secret": secret}
    return adapter_on(fake, "wecom", credentials, waits=waits, options=options)


def all_ids(fake, users):
    wanted = {u.user_id for u in users}
    return {
        f"{user_id}:{int(moment.replace(tzinfo=datetime.UTC).timestamp())}:"
        + {"in": "上班打卡", "out": "下班打卡"}[kind]
        for user_id, moment, kind, _r in fake.punches
        if user_id in wanted
    }


def test_directory_with_job_numbers_from_a_custom_attribute(fake):
    users = platform_of(fake, options={"job_number_attr": "工号"}).users()
    assert users == USERS
    assert platform_of(fake).users()[0].job_number == ""  # no attribute named: no job number


def test_fetch_splits_users_by_100_and_periods_by_30_days(fake):
    result = platform_of(fake).fetch([u.user_id for u in USERS], START, END)
    assert result.done and not result.errors
    # 65 days -> 3 windows (30 + 30 + 5); 150 users -> 2 chunks (100 + 50)
    assert fake.count("checkin/getcheckindata") == 6
    ids = [p.record_id for p in result.punches]
    assert len(ids) == len(set(ids)) == len(PUNCHES)
    assert set(ids) == all_ids(fake, USERS)
    for call in fake.remote.calls("POST", "/checkin/getcheckindata"):
        assert len(call.json["useridlist"]) <= 100
        assert call.json["endtime"] - call.json["starttime"] <= 30 * 86400
        assert call.json["opencheckindatatype"] == 3
    assert len(result.shifts) == len(PUNCHES)
    assert {s.status for s in result.shifts} == {base.NORMAL, base.LATE}


def test_quota_stop_then_resume_loses_and_doubles_nothing(fake):
    user_ids = [u.user_id for u in USERS]
    waits = []
    fake.quota_after(3)
    first = platform_of(fake, waits=waits).fetch(user_ids, START, END)
    assert not first.done and first.resume["unit"] == 3
    assert "45009" in first.stopped
    assert waits == [1.0, 2.0, 4.0]  # the limit did not lift: stop and resume next run
    fake.quota_after(None)
    second = platform_of(fake).fetch(user_ids, START, END, resume=first.resume)
    assert second.done
    ids = [p.record_id for p in first.punches + second.punches]
    assert len(ids) == len(set(ids))
    assert set(ids) == all_ids(fake, USERS)


def test_token_expiring_in_the_middle_of_a_fetch(fake):
    platform = platform_of(fake)
    fake.expire_token(after=2)
    result = platform.fetch([u.user_id for u in USERS], START, END)
    assert result.done and len(result.punches) == len(PUNCHES)
    assert fake.count("gettoken") == 2
    assert result.calls == 1 + 6 + 1 + 1  # token, 6 units, refused call, renewed token


def test_frequency_limit_then_success(fake):
    waits = []
    fake.throttle(1)
    result = platform_of(fake, waits=waits).fetch([USERS[0].user_id], START, END)
    assert result.done and len(result.punches) == 2 * DAYS
    assert waits == [1.0]


def test_repeated_fetch_gives_the_same_record_ids(fake):
    user_ids = [u.user_id for u in USERS[:5]]
    first = platform_of(fake).fetch(user_ids, START, END)
    again = platform_of(fake).fetch(user_ids, START, END)
    assert [p.record_id for p in first.punches] == [p.record_id for p in again.punches]


def test_punch_of_a_user_outside_the_directory_is_still_returned():
    punches = [("gone", START + datetime.timedelta(hours=1), "in")]
    with FakeWeCom(users=USERS[:1], punches=punches, app_id="ww-corp", app_secret=SECRET) as fake:
        result = platform_of(fake).fetch(["gone"], START, END)
    assert [(p.user_id, p.kind) for p in result.punches] == [("gone", "in")]


def test_bad_record_is_a_payload_error_and_neighbours_are_kept(fake):
    fake.add_raw(
        "checkin/getcheckindata",
        {"userid": USERS[0].user_id, "checkin_type": "午休打卡", "checkin_time": 1793675000},
    )
    day_end = START + datetime.timedelta(days=1)
    result = platform_of(fake).fetch([USERS[0].user_id], START, day_end)
    assert len(result.punches) == 2
    (error,) = result.errors
    assert (error.row, error.field) == (3, "checkin_type")
    assert "午休打卡" in error.reason


def test_bad_corp_secret_names_it_without_showing_it(fake, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CredentialError) as caught:
        platform_of(fake, secret="old-" + SECRET).probe()
    assert caught.value.credential == "corp_secret"
    assert "check the corp_secret" in str(caught.value)
    assert SECRET not in str(caught.value) + caplog.text


def _sample(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def test_sample_payloads():
    token = {"errcode": 0, "errmsg": "ok", "access_token": "sample-token", "expires_in": 7200}
    with FakeRemote() as remote:
        remote.script("GET", "/gettoken", Reply(body=token))
        remote.script("GET", "/user/list", Reply(body=_sample("wecom_users.json")))
        remote.script("POST", "/checkin/getcheckindata", Reply(body=_sample("wecom_checkin.json")))
        client = ApiClient(remote.url, allow_local_network=True)
        credentials = {"corp_id": "ww-corp", "corp_secret": "s"}
        platform = make_platform("wecom", client, credentials, options={"job_number_attr": "工号"})
        users = platform.users()
        day = datetime.datetime(2026, 11, 2, 16, 0)  # 2026-11-03 00:00 in Shanghai
        result = platform.fetch(
            ["ZhangWei", "LiuFang", "HuangLei"], day, day + datetime.timedelta(days=2)
        )
    assert [(u.user_id, u.name, u.job_number) for u in users] == [
        ("ZhangWei", "张伟", "SZ-0007"),
        ("LiuFang", "刘芳", "SZ-0012"),
        ("HuangLei", "黄磊", ""),
    ]
    assert [(p.user_id, p.kind) for p in result.punches] == [
        ("ZhangWei", "in"),
        ("ZhangWei", "out"),
        ("LiuFang", "in"),
        ("LiuFang", None),  # 外出打卡
        ("LiuFang", "out"),
        ("HuangLei", "out"),  # the 未打卡 record is no punch
    ]
    assert result.punches[0].moment == datetime.datetime(2026, 11, 2, 23, 56, 12)
    assert result.punches[0].record_id == "ZhangWei:1793663772:上班打卡"
    assert [(s.user_id, s.check, s.status) for s in result.shifts] == [
        ("ZhangWei", "in", base.NORMAL),
        ("ZhangWei", "out", base.NORMAL),
        ("LiuFang", "in", base.LATE),
        ("LiuFang", "out", base.EARLY),
        ("HuangLei", "in", base.NOT_SIGNED),
        ("HuangLei", "out", base.OTHER),  # wifi异常: on time, but not a clean check
    ]
    missed = result.shifts[4]
    assert missed.actual is None and missed.planned == datetime.datetime(2026, 11, 3, 0, 0)
    assert {s.work_date for s in result.shifts} == {datetime.date(2026, 11, 3)}
    (error,) = result.errors
    assert (error.row, error.field) == (8, "checkin_time")


def test_read_punch_rebuilds_a_punch_and_refuses_a_missed_check():
    records = _sample("wecom_checkin.json")["checkindata"]
    platform = make_platform(
        "wecom",
        ApiClient("https://qyapi.weixin.qq.com/cgi-bin/"),
        {"corp_id": "c", "corp_secret": "s"},
    )
    punch = platform.read_punch(records[2])
    assert (punch.user_id, punch.kind, punch.record_id) == (
        "LiuFang",
        "in",
        "LiuFang:1793664845:上班打卡",
    )
    with pytest.raises(PayloadError, match="未打卡"):
        platform.read_punch(records[5])
