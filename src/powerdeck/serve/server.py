"""`powerdeck serve`: an SSH server where the key is the person, and each session is their app.

Who someone is comes only from the key that signed: asyncssh calls `validate_public_key` both
when a key is merely offered and, before checking a signature, for the key that signs. Each call
overwrites the candidate (None when the key is nobody's), and the name is taken in
`auth_completed`, which only follows a verified signature. Remembering an offered key's owner is
the hole of Soft Serve's GHSA-pchf-49fh-w34r (offer the admin's key, sign with your own).

The user name a client sends is ignored: `ssh anything@host` with Alice's key is Alice.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import signal
import struct
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from powerdeck.errors import PowerdeckError
from powerdeck.serve.commands import USAGE, parse_command
from powerdeck.serve.limits import FailureCounter, Limits
from powerdeck.serve.pool import ZygotePool
from powerdeck.serve.session import TERM_DEFAULT, SessionSettings
from powerdeck.serve.users import UsersFile, UsersFileError, key_string

HOST_KEY_NAME = "host_ed25519_key"
PEOPLE_DIR = "people"
SERVER_LOG = "server.log"
TERM_PATTERN = re.compile(r"[a-zA-Z0-9._+-]{1,64}")
HANGUP_GRACE = 10.0
"""Seconds an app gets to keep its draft and go after a hang-up before it is killed."""
STOP_GRACE = 8.0
INVITE_PROMPT_TIMEOUT = 120.0

log = logging.getLogger("powerdeck.serve")


def _refuse_env(channel: Any, packet: Any) -> bool:
    packet.get_string()
    packet.get_string()
    packet.check_end()
    return False


# asyncssh accepts every "env" request and keeps the values. Refuse them at the protocol level,
# so a client is told they did not apply (they could never reach an app anyway: its environment
# is built from nothing). asyncssh looks the handler up by name on the channel class.
if hasattr(asyncssh.SSHServerChannel, "_process_env_request"):
    setattr(asyncssh.SSHServerChannel, "_process_env_request", _refuse_env)  # noqa: B010


@dataclass(frozen=True)
class ServeConfig:
    state: Path
    host: str = "127.0.0.1"
    port: int = 2222
    deck: str | None = None
    limits: Limits = field(default_factory=Limits)
    settings: SessionSettings = field(default_factory=SessionSettings)


def safe_term(term: str) -> str:
    """TERM from the pty request is the client's to choose: only a plain name gets through."""
    return term if TERM_PATTERN.fullmatch(term) else TERM_DEFAULT


TESTS_ALLOW_ROOT = "POWERDECK_SERVE_TESTS_ALLOW_ROOT"
"""For the test suite only (CI runs as root and its Python may not be usable by another user):
set to 1, `serve` runs as root. Never set it on a real server."""


def refuse_root() -> None:
    if os.geteuid() == 0 and os.environ.get(TESTS_ALLOW_ROOT) != "1":
        raise PowerdeckError(
            "powerdeck serve will not run as root: run it as an ordinary user "
            "(for example a 'deck' account made for it; see docs/serving.md)"
        )


def private_state(state: Path) -> Path:
    """The state folder, made 0700 if new; an existing one must be ours and private."""
    try:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(state)
    except OSError as error:
        raise PowerdeckError(f"cannot use {state} as the state folder: {error.strerror or error}") from None
    if not os.path.isdir(state) or os.path.islink(state):
        raise PowerdeckError(f"{state} is not a folder (or is a symlink): choose another with --state DIR")
    if info.st_uid != os.geteuid():
        raise PowerdeckError(f"{state} belongs to another user: choose a folder of your own with --state DIR")
    if info.st_mode & 0o077:
        raise PowerdeckError(f"{state} can be read by others: make it private with: chmod 700 {state}")
    return state


def host_key(state: Path) -> asyncssh.SSHKey:
    """The server's own key, made on first start (0600) and then kept."""
    path = state / HOST_KEY_NAME
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        info = os.lstat(path)
        if not os.path.isfile(path) or os.path.islink(path) or info.st_mode & 0o077 or info.st_uid != os.geteuid():
            raise PowerdeckError(f"the host key {path} must be a private file of yours: chmod 600 {path}") from None
        try:
            return asyncssh.read_private_key(path)
        except (asyncssh.KeyImportError, OSError):
            raise PowerdeckError(f"the host key {path} is damaged: "
                                 "move it away and start again for a new one") from None
    key = asyncssh.generate_private_key("ssh-ed25519")
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(key.export_private_key())
        stream.flush()
        os.fsync(stream.fileno())
    return key


def open_server_log(state: Path) -> None:
    """Who, from where, for how long, what was refused: never what anyone wrote."""
    path = state / SERVER_LOG
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600))
    formatter = logging.Formatter("%(asctime)s %(message)s")
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler()):
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logging.getLogger("asyncssh").setLevel(logging.WARNING)


