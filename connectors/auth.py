"""Turn a backend's auth settings into headers on a ``requests.Session``.

The settings are a plain dict, as stored on the backend record::

    {"type": "api_key", "header": "X-API-Key", "key": "..."}
    {"type": "bearer", "token": "..."}
    {"type": "basic", "username": "...", "password": "..."}
    None                                   # public endpoint

:func:`apply_auth` returns the secret strings it installed so that the client
can mask them in any text it logs or raises.
"""

import base64

from requests.auth import HTTPBasicAuth

from .errors import ConfigurationError

# Which keys each auth type needs; "header" has a default for api_key.
_REQUIRED = {
    "api_key": ("key",),
    "bearer": ("token",),
    "basic": ("username", "password"),
}


def apply_auth(session, auth):
    """Install ``auth`` on ``session``; return the tuple of secrets to mask.

    Raises ConfigurationError naming the missing setting (never its value).
    """
    if not auth:
        return ()
    kind = auth.get("type")
    if kind not in _REQUIRED:
        raise ConfigurationError(
            f"unknown auth type {kind!r}: use one of {', '.join(sorted(_REQUIRED))}"
        )
    missing = [name for name in _REQUIRED[kind] if not auth.get(name)]
    if missing:
        raise ConfigurationError(f"{kind} auth needs {' and '.join(missing)}: it is not set")
    malformed = [name for name in _REQUIRED[kind] if not _header_safe(str(auth[name]))]
    if malformed:
        # Caught here because the HTTP layer's own error would quote the value.
        raise ConfigurationError(
            f"{kind} auth: {' and '.join(malformed)} contains spaces at its ends or line breaks"
        )
    if kind == "api_key":
        session.headers[auth.get("header") or "X-API-Key"] = auth["key"]
        return (auth["key"],)
    if kind == "bearer":
        session.headers["Authorization"] = f"Bearer {auth['token']}"
        return (auth["token"],)
    session.auth = HTTPBasicAuth(auth["username"], auth["password"])
    # Also mask the encoded header value, should a remote echo it back.
    encoded = base64.b64encode(f"{auth['username']}:{auth['password']}".encode()).decode()
    return (auth["password"], encoded)


def _header_safe(value):
    """No surrounding whitespace and no control characters (a pasted line break)."""
    return value == value.strip() and all(ch.isprintable() for ch in value)
