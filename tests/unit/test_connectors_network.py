"""Connectors call public https addresses only, unless allowed the local network;
answers have a size cap. No test here sends anything beyond 127.0.0.1, and the
refusals are checked before any connection is attempted."""

import pytest

from connectors import network
from connectors.errors import ResponseTooLargeError, TransientError
from connectors.http import ApiClient
from connectors.network import AddressRefusedError, address_kind, url_refusal
from connectors.testing import PUBLIC_ADDRESS, FakeRemote, Reply, offline_getaddrinfo

PUBLIC = PUBLIC_ADDRESS


@pytest.fixture
def remote():
    with FakeRemote() as server:
        yield server


@pytest.fixture
def dns(monkeypatch):
    """Names resolved from a dict (name -> addresses), without the network."""
    names = {}
    monkeypatch.setattr(network, "getaddrinfo", offline_getaddrinfo(names))
    return names


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.4.1", "private"),
        ("192.168.1.20", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1%eth0", "link-local"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:c0a8:0101::1", "private"),
        (PUBLIC, None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ],
)
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


@pytest.mark.parametrize(
    ("url", "kind", "address"),
    [
        ("http://payroll.example.com/api", "scheme", ""),
        ("https://10.0.0.5/api", "private", "10.0.0.5"),
        ("https://169.254.169.254/latest/meta-data/", "link-local", "169.254.169.254"),
        ("https://[::1]:8443/", "loopback", "::1"),
        ("https://[::ffff:192.168.0.1]/", "private", "::ffff:192.168.0.1"),
        ("https://localhost/api", "loopback", ""),
        ("https://clock.localhost/api", "loopback", ""),
    ],
)
def test_refused_urls_need_no_name_lookup(url, kind, address, dns):
    refusal = url_refusal(url)
    assert refusal.kind == kind
    assert refusal.address == address
    assert url_refusal(url, allow_local=True) is None, "allowed for an on-premise terminal"


def test_names_are_judged_by_every_address_they_resolve_to(dns):
    dns["payroll.example.com"] = [PUBLIC]
    dns["split.example.com"] = [PUBLIC, "10.20.30.40"]
    assert url_refusal("https://payroll.example.com/api") is None
    refusal = url_refusal("https://split.example.com/api")
    assert (refusal.kind, refusal.host, refusal.address) == (
        "private",
        "split.example.com",
        "10.20.30.40",
    )
    assert "split.example.com (10.20.30.40) is a private address" in str(refusal)


def test_unresolvable_name_is_refused_only_when_about_to_connect(dns):
    assert url_refusal("https://nowhere.invalid/", strict=False) is None
    assert url_refusal("https://nowhere.invalid/").kind == "unresolved"


def test_client_refuses_a_local_address_before_connecting(remote):
    remote.script("GET", "/wages", Reply(body={"items": []}))
    client = ApiClient(remote.url, sleep=lambda _s: None)
    with pytest.raises(AddressRefusedError, match="plain http:// is not allowed"):
        client.get_json("wages")
    https_local = remote.url.replace("http://", "https://")
    with pytest.raises(AddressRefusedError, match=r"127\.0\.0\.1 is a loopback address"):
        ApiClient(https_local, sleep=lambda _s: None).get_json("wages")
    assert remote.calls() == [], "nothing was sent"
    allowed = ApiClient(remote.url, sleep=lambda _s: None, allow_local_network=True)
    assert allowed.get_json("wages") == {"items": []}


def test_client_checks_the_address_it_actually_reached(remote, monkeypatch):
    """DNS said public when checked, then answered a local address (rebinding)."""
    monkeypatch.setattr(network, "check_url", lambda url, allow_local=False: None)
    remote.script("GET", "/wages", Reply(body={"items": []}))
    client = ApiClient(remote.url, sleep=lambda _s: None, max_retries=0)
    with pytest.raises(AddressRefusedError, match=r"127\.0\.0\.1 is a loopback address"):
        client.get_json("wages")
    assert remote.calls() == [], "the connection was closed before sending anything"


def test_answer_over_the_size_cap_is_refused(remote):
    remote.script("GET", "/wages", Reply(body={"items": ["x" * 2000]}))
    client = ApiClient(remote.url, allow_local_network=True, max_response_bytes=1000)
    too_large = r"too large \(2.0 kB; at most 1000 bytes are read\): ask for smaller"
    with pytest.raises(ResponseTooLargeError, match=too_large):
        client.get_json("wages")
    remote.script("GET", "/small", Reply(body={"items": []}))
    assert client.get_json("small") == {"items": []}


class _Streamed:
    """A streamed response without Content-Length (chunked), to count what is read."""

    headers = {}

    def __init__(self, chunks):
        self.chunks = chunks
        self.read = 0
        self.closed = False

    def iter_content(self, size):
        for chunk in self.chunks:
            self.read += 1
            yield chunk

    def close(self):
        self.closed = True


def test_chunked_answer_is_read_no_further_than_the_cap():
    assert ApiClient("https://payroll.example.com/").max_response_bytes == 20 * 1024 * 1024
    client = ApiClient("https://payroll.example.com/", max_response_bytes=10)
    endless = _Streamed([b"12345"] * 1000)
    with pytest.raises(ResponseTooLargeError, match="too large"):
        client._read_body(endless, "GET https://payroll.example.com/wages")
    assert (endless.read, endless.closed) == (3, True)


def test_a_name_that_does_not_resolve_is_retried_as_transient(dns):
    waits = []
    client = ApiClient("https://nowhere.invalid/api/", sleep=waits.append, max_retries=2)
    with pytest.raises(TransientError, match=r"nowhere\.invalid: the host name cannot be resolved"):
        client.get_json("wages")
    assert waits == [0.5, 1.0]
