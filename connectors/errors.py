"""Typed errors raised (or collected) by the connectors.

The type tells the caller what to do next, so that a sync job never has to
parse a message:

* :class:`TransientError` - the remote is down, slow or throttling us; the
  client already retried with backoff. Try the whole job again later.
* :class:`ConfigurationError` - retrying will not help until an administrator
  fixes the backend (URL, credentials, endpoint path, missing settings).
* :class:`HttpStatusError` - the remote understood us and said no (a 4xx other
  than 401/403/404): the request itself is wrong, e.g. a rejected line.
* :class:`MalformedResponseError` - the remote answered something that is not
  the JSON document we expect.
* :class:`ResponseTooLargeError` - the answer exceeds the size cap; ask for
  smaller pages.
* :class:`PayloadError` - one input row is bad. Parsers *collect* these next
  to the valid rows instead of raising, so one typo never blocks a file.
* :class:`FileError` - a whole file is unusable (encoding, header).

Messages never contain credentials: URLs are sanitised before they get here.
"""


class ConnectorError(Exception):
    """Base class of every error a connector raises."""


class TransientError(ConnectorError):
    """The remote could not be reached or kept failing (timeouts, 5xx, 429)."""


class ConfigurationError(ConnectorError):
    """The backend is misconfigured; ``status`` is the HTTP status, if any."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class HttpStatusError(ConnectorError):
    """The remote rejected a request with a 4xx status.

    ``status`` is the HTTP status code and ``body`` a short, credential-free
    snippet of the response body (the remote's own explanation).
    """

    def __init__(self, message, status, body=""):
        super().__init__(message)
        self.status = status
        self.body = body


class MalformedResponseError(ConnectorError):
    """The remote's answer is not valid JSON or lacks the expected shape."""


class ResponseTooLargeError(ConfigurationError):
    """The remote's answer is larger than the client reads (a runaway or hostile remote,
    or pages too large): retrying will not help until the page size is lowered."""


class PayloadError(ConnectorError):
    """One bad input row: where it is, which field, and why.

    ``row`` is 1-based as the user sees it: the line number in a CSV file
    (the header is line 1) or the position of the record across all pages of
    an API answer. ``field`` is the column or remote field name as the user
    knows it, or None when the whole row is at fault. ``raw`` keeps the row
    as read, so that it can be shown or fixed and re-imported.
    """

    def __init__(self, row, field, reason, raw=None):
        super().__init__(row, field, reason)
        self.row = row
        self.field = field
        self.reason = reason
        self.raw = raw

    def __str__(self):
        where = f"row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.reason}"


class FileError(ConnectorError):
    """A whole file is rejected (unreadable encoding, wrong header, ...)."""
