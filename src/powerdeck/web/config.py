"""`powerdeck web`'s settings, checked once: the addresses it may use and the limits it keeps."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from powerdeck.core.errors import PowerdeckError


@dataclass(frozen=True)
class WebLimits:
    max_sessions: int = 50
    """Decks running in tabs at once, all people together (a person's second tab takes over)."""
    max_signed_in: int = 500
    """Browser sessions held at once (each is a few hundred bytes; this bounds the table)."""
    max_failures_per_minute: int = 10
    """Failed sign-ins and wrong invite codes from one address in 60 s before it is turned away."""
    max_codes_per_identity: int = 5
    """Wrong invite codes one signed-in identity may type in an hour."""
    max_open_logs: int = 8
    """People's logs the simple view holds open at once (web/simple/open_logs.py)."""
    idle: float = 30 * 60.0
    lifetime: float = 12 * 3600.0


@dataclass(frozen=True)
class WebConfig:
    state: Path
    issuer: str
    client_id: str
    client_secret: str
    public_url: str
    """Origin only (scheme://host[:port]); every address we hand out is built from it."""
    host: str = "127.0.0.1"
    port: int = 8080
    deck: str | None = None
    trusted_proxies: frozenset[str] = frozenset()
    ask: str = "the person who runs this deck"
    """Whom someone not on the list should ask (shown on that page)."""
    limits: WebLimits = field(default_factory=WebLimits)
    rescue: str | None = None
    """`--rescue DIR`: where a tab's text goes when the state folder's disk is full ("memory":
    nowhere but the server's memory); as `powerdeck serve --rescue`."""
    clock: Callable[[], float] = time.time

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def origin(self) -> str:
        return self.public_url

    @property
    def callback_url(self) -> str:
        return self.public_url + "/auth/callback"


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def checked_issuer(url: str) -> str:
    """The issuer as given (it must match the provider's own `issuer` exactly), or an error."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise PowerdeckError(f"--oidc-issuer {url!r} is not an issuer URL: give the provider's, "
                             "e.g. https://login.microsoftonline.com/TENANT-ID/v2.0")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise PowerdeckError("--oidc-issuer must be https:// (http:// only for a provider on this machine)")
    return url


def checked_public_url(url: str | None, host: str, port: int) -> str:
    """The origin people type in their browser: https, or http on a loopback address only."""
    if url is None:
        if not is_loopback(host):
            raise PowerdeckError("give --public-url https://ADDRESS (the address people open) "
                                 "when listening beyond this machine")
        return f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    parts = urlsplit(url)
    if (parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise PowerdeckError(f"--public-url {url!r} must be an address alone, such as https://deck.example.org")
    if parts.scheme == "http" and not (is_loopback(parts.hostname) and is_loopback(host)):
        raise PowerdeckError("--public-url must be https:// (http:// only on this machine's loopback address)")
    # As a browser writes it in Origin: lower case, no default port.
    name = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    default = {"https": 443, "http": 80}[parts.scheme]
    try:
        given = parts.port
    except ValueError:
        raise PowerdeckError(f"--public-url {url!r} has a bad port") from None
    return f"{parts.scheme}://{name}" + (f":{given}" if given not in (None, default) else "")
