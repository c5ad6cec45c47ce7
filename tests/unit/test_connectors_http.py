"""ApiClient against a real local HTTP server: auth, retries, typed errors, no leaked secrets."""

import base64
import logging
import re

import pytest

from connectors.errors import (
    ConfigurationError,
    HttpStatusError,
    MalformedResponseError,
    TransientError,
)
from connectors.http import ApiClient, sanitize_url
from connectors.testing import FakeRemote, Reply

SECRET = "s3cr3t-Key-4242"
URL_SECRET = "url-token-9191"


@pytest.fixture
def remote():
    with FakeRemote() as server:
        yield server


def make_client(remote, waits=None, **kwargs):
    """A client of ``remote`` whose retry waits land in ``waits`` instead of sleeping."""
    kwargs.setdefault("timeout", 2)
    kwargs.setdefault("allow_local_network", True)
    return ApiClient(remote.url, sleep=(waits if waits is not None else []).append, **kwargs)


@pytest.mark.parametrize(
    ("auth", "header", "expected"),
    [
        ({"type": "api_key", "key": SECRET}, "X-API-Key", SECRET),
        ({"type": "api_key", "header": "X-Shop-Token", "key": SECRET}, "X-Shop-Token", SECRET),
        ({"type": "bearer", "token": SECRET}, "Authorization", f"Bearer {SECRET}"),
        (
            {"type": "basic", "username": "okr", "password": SECRET},
            "Authorization",
            "Basic " + base64.b64encode(f"okr:{SECRET}".encode()).decode(),
        ),
    ],
)
def test_auth_header_is_sent_per_auth_type(remote, auth, header, expected):
    remote.script("GET", "/ping", Reply(body={"pong": True}))
    assert make_client(remote, auth=auth).get_json("ping") == {"pong": True}
    assert remote.calls("GET", "/ping")[0].headers[header] == expected


def test_no_auth_sends_no_credentials(remote):
    remote.script("GET", "/ping", Reply(body=[]))
    make_client(remote).get_json("/ping")
    sent = remote.calls()[0].headers
    assert "Authorization" not in sent
    assert "X-API-Key" not in sent


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ({"type": "bearer"}, "bearer auth needs token"),
        ({"type": "basic", "username": "okr"}, "basic auth needs password"),
        ({"type": "oauth9", "token": SECRET}, "unknown auth type 'oauth9'"),
    ],
)
def test_missing_or_unknown_credentials_are_configuration_errors(auth, message):
    with pytest.raises(ConfigurationError, match=message) as caught:
        ApiClient("https://payroll.example.com/api", auth=auth)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("url", ["", "payroll.example.com", "ftp://payroll.example.com/"])
def test_bad_base_url_is_a_configuration_error(url):
    with pytest.raises(ConfigurationError, match="invalid base URL"):
        ApiClient(url)


def test_500_then_success_is_retried_with_exponential_backoff(remote):
    remote.script("GET", "/wages", Reply(500), Reply(502), Reply(body={"items": [1]}))
    waits = []
    assert make_client(remote, waits).get_json("wages") == {"items": [1]}
    assert waits == [0.5, 1.0]
    assert len(remote.calls("GET", "/wages")) == 3


def test_429_honours_retry_after_seconds_and_caps_it(remote):
    remote.script(
        "GET",
        "/wages",
        Reply(429, headers={"Retry-After": "7"}),
        Reply(429, headers={"Retry-After": "86400"}),
        Reply(body=[]),
    )
    waits = []
    assert make_client(remote, waits, max_retry_after=30).get_json("wages") == []
    assert waits == [7.0, 30]


def test_exhausted_retries_raise_transient_error(remote):
    remote.script("GET", "/wages", Reply(503, body={"error": "maintenance"}))
    waits = []
    with pytest.raises(TransientError, match=r"failed after 4 attempt\(s\): HTTP 503") as caught:
        make_client(remote, waits).get_json("wages")
    assert "maintenance" in str(caught.value)
    assert waits == [0.5, 1.0, 2.0]
    assert len(remote.calls()) == 4


def test_timeout_is_retried_then_transient_error(remote):
    remote.script("GET", "/slow", Reply(body={}, delay=0.6))
    waits = []
    client = make_client(remote, waits, timeout=0.15, max_retries=1)
    with pytest.raises(TransientError, match=r"no answer within 0.15 s"):
        client.get_json("slow")
    assert waits == [0.5]
    assert len(remote.calls()) == 2


def test_timeout_then_answer_succeeds(remote):
    remote.script("GET", "/slow", Reply(body={}, delay=0.6), Reply(body={"ok": 1}))
    assert make_client(remote, timeout=0.15).get_json("slow") == {"ok": 1}


def test_dropped_connection_is_retried(remote):
    remote.script("GET", "/flaky", Reply(drop=True), Reply(body={"ok": 2}))
    waits = []
    assert make_client(remote, waits).get_json("flaky") == {"ok": 2}
    assert waits == [0.5]


