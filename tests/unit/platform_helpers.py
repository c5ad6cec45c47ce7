"""What the attendance platform tests share (not a test module itself): the fake
server's knobs put back between tests, and an adapter talking to a fake."""

from connectors.http import ApiClient
from connectors.platforms import MemoryTokenStore, make_platform


def reset_knobs(fake):
    """No throttle, no quota, no counted calls and no raw records added: each test
    starts from the fake as it was built."""
    fake.throttle(0)
    fake.quota_after(None)
    fake.counts.clear()
    fake._extra.clear()  # pylint: disable=protected-access


def adapter_on(fake, kind, credentials, *, waits=None, store=None, **kwargs):
    """The ``kind`` adapter talking to ``fake`` with ``credentials``: a fresh token
    store unless ``store`` is given, and no real sleeping (each wait is appended to
    ``waits`` when given); ``kwargs`` go to make_platform (``now``, ``options``)."""
    client = ApiClient(fake.url, allow_local_network=True, sleep=lambda _s: None)
    return make_platform(
        kind,
        client,
        credentials,
        token_store=store if store is not None else MemoryTokenStore(),
        sleep=(waits if waits is not None else []).append,
        **kwargs,
    )
