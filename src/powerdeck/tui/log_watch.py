"""The one signal of every change to the review log: this process's writes and another session's.

This process's writes are announced by the store itself (store/log_worker.py: every queued write
that changes the log's version, with `by`, the screen or object that wrote it); the app hands each
to `LogWatcher.announce`. Another session's writes are noticed by looking:

Every POLL_SECONDS the app's timer asks, on a thread (asyncio.to_thread), whether the log or the
state file changed. A change is read in on that thread too: the file is parsed, validated and
indexed there, so the screens' next reads find it cached and the event loop never parses the log
(35-45 ms at 10,000 entries). Either way the change is published once, on the event loop, through
`LogWatcher.changed` (a Textual Signal) with the log's version; each screen that shows log data
follows it with a `LogFollower`: the screen on top redraws (once the writes queued meanwhile have
landed, so it never reads behind one), a screen underneath marks itself stale and redraws when it
is shown again (Textual keeps a hidden screen's timers running, so a poller per screen would
redraw what nobody sees). A screen skips a change it wrote itself: it shows it already.

A log damaged by another program mid-session is reported here, once (reads keep showing the last
good data; writes refuse until it is mended).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.signal import Signal

from powerdeck.core.errors import PowerdeckError
from powerdeck.store import Log, LogWorker, StoreChange

if TYPE_CHECKING:
    from powerdeck.tui.app import PowerDeckApp

POLL_SECONDS = 2.0
"""How often to look whether another session changed the log (a stat of two files off the event
loop; nothing is read or drawn unless something changed)."""


class LogWatch:
    """Whether the log's contents changed since the last look (a stat; parsed only if changed)."""

    def __init__(self, store: LogWorker, *, deferred: bool = False) -> None:
        """`deferred`: the log is read after the first frame (LogWorker.load), which sets the
        version seen first (`seen`): reading it here would parse the log before the first frame."""
        self._store = store
        self._seen: int | None = None if deferred else store.read(lambda log: log.version())

    def changed(self) -> bool:
        # Disk first: reading the version takes in another session's write and would hide it.
        on_disk, version = self._store.read(lambda log: (log.changed_on_disk(), log.version()))
        changed = on_disk or (self._seen is not None and version != self._seen)
        self._seen = version
        return changed

    def seen(self, version: int) -> None:
        """The log as read in after a first frame drawn from its summary."""
        self._seen = version

    @property
    def version(self) -> int:
        """The log's version at the last look."""
        return self._seen or 0

    def saw(self, version: int) -> None:
        """Our own write, announced by the store: no need to find it again at the next look."""
        self._seen = version


@dataclass(frozen=True)
class LogChange:
    """The log's contents changed (another session wrote, or our own writes since the last look)."""

    version: int
    by: object = None
    """Who in this process wrote it (the store's StoreChange.by); None: another session, or anyone."""


@dataclass(frozen=True)
class _Look:
    changed: bool
    version: int
    problem: PowerdeckError | None


def _read_in(log: Log) -> PowerdeckError | None:
    log.entries()  # index what was parsed, here on the watcher's thread rather than at the next draw
    return log.problem


