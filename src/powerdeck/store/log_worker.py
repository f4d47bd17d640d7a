"""One thread that does every write to the review log, in order, off the UI's event loop.

An entry's save rewrites the whole log file (and fsyncs it); at 10,000 entries that takes long
enough to drop keystrokes if it ran on the event loop. Drafts and state go to the small state file
beside it, through this same thread. Writes go through one worker thread so they land in
the order they were asked for (a draft saved, then cleared, is never stored the other way round).
Reads take the same lock, so they never see a half-updated cache.

Results go back to the UI through `deliver`, which must not wait for the UI thread: the UI thread
may itself be waiting for this worker (`wait_for_writes()`, or a hang-up that writes the last
draft), and a blocking hand-back (App.call_from_thread) would deadlock the two.

Every queued write that changes the log is announced (`on_change`, a `StoreChange` handed over
through `deliver`): the app publishes it on the same signal its watcher uses for another
session's writes (tui/log_watch.py), so a screen follows every change one way. A write that fails
is always reported: to its `on_error`, else to the worker's `report`; nothing ends silently.

Where each call runs, and whether it waits (the names say it):
- `read(query)`: on the caller's thread, now; it takes the lock, so it waits while a write runs.
- `queue_write(job, on_done, on_error, by=...)`: returns at once; the job runs on the writer
  thread, the callbacks later on the event loop, then the change is announced (with `by`, the
  writer, so a screen can skip what it drew itself). What the UI uses while the app runs.
- `write_and_wait(job)`: runs the job on the caller's thread after every queued write and returns
  once it is on disk (quitting, a hang-up, a signal: nothing may be left in a queue). Not
  announced: the app is on its way out (the watcher's next look still sees it).
- `wait_for_writes()`: blocks until every queued write has finished.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from powerdeck.core.errors import PowerdeckError, describe
from powerdeck.store.log import Log, LogWriteError
from powerdeck.store.log_summary import SummaryKeeper

T = TypeVar("T")


@dataclass(frozen=True)
class StoreChange:
    """A queued write of this process changed the log: its version now, and who wrote it."""

    version: int
    by: object = None
    """What `queue_write` was given as the writer (None: nobody in particular)."""


def as_user_error(error: BaseException) -> PowerdeckError:
    """Any failure of a write as a one-line PowerdeckError (an OSError from flock, a bug ...)."""
    if isinstance(error, PowerdeckError):
        return error
    return LogWriteError(f"Could not save the review log ({describe(error)}). Your text is still "
                         "here; check the disk and the data folder, then save again.")


class LogWorker:
    """The one way to the log while the app runs (held as `app.store`); jobs get the `Log`."""

    def __init__(
        self,
        log: Log,
        deliver: Callable[[Callable[[Any], None], Any], None],
        *,
        on_change: Callable[[StoreChange], None] | None = None,
        report: Callable[[PowerdeckError], None] | None = None,
        summary: SummaryKeeper | None = None,
    ) -> None:
        self.log = log
        self._summary = summary
        self.read_in = False
        """True once `load` has read the whole log (set on the writer's thread)."""
        self.on_change = on_change
        """Told (through `deliver`) of every queued write that changed the log's version."""
        self.report = report
        """Told (through `deliver`) of a failed queued write that has no `on_error` of its own."""
        self._version: int | None = None
        self._lock = threading.RLock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="powerdeck-log")
        self._deliver = deliver
        self._closed = False
        self._queued = 0
        self._queued_lock = threading.Lock()

    def read(self, query: Callable[[Log], T]) -> T:
        """Run a query now, on the caller's thread (waiting for a write that is under way)."""
        with self._lock:
            return query(self.log)

    @property
    def busy(self) -> bool:
        """A write is queued or under way: a read now would wait for it (the writer holds the lock
        through its fsync, 80 ms for an entry at 10,000 entries)."""
        return self._queued > 0

    def after_writes(self, callback: Callable[[], None]) -> None:
        """`callback()` on the UI thread once the writes queued so far have finished: at once when
        none is, so the UI reads the log without waiting on the disk (used after queuing a write)."""
        if not self.busy or self.queue_write(lambda log: None, on_done=lambda _: callback()) is None:
            callback()

    def queue_write(
        self,
        job: Callable[[Log], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[PowerdeckError], None] | None = None,
        *,
        by: object = None,
    ) -> Future[None] | None:
        """Queue a write and return at once; the callbacks run on the UI thread when it has
        finished, then the change is announced as made `by` the caller (StoreChange)."""
        if self._closed:
            return None

        def run() -> None:
            change: StoreChange | None = None
            try:
                try:
                    with self._lock:
                        try:
                            result = job(self.log)
                        finally:
                            self._keep_summary()
                        change = self._changed(by)
                finally:
                    self._count(-1)  # before the callbacks: a callback that reads finds the store idle
            except BaseException as error:  # every failure reaches the user, none vanishes
                report = on_error or self.report
                if report is not None:
                    self._call_back(report, as_user_error(error))
                return
            if on_done is not None:
                self._call_back(on_done, result)
            if change is not None and self.on_change is not None:
                self._call_back(self.on_change, change)

        self._count(1)
        try:
            return self._executor.submit(run)
        except BaseException:
            self._count(-1)
            raise

    def _changed(self, by: object) -> StoreChange | None:
        """After a write, under the lock: the change to announce, if the log's version moved."""
        if self.on_change is None:
            return None
        try:
            version = self.log.version()
        except Exception:  # the write landed; a look that fails now is the watcher's to report
            return None
        if version == self._version:
            return None
        self._version = version
        return StoreChange(version, by)

    def _count(self, step: int) -> None:
        with self._queued_lock:
            self._queued += step

    def _call_back(self, callback: Callable[[T], None], value: T) -> None:
        try:
            self._deliver(callback, value)
        except RuntimeError:
            # The app has stopped: the write itself is done, nobody is left to tell.
            pass

    def write_and_wait(self, job: Callable[[Log], T]) -> T:
        """Write on the caller's thread, after every queued write, and return once it is on disk
        (for quitting and hang-ups)."""
        self.wait_for_writes()
        with self._lock:
            try:
                return job(self.log)
            except Exception as error:
                raise as_user_error(error) from error
            finally:
                self._keep_summary()

    def _keep_summary(self) -> None:
        """After a job, under the lock: the log's summary follows the log (log_summary.py). It only
        saves the next start time, so a failure here is no failure of the job."""
        if self._summary is not None:
            with suppress(PowerdeckError, OSError):
                self._summary.keep(self.log)

    def load(self, on_done: Callable[[int], None], on_error: Callable[[PowerdeckError], None]) -> None:
        """Read the whole log on the writer's thread (a start whose first frame came from the
        summary), then `on_done(version)` on the UI thread; the summary is written if it was stale."""

        def read_in(log: Log) -> int:
            # Parsing makes tens of thousands of objects that all stay: collections meanwhile
            # would only walk them again and again.
            collecting = gc.isenabled()
            gc.disable()
            try:
                log.entries()
                self.read_in = True
                return log.version()
            finally:
                if collecting:
                    gc.enable()

        self.queue_write(read_in, on_done, on_error)

    def wait_for_writes(self) -> None:
        """Block until every queued write has finished."""
        if not self._closed:
            self._executor.submit(lambda: None).result()

    def close(self) -> None:
        if not self._closed:
            self._executor.shutdown(wait=True)
            self._closed = True
