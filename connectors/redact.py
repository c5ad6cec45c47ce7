"""Keep credentials out of logs and error messages.

Anything the connectors log or put in an exception goes through here first:
URLs lose their ``user:password@`` part and the values of query parameters
whose name looks secret; free text (response bodies) has the client's own
secrets masked, in case a remote echoes them back.
"""

import json
import logging
import re
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

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


def secret_forms(secrets):
    """Every non-empty secret of ``secrets`` and the encodings a remote may echo it in
    (URL-encoded, JSON-escaped), longest first so that a secret containing another one
    is fully masked."""
    forms = set()
    for secret in map(str, filter(None, secrets)):
        forms.update(
            (
                secret,
                quote(secret, safe=""),
                quote_plus(secret, safe=""),
                json.dumps(secret)[1:-1],
                json.dumps(secret, ensure_ascii=False)[1:-1],
            )
        )
    return sorted(filter(None, forms), key=len, reverse=True)


def redact(text, secrets):
    """Return ``text`` with every secret of ``secrets`` (in any of its
    :func:`secret_forms`) and the values of secret-looking URL query parameters
    replaced by ``***``."""
    text = str(text)
    for form in secret_forms(secrets):
        text = text.replace(form, MASK)
    return mask_query_secrets(text)


def redact_data(value, secrets):
    """``value`` (decoded JSON: dicts, lists, strings, numbers) with :func:`redact`
    applied to every string in it, keys included; other values are kept as they are."""
    forms = secret_forms(secrets)
    return _redact_value(value, forms)


def redact_json(text, secrets):
    """JSON ``text`` with :func:`redact_data` applied, still valid JSON (kept as it is
    when there is nothing to mask); text that is not JSON is :func:`redact`-ed."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return redact(text, secrets)
    cleaned = redact_data(value, secrets)
    return text if cleaned == value else json.dumps(cleaned, ensure_ascii=False, default=str)


def _redact_value(value, forms):
    if isinstance(value, str):
        for form in forms:
            value = value.replace(form, MASK)
        return mask_query_secrets(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A numeric secret (a PIN) echoed as a JSON number.
        return _redact_value(str(value), forms) if any(f in str(value) for f in forms) else value
    if isinstance(value, dict):
        return {_redact_value(k, forms): _redact_value(v, forms) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_value(item, forms) for item in value]
    return value


def snippet(text, secrets=(), limit=200):
    """Return a short one-line, redacted excerpt of ``text`` for messages."""
    flat = " ".join(redact(text, secrets).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
