"""One session channel of `powerdeck serve`: an export, an invite prompt, or the person's app on
its own pseudo-terminal, with the channel's bytes pumped to and from it.

AppSession is what asyncssh calls; its parts, which it inherits: export_job.py (an export),
invite_prompt.py (an invite code), person_app.py (the person's app on its pty)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
import time
from typing import TYPE_CHECKING, Any

import asyncssh

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.commands import USAGE
from powerdeck.serve.export_job import ExportJob
from powerdeck.serve.invite_prompt import InvitePrompt
from powerdeck.serve.person_app import PersonApp
from powerdeck.serve.session import TERM_DEFAULT
from powerdeck.serve.state import log, safe_term

if TYPE_CHECKING:
    from powerdeck.serve.login import DeckServer


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


MAX_SIZE = 1000
"""Columns and rows at most: no terminal is bigger, and an app's memory grows with its size."""
DEFAULT_SIZE = (80, 24)


def terminal_size(width: int, height: int) -> tuple[int, int]:
    """The size a client asks for, made one a terminal can be (0 means the default)."""
    return (min(width, MAX_SIZE) if width > 0 else DEFAULT_SIZE[0],
            min(height, MAX_SIZE) if height > 0 else DEFAULT_SIZE[1])


class AppSession(ExportJob, InvitePrompt, PersonApp, asyncssh.SSHServerSession):  # type: ignore[type-arg]  # asyncssh's SSHServerSession is generic only in its stubs' eyes; subclassed plain at runtime
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
        self.clamp_said = False
        self.job_out: int | None = None
        self.rescued_line = ""
        self.starting = False
        """Counted among the sessions, not yet launched: the person's next request is refused."""

    # -- asyncssh's callbacks -----------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.term = safe_term(term_type)
        if self.term != term_type:
            log.info("refused TERM %r from %s: using %s", term_type[:80], self.server.address, TERM_DEFAULT)
        self.size = self._clamped(term_size[0], term_size[1])
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
        self.size = self._clamped(width, height)
        if self.master is not None:
            # The kernel sends SIGWINCH to the app: the pty is its controlling terminal.
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", self.size[1], self.size[0], 0, 0))

    def _clamped(self, width: int, height: int) -> tuple[int, int]:
        size = terminal_size(width, height)
        if size != (width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1]) and not self.clamp_said:
            self.clamp_said = True  # once a session: a resize burst must not flood the log
            log.info("terminal size %dx%d from %s (%s) clamped to %dx%d", width, height, self.server.address,
                     self.server.person, *size)
        return size

    def pause_writing(self) -> None:
        self.paused = True
        if self.job_out is not None and not self.pty_eof.is_set():
            asyncio.get_running_loop().remove_reader(self.job_out)
        if self.master is not None and not self.pty_eof.is_set():
            asyncio.get_running_loop().remove_reader(self.master)

    def resume_writing(self) -> None:
        self.paused = False
        if self.job_out is not None and not self.pty_eof.is_set():
            asyncio.get_running_loop().add_reader(self.job_out, self._job_readable)
        if self.master is not None and not self.pty_eof.is_set():
            asyncio.get_running_loop().add_reader(self.master, self._pty_readable)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed:
            self.server.channel_closed()
        self.closed = True
        if self.prompt is not None:
            self.prompt.put_nowait(b"")
        if self.pid is not None and not self.state.pool.exit_of(self.pid).done():
            if self.job_out is not None:
                with contextlib.suppress(ProcessLookupError):  # nobody will read the export
                    os.kill(self.pid, signal.SIGKILL)
            else:
                self._hang_up()

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

    def _rescued(self, line: str) -> None:
        """The server keeps text this session's app could not write (keeper.py): said once the
        app has left the screen."""
        self.rescued_line = line

    def _reserve(self) -> str | None:
        """Count this session and hold its place, in one step before anything is awaited (two
        requests in the same moment cannot both see a free place); or say why not."""
        server, state = self.server, self.state
        person = server.person
        mine = [session for session in state.sessions if session.server.person == person]
        if any(session.starting or session.server is server for session in mine):
            # Taking over is for a new connection (a laptop woken up); on one connection, or
            # while another start is under way, a second app would only race the first.
            return "powerdeck: your deck is already opening in another window: use that one, or try again in a moment"
        taken_over = [session for session in mine if not session.notice]
        if len(state.sessions) - len(taken_over) >= state.limits.max_sessions:
            return (f"powerdeck: the deck is full ({state.limits.max_sessions} people are using it): "
                    "try again in a few minutes")
        self.starting = True
        state.sessions.add(self)
        return None

    async def _run_app(self) -> int:
        refusal = self._reserve()
        if refusal is not None:
            log.info("refused a session for %s from %s: %s (%d sessions)", self.server.person, self.server.address,
                     refusal.split(": ")[1], len(self.state.sessions))
            self._say(refusal)
            return 2
        try:
            return await self._start_app()
        finally:
            self.starting = False
            self.state.sessions.discard(self)
