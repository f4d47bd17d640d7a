"""Sessions start a few at a time, in the order they asked: the prepared process's queue.

Thirty people opening a session in the same second used to get thirty forks at once: thirty
apps sharing two cores, each painting its first screen only when nearly all of them had, and
each paying more CPU for it (the cores' caches shared thirty ways). Let in as many as there are
cores (at least two), the rest wait in order a few milliseconds each: the first people see their
deck at once, and the last no later than before.

A session holds its place until its first frame is written (the child writes its pid to the
gate's pipe, `ServedApp.collect_after_first_paint`), it ends, or `START_LIMIT` has passed:
a start that hangs never stops the others.
"""

from __future__ import annotations

import os
import struct
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

STARTS_AT_ONCE = max(2, os.cpu_count() or 2)
START_LIMIT = 1.5
"""Seconds a start holds its place at most."""

_PID = struct.Struct("i")

Waiting = tuple[dict[str, Any], list[int]]


def say_painted(fd: int) -> None:
    """In a session's app: its first frame is written; its place goes to the next."""
    try:
        os.write(fd, _PID.pack(os.getpid()))  # a few bytes: one write, never split (PIPE_BUF)
    except OSError:
        pass  # the prepared process is gone: nobody is waiting
    finally:
        os.close(fd)


class StartGate:
    """The prepared process's side: who is starting, who waits."""

    def __init__(self, at_once: int = STARTS_AT_ONCE, limit: float = START_LIMIT) -> None:
        self.at_once = at_once
        self.limit = limit
        self.painted_read, self.painted_write = os.pipe()
        os.set_blocking(self.painted_read, False)
        self._starting: dict[int, float] = {}  # pid -> when it gives up its place
        self._waiting: deque[Waiting] = deque()

    def wait(self, request: dict[str, Any], fds: list[int]) -> None:
        self._waiting.append((request, fds))

    def admitted(self) -> Iterator[Waiting]:
        """The waiting requests that may start now, in order (call `started` for each)."""
        now = time.monotonic()
        for pid in [pid for pid, until in self._starting.items() if until <= now]:
            del self._starting[pid]
        while self._waiting and len(self._starting) < self.at_once:
            yield self._waiting.popleft()

    def started(self, pid: int) -> None:
        self._starting[pid] = time.monotonic() + self.limit

    def ended(self, pid: int) -> None:
        self._starting.pop(pid, None)

    def read_painted(self) -> None:
        """Take the pids the sessions wrote when their first frame was out."""
        try:
            data = os.read(self.painted_read, 4096)
        except BlockingIOError:
            return
        for (pid,) in _PID.iter_unpack(data[: len(data) - len(data) % _PID.size]):
            self._starting.pop(pid, None)

    def next_deadline(self) -> float | None:
        """Seconds until a place frees by itself, if anyone is waiting for one."""
        if not self._waiting or not self._starting:
            return None
        return max(0.0, min(self._starting.values()) - time.monotonic())

    def drop_waiting(self) -> None:
        """The server is gone: nobody will read these sessions' terminals."""
        while self._waiting:
            for fd in self._waiting.popleft()[1]:
                os.close(fd)

    def close_in_child(self) -> int:
        """In a forked session: keep only the write end, to say when it has painted."""
        os.close(self.painted_read)
        for _request, fds in self._waiting:
            for fd in fds:
                os.close(fd)  # another person's terminal: not this session's to hold
        return self.painted_write
