"""Tokens, waits and error codes of a platform, in one place.

A :class:`PlatformSession` sends every call of an adapter to its platform:

* the access token comes from a :class:`TokenProvider`: the one cached in the
  :class:`~connectors.platforms.base.TokenStore` while it has more than a
  margin left (DingTalk/WeCom 5 min, Feishu 30 min), else a new one, saved;
* an answer "token expired or invalid" renews the token **once** and repeats
  the call (a second such answer is an error: the token is not the problem);
* an answer "frequency limit" waits and tries again, on the retry policy of
  :mod:`connectors.retrying` (injectable ``sleep``, exponential backoff, the
  platform's reset delay when it gives one); when the limit is still reached
  after the last retry the call raises :class:`QuotaExhaustedError`, so that
  a fetch stops and resumes next run instead of failing;
* an answer "quota used up" raises :class:`QuotaExhaustedError`;
* an answer "bad credentials" raises :class:`CredentialError`, naming the
  credential to check; any other non-zero code raises :class:`PlatformError`.

Every HTTP call, token calls included, counts in :attr:`PlatformSession.calls`.
No message carries the app secret or a token: both are masked.
"""

import dataclasses
import datetime
import logging
import time

from ..errors import ConfigurationError, HttpStatusError, MalformedResponseError
from ..redact import redact, snippet
from ..retrying import retrying
from .base import PlatformError, QuotaExhaustedError

__all__ = ["CredentialError", "ErrorCodes", "PlatformSession", "TokenProvider", "utc_now"]

_logger = logging.getLogger(__name__)

# Statuses a platform explains in a JSON body ({"code": ..., "msg": ...}): read, not raised.
EXPLAINED_STATUSES = (400, 401, 403, 429)


def utc_now():
    """The current time, aware UTC (the default clock)."""
    return datetime.datetime.now(datetime.UTC)


class CredentialError(PlatformError):
    """The platform refused the app's credentials: ``credential`` names which to check."""

    def __init__(self, platform, code, message, credential):
        super().__init__(platform, code, message)
        self.credential = credential


class _FrequencyLimited(PlatformError):
    """Internal: a frequency-limit answer, retried by the session."""

    def __init__(self, platform, code, message, delay=None):
        super().__init__(platform, code, message)
        self.delay = delay


class _TokenRejected(PlatformError):
    """Internal: the platform says the token expired or is invalid."""


@dataclasses.dataclass(frozen=True)
class ErrorCodes:
    """How one platform answers: where its code and message are, what each code means.

    ``credentials`` maps a code to the name of the credential to check
    ("app_secret"); ``reset_header`` names a response header giving the
    seconds until a frequency limit resets.
    """

    platform: str
    code_key: str
    message_key: str
    token: frozenset = frozenset()
    frequency: frozenset = frozenset()
    quota: frozenset = frozenset()
    credentials: dict = dataclasses.field(default_factory=dict)
    reset_header: str = ""


class TokenProvider:
    """The access token of one app: cached in ``store``, renewed within ``margin`` of expiry.

    ``fetch`` is a function returning ``(token, seconds_valid)`` from the platform.
    """

    def __init__(self, fetch, store, *, margin, now=utc_now):
        self.fetch = fetch
        self.store = store
        self.margin = datetime.timedelta(seconds=margin)
        self.now = now

    def token(self):
        """A token with more than the margin left (from the store, or renewed)."""
        cached = self.store.load() if self.store is not None else None
        if cached:
            token, expires_at = cached
            if token and expires_at and expires_at - self.now() > self.margin:
                return token
        return self.renew()

    def renew(self):
        """Ask the platform for a new token, save it and return it."""
        token, seconds = self.fetch()
        expires_at = self.now() + datetime.timedelta(seconds=seconds)
        if self.store is not None:
            self.store.save(token, expires_at)
        return token


