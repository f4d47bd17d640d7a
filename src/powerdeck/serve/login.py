"""One connection to `powerdeck serve`: limits before login, and who it is.

Who someone is comes only from the key that signed: asyncssh calls `validate_public_key` both
when a key is merely offered and, before checking a signature, for the key that signs. Each call
overwrites the candidate (None when the key is nobody's), and the name is taken in
`auth_completed`, which only follows a verified signature. Remembering an offered key's owner is
the hole of Soft Serve's GHSA-pchf-49fh-w34r (offer the admin's key, sign with your own).

The user name a client sends is ignored: `ssh anything@host` with Alice's key is Alice.

Every stage has a deadline: asyncssh's login timeout until a key has proved itself; then a
registered person must open a session within the same time, and an invited key has three times
as long to type its code (it holds a place among those logging in until then).
"""

from __future__ import annotations

import asyncio
import time

import asyncssh

from powerdeck.serve.channel import AppSession
from powerdeck.serve.limits import KEY_CODE_TRIES, MAX_AUTH_TRIES, MAX_CODE_TRIES
from powerdeck.serve.state import ServerState, log
from powerdeck.serve.users import UsersFileError, key_string

MAX_CHANNELS = 4
"""Session channels open at once on one connection (an app, and an export or two beside it)."""


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
        self.tries_failed = 0
        self.codes_wrong = 0
        self.channels = 0
        self.channels_refused = False
        self.suspect = False
        self.refused = False
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        state = self.state
        self.suspect = state.failures.count(self.address) >= state.limits.max_failures_per_minute
        admission = state.logins.admit(self, self.address)
        if admission.evicted is not None:
            admission.evicted.give_up_place()
        if not admission.admitted:
            self._refuse(asyncssh.DISC_TOO_MANY_CONNECTIONS, admission.reason)

    def give_up_place(self) -> None:
        """This connection has been logging in for longer than a login takes and its place went
        to a newer one (limits.LoginSlots)."""
        self._refuse(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                     f"took too long to log in ({time.monotonic() - self.opened:.0f} s): connect again")

    def _refuse(self, code: int, reason: str) -> None:
        if self.refused:
            return
        self.refused = True
        self.stop_waiting()
        log.info("%s connection from %s: %s", "ended" if self.authenticated else "refused", self.address, reason)
        conn = self.conn
        assert conn is not None
        asyncio.get_running_loop().call_soon(conn.disconnect, code, "powerdeck: " + reason)

    def _set_deadline(self, seconds: float, reason: str) -> None:
        self.cancel_deadline()
        self._deadline = asyncio.get_running_loop().call_later(
            seconds, self._refuse, asyncssh.DISC_BY_APPLICATION, reason)

    def cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def stop_waiting(self) -> None:
        self.state.logins.release(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_waiting()
        self.cancel_deadline()
        if not self.authenticated and self.tries:
            self.state.failures.add(self.address)
        if self.refused and not self.authenticated:
            return  # said when refused
        seconds = time.monotonic() - self.opened
        if not self.authenticated:
            log.info("refused login from %s: %s (%d key%s tried, %.0f s)", self.address,
                     "no registered key" if self.tries else "no key offered", self.tries,
                     "" if self.tries == 1 else "s", seconds)
        else:
            log.info("%s disconnected from %s after %.0f s%s", self.person or "an invited key", self.address,
                     seconds, f" ({type(exc).__name__})" if exc else "")

    def wrong_code(self) -> bool:
        """An invite code typed on this connection was wrong: counted against this connection,
        this key and (as a backstop) this address, never against anyone's invite. True when the
        connection may try again; else it is being closed."""
        self.codes_wrong += 1
        self.state.failures.add(self.address)
        if self.key is not None:
            self.state.code_failures.add(self.key)
        if (self.codes_wrong >= MAX_CODE_TRIES or self.suspect
                or (self.key is not None and self.state.code_failures.count(self.key) >= KEY_CODE_TRIES)):
            self._refuse(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "too many wrong invite codes")
            return False
        return True

    def registered(self, name: str) -> None:
        """The invite was redeemed: this connection is `name` from now on."""
        self.person = name
        self.stop_waiting()
        self.cancel_deadline()

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
        if self.tries_failed >= MAX_AUTH_TRIES:
            return False
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
        # An unknown key may prove itself only to redeem an invite, and then gets nothing else;
        # not from an address past the failure backstop, nor a key that has typed too many wrong codes.
        if not self.suspect and self.state.code_failures.count(text) < KEY_CODE_TRIES and users.live_invites():
            return True
        self.tries_failed += 1
        if self.tries_failed >= MAX_AUTH_TRIES:
            self._refuse(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                         f"too many keys tried ({MAX_AUTH_TRIES} at most on one connection)")
        return False

    def auth_completed(self) -> None:
        assert self.candidate is not None, "asyncssh completes public key auth only after validate_public_key"
        self.person, self.key = self.candidate
        self.authenticated = True
        timeout = self.state.limits.login_timeout
        if self.person:
            self.stop_waiting()  # an invited key still counts as logging in until its code is right
            self._set_deadline(timeout, "no session was opened in time after logging in")
            log.info("%s logged in from %s", self.person, self.address)
        else:
            self._set_deadline(timeout * 3, "no invite code was typed in time")
            log.info("an unregistered key logged in from %s to redeem an invite", self.address)

    def session_requested(self) -> AppSession | bool:
        if self.channels >= MAX_CHANNELS:
            if not self.channels_refused:  # once: a flood of requests must not flood the log
                log.info("refused session channels for %s from %s: %d open on one connection", self.person,
                         self.address, self.channels)
            self.channels_refused = True
            return False
        self.channels += 1
        if self.person is not None:
            self.cancel_deadline()
        return AppSession(self)

    def channel_closed(self) -> None:
        self.channels -= 1

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
