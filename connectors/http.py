"""HTTP client shared by every REST connector.

One ``requests.Session`` per backend, an explicit ``timeout`` on every call
and a single policy for failures, so that each adapter only deals with its
own payloads:

=========================  ==================================================
what happened              what the caller gets
=========================  ==================================================
timeout, connection lost   retried, then :class:`TransientError`
5xx, 429                   retried (429/503 honour Retry-After), then
                           :class:`TransientError`
401, 403                   :class:`ConfigurationError` (credentials)
404                        :class:`ConfigurationError` (base URL or path)
3xx                        :class:`ConfigurationError`: redirects are not
                           followed, because requests would forward custom
                           API-key headers to whatever host they point to
other 4xx                  :class:`HttpStatusError` with status and body
2xx that is not JSON       :class:`MalformedResponseError`
answer over the size cap   :class:`ResponseTooLargeError`, read no further
local or plain-http URL    :class:`~connectors.network.AddressRefusedError`,
                           before connecting (unless the local network is
                           allowed)
=========================  ==================================================

Unless built with ``allow_local_network=True`` (an on-premise terminal), the
client calls https:// URLs of public addresses only: every attempt first
resolves the host and refuses loopback, private, link-local and other
non-public addresses (see :mod:`connectors.network`), and the address the
socket actually connected to is checked again, in case DNS answered
differently the second time. Bodies are read as a stream and refused beyond
``max_response_bytes`` (20 MB by default), so a remote cannot make the server
hold an unbounded answer in memory.

Retry ``n`` waits ``backoff * 2 ** (n - 1)`` seconds (0.5, 1, 2 by default)
unless the remote asks for a delay with ``Retry-After``; every wait is capped
at ``max_retry_after`` (the policy of :mod:`connectors.retrying`, on tenacity).
POSTs are retried as well: send an Idempotency-Key so that the remote can
recognise a repeat of a request it already processed.

Log lines and messages show URLs through :func:`sanitize_url` and mask the
client's own secrets, so credentials never reach a log or a user.
"""

import datetime
import email.utils
import logging
import math
import time
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from . import network
from .auth import apply_auth
from .errors import (
    ConfigurationError,
    ConnectorError,
    HttpStatusError,
    MalformedResponseError,
    ResponseTooLargeError,
    TransientError,
)
from .redact import QuerySecretFilter, sanitize_url, snippet
from .retrying import retrying

__all__ = ["MAX_RESPONSE_BYTES", "ApiClient", "sanitize_url"]

# Largest answer a connector reads (bytes); anything longer is refused.
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
_CHUNK = 64 * 1024

_logger = logging.getLogger(__name__)
# urllib3 logs request lines with their query string at DEBUG level: mask secrets there too.
_URLLIB3_LOGGER = logging.getLogger("urllib3.connectionpool")
if not any(isinstance(f, QuerySecretFilter) for f in _URLLIB3_LOGGER.filters):
    _URLLIB3_LOGGER.addFilter(QuerySecretFilter())

_BAD_URL = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
)
# A dropped connection mid-body is as transient as one refused up front.
_CONNECTION_LOST = (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)