class PlatformSession:
    """The calls of one adapter to its platform (see the module doc).

    ``authorize(token, params, headers)`` puts the token where the platform
    wants it (query parameter or header); ``secrets`` are masked in every
    message; ``attempts`` bounds the tries of a call that meets a frequency limit.
    """

    def __init__(
        self,
        client,
        codes,
        *,
        fetch_token,
        authorize,
        token_store,
        margin,
        secrets=(),
        sleep=time.sleep,
        now=utc_now,
        attempts=4,
        backoff=1.0,
        max_wait=60.0,
    ):
        self.client = client
        self.codes = codes
        self.authorize = authorize
        self.secrets = list(secrets)
        self.sleep = sleep
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.calls = 0
        self.tokens = TokenProvider(fetch_token, token_store, margin=margin, now=now)

    @property
    def platform(self):
        return self.codes.platform

    def mask(self, text):
        """``text`` without the app secret or any token of this session."""
        return redact(text, self.secrets)

    def send(self, method, path, *, params=None, json=None, headers=None, token_call=False):
        """One HTTP call without token; return the decoded answer after checking its code.

        Raises the typed errors of the module doc (frequency limit included:
        use :meth:`call` to have it waited for). ``token_call``: the call asks
        for a token, so a "token invalid" answer means bad credentials.
        """
        self.calls += 1
        response = self.client.request(
            method,
            path,
            accept=EXPLAINED_STATUSES,
            params=params,
            json=json,
            headers=headers,
        )
        body = self._decode(response, method, path)
        self._check(body, response, token_call)
        return body

    def call(self, method, path, *, params=None, json=None):
        """A call with the access token, renewed once if refused, frequency limits waited."""
        return self.guarded(self._call_with_token, method, path, params, json)

    def token(self):
        """A valid access token (frequency limits waited), e.g. to probe the connection."""
        return self.guarded(self.tokens.token)

    def guarded(self, function, *args):
        """``function(*args)`` with frequency-limit answers waited for and retried."""

        def on_retry(attempt, delay, exc):
            _logger.warning(
                "%s: frequency limit (%s); retry %d of %d in %.1f s",
                self.platform,
                exc.code,
                attempt,
                self.attempts - 1,
                delay,
            )

        policy = retrying(
            attempts=self.attempts,
            backoff=self.backoff,
            max_wait=self.max_wait,
            sleep=self.sleep,
            retry_on=(_FrequencyLimited,),
            asked_delay=lambda exc: getattr(exc, "delay", None),
            on_retry=on_retry,
        )
        try:
            return policy(function, *args)
        except _FrequencyLimited as exc:
            raise QuotaExhaustedError(
                self.platform,
                exc.code,
                f"frequency limit still reached after {self.attempts} attempt(s): {exc.message}",
            ) from None

    def _call_with_token(self, method, path, params, json):
        try:
            return self._send_with(self.tokens.token(), method, path, params, json)
        except _TokenRejected:
            _logger.info("%s: the access token was refused, renewing it once", self.platform)
        try:
            return self._send_with(self.tokens.renew(), method, path, params, json)
        except _TokenRejected as exc:
            raise PlatformError(
                self.platform, exc.code, f"a fresh access token was refused too: {exc.message}"
            ) from None

    def _send_with(self, token, method, path, params, json):
        if token not in self.secrets:
            self.secrets.append(token)
        params, headers = dict(params or {}), {}
        self.authorize(token, params, headers)
        return self.send(method, path, params=params, json=json, headers=headers)

    def _decode(self, response, method, path):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and self.codes.code_key in body:
            return body
        status = response.status_code
        where = f"{method} {path}"
        if status in (401, 403):
            raise ConfigurationError(
                f"{self.platform}: {where} was refused (HTTP {status}): check the credentials",
                status,
            )
        if status >= 400:
            text = snippet(response.text, self.secrets)
            raise HttpStatusError(
                f"{self.platform}: {where} rejected (HTTP {status}): {text}", status, text
            )
        raise MalformedResponseError(
            f"{self.platform}: unexpected answer from {where}: "
            f"expected a JSON object with {self.codes.code_key!r}"
        )

    def _check(self, body, response, token_call=False):
        codes = self.codes
        code = body.get(codes.code_key)
        if code in (0, "0") and response.status_code < 400:
            return
        message = self.mask(_message(body, codes.message_key))
        # A code may mean "bad credentials" on the token call and "bad token" elsewhere.
        if code in codes.credentials and (token_call or code not in codes.token):
            credential = codes.credentials[code]
            raise CredentialError(
                self.platform,
                code,
                f"{message}: check the {credential} of the connector",
                credential,
            )
        if code in codes.token:
            if token_call:
                raise CredentialError(
                    self.platform,
                    code,
                    f"{message}: check the credentials of the connector",
                    "credentials",
                )
            raise _TokenRejected(self.platform, code, message)
        if code in codes.frequency or response.status_code == 429:
            raise _FrequencyLimited(self.platform, code, message, self._reset_delay(response))
        if code in codes.quota:
            raise QuotaExhaustedError(self.platform, code, message)
        raise PlatformError(self.platform, code, message)

    def _reset_delay(self, response):
        value = response.headers.get(self.codes.reset_header) if self.codes.reset_header else None
        try:
            return float(value) if value else None
        except ValueError:
            return None


def _message(body, key):
    message = str(body.get(key) or "")
    sub = body.get("sub_msg")  # DingTalk's errcode 88 explains itself in sub_code/sub_msg
    if sub:
        message = f"{message} ({body.get('sub_code', '')} {sub})".strip()
    return message or "no message"
