#!/usr/bin/env python3
"""How long the review log screen takes to open, filter and open an entry, with 10,000 entries.

    .venv/bin/python bench/log_screen_timing.py               # 10,000 entries, 7 runs
    .venv/bin/python bench/log_screen_timing.py --entries 40 --runs 5

The app runs in-process under `App.run_test(size=(80, 24))` (headless, animation "none"). Each
step sends one key straight to the driver (no Pilot wait between keys) and is timed four ways:

- "first frame": key -> the first frame the app composes (App._display) after the step's effect is
  in place (the LogScreen mounted, the filter applied, the entry open). Headless Textual builds
  the frame but writes it nowhere, so this is the app's own cost, without a terminal.
- "last frame": key -> the last frame composed before the app goes idle (later refreshes, such
  as the footer's bindings, are done; Pilot's own closing refresh is not counted).
- "CPU": process CPU time from the key to the last frame: the work done, less sensitive than
  wall time to other programs on a shared machine.
- "pilot": key -> `await pilot.pause()` returning (the measure first asked for): the paint plus
  whatever runs after it, plus Pilot's idle detection (it sleeps in 20 ms slices), so its floor
  is about 20-40 ms whatever the app does.

Each run is a fresh app on the same log; the figure is the median of the runs. This is not
bench/run.py (the pty benchmark against a bare Textual floor); it is the quick in-process check
for the log screen.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from textual import events  # noqa: E402
from textual._wait import wait_for_idle  # noqa: E402

from powerdeck.core.entry import Entry, capability_of  # noqa: E402
from powerdeck.deck.model import load_deck  # noqa: E402
from powerdeck.store.log import Log  # noqa: E402
from powerdeck.tui.app import PowerDeckApp  # noqa: E402
from powerdeck.tui.options import AppOptions  # noqa: E402
from powerdeck.tui.screens.log.log_screen import LogScreen  # noqa: E402

BASE = datetime(2024, 1, 1, 9, 0, tzinfo=timezone.utc)
STEP_TIMEOUT = 20.0


def make_entries(count: int) -> list[Entry]:
    """Entries on every card in turn, an hour apart (fixed dates), about a third still open."""
    cards = [card.id for card in load_deck().cards]
    entries = []
    for n in range(count):
        card = cards[n % len(cards)]
        stamp = (BASE + timedelta(hours=n)).isoformat()
        entries.append(Entry(
            id=f"bench-{n:05d}", card=card, capability=capability_of(card),
            action=f"Action {n}: talk to the people who use service {n % 97}",
            outcome="" if n % 3 == 0 else f"Outcome {n}",
            learning="" if n % 5 == 0 else f"Learning {n}",
            created=stamp, updated=stamp,
        ))
    return entries


class Timer:
    """Wraps App._display to note when a frame is composed while `ready()` holds."""

    def __init__(self, app: PowerDeckApp) -> None:
        self.app = app
        self.ready: Callable[[], bool] = lambda: False
        self.painted: float | None = None
        self.last: float | None = None
        self.last_cpu = 0.0
        display = app._display

        def timed_display(screen, renderable) -> None:
            if renderable is not None and self.ready():
                self.last = time.perf_counter()
                self.last_cpu = time.process_time()
                if self.painted is None:
                    self.painted = self.last
            display(screen, renderable)

        app._display = timed_display  # type: ignore[method-assign]

    async def step(self, pilot, key: str, ready: Callable[[], bool]) -> tuple[float, float, float, float]:
        """Press `key`; return ms to the first frame once `ready`, to the last frame before
        pilot.pause returns, to pilot.pause returning, and the CPU ms to the last frame."""
        self.ready, self.painted, self.last = ready, None, None
        driver = self.app._driver
        assert driver is not None
        char = {"enter": "\r", "escape": "\x1b", "slash": "/"}.get(key, key if len(key) == 1 else None)
        start, start_cpu = time.perf_counter(), time.process_time()
        event = events.Key(key, char)
        event.set_sender(self.app)
        driver.send_message(event)
        while self.painted is None:
            if time.perf_counter() - start > STEP_TIMEOUT:
                raise TimeoutError(f"no frame after {key!r} within {STEP_TIMEOUT} s")
            await asyncio.sleep(0)
        painted = self.painted
        # pilot.pause(), with the last frame noted before its closing forced update.
        await pilot._wait_for_screen()
        await wait_for_idle(0)
        last = self.last or painted
        self.ready = lambda: False
        self.app.screen._on_timer_update()
        paused = time.perf_counter()
        cpu = self.last_cpu - start_cpu
        return (painted - start) * 1000, (last - start) * 1000, (paused - start) * 1000, cpu * 1000


def log_screen(app: PowerDeckApp) -> LogScreen | None:
    screen = app.screen
    return screen if isinstance(screen, LogScreen) and screen.is_mounted else None


async def one_run(data_dir: Path) -> dict[str, tuple[float, float, float, float]]:
    app = PowerDeckApp(load_deck(), Log.open(data_dir), AppOptions(animation="none"))
    times: dict[str, tuple[float, float, float, float]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        timer = Timer(app)
        times["open log (L)"] = await timer.step(pilot, "L", lambda: log_screen(app) is not None)
        screen = log_screen(app)
        assert screen is not None
        times["filter: open only (o)"] = await timer.step(pilot, "o", lambda: screen.entry_filter.open_only)
        times["clear filters (x)"] = await timer.step(pilot, "x", lambda: screen.entry_filter.is_empty)
        await timer.step(pilot, "slash", lambda: screen.searching)
        times["search: type a letter (1)"] = await timer.step(pilot, "1", lambda: screen.entry_filter.text == "1")
        await timer.step(pilot, "escape", lambda: not screen.searching)
        times["clear search (x)"] = await timer.step(pilot, "x", lambda: screen.entry_filter.is_empty)
        row = screen.entry_list.cursor
        times["move down (j)"] = await timer.step(pilot, "j", lambda: screen.entry_list.cursor == row + 1)
        times["open entry, first (enter)"] = await timer.step(pilot, "enter", lambda: screen.in_entry)
        times["back to list (escape)"] = await timer.step(pilot, "escape", lambda: not screen.in_entry)
        times["open entry, again (enter)"] = await timer.step(pilot, "enter", lambda: screen.in_entry)
        await timer.step(pilot, "escape", lambda: not screen.in_entry)
        times["back to cards (escape)"] = await timer.step(pilot, "escape", lambda: log_screen(app) is None)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="powerdeck-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        with Log.open(data_dir) as log:
            log.import_entries(make_entries(args.entries))
        runs = [asyncio.run(one_run(data_dir)) for _ in range(args.runs)]
    print(f"{args.entries:,} entries, 80x24, median of {args.runs} runs (min-max)\n")
    print("| step | first frame ms | last frame ms | pilot.pause ms | CPU ms to last frame |")
    print("|---|---:|---:|---:|---:|")
    for name in runs[0]:
        cells = []
        for column in range(4):
            values = [run[name][column] for run in runs]
            cells.append(f"{statistics.median(values):.1f} ({min(values):.0f}-{max(values):.0f})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
