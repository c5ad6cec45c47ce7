"""Keep credentials out of logs and error messages.

Anything the connectors log or put in an exception goes through here first:
URLs lose their ``user:password@`` part and the values of query parameters
whose name looks secret; free text (response bodies) has the client's own
secrets masked, in case a remote echoes them back.
"""

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

# Substrings of query-parameter names that carry secrets ("access_token",
# "apiKey", "client_secret", "X-Amz-Signature", "sig", "passwd", ...).
_SECRET_NAME = re.compile(r"token|key|pass|pwd|secret|sig|auth|credential|session", re.IGNORECASE)


def sanitize_url(url):
    """Return ``url`` without userinfo and with secret-looking query values masked."""
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        # An unparsable URL may still hold a secret: show nothing of it.
        return "<invalid URL>"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    query = urlencode(
        [(name, MASK if _SECRET_NAME.search(name) else value) for name, value in _query(parts)],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


# A secret-looking query parameter inside free text (e.g. a logged request line).
_SECRET_PARAM = re.compile(
    r"([?&][^=&\s]*(?:" + _SECRET_NAME.pattern + r")[^=&\s]*=)[^&\s\"']*", re.I
)


def mask_query_secrets(text):
    """Return ``text`` with the values of secret-looking query parameters masked."""
    return _SECRET_PARAM.sub(lambda match: match.group(1) + MASK, str(text))


class QuerySecretFilter(logging.Filter):
    """Logging filter masking secret query parameters in a record's message.

    urllib3 logs every request line at DEBUG level, query string included;
    this filter, installed on its logger by :mod:`connectors.http`, keeps a
    token passed as a URL parameter out of the logs.
    """

    def filter(self, record):
        message = record.getMessage()
        masked = mask_query_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def _query(parts):
    return parse_qsl(parts.query, keep_blank_values=True)


def redact(text, secrets):
    """Return ``text`` with every non-empty string of ``secrets`` replaced by ``***``."""
    text = str(text)
    # Longest first, so that a secret containing another one is fully masked.
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def snippet(text, secrets=(), limit=200):
    """Return a short one-line, redacted excerpt of ``text`` for messages."""
    flat = " ".join(redact(text, secrets).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
