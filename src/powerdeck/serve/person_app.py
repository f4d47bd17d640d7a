"""The person's app on its own pseudo-terminal: started from the prepared process (taking over
the person's session elsewhere), its output pumped to the channel and the person's keys to it,
ended cleanly (its draft kept) when the client hangs up, the server stops or the person is
removed, and said on the terminal when it was stopped on the server.

A part of AppSession (channel.py), which inherits it."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
import time
from typing import TYPE_CHECKING

from powerdeck.serve.pty_input import flush_pending, read_available
from powerdeck.serve.session import TERM_DEFAULT
from powerdeck.serve.session_part import SessionPart
from powerdeck.serve.state import HANGUP_GRACE, STOP_GRACE, log


class PersonApp(SessionPart):
    """The app on its pty (AppSession's part)."""

    if TYPE_CHECKING:  # what AppSession gives its parts
        master: int | None
        pending: bytearray
        notice: str
        size: tuple[int, int]
        term: str | None
        rescued_line: str
        started: float
        starting: bool

        def _rescued(self, line: str) -> None: ...

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
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGHUP)

        def kill() -> None:
            if not self.state.pool.exit_of(pid).done():
                log.info("app of %s did not end after a hang-up: killed", self.server.person)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

        asyncio.get_running_loop().call_later(HANGUP_GRACE, kill)

    async def end(self, notice: str) -> None:
        """End the app cleanly (taken over, server stopping, person removed): its draft is kept."""
        if self.notice:
            return
        self.notice = notice
        if self.pid is None:
            return  # still starting: it is ended as soon as it has a pid (_start_app)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.shield(self.state.pool.exit_of(self.pid)), STOP_GRACE)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

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
            with contextlib.suppress(ProcessLookupError):
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
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.pty_eof.wait(), STOP_GRACE)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return 128 + signal.SIGTERM