class ApiClient:
    """JSON-over-HTTP client of one remote system.

    ``auth`` is a dict as described in :mod:`connectors.auth`; ``timeout`` is
    in seconds (or a ``(connect, read)`` pair); ``max_retries`` counts retries
    after the first attempt; ``sleep`` is injectable so tests need not wait;
    ``allow_local_network`` lets it call http:// and non-public addresses (an
    on-premise terminal); ``max_response_bytes`` caps the size of an answer (default
    :data:`MAX_RESPONSE_BYTES`).
    Everything after ``auth`` is keyword-only.
    """

    def __init__(
        self,
        base_url,
        auth=None,
        *,
        timeout=10,
        max_retries=3,
        backoff=0.5,
        session=None,
        sleep=time.sleep,
        max_retry_after=60.0,
        allow_local_network=False,
        max_response_bytes=None,
    ):
        self.base_url = _normalise_base_url(base_url)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.allow_local_network = allow_local_network
        self.max_response_bytes = max_response_bytes or MAX_RESPONSE_BYTES
        if session is None:
            session = requests.Session()
            if not allow_local_network:
                adapter = _PublicOnlyAdapter()
                session.mount("https://", adapter)
                session.mount("http://", adapter)
        self.session = session
        self._sleep = sleep
        self._secrets = apply_auth(self.session, auth) + _url_secrets(base_url)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the underlying session and its pooled connections."""
        self.session.close()

    def url(self, path):
        """Return the absolute URL of ``path`` (relative to the base URL).

        Absolute URLs (e.g. "next" links) are accepted only on the base URL's
        own host: credentials must not travel anywhere else.
        """
        if not path.lower().startswith(("http://", "https://")):
            return urljoin(self.base_url, path.lstrip("/"))
        if _origin(path) != _origin(self.base_url):
            raise ConfigurationError(
                f"refusing to call {sanitize_url(path)}: it is not on {sanitize_url(self.base_url)}"
            )
        return path

    def get_json(self, path, params=None):
        """GET ``path`` and return its decoded JSON body (None when empty)."""
        return self._json(self.request("GET", path, params=params))

    def post_json(self, path, payload, headers=None):
        """POST ``payload`` as JSON to ``path``; return the decoded JSON answer."""
        return self._json(self.request("POST", path, json=payload, headers=headers))

    def request(self, method, path, *, accept=(), **kwargs):
        """Send one request with retries; return the successful ``requests.Response``.

        ``accept`` lists HTTP statuses handed back as they are, neither retried
        nor mapped to an error (a platform that explains its 400/429 in a JSON
        body the caller reads itself).
        """
        url = self.url(path)
        shown = _display_url(url, kwargs.get("params"))
        attempts = self.max_retries + 1

        def on_retry(attempt, delay, outcome):
            _logger.warning(
                "%s %s: %s; retry %d of %d in %.1f s",
                method,
                shown,
                outcome[1],
                attempt,
                self.max_retries,
                delay,
            )

        policy = retrying(
            attempts=attempts,
            backoff=self.backoff,
            max_wait=self.max_retry_after,
            sleep=self._sleep,
            retry_result=lambda outcome: outcome[1] is not None,
            asked_delay=lambda outcome: None if outcome[0] is None else _retry_after(outcome[0]),
            on_retry=on_retry,
        )
        response, problem = policy(self._attempt, method, url, shown, kwargs, accept)
        if problem is None:
            return response
        raise TransientError(f"{method} {shown} failed after {attempts} attempt(s): {problem}")

    def _attempt(self, method, url, shown, kwargs, accept=()):
        """Send once; return ``(response, None)`` or ``(response_or_None, why)`` to retry."""
        _logger.debug("%s %s", method, shown)
        # Checked before every attempt: what a name resolves to can change.
        try:
            network.check_url(url, allow_local=self.allow_local_network)
        except network.AddressRefusedError as exc:
            if exc.refusal.kind == "unresolved":  # DNS down or slow: as transient as a timeout
                return None, str(exc.refusal)
            raise
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, stream=True, **kwargs
            )
            self._read_body(response, shown)
        except requests.exceptions.SSLError:
            # "from None": the requests exception's text repeats the full URL.
            raise ConfigurationError(f"TLS error calling {shown}: check the certificate") from None
        except _BAD_URL:
            raise ConfigurationError(f"invalid URL {shown}") from None
        except requests.exceptions.InvalidHeader:
            # The requests message would quote the header value, maybe a key.
            raise ConfigurationError(f"invalid header value calling {shown}") from None
        except requests.exceptions.Timeout:
            return None, f"no answer within {self.timeout} s"
        except _CONNECTION_LOST as exc:
            return None, f"connection failed or dropped ({type(exc).__name__})"
        except requests.exceptions.RequestException as exc:
            raise ConnectorError(f"{method} {shown} failed: {type(exc).__name__}") from None
        status = response.status_code
        if status in accept:
            return response, None
        if status == 429 or status >= 500:
            return response, f"HTTP {status} {snippet(response.text, self._secrets, 80)}".strip()
        self._check_status(response, method, shown)
        return response, None

    def _read_body(self, response, shown):
        """Read the body of a streamed ``response``, refusing it beyond the size cap."""
        cap = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            response.close()
            raise ResponseTooLargeError(_too_large(shown, cap, int(declared)))
        chunks, size = [], 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > cap:
                response.close()
                raise ResponseTooLargeError(_too_large(shown, cap))
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True
        response.close()

    def _check_status(self, response, method, shown):
        """Map a non-retryable non-2xx status to a typed error (``raise_for_status``)."""
        status = response.status_code
        if status < 300:
            return
        where = f"{method} {shown}"
        if status in (401, 403):
            raise ConfigurationError(
                f"{where} was refused (HTTP {status}): check the credentials of the backend",
                status,
            )
        if status == 404:
            raise ConfigurationError(
                f"{where} not found (HTTP 404): check the base URL and the endpoint path", status
            )
        if status < 400:
            target = sanitize_url(response.headers.get("Location", ""))
            raise ConfigurationError(
                f"{where} redirects (HTTP {status}) to {target}: configure the final URL", status
            )
        body = snippet(response.text, self._secrets)
        raise HttpStatusError(f"{where} rejected (HTTP {status}): {body}", status, body)

    def _json(self, response):
        """Decode a JSON body; raise MalformedResponseError with a clear message if invalid."""
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:  # requests' JSONDecodeError is a ValueError
            where = f"{response.request.method} {sanitize_url(response.url)}"
            excerpt = snippet(response.text, self._secrets, 60)
            reason = getattr(exc, "msg", "not JSON")
            raise MalformedResponseError(
                f"malformed JSON from {where}: {reason}; the body starts with {excerpt!r}"
            ) from None


def _too_large(shown, cap, declared=None):
    size = _size(declared) if declared else "more"
    return (
        f"the answer of {shown} is too large ({size}; at most {_size(cap)} are read): "
        "ask for smaller pages"
    )


def _size(count):
    """A byte count for people: 512 bytes, 3.2 kB, 20.0 MB (binary units)."""
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} kB"
    return f"{count / 1024 / 1024:.1f} MB"


def _check_peer(sock, host):
    """Refuse a connection that landed on a non-public address (closing it)."""
    address = sock.getpeername()[0]
    kind = network.address_kind(address)
    if kind:
        sock.close()
        raise network.AddressRefusedError(network.Refusal(kind, host, address))


class _PublicOnlyAdapter(requests.adapters.HTTPAdapter):
    """Transport adapter whose connections check the address they reached."""

    def init_poolmanager(self, *args, **kwargs):
        result = super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPConnectionPool,
            "https": _PublicHTTPSConnectionPool,
        }
        return result


class _PublicHTTPConnection(HTTPConnectionPool.ConnectionCls):
    def _new_conn(self):
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _PublicHTTPSConnection(HTTPSConnectionPool.ConnectionCls):
    def _new_conn(self):
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


def _normalise_base_url(base_url):
    """Check ``base_url`` is an http(s) URL with a host; return it with a trailing slash."""
    try:
        parts = urlsplit(base_url or "")
        host = parts.hostname
    except ValueError:
        host = None
    if not host or parts.scheme not in ("http", "https"):
        raise ConfigurationError(
            f"invalid base URL {sanitize_url(base_url or '')!r}: expected http(s)://host/path"
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def _origin(url):
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def _url_secrets(url):
    """A password embedded in the base URL is a secret too."""
    password = urlsplit(url).password
    return (password,) if password else ()


def _display_url(url, params):
    """The full URL as sent (query included), sanitised for messages."""
    prepared = requests.models.PreparedRequest()
    prepared.prepare_url(url, params)
    return sanitize_url(prepared.url)


def _retry_after(response):
    """Seconds asked for by a ``Retry-After`` header (seconds or HTTP date), or None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value)
    return seconds if seconds is not None and math.isfinite(seconds) else None


def _seconds_until(http_date):
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=datetime.timezone.utc)
    return (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
