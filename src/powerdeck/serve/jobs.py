"""Heavy jobs (exports) take turns: one at a time per person, a few at a time in all.

A job runs in a process of its own, forked from the prepared process (session.run_job) with a
memory and CPU limit and a lower priority; the server's own process only moves its bytes. Twelve
Word exports of a large log used to run in the server's threads, beside every person's
keystrokes: another person's echo went to a p90 of 964 ms and the server to 2.2 GB.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

Started = TypeVar("Started")

JOBS_AT_ONCE = 2
JOB_SECONDS = 120.0
"""Wall-clock seconds a job may take before it is stopped."""
WAITING_PER_PERSON = 8
"""Jobs one person may have running or waiting; more are refused at once."""


class JobTurns:
    """Who may run a job now: per-person order and a shared number of places."""

    def __init__(self, at_once: int = JOBS_AT_ONCE) -> None:
        self._places = asyncio.Semaphore(at_once)
        self._mine: dict[str, asyncio.Lock] = {}
        self._count: dict[str, int] = {}

    def may_queue(self, person: str) -> bool:
        return self._count.get(person, 0) < WAITING_PER_PERSON

    @contextlib.asynccontextmanager
    async def turn(self, person: str) -> AsyncIterator[None]:
        self._count[person] = self._count.get(person, 0) + 1
        lock = self._mine.setdefault(person, asyncio.Lock())
        try:
            async with lock, self._places:
                yield
        finally:
            self._count[person] -= 1
            if not self._count[person]:
                del self._count[person]
                self._mine.pop(person, None)


async def start_with_pipes(start: Callable[[int, int], Awaitable[Started]]) -> tuple[Started, int, int]:
    """`start(out_write, err_write)` a job whose standard output and error are two new pipes: the
    write ends are closed here once the job has them (or failed to start), the read ends returned
    with what `start` returned (the SSH export and the simple view's both start jobs this way)."""
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    try:
        started = await start(out_write, err_write)
    except BaseException:
        os.close(out_read)
        os.close(err_read)
        raise
    finally:
        os.close(out_write)
        os.close(err_write)
    return started, out_read, err_read


class CollectedPipe:
    """What a job writes on one pipe, read as it comes (the job never blocks on a full pipe): its
    first `limit` bytes (`over` says more came); `done` when the job closed its end."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd = fd
        self.limit = limit
        self.data = bytearray()
        self.over = False
        loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = loop.create_future()
        os.set_blocking(fd, False)
        loop.add_reader(fd, self._readable)

    def _readable(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self.fd)
            if not self.done.done():
                self.done.set_result(None)
        else:
            room = self.limit - len(self.data)
            self.data += chunk[:room]
            self.over = self.over or len(chunk) > room

    def close(self) -> None:
        with contextlib.suppress(ValueError, RuntimeError):
            asyncio.get_running_loop().remove_reader(self.fd)
        os.close(self.fd)
