"""Safe by default: what ``perfscore serve`` checks on every request.

- **Token**: a server that listens on anything but loopback must have a token
  (``--token`` / ``PERFSCORE_TOKEN``); every request then carries it, as
  ``Authorization: Bearer T``, as the header ``X-Perfscore-Token``, or as the cookie set
  by opening ``/?token=T`` once (the link printed at start). ``/healthz`` stays open so a
  monitor needs no secret.
- **Host**: on loopback, requests must name a loopback host (``127.0.0.1``, ``localhost``,
  ``[::1]``): a web page elsewhere cannot reach the server through DNS rebinding.
- **Cross-site requests**: a POST whose ``Origin`` (or, lacking it, ``Referer``) names
  another site is refused. Browsers always send ``Origin`` on a cross-site form or fetch
  POST; scripts and other systems calling the API send neither and pass. Cookies are
  ``SameSite=Strict`` and ``HttpOnly``.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

TOKEN_COOKIE = "perfscore_token"
TOKEN_HEADER = "x-perfscore-token"
OPEN_PATHS = frozenset({"/healthz"})
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a Host header (``[::1]:8000`` → ``::1``, ``a:80`` → ``a``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def request_token(headers, cookies, query) -> str | None:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return headers.get(TOKEN_HEADER) or cookies.get(TOKEN_COOKIE) or query.get("token")


def cross_site(headers) -> bool:
    """True when a browser says the request comes from a page of another origin."""
    source = headers.get("origin") or headers.get("referer")
    if not source or source == "null":
        return source == "null"  # sandboxed or file:// pages send "null": never ours
    origin_host = (urlsplit(source).netloc or "").lower()
    return origin_host != headers.get("host", "").lower()
