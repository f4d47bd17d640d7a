"""Heavy jobs (exports) take turns: one at a time per person, a few at a time in all.

A job runs in a process of its own, forked from the prepared process (session.run_job) with a
memory and CPU limit and a lower priority; the server's own process only moves its bytes. Twelve
Word exports of a large log used to run in the server's threads, beside every person's
keystrokes: another person's echo went to a p90 of 964 ms and the server to 2.2 GB.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

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
