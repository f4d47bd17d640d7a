"""One session channel of `powerdeck serve`: an export, an invite prompt, or the person's app on
its own pseudo-terminal, with the channel's bytes pumped to and from it."""

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
from powerdeck.serve.commands import USAGE, ExportCommand, parse_command
from powerdeck.serve.jobs import JOB_SECONDS
from powerdeck.serve.pty_input import flush_pending, read_available
from powerdeck.serve.session import TERM_DEFAULT
from powerdeck.serve.state import HANGUP_GRACE, STOP_GRACE, log, safe_term

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
                with _suppress_lookup():  # nobody will read the export
                    os.kill(self.pid, signal.SIGKILL)
            else:
                self._hang_up()

    # -- the pty ------------------------------------------------------------------------------

    def _pty_readable(self) -> None:
        assert self.master is not None
        data = read_available(self.master)
        if data is None:
            return
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            self.pty_eof.set()
            return
        if self.chan is not None and not self.closed:
            self.chan.write(data)

    def _flush_input(self) -> None:
        if self.master is not None:
            flush_pending(self.master, self.pending, self._flush_input)

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
        if self.notice:
            return
        self.notice = notice
        if self.pid is None:
            return  # still starting: it is ended as soon as it has a pid (_start_app)
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
        jobs = self.state.jobs
        if not jobs.may_queue(server.person):
            self._say("powerdeck: you have several exports running or waiting already: let them finish first")
            return 2
        async with jobs.turn(server.person):
            if self.closed:
                return 2
            return await self._run_job(wanted)

    async def _run_job(self, wanted: ExportCommand) -> int:
        """The export in a process of its own; its output pumped to the channel as it comes."""
        server, state = self.server, self.state
        assert server.person is not None
        request = {"folder": str(state.person_folder(server.person)), "format": wanted.format,
                   "year": wanted.year, "appraisal_year": wanted.appraisal_year, "template": wanted.template,
                   "state": str(state.config.state)}
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        try:
            pid = await state.pool.launch(request, out_write, op="export", more_fds=(err_write,))
        except BaseException:
            os.close(out_read)
            os.close(err_read)
            raise
        finally:
            os.close(out_write)
            os.close(err_write)
        self.pid, self.job_out = pid, out_read
        os.set_blocking(out_read, False)
        os.set_blocking(err_read, False)
        loop = asyncio.get_running_loop()
        errors = bytearray()
        err_done = asyncio.Event()

        def err_readable() -> None:
            try:
                data = os.read(err_read, 4096)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                loop.remove_reader(err_read)
                err_done.set()
            elif len(errors) < 4096:
                errors.extend(data[: 4096 - len(errors)])

        loop.add_reader(err_read, err_readable)
        if not self.paused:
            loop.add_reader(out_read, self._job_readable)
        started, status = time.monotonic(), 70
        try:
            try:
                status = await asyncio.wait_for(asyncio.shield(state.pool.exit_of(pid)), JOB_SECONDS)
            except asyncio.TimeoutError:
                with _suppress_lookup():
                    os.kill(pid, signal.SIGKILL)
                status = await state.pool.exit_of(pid)
                self._say(f"powerdeck: the export took longer than {JOB_SECONDS:.0f} s and was stopped: "
                          "export a year at a time (--year N)")
                return 2
            with contextlib.suppress(asyncio.TimeoutError):  # what is still in the pipes
                await asyncio.wait_for(asyncio.gather(self.pty_eof.wait(), err_done.wait()), 5.0)
        finally:
            for fd in (out_read, err_read):
                loop.remove_reader(fd)
                os.close(fd)
            self.job_out = None
        if errors:
            line = errors.decode("utf-8", "replace").strip().splitlines()[0]
            self._say(line)
        elif status >= 128:
            log.info("export of %s was killed (signal %d)", server.person, status - 128)
            self._say("powerdeck: the export was stopped on the server (it needed more memory or time than "
                      "one export is given): export a year at a time (--year N)")
            status = 2
        log.info("%s exported %s from %s in a job (pid %d, status %d, %.1f s)", server.person, wanted.format,
                 server.address, pid, status, time.monotonic() - started)
        return status

    def _job_readable(self) -> None:
        fd = self.job_out
        if fd is None:
            return
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(fd)
            self.pty_eof.set()
            return
        if self.chan is not None and not self.closed:
            self.chan.write(data)

    async def _redeem_invite(self) -> bool:
        server = self.server
        assert self.chan is not None and server.key is not None
        self.prompt = asyncio.Queue()
        self.chan.write(b"\r\nWelcome to powerdeck. Your key is not registered yet.\r\n")
        try:
            while True:
                self.chan.write(b"Type the invite code you were given (it is not shown), then Enter: ")
                try:
                    # wait_for, not asyncio.timeout (Python 3.11+): powerdeck runs on 3.10, where
                    # asyncio.TimeoutError is not yet the builtin TimeoutError.
                    code = await asyncio.wait_for(self._read_invite_code(self.prompt),
                                                  self.state.limits.login_timeout * 2)
                except asyncio.TimeoutError:
                    self._say("\r\npowerdeck: no code typed in time")
                    return False
                if code is None:
                    return False
                self.chan.write(b"\r\n")
                name = await asyncio.to_thread(self.state.users.redeem, code.decode("ascii"), server.key)
                if name is not None:
                    break
                log.info("refused an invite code from %s (wrong, used or expired)", server.address)
                if not server.wrong_code():
                    self._say("powerdeck: that invite code is not right, or it was used or has expired: "
                              "ask for a new one")
                    return False
                self._say("powerdeck: that invite code is not right: check it and type it again")
        finally:
            self.prompt = None
        server.registered(name)
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

    async def _start_app(self) -> int:
        server, state = self.server, self.state
        person = server.person
        assert person is not None and server.key is not None
        for session in [s for s in state.sessions if s.server.person == person and s is not self]:
            log.info("%s from %s takes over the session from %s", person, server.address, session.server.address)
            await session.end(f"\r\npowerdeck: you opened powerdeck again (from {server.address}), so this "
                              "session has ended; your draft is kept.\r\n")
        folder = state.person_folder(person)
        master, tty = os.openpty()
        keeper_fd = state.keeper.socket_for(person, folder, self._rescued)
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", self.size[1], self.size[0], 0, 0))
            os.set_blocking(master, False)
            conn = server.conn
            local = conn.get_extra_info("sockname") if conn else None
            ssh = f"{server.address} 0 {local[0] if local else '127.0.0.1'} {local[1] if local else 0}"
            request = {"name": person, "folder": str(folder), "term": self.term or TERM_DEFAULT,
                       "settings": state.config.settings.__dict__, "ssh": ssh}
            self.pid = await state.pool.launch(request, tty, more_fds=(keeper_fd,))
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(tty)
            os.close(keeper_fd)
        self.starting = False
        self.master = master
        log.info("session of %s from %s started (pid %d, %s, %dx%d)", person, server.address, self.pid,
                 self.term, *self.size)
        if self.closed:
            self._hang_up()
        elif self.notice:  # ended (server stopping, person removed) while it was starting
            with _suppress_lookup():
                os.kill(self.pid, signal.SIGTERM)
        else:  # the size may have changed while it started
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", self.size[1], self.size[0], 0, 0))
        loop = asyncio.get_running_loop()
        if not self.paused:
            loop.add_reader(master, self._pty_readable)
        if self.pending:
            self._flush_input()
        try:
            status = await state.pool.exit_of(self.pid)
            if state.pool.lost(self.pid):
                status = await self._end_orphan(self.pid)
            if not self.closed and not self.paused:
                try:  # the last frame (leaving the alternate screen) may still be in the pty
                    await asyncio.wait_for(self.pty_eof.wait(), 1.0)
                except asyncio.TimeoutError:
                    pass
        finally:
            for remove in (loop.remove_reader, loop.remove_writer):
                remove(master)
            os.close(master)
            self.master = None
        log.info("session of %s from %s ended after %.0f s (status %d)", person, server.address,
                 time.monotonic() - self.started, status)
        if self.rescued_line:
            self._say("\r\n" + self.rescued_line)
        if self.notice and self.chan is not None and not self.closed:
            self.chan.write(self.notice.encode("utf-8"))
            return 1
        if status >= 128 and status != 128 + signal.SIGHUP:
            # Killed (out of memory, by an admin): never a silent close.
            log.info("app of %s was killed (signal %d)", person, status - 128)
            self._say(f"\r\npowerdeck: your session was stopped on the server (signal {status - 128}); "
                      "what you saved is safe: please connect again")
        return status

    async def _end_orphan(self, pid: int) -> int:
        """The prepared process died and took the news of this app's exit with it: end the app
        the way a server stop does (its draft kept) and say why on the person's screen."""
        if not self.notice:
            self.notice = ("\r\npowerdeck: the server's session process stopped, so this session has ended; "
                           "your draft is kept. Connect again to carry on.\r\n")
        with _suppress_lookup():
            os.kill(pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.pty_eof.wait(), STOP_GRACE)
        except asyncio.TimeoutError:
            with _suppress_lookup():
                os.kill(pid, signal.SIGKILL)
        return 128 + signal.SIGTERM


class _suppress_lookup:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        return kind is ProcessLookupError
