"""One session channel of `powerdeck serve`: an export, an invite prompt, or the person's app on
its own pseudo-terminal, with the channel's bytes pumped to and from it."""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import struct
import termios
import time
from typing import TYPE_CHECKING, Any

import asyncssh

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.commands import USAGE, parse_command
from powerdeck.serve.session import TERM_DEFAULT
from powerdeck.serve.state import HANGUP_GRACE, INVITE_PROMPT_TIMEOUT, STOP_GRACE, log, safe_term

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
        data = await asyncio.to_thread(export_bytes, folder, self.state.config.deck, wanted, self.state.config.state)
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
