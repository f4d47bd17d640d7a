"""An export asked for over SSH (`ssh -T HOST export ...`): queued per person, run in a process
of its own from the prepared one, its output pumped to the channel as it comes, its first error
line said, and stopped when it runs too long.

A part of AppSession (channel.py), which inherits it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from typing import TYPE_CHECKING

from powerdeck.serve.commands import USAGE, ExportCommand, parse_command
from powerdeck.serve.jobs import JOB_SECONDS, CollectedPipe, start_with_pipes
from powerdeck.serve.session_part import SessionPart
from powerdeck.serve.state import log


class ExportJob(SessionPart):
    """The session's export (AppSession's part)."""

    if TYPE_CHECKING:  # what AppSession gives its parts
        job_out: int | None

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
        pool = state.pool
        pid, out_read, err_read = await start_with_pipes(
            lambda out_write, err_write: pool.launch(request, out_write, op="export", more_fds=(err_write,)))
        self.pid, self.job_out = pid, out_read
        os.set_blocking(out_read, False)
        loop = asyncio.get_running_loop()
        errors = CollectedPipe(err_read, 4096)
        if not self.paused:
            loop.add_reader(out_read, self._job_readable)
        started, status = time.monotonic(), 70
        try:
            try:
                status = await asyncio.wait_for(asyncio.shield(state.pool.exit_of(pid)), JOB_SECONDS)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                status = await state.pool.exit_of(pid)
                self._say(f"powerdeck: the export took longer than {JOB_SECONDS:.0f} s and was stopped: "
                          "export a year at a time (--year N)")
                return 2
            with contextlib.suppress(asyncio.TimeoutError):  # what is still in the pipes
                await asyncio.wait_for(asyncio.gather(self.pty_eof.wait(), errors.done), 5.0)
        finally:
            loop.remove_reader(out_read)
            os.close(out_read)
            errors.close()
            self.job_out = None
        if errors.data:
            line = errors.data.decode("utf-8", "replace").strip().splitlines()[0]
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