class ServerState:
    """What all connections share."""

    def __init__(self, config: ServeConfig, pool: ZygotePool) -> None:
        self.config = config
        self.limits = config.limits
        self.users = UsersFile(config.state)
        self.pool = pool
        self.failures = FailureCounter()
        self.unauthenticated = 0
        self.sessions: set[AppSession] = set()

    def person_folder(self, name: str) -> Path:
        people = self.config.state / PEOPLE_DIR
        people.mkdir(mode=0o700, exist_ok=True)
        if os.path.islink(people):
            raise PowerdeckError("the people folder is a symlink: refusing to follow it")
        folder = people / name
        if os.path.islink(folder):
            raise PowerdeckError(f"{name}'s folder is a symlink: refusing to follow it")
        return folder

    def still_allowed(self, name: str | None, key: str) -> bool:
        try:
            return name is not None and self.users.current().owner_of(key) == name
        except UsersFileError:
            # A damaged file (a hand edit gone wrong) refuses every new login, but says nobody was
            # removed: running sessions go on until it is fixed.
            return True


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


class AppSession(asyncssh.SSHServerSession):  # type: ignore[type-arg]  # asyncssh's SSHServerSession is generic only in its stubs' eyes; subclassed plain at runtime
    """One session channel: an export, an invite prompt, or the person's app on its own pty."""

    def __init__(self, server: DeckServer) -> None:
        self.server = server
        self.state = server.state
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.master: int | None = None
        self.pid: int | None = None
        self.pending = bytearray()
        self.prompt: asyncio.Queue[bytes] | None = None
        self.pty_eof = asyncio.Event()
        self.paused = False
        self.notice = ""
        self.closed = False
        self.started = time.monotonic()

    # -- asyncssh's callbacks -----------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term = safe_term(term_type)
        if self.term != term_type:
            log.info("refused TERM %r from %s: using %s", term_type[:80], self.server.address, TERM_DEFAULT)
        width, height = term_size[0], term_size[1]
        self.size = (width or 80, height or 24)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("refused subsystem %r for %s from %s", subsystem[:40], self.server.person, self.server.address)
        return False

    def session_started(self) -> None:
        asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: Any) -> None:
        if self.prompt is not None:
            self.prompt.put_nowait(data)
        elif self.master is not None:
            self.pending += data
            self._flush_input()

    def eof_received(self) -> bool:
        # `ssh -T host export ... < /dev/null` sends EOF at once: stay half open to send the export.
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width or 80, height or 24)
        if self.master is not None:
            # The kernel sends SIGWINCH to the app: the pty is its controlling terminal.
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", self.size[1], self.size[0], 0, 0))

    def pause_writing(self) -> None:
        self.paused = True
        if self.master is not None and not self.pty_eof.is_set():
            asyncio.get_running_loop().remove_reader(self.master)

    def resume_writing(self) -> None:
        self.paused = False
        if self.master is not None and not self.pty_eof.is_set():
            asyncio.get_running_loop().add_reader(self.master, self._pty_readable)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.prompt is not None:
            self.prompt.put_nowait(b"")
        if self.pid is not None and not self.state.pool.exit_of(self.pid).done():
            self._hang_up()

    # -- the pty ------------------------------------------------------------------------------

    def _pty_readable(self) -> None:
        assert self.master is not None
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            self.pty_eof.set()
            return
        if self.chan is not None and not self.closed:
            self.chan.write(data)

    def _flush_input(self) -> None:
        if self.master is None:
            return
        loop = asyncio.get_running_loop()
        try:
            written = os.write(self.master, bytes(self.pending)) if self.pending else 0
        except BlockingIOError:
            written = 0
        except OSError:
            self.pending.clear()
            return
        del self.pending[:written]
        loop.remove_writer(self.master)
        if self.pending:
            loop.add_writer(self.master, self._flush_input)

    def _hang_up(self) -> None:
        """The client has gone: the app keeps its draft and exits (SIGHUP, then SIGKILL)."""
        pid = self.pid
        assert pid is not None
        with _suppress_lookup():
            os.kill(pid, signal.SIGHUP)

        def kill() -> None:
            if not self.state.pool.exit_of(pid).done():
                log.info("app of %s did not end after a hang-up: killed", self.server.person)
                with _suppress_lookup():
                    os.kill(pid, signal.SIGKILL)

        asyncio.get_running_loop().call_later(HANGUP_GRACE, kill)

    async def end(self, notice: str) -> None:
        """End the app cleanly (taken over, server stopping, person removed): its draft is kept."""
        if self.pid is None or self.notice:
            return
        self.notice = notice
        with _suppress_lookup():
            os.kill(self.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.shield(self.state.pool.exit_of(self.pid)), STOP_GRACE)
        except asyncio.TimeoutError:
            with _suppress_lookup():
                os.kill(self.pid, signal.SIGKILL)

    # -- what the session does ----------------------------------------------------------------

    async def _run(self) -> None:
        status = 70
        try:
            status = await self._serve()
        except PowerdeckError as error:
            self._say(f"powerdeck: {error}")
            status = 2
        except Exception:
            log.exception("session of %s from %s failed", self.server.person, self.server.address)
            self._say("powerdeck: the session failed; your entries are safe: please reconnect")
        finally:
            if self.chan is not None and not self.closed:
                try:
                    self.chan.exit(status)
                except BrokenPipeError:
                    pass

    def _say(self, line: str) -> None:
        """One line for the person: on their terminal when there is one (as sshd merges a pty's
        output), else on standard error so that `ssh host export ... > file` stays clean."""
        if self.chan is None or self.closed:
            return
        try:
            if self.term:
                self.chan.write((line + "\r\n").encode("utf-8"))
            else:
                self.chan.write_stderr((line + "\n").encode("utf-8"))
        except BrokenPipeError:
            pass

    async def _serve(self) -> int:
        server = self.server
        if self.command is not None:
            return await self._export(self.command)
        if self.term is None:
            log.info("refused a session without a terminal for %s from %s", server.person, server.address)
            port = self.state.config.port
            self._say(f"powerdeck needs a terminal: connect with ssh -t -p {port} HOST "
                      f"(exports: ssh -T -p {port} HOST {USAGE})")
            return 2
        if server.person is None and not await self._redeem_invite():
            return 2
        return await self._run_app()

    async def _export(self, command: str) -> int:
        server = self.server
        wanted = parse_command(command)
        if wanted is None:
            log.info("refused command %r for %s from %s", command[:80], server.person, server.address)
            self._say(f"powerdeck: not an allowed command; allowed: {USAGE}")
            return 2
        if server.person is None or server.key is None:
            self._say("powerdeck: your key is not registered yet: connect with ssh -t first to enter your invite code")
            return 2
        from powerdeck.serve.commands import export_bytes

        folder = self.state.person_folder(server.person)
        data = await asyncio.to_thread(export_bytes, folder, self.state.config.deck, wanted)
        assert self.chan is not None
        self.chan.write(data)
        log.info("%s exported %s (%d bytes) from %s", server.person, wanted.format, len(data), server.address)
        return 0

    async def _redeem_invite(self) -> bool:
        server = self.server
        assert self.chan is not None and server.key is not None
        self.prompt = asyncio.Queue()
        self.chan.write(b"\r\nWelcome to powerdeck. Your key is not registered yet.\r\n"
                        b"Type the invite code you were given (it is not shown), then Enter: ")
        try:
            # wait_for, not asyncio.timeout (Python 3.11+): powerdeck runs on 3.10, where
            # asyncio.TimeoutError is not yet the builtin TimeoutError.
            code = await asyncio.wait_for(self._read_invite_code(self.prompt), INVITE_PROMPT_TIMEOUT)
        except asyncio.TimeoutError:
            self._say("\r\npowerdeck: no code typed in time")
            return False
        finally:
            self.prompt = None
        if code is None:
            return False
        self.chan.write(b"\r\n")
        name = await asyncio.to_thread(self.state.users.redeem, code.decode("ascii"), server.key)
        if name is None:
            self.state.failures.add(server.address)
            log.info("refused an invite code from %s (wrong, used or expired)", server.address)
            self._say("powerdeck: that invite code is not right, or it was used or has expired: ask for a new one")
            return False
        server.person = name
        server.stop_waiting()
        log.info("%s redeemed an invite from %s: key bound", name, server.address)
        self.chan.write(f"Your key is now registered as {name}.\r\n".encode())
        return True

    @staticmethod
    async def _read_invite_code(prompt: asyncio.Queue[bytes]) -> bytearray | None:
        """The code typed up to Enter (printable ASCII, at most 64, backspace honoured); None on
        ctrl+c, ctrl+d or a closed channel."""
        code = bytearray()
        while True:
            data = await prompt.get()
            if not data or b"\x03" in data or b"\x04" in data:
                return None
            for byte in data:
                if byte in (0x0D, 0x0A):
                    return code
                if byte in (0x08, 0x7F):
                    del code[-1:]
                elif 0x20 <= byte < 0x7F and len(code) < 64:
                    code.append(byte)

    async def _run_app(self) -> int:
        server, state = self.server, self.state
        person = server.person
        assert person is not None and server.key is not None
        earlier = [session for session in state.sessions if session.server.person == person]
        if len(state.sessions) - len(earlier) >= state.limits.max_sessions:
            log.info("refused a session for %s from %s: %d sessions running", person, server.address,
                     len(state.sessions))
            self._say(f"powerdeck: the deck is full ({state.limits.max_sessions} people are using it): "
                      "try again in a few minutes")
            return 2
        for session in earlier:
            log.info("%s from %s takes over the session from %s", person, server.address, session.server.address)
            await session.end(f"\r\npowerdeck: you opened powerdeck again (from {server.address}), so this "
                              "session has ended; your draft is kept.\r\n")
        folder = state.person_folder(person)
        master, tty = os.openpty()
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", self.size[1], self.size[0], 0, 0))
            os.set_blocking(master, False)
            conn = server.conn
            local = conn.get_extra_info("sockname") if conn else None
            ssh = f"{server.address} 0 {local[0] if local else '127.0.0.1'} {local[1] if local else 0}"
            request = {"name": person, "folder": str(folder), "term": self.term or TERM_DEFAULT,
                       "settings": state.config.settings.__dict__, "ssh": ssh}
            self.pid = await state.pool.launch(request, tty)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(tty)
        self.master = master
        state.sessions.add(self)
        log.info("session of %s from %s started (pid %d, %s, %dx%d)", person, server.address, self.pid,
                 self.term, *self.size)
        if self.closed:
            self._hang_up()
        loop = asyncio.get_running_loop()
        if not self.paused:
            loop.add_reader(master, self._pty_readable)
        if self.pending:
            self._flush_input()
        try:
            status = await state.pool.exit_of(self.pid)
            if not self.closed and not self.paused:
                try:  # the last frame (leaving the alternate screen) may still be in the pty
                    await asyncio.wait_for(self.pty_eof.wait(), 1.0)
                except asyncio.TimeoutError:
                    pass
        finally:
            state.sessions.discard(self)
            for remove in (loop.remove_reader, loop.remove_writer):
                remove(master)
            os.close(master)
            self.master = None
        log.info("session of %s from %s ended after %.0f s (status %d)", person, server.address,
                 time.monotonic() - self.started, status)
        if self.notice and self.chan is not None and not self.closed:
            self.chan.write(self.notice.encode("utf-8"))
            return 1
        return status