def test_malformed_json_names_the_endpoint(remote):
    remote.script("GET", "/wages", Reply(body="<html>Gateway login</html>"))
    with pytest.raises(MalformedResponseError) as caught:
        make_client(remote).get_json("wages")
    message = str(caught.value)
    assert message.startswith(f"malformed JSON from GET {remote.url}wages")
    assert "<html>Gateway login" in message


def test_empty_body_gives_none(remote):
    remote.script("GET", "/nothing", Reply(204))
    assert make_client(remote).get_json("nothing") is None


@pytest.mark.parametrize(
    ("status", "phrase"), [(401, "check the credentials"), (403, "check the credentials")]
)
def test_refused_credentials_are_configuration_errors_without_retry(remote, status, phrase):
    remote.script("GET", "/wages", Reply(status))
    with pytest.raises(ConfigurationError, match=phrase) as caught:
        make_client(remote).get_json("wages")
    assert caught.value.status == status
    assert len(remote.calls()) == 1


def test_unknown_endpoint_is_a_configuration_error(remote):
    with pytest.raises(
        ConfigurationError, match=re.escape("not found (HTTP 404): check the base URL")
    ):
        make_client(remote).get_json("v9/wages")


def test_other_4xx_carries_status_and_body(remote):
    remote.script("POST", "/lines", Reply(422, body={"error": "period 2026-11 is closed"}))
    with pytest.raises(HttpStatusError) as caught:
        make_client(remote).post_json("lines", {"amount": "1.00"})
    assert caught.value.status == 422
    assert "period 2026-11 is closed" in caught.value.body
    assert len(remote.calls()) == 1


def test_redirects_are_not_followed(remote):
    remote.script("GET", "/old", Reply(301, headers={"Location": "http://evil.example/x?key=1"}))
    with pytest.raises(
        ConfigurationError, match=re.escape("redirects (HTTP 301) to http://evil.example/x")
    ):
        make_client(remote, auth={"type": "api_key", "key": SECRET}).get_json("old")


def test_absolute_url_on_another_host_is_refused(remote):
    client = make_client(remote, auth={"type": "bearer", "token": SECRET})
    with pytest.raises(
        ConfigurationError, match=re.escape("refusing to call https://other.example/next")
    ):
        client.get_json("https://other.example/next?page=2")
    assert remote.calls() == []


def test_post_json_sends_body_and_extra_headers(remote):
    remote.script("POST", "/lines", Reply(201, body={"id": 7}))
    answer = make_client(remote).post_json("lines", {"a": 1}, headers={"Idempotency-Key": "K-1"})
    seen = remote.calls("POST", "/lines")[0]
    assert answer == {"id": 7}
    assert seen.json == {"a": 1}
    assert seen.headers["Idempotency-Key"] == "K-1"


def test_no_secret_in_exceptions_or_logs(remote, caplog):
    """Secrets in the auth header, the URL's userinfo and query, and echoed by the remote."""
    caplog.set_level(logging.DEBUG)
    echo = f"bad key {SECRET} from {URL_SECRET}"
    remote.script("GET", "/wages", Reply(500, body=echo), Reply(401, body={"error": echo}))
    remote.script("GET", "/payslips", Reply(422, body=echo))
    base = remote.url.replace("http://", f"http://admin:{URL_SECRET}@")
    client = ApiClient(
        base,
        auth={"type": "api_key", "key": SECRET},
        sleep=lambda _s: None,
        allow_local_network=True,
    )
    errors = []
    for path in (f"wages?access_token={URL_SECRET}", "payslips", f"missing?apiKey={SECRET}"):
        with pytest.raises((ConfigurationError, HttpStatusError)) as caught:
            client.get_json(path)
        errors.append(caught.value)
    texts = [str(error) for error in errors] + [r.getMessage() for r in caplog.records]
    texts.append(errors[1].body)
    assert len(errors) == 3
    assert "access_token=***" in str(errors[0])
    assert any("retry 1 of 3" in text for text in texts)
    assert [text for text in texts if SECRET in text or URL_SECRET in text] == []


def test_transient_error_text_has_no_query_secret(remote, caplog):
    caplog.set_level(logging.DEBUG)
    remote.script("GET", "/slow", Reply(body={}, delay=0.6))
    client = make_client(remote, timeout=0.1, max_retries=1)
    with pytest.raises(TransientError) as caught:
        client.get_json("slow", params={"token": SECRET, "employee_code": "1001"})
    assert "token=***&employee_code=1001" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert all(SECRET not in record.getMessage() for record in caplog.records)


def test_credential_with_a_line_break_is_refused_without_echoing_it():
    with pytest.raises(ConfigurationError, match="key contains spaces at its ends") as caught:
        ApiClient("https://hr.example.com/", auth={"type": "api_key", "key": f"{SECRET}\n"})
    assert SECRET not in str(caught.value)


def test_sanitize_url_strips_userinfo_and_masks_secret_parameters():
    url = "https://bot:hunter2@hr.example.com:8443/api?api_key=abc&page=2&signature=xyz#frag"
    assert sanitize_url(url) == "https://hr.example.com:8443/api?api_key=***&page=2&signature=***"
    assert sanitize_url("http://[::1]:8069/x?password=p") == "http://[::1]:8069/x?password=***"
