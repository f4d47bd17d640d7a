"""Who signed in, from the provider's checked ID token; and where to go afterwards."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from powerdeck.serve.users import Identity

MAX_CLAIM = 255


class NotAnIdentity(ValueError):
    """The token names nobody we can use (wrong issuer, no subject)."""


def identity_from_claims(claims: Mapping[str, object], issuer: str) -> Identity:
    """(issuer, subject): Entra's `oid` when the token has one (the same for a person across
    apps), else `sub`. Never the email: people change it and providers let it be reused."""
    if claims.get("iss") != issuer:
        raise NotAnIdentity("the token comes from another issuer")
    for claim in ("oid", "sub"):
        value = claims.get(claim)
        if isinstance(value, str) and 0 < len(value) <= MAX_CLAIM and value.isprintable():
            return (issuer, value)
        if value is not None:
            break  # an `oid` that is not a plain string is not quietly replaced by `sub`
    raise NotAnIdentity("the token has no usable subject")


def safe_next(value: str | None) -> str:
    """A path on this site to return to after signing in; anything else is the start page.

    Never a URL with a scheme or host, never `//host` or `/\\host` (which browsers read as
    another site), never control characters."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(char) < 0x21 or char == "\\" or ord(char) == 0x7F for char in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    if parts.path.startswith(("/auth/", "/signout", "/ws", "/download/")):
        return "/"
    return value
