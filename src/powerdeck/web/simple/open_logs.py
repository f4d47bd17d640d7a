"""The people's logs the simple view holds open: few, and only while they are used.

A parsed log is large (about 100 MiB in the server for 20,000 entries) and a page of a log held
open costs a stat of its file instead of a parse (about a second at 20,000 entries). So a log is
kept open while its person clicks, and closed when it has had no request for `idle` seconds or
when more than `most` are open (the least recently used first); the next page opens it again.
Nothing is lost by a close: every write is finished (on disk, atomically) before its request
returns, and a log is never closed while a request holds it (`users`, counted under the lock).

A log is opened under its own lock, not the lock of the whole table, so one person's parse never
holds up another person's page.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from powerdeck.store import Log, SummaryKeeper

IDLE_SECONDS = 300.0
"""A log with no request for five minutes is closed: a person reading a long page keeps theirs."""
MOST_OPEN = 8
"""Logs held open at once (about 800 MiB at most with 20,000-entry logs; most logs are far smaller)."""


@dataclass
class OpenLog:
    folder: Path
    lock: threading.RLock = field(default_factory=threading.RLock)
    log: Log | None = None  # None until the first request that holds `lock` opens it
    summary: SummaryKeeper | None = None
    users: int = 0  # requests holding or waiting for it (under OpenLogs._lock)
    used: float = 0.0  # the clock when the last of them let go

    def ensure_open(self) -> Log:
        """The log, opened now if need be (with `lock` held). LogDamagedError: nothing kept,
        tried again by the next page."""
        if self.log is None:
            log = Log.open(self.folder)
            self.summary = SummaryKeeper(log.path)
            self.log = log
        return self.log


class OpenLogs:
    def __init__(self, clock: Callable[[], float], idle: float = IDLE_SECONDS, most: int = MOST_OPEN) -> None:
        self.clock = clock
        self.idle = idle
        self.most = most
        self._logs: OrderedDict[Path, OpenLog] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()
        self._uncollected = 0  # logs closed since the last collection

    @contextmanager
    def holding(self, folder: Path) -> Iterator[OpenLog]:
        """The folder's OpenLog, theirs alone while the block runs (its lock held)."""
        with self._lock:
            opened = self._logs.get(folder)
            if opened is None:
                opened = self._logs[folder] = OpenLog(folder)
            self._logs.move_to_end(folder)
            opened.users += 1
        try:
            with opened.lock:
                yield opened
        finally:
            with self._lock:
                opened.users -= 1
                opened.used = self.clock()
            self.sweep()

    def sweep(self, collect: bool = False) -> int:
        """Close the logs idle too long, and the least recently used beyond `most`, that no
        request holds. Returns how many were closed.

        A closed log's objects hold reference cycles, so only the cycle collector frees them, and a
        full collection walks every open log too (about 100 ms a 20,000-entry log, with every
        thread waiting). `collect` (the Site's sweeping thread, every 30 s) collects when any was
        closed; a page's own sweep collects only when `most` closed logs are waiting for it, so
        the memory stays bounded (`most` open and at most `most` more) without a page paying for
        every close."""
        now = self.clock()
        closing: list[OpenLog] = []
        with self._lock:
            over = len(self._logs) - self.most
            for folder, opened in list(self._logs.items()):
                if opened.users:
                    continue
                if over > 0 or now - opened.used >= self.idle:
                    del self._logs[folder]
                    closing.append(opened)
                    over -= 1
        # Out of the table, with no user: nobody else can reach them. Closed outside the lock:
        # freeing a large log's objects takes a while and must not hold up other pages.
        parsed = [opened for opened in closing if opened.log is not None]
        for opened in parsed:
            assert opened.log is not None
            with suppress(OSError):
                opened.log.close()
            opened.log = opened.summary = None
        with self._lock:
            self._uncollected += len(parsed)
            due = self._uncollected >= (1 if collect else max(1, self.most))
            if due:
                self._uncollected = 0
        parsed.clear()
        if due:
            gc.collect()
            _give_back_memory()
        return len(closing)

    def count(self) -> int:
        """Logs open now (parsed and in the table)."""
        with self._lock:
            return sum(1 for opened in self._logs.values() if opened.log is not None)

    def close(self) -> None:
        with self._lock:
            closing = list(self._logs.values())
            self._logs.clear()
        for opened in closing:
            if opened.log is not None:
                with suppress(OSError):
                    opened.log.close()


def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        found: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return found


_MALLOC_TRIM = _trim()


def _give_back_memory() -> None:
    """glibc keeps freed memory in its heap for the next allocation: a closed log's hundred MiB
    would stay in the server's RSS. malloc_trim hands what is free back to the system."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
