"""One connection to `powerdeck serve`: limits before login, and who it is.

Who someone is comes only from the key that signed: asyncssh calls `validate_public_key` both
when a key is merely offered and, before checking a signature, for the key that signs. Each call
overwrites the candidate (None when the key is nobody's), and the name is taken in
`auth_completed`, which only follows a verified signature. Remembering an offered key's owner is
the hole of Soft Serve's GHSA-pchf-49fh-w34r (offer the admin's key, sign with your own).

The user name a client sends is ignored: `ssh anything@host` with Alice's key is Alice.
"""

from __future__ import annotations

import asyncio
import time

import asyncssh

from powerdeck.serve.channel import AppSession
from powerdeck.serve.state import ServerState, log
from powerdeck.serve.users import UsersFileError, key_string


class DeckServer(asyncssh.SSHServer):
    """One connection: limits before login, identity from the signing key, then its session."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.opened = time.monotonic()
        self.candidate: tuple[str | None, str] | None = None
        self.person: str | None = None
        self.key: str | None = None
        self.authenticated = False
        self.tries = 0
        self.waiting_counted = False
        self.refused = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        limits = self.state.limits
        if self.state.failures.count(self.address) >= limits.max_failures_per_minute:
            self._refuse(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                         "too many failed logins from your address: wait a minute and try again")
        elif self.state.unauthenticated >= limits.max_unauthenticated:
            self._refuse(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                         "too many connections are logging in at once: try again in a moment")
        else:
            self.state.unauthenticated += 1
            self.waiting_counted = True

    def _refuse(self, code: int, reason: str) -> None:
        self.refused = True
        log.info("refused connection from %s: %s", self.address, reason)
        conn = self.conn
        assert conn is not None
        asyncio.get_running_loop().call_soon(conn.disconnect, code, "powerdeck: " + reason)

    def stop_waiting(self) -> None:
        if self.waiting_counted:
            self.waiting_counted = False
            self.state.unauthenticated -= 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_waiting()
        if self.refused:
            return
        seconds = time.monotonic() - self.opened
        if not self.authenticated:
            if self.tries:
                self.state.failures.add(self.address)
            log.info("refused login from %s: %s (%d key%s tried, %.0f s)", self.address,
                     "no registered key" if self.tries else "no key offered", self.tries,
                     "" if self.tries == 1 else "s", seconds)
        else:
            log.info("%s disconnected from %s after %.0f s%s", self.person or "an invited key", self.address,
                     seconds, f" ({type(exc).__name__})" if exc else "")

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for an offer and again for the key that signs: the candidate is set every time,
        # and trusted only once auth_completed says the signature checked out.
        self.tries += 1
        self.candidate = None
        try:
            users = self.state.users.current()
        except UsersFileError as error:
            log.info("refused login from %s: %s", self.address, error)
            return False
        text = key_string(key)
        owner = users.owner_of(text)
        self.candidate = (owner, text)
        if owner is not None:
            return True
        # An unknown key may prove itself only to redeem an invite, and then gets nothing else.
        return bool(users.live_invites())

    def auth_completed(self) -> None:
        assert self.candidate is not None, "asyncssh completes public key auth only after validate_public_key"
        self.person, self.key = self.candidate
        self.authenticated = True
        if self.person:
            self.stop_waiting()  # an invited key still counts as logging in until its code is right
            log.info("%s logged in from %s", self.person, self.address)
        else:
            log.info("an unregistered key logged in from %s to redeem an invite", self.address)

    def session_requested(self) -> AppSession:
        return AppSession(self)

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.info("refused port forwarding for %s from %s", self.person, self.address)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("refused remote port forwarding for %s from %s", self.person, self.address)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.info("refused socket forwarding for %s from %s", self.person, self.address)
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.info("refused socket forwarding for %s from %s", self.person, self.address)
        return False
