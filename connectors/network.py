"""Which addresses a connector may call.

A connector sends its credentials, and reads whatever comes back, from the
URL an administrator typed. Unless told that it talks to an on-premise
terminal, it must not reach the server's own network: loopback, private
(RFC 1918, unique-local), link-local (cloud metadata at 169.254.169.254),
multicast, unspecified, reserved or otherwise non-public addresses, nor send
anything over plain ``http://``.

:func:`url_refusal` classifies a URL: its scheme, and its host (an IP literal,
or a name resolved with :func:`socket.getaddrinfo`, every address it resolves
to). IPv6 addresses that carry an IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``,
NAT64 ``64:ff9b::/96``, 6to4) are judged by that IPv4 address.
"""

import dataclasses
import ipaddress
import socket
from urllib.parse import urlsplit

from .errors import ConfigurationError

__all__ = ["AddressRefusedError", "Refusal", "address_kind", "check_url", "url_refusal"]

# Resolver used by url_refusal; tests replace it so that no name is looked up.
getaddrinfo = socket.getaddrinfo

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Host names that never leave the machine, whatever DNS says (RFC 6761).
_LOCAL_NAMES = ("localhost", "localhost.localdomain")


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a URL may not be called.

    ``kind`` is ``"scheme"`` (not https), ``"unresolved"`` (the host name has no
    address) or the kind of address of :func:`address_kind` (``"loopback"``,
    ``"private"``, ``"link-local"``...); ``host`` the URL's host and ``address``
    the offending IP address, when there is one.
    """

    kind: str
    host: str
    address: str = ""

    def __str__(self):
        if self.kind == "scheme":
            return f"{self.host}: plain http:// is not allowed, use https://"
        if self.kind == "unresolved":
            return f"{self.host}: the host name cannot be resolved"
        where = f" ({self.address})" if self.address and self.address != self.host else ""
        return (
            f"{self.host}{where} is a {self.kind} address: connectors call public "
            "addresses only, unless allowed to use the local network"
        )


class AddressRefusedError(ConfigurationError):
    """A connector was asked to call an address it may not call; ``refusal`` says why."""

    def __init__(self, refusal):
        super().__init__(f"refusing to call {refusal}")
        self.refusal = refusal


def address_kind(address):
    """``None`` for a public (global unicast) IP address, else what it is: "loopback",
    "private", "link-local", "multicast", "unspecified", "reserved" or "non-public"."""
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    ip = _embedded_ipv4(ip) or ip
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, matches in checks if matches), None)


def _embedded_ipv4(ip):
    """The IPv4 address carried by an IPv6 one (mapped, NAT64, 6to4), or None."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def resolve(host, port=None):
    """Every IP address ``host`` resolves to (an IP literal is returned as is)."""
    if _is_ip_literal(host):
        return [host]
    infos = getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _is_ip_literal(host):
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def url_refusal(url, allow_local=False, strict=True):
    """Why ``url`` may not be called, as a :class:`Refusal`, or None when it may.

    With ``allow_local`` (an on-premise terminal) everything reachable is allowed,
    http:// included. Otherwise the scheme must be https and every address the
    host resolves to must be public. A host name that cannot be resolved is
    refused when ``strict`` (about to connect), accepted otherwise (while
    configuring: it is checked again before every call).
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if allow_local:
        return None
    if parts.scheme != "https":
        return Refusal("scheme", host or url)
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return Refusal("loopback", host)
    try:
        addresses = resolve(host, parts.port or 443)
    except (OSError, UnicodeError):
        return Refusal("unresolved", host) if strict else None
    for address in addresses:
        kind = address_kind(address)
        if kind:
            return Refusal(kind, host, address)
    return None


def check_url(url, allow_local=False):
    """Raise :class:`AddressRefusedError` unless ``url`` may be called now."""
    refusal = url_refusal(url, allow_local=allow_local)
    if refusal:
        raise AddressRefusedError(refusal)
