"""Tokens, waits and error codes of the attendance platforms (connectors.platforms.session).

Played against the fake DingTalk server: the session's behaviour is the same
for the three platforms, only the codes differ.
"""

import datetime
import logging

import pytest
from platform_helpers import adapter_on

from connectors.http import ApiClient
from connectors.platforms import (
    CredentialError,
    MemoryTokenStore,
    PlatformError,
    PlatformUser,
    QuotaExhaustedError,
    make_platform,
)
from connectors.platforms.fakes import FakeDingTalk
from connectors.retrying import backoff_delay

SECRET = "dt-S3cret-9f8e7d"
NOW = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)
USERS = [PlatformUser("u1", "王伟", mobile="13812345678"), PlatformUser("u2", "李娜")]


@pytest.fixture
def fake():
    with FakeDingTalk(users=USERS, app_id="ding-key", app_secret=SECRET) as server:
        yield server


def platform_of(fake, *, store=None, waits=None, now=None, secret=SECRET):
    credentials = {"app_key": "ding-key", "app_secret": secret}
    return adapter_on(
        fake, "dingtalk", credentials, waits=waits, store=store, now=now or (lambda: NOW)
    )


def test_cached_token_is_reused_while_more_than_the_margin_is_left(fake):
    store = MemoryTokenStore()
    store.save(fake.issue_token(), NOW + datetime.timedelta(minutes=10))
    platform = platform_of(fake, store=store)
    platform.users()
    assert fake.count("gettoken") == 0


def test_token_within_the_margin_of_expiry_is_renewed_and_saved(fake):
    store = MemoryTokenStore()
    old = fake.issue_token()
    store.save(old, NOW + datetime.timedelta(minutes=4))
    platform = platform_of(fake, store=store)
    platform.users()
    assert fake.count("gettoken") == 1
    token, expires_at = store.load()
    assert token != old
    assert expires_at == NOW + datetime.timedelta(seconds=7200)


def test_expired_token_in_the_middle_of_a_run_is_renewed_once_and_the_call_repeated(fake):
    platform = platform_of(fake)
    platform.probe()
    fake.expire_token(after=2)
    users = platform.users()
    assert {u.user_id for u in users} == {"u1", "u2"}
    assert fake.count("gettoken") == 2


def test_a_fresh_token_refused_too_is_an_error_not_a_loop(fake, monkeypatch):
    platform = platform_of(fake)
    monkeypatch.setattr(fake, "issue_token", lambda: "never-valid")
    with pytest.raises(PlatformError, match="fresh access token was refused too"):
        platform.users()
    assert fake.count("gettoken") == 2


def test_frequency_limit_waits_with_backoff_then_succeeds(fake):
    waits = []
    platform = platform_of(fake, waits=waits)
    fake.throttle(2)
    assert len(platform.users()) == 2
    assert waits == [1.0, 2.0]


def test_frequency_limit_that_does_not_lift_stops_like_a_quota(fake):
    waits = []
    platform = platform_of(fake, waits=waits)
    fake.throttle(100)
    with pytest.raises(QuotaExhaustedError, match=r"still reached after 4 attempt\(s\)"):
        platform.users()
    assert waits == [1.0, 2.0, 4.0]


def test_quota_answer_raises_quota_exhausted(fake):
    platform = platform_of(fake)
    fake.quota_after(0)
    with pytest.raises(QuotaExhaustedError) as caught:
        platform.users()
    assert caught.value.code == 90005


def test_every_http_call_counts_token_calls_included(fake):
    platform = platform_of(fake)
    platform.users()
    assert platform.calls == sum(fake.counts.values()) == 1 + 2 + 2


def test_bad_credentials_name_what_to_check_without_the_secret(fake, caplog):
    caplog.set_level(logging.DEBUG)
    platform = platform_of(fake, secret="wrong-" + SECRET)
    with pytest.raises(CredentialError) as caught:
        platform.probe()
    assert "check the app_key and app_secret" in str(caught.value)
    assert caught.value.credential == "app_key and app_secret"
    assert SECRET not in str(caught.value)
    assert SECRET not in caplog.text


def test_no_token_or_secret_in_logs_of_a_whole_run(fake, caplog):
    caplog.set_level(logging.DEBUG)
    platform = platform_of(fake)
    fake.throttle(1)
    fake.expire_token(after=1)
    platform.users()
    assert SECRET not in caplog.text
    assert "fake-token-" not in caplog.text


def test_backoff_delay_honours_the_asked_delay_and_caps_it():
    assert [backoff_delay(n, 1.0, 60) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff_delay(1, 1.0, 60, asked=52) == 52
    assert backoff_delay(1, 1.0, 30, asked=86400) == 30
    assert backoff_delay(1, 1.0, 30, asked=-5) == 0.0
    assert backoff_delay(2, 1.0, 30, asked=float("nan")) == 2.0


def test_the_fake_refuses_more_users_or_days_than_a_call_allows(fake, monkeypatch):
    """The fakes enforce the documented limits, so an adapter cutting too large
    units fails its tests."""
    start = datetime.datetime(2026, 11, 1)
    many = [f"u{i}" for i in range(60)]
    platform = platform_of(fake)
    monkeypatch.setattr(platform, "users_per_call", 60)
    with pytest.raises(PlatformError, match="40032"):
        platform.fetch(many, start, start + datetime.timedelta(days=1))
    monkeypatch.setattr(platform, "users_per_call", 50)
    monkeypatch.setattr(platform, "days_per_call", 8)
    with pytest.raises(PlatformError, match="7天"):
        platform.fetch(many, start, start + datetime.timedelta(days=8))


def test_one_code_is_a_bad_secret_on_the_token_call_and_a_bad_token_elsewhere():
    """DingTalk's 40001: "wrong secret" when asking for a token, "invalid token" after."""
    from connectors.testing import FakeRemote, Reply  # noqa: PLC0415

    ok = {"errcode": 0, "errmsg": "ok", "access_token": "t-1", "expires_in": 7200}
    refused = {"errcode": 40001, "errmsg": "获取access_token时Secret错误,或者access_token无效"}
    with FakeRemote() as remote:
        remote.script("GET", "/gettoken", Reply(body=refused))
        client = ApiClient(remote.url, allow_local_network=True)
        credentials = {"app_key": "k", "app_secret": SECRET}
        with pytest.raises(CredentialError, match="check the app_secret") as caught:
            make_platform("dingtalk", client, credentials).probe()
        assert SECRET not in str(caught.value)
        remote.script("GET", "/gettoken", Reply(body=ok))
        remote.script(
            "POST",
            "/topapi/v2/department/listsub",
            Reply(body=refused),
            Reply(body={"errcode": 0, "result": []}),
        )
        remote.script(
            "POST", "/topapi/v2/user/list", Reply(body={"errcode": 0, "result": {"list": []}})
        )
        assert make_platform("dingtalk", client, credentials).users() == []
        assert len(remote.calls("GET", "/gettoken")) == 3  # refused, first token, renewed