class LogWatcher:
    """The app's one watcher (started in the app's on_mount; one timer for every screen)."""

    def __init__(self, app: PowerDeckApp, store: LogWorker, *, deferred: bool = False) -> None:
        self._app = app
        self.store = store
        """The store whose changes this publishes (followers wait for its queued writes)."""
        self._watch = LogWatch(store, deferred=deferred)
        self._reported = ""
        self.changed: Signal[LogChange] = Signal(app, "log-changed")
        """Published on the event loop after a change was seen and read in."""
        self.looks = 0
        """How many looks have finished (tests wait on it rather than on a clock)."""

    def start(self) -> None:
        self._app.set_interval(POLL_SECONDS, self._tick, name="log-watch")

    def announce(self, change: StoreChange) -> None:
        """The store wrote for this process (on the event loop): published as another's write is."""
        # A write landed: what refused the last ones is gone (a look finds it again if it is not).
        self._reported = ""
        self._app.problems.clear()
        if change.by is None:
            # Everyone redraws for it, so the next look need not find it again. A change by someone
            # is left for the look to find too: the version may hold another session's write, read
            # in along with ours, which the writer's own screen would otherwise skip.
            self._watch.saw(change.version)
        self.changed.publish(LogChange(change.version, change.by))

    async def _tick(self) -> None:
        # Textual's timer awaits this before its next tick (and skips missed ones): one look at a time.
        look = await asyncio.to_thread(self._look)
        self.looks += 1
        if look.changed:
            self.changed.publish(LogChange(look.version))
        self._report(look.problem)

    def _look(self) -> _Look:
        """On the watcher's thread: stat the files; if they changed, parse, validate and index."""
        try:
            changed = self._watch.changed()
            problem = self.store.read(_read_in) if changed else self.store.read(lambda log: log.problem)
        except PowerdeckError as error:  # a look never ends the app: the text stays in the editor
            return _Look(False, self._watch.version, error)
        return _Look(changed, self._watch.version, problem)

    def log_read_in(self, version: int) -> None:
        """The log was read in after a first frame drawn from its summary: every screen following
        the log reads it now (what they show from the summary is then drawn again only if it
        differs, which it does not unless the log changed in between)."""
        self._watch.seen(version)
        self.changed.publish(LogChange(version))

    def _report(self, problem: PowerdeckError | None) -> None:
        # Damaged by another program: said once, until it changes or is mended.
        if problem is None:
            self._reported = ""
            return
        if str(problem) == self._reported:
            return
        self._reported = str(problem)
        self._app.report_error(problem)


def in_view(screen: Screen[Any]) -> bool:
    """The screen is on top, or shows through every screen above it (a dialog's dimmed backdrop).

    Not Screen.is_current: that counts the screen right under the top one as visible whatever
    covers it (App._background_screens tests the lower screen's own background, not the upper's)."""
    stack = screen.app.screen_stack
    if screen not in stack:
        return False
    above = stack[stack.index(screen) + 1:]
    return all(upper.styles.background.a < 1 for upper in above)


class LogFollower:
    """Keeps one screen's log data current: redraws it on a change while it is the screen on top,
    else marks it stale and redraws when it is shown again (call `resumed` from on_screen_resume).

    `follow` from the screen's on_mount, `stop` from its on_unmount. The watcher lives as long as
    the app, and a Textual Signal holds each subscriber by a callback that refers to it: a removed
    screen left subscribed stayed in memory, with every widget and rendered line it had, until the
    log next changed (about 0.7 MiB each time the review log was opened and closed)."""

    def __init__(self, screen: Screen[Any], redraw: Callable[[], None]) -> None:
        self._screen = screen
        self._redraw = redraw
        self._store: LogWorker | None = None
        self._watcher: LogWatcher | None = None
        self.stale = False

    def follow(self, watcher: LogWatcher) -> None:
        """Subscribe (from the screen's on_mount)."""
        self._store = watcher.store
        self._watcher = watcher
        watcher.changed.subscribe(self._screen, self._changed)

    def stop(self) -> None:
        """Unsubscribe (from the screen's on_unmount)."""
        if self._watcher is not None:
            self._watcher.changed.unsubscribe(self._screen)
            self._watcher = None

    def _changed(self, change: LogChange) -> None:
        if change.by is self._screen:
            return  # its own write: the screen drew it as it made it
        if in_view(self._screen):
            self.stale = False
            self._redraw_after_writes()
        else:
            self.stale = True

    def _redraw_after_writes(self) -> None:
        # A read now would wait on the store's lock behind a queued write (held through its fsync).
        if self._store is None:
            self._redraw()
        else:
            self._store.after_writes(self._redraw)

    def resumed(self) -> None:
        if self.stale:
            self.stale = False
            self._redraw_after_writes()
