"""Who a browser is: a signed cookie naming a session this server holds in memory.

The cookie carries only a random session id, signed (itsdangerous) so that a guessed or altered
one is refused without a lookup. Everything else stays here: the identity, the person, when it
started and when it was last used. So a session ends at once when it has been idle 30 minutes,
is 12 hours old, is signed out, or its person is removed: nothing the browser holds can extend it.
A restart of the server signs everyone out (the key is made afresh at each start).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, TimestampSigner

from powerdeck.serve.users import Identity
from powerdeck.web.config import WebLimits

if TYPE_CHECKING:
    from powerdeck.web.terminal import Tab

COOKIE = "powerdeck_session"


@dataclass(eq=False)
class BrowserSession:
    sid: str
    identity: Identity
    address: str
    created: float
    seen: float
    name: str | None
    """The person on the deck's list; None until an invite code links this identity."""
    tabs: set[Tab] = field(default_factory=set)


class Sessions:
    """The signed-in browsers of this server."""

    def __init__(self, secret: bytes, limits: WebLimits, clock: Callable[[], float]) -> None:
        self.secret = secret
        self.limits = limits
        self.clock = clock
        self._signer = TimestampSigner(secret, salt="powerdeck-session")
        self._by_id: dict[str, BrowserSession] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def all(self) -> list[BrowserSession]:
        return list(self._by_id.values())

    def cookie_value(self, session: BrowserSession) -> str:
        return self._signer.sign(session.sid).decode("ascii")

    def csrf_token(self, session: BrowserSession, purpose: str = "form") -> str:
        return hmac.new(self.secret, f"{purpose}:{session.sid}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: BrowserSession, token: object, purpose: str = "form") -> bool:
        return isinstance(token, str) and hmac.compare_digest(self.csrf_token(session, purpose), token)

    def start(self, identity: Identity, name: str | None, address: str) -> BrowserSession | None:
        """A new session, or None when the server holds as many as it may."""
        self.drop_expired()
        if len(self._by_id) >= self.limits.max_signed_in:
            return None
        now = self.clock()
        session = BrowserSession(secrets.token_urlsafe(24), identity, address, now, now, name)
        self._by_id[session.sid] = session
        return session

    def expired(self, session: BrowserSession) -> bool:
        now = self.clock()
        return now - session.seen > self.limits.idle or now - session.created > self.limits.lifetime

    def find(self, cookie: str | None, *, touch: bool = True) -> BrowserSession | None:
        """The live session a cookie names; None if absent, forged, ended or expired."""
        if not cookie:
            return None
        try:
            sid = self._signer.unsign(cookie, max_age=int(self.limits.lifetime)).decode("ascii")
        except (BadSignature, UnicodeDecodeError):
            return None
        session = self._by_id.get(sid)
        if session is None or self.expired(session):
            return None
        if touch:
            session.seen = self.clock()
        return session

    def end(self, session: BrowserSession) -> None:
        self._by_id.pop(session.sid, None)

    def drop_expired(self) -> list[BrowserSession]:
        """Forget expired sessions; return them (their tabs are the caller's to end)."""
        gone = [session for session in self._by_id.values() if self.expired(session)]
        for session in gone:
            self.end(session)
        return gone