class _suppress_lookup:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        return kind is ProcessLookupError


async def _watch_users(state: ServerState) -> None:
    """A person removed from the users file loses their running sessions too, at once."""
    while True:
        await asyncio.sleep(1.0)
        for session in list(state.sessions):
            key = session.server.key
            if key is not None and not state.still_allowed(session.server.person, key):
                log.info("%s was removed: ending their session", session.server.person)
                asyncio.get_running_loop().create_task(
                    session.end("\r\npowerdeck: your access to this deck was removed; your draft is kept.\r\n"))


async def serve(config: ServeConfig, ready: asyncio.Event | None = None) -> None:
    state_dir = config.state
    key = host_key(state_dir)
    pool = ZygotePool(config.deck)
    await pool.start()
    state = ServerState(config, pool)
    limits = config.limits
    server = await asyncssh.create_server(
        lambda: DeckServer(state), config.host, config.port,
        server_host_keys=[key],
        process_factory=None, sftp_factory=None, allow_scp=False,
        agent_forwarding=False, x11_forwarding=False, line_editor=False, encoding=None,
        login_timeout=limits.login_timeout,
        keepalive_interval=limits.keepalive_interval, keepalive_count_max=limits.keepalive_count,
    )
    try:
        nobody = not state.users.current().people
    except UsersFileError as error:
        raise PowerdeckError(str(error)) from None
    log.info("powerdeck serve listening on %s port %d (host key %s)", config.host, config.port,
             key.get_fingerprint())
    if nobody:
        log.info("nobody is registered yet: add someone with "
                 "powerdeck serve users add NAME --key FILE --state %s", state_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    watcher = loop.create_task(_watch_users(state))
    if ready is not None:
        ready.set()
    await stop.wait()
    log.info("stopping: ending %d session(s), drafts kept", len(state.sessions))
    watcher.cancel()
    server.close()
    await asyncio.gather(*(session.end("\r\npowerdeck: the server is stopping; your draft is kept. "
                                       "Connect again in a little while.\r\n")
                           for session in list(state.sessions)), return_exceptions=True)
    await asyncio.sleep(0.2)  # let the last notices go out
    await pool.stop()
    log.info("stopped")


def run_server(config: ServeConfig) -> int:
    refuse_root()
    private_state(config.state)
    open_server_log(config.state)
    try:
        asyncio.run(serve(config))
    except OSError as error:
        raise PowerdeckError(
            f"cannot listen on {config.host} port {config.port}: {error.strerror or error} "
            "(is another server using it? choose another with --port)"
        ) from None
    return 0
