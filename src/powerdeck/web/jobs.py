"""The simple view's exports as jobs, as `powerdeck serve` runs them (serve/jobs.py): each in a
process of its own, forked from the prepared process (serve/session.py `run_job`), or, when the
simple view runs without one, a child process (serve/job_child.py) with the same limits of
memory, CPU time and priority. One at a time per person (a second is refused with a page, not
queued: a browser that sends a form twice shows only the last answer), a few at a time in all,
stopped after JOB_SECONDS. The server's own process only collects the bytes and sends them.

A Word export of a 20,000-entry log made in the server's threads held the person's log and a
core for seconds and grew the server by hundreds of megabytes; six at once starved every other
person's pages and the browser terminals' echo.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from powerdeck.core.errors import Busy, PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.serve.commands import options_request
from powerdeck.serve.jobs import JOB_SECONDS, JOBS_AT_ONCE, CollectedPipe, start_with_pipes
from powerdeck.web.door import log
from powerdeck.web.person import WebPerson

if TYPE_CHECKING:
    from powerdeck.export import ExportOptions
    from powerdeck.serve.pool import ZygotePool

WAITING_IN_ALL = 4
"""Jobs that may wait for a place, all people together, beyond those running; more are refused."""
MAX_FILE = 512 * 1024 * 1024
"""Bytes of one export the server will hold (the job's own memory limit is below this in practice)."""
GONE_LOOK = 0.5
"""Seconds between looks at whether the browser that asked is still there."""
HINT = "choose a shorter period"

ONE_RUNNING = ("Your last file is still being made. When it has downloaded, ask for this one again.")
SERVER_BUSY = "The server is busy making other people's files. Try again in a minute."
TOO_LONG = (f"Making your file took longer than {JOB_SECONDS:.0f} seconds, so it was stopped. "
            f"Choose a shorter period and try again.")
STOPPED = ("Making your file needed more memory or time than the server gives one file, so it was stopped. "
           "Choose a shorter period and try again.")
FAILED = "Your file could not be made. Please try again; if it fails again, tell the person who runs powerdeck."


class WebJobs:
    """Runs the simple view's exports; kept on `app.state.jobs`."""

    def __init__(self, state: Path, deck_file: str | None, pool: Callable[[], ZygotePool | None]) -> None:
        self.state = state
        self.deck_file = deck_file
        self.pool = pool
        self._people: set[str] = set()
        """Who has an export running or waiting for a place: reserved before anything is awaited,
        so two requests in the same moment cannot both pass."""
        self._places = asyncio.Semaphore(JOBS_AT_ONCE)

    async def export(self, person: WebPerson, options: ExportOptions,
                     gone: Callable[[], Awaitable[bool]] | None = None) -> bytes:
        """The export's bytes; Busy when the person has one under way or the server is full, a
        PowerdeckError of one plain line when it failed. `gone()`: the browser has left (the job
        is then stopped)."""
        name = person.name
        if name in self._people:
            log.info("refused an export for %s: one is under way", name)
            raise Busy(ONE_RUNNING)
        if len(self._people) >= JOBS_AT_ONCE + WAITING_IN_ALL:
            log.info("refused an export for %s: %d under way or waiting", name, len(self._people))
            raise Busy(SERVER_BUSY)
        self._people.add(name)
        try:
            return await self._in_turn(person, options, gone)
        finally:
            self._people.discard(name)

    async def _in_turn(self, person: WebPerson, options: ExportOptions,
                       gone: Callable[[], Awaitable[bool]] | None) -> bytes:
        name = person.name
        request = {"folder": str(person.data_dir), "state": str(self.state), "options": options_request(options),
                   "hint": HINT, "deck": self.deck_file}

        async def in_place() -> bytes:
            async with self._places:
                return await self._run(name, request)

        work = asyncio.ensure_future(in_place())
        if gone is None:
            return await work
        watcher = asyncio.ensure_future(_watch(gone))
        try:
            await asyncio.wait({work, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            if not work.done():  # the browser left (or the server is stopping): the job is stopped
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError, PowerdeckError):
                    await work
                log.info("export of %s stopped: the browser left", name)
        return work.result()

    async def _run(self, name: str, request: dict[str, Any]) -> bytes:
        loop = asyncio.get_running_loop()
        pool = self.pool()

        async def start(out_write: int, err_write: int) -> tuple[int, asyncio.Future[int]]:
            if pool is not None:
                pid = await pool.launch(request, out_write, op="export", more_fds=(err_write,))
                return pid, pool.exit_of(pid)
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "powerdeck.serve.job_child", stdin=asyncio.subprocess.PIPE,
                stdout=out_write, stderr=err_write, start_new_session=True,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"})
            return child.pid, asyncio.ensure_future(_fed(child, request))

        (pid, exited), out_read, err_read = await start_with_pipes(start)
        started = loop.time()
        log.info("export of %s started in a job (pid %d)", name, pid)
        output, errors = CollectedPipe(out_read, MAX_FILE), CollectedPipe(err_read, 4096)
        status = 70
        try:
            try:
                status = await asyncio.wait_for(asyncio.shield(exited), JOB_SECONDS)
            except asyncio.TimeoutError:
                _kill(pid)
                await exited
                log.info("export of %s took longer than %.0f s: stopped (pid %d)", name, JOB_SECONDS, pid)
                raise PowerdeckError(TOO_LONG) from None
            with contextlib.suppress(asyncio.TimeoutError):  # what is still in the pipes
                await asyncio.wait_for(asyncio.gather(output.done, errors.done), 5.0)
        finally:
            if not exited.done():  # cancelled: the browser left, or the server is stopping
                _kill(pid)
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(exited), 5.0)
            output.close()
            errors.close()
        log.info("%s exported %s from the simple view in a job (pid %d, status %d, %.1f s, %d bytes)", name,
                 request["options"]["fmt"], pid, status, loop.time() - started, len(output.data))
        if errors.data:
            line = errors.data.decode("utf-8", "replace").strip().splitlines()[0].removeprefix("powerdeck: ")
            raise PowerdeckError(visible_line(line[:1].upper() + line[1:]))
        if status >= 128 or (status == 0 and output.over):
            raise PowerdeckError(STOPPED)
        if status != 0:
            raise PowerdeckError(FAILED)
        return bytes(output.data)


async def _fed(child: asyncio.subprocess.Process, request: dict[str, Any]) -> int:
    """A child job given its request; its exit status as the prepared process reports one."""
    import json

    assert child.stdin is not None
    with contextlib.suppress(OSError):
        child.stdin.write(json.dumps(request).encode("utf-8"))
        await child.stdin.drain()
    child.stdin.close()
    code = await child.wait()
    return code if code >= 0 else 128 - code


async def _watch(gone: Callable[[], Awaitable[bool]]) -> None:
    while not await gone():
        await asyncio.sleep(GONE_LOOK)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
