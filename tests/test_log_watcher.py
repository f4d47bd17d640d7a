"""The app's one log watcher: another session's entry reaches every screen that shows the log, by
the app's own timer (nothing here calls a poll by hand); the look runs off the event loop; a
screen underneath redraws when it is shown again; and no read waits behind a queued write."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from log_helpers import open_log, seed
from powerdeck.core.entry import Entry, capability_of
from powerdeck.store.log import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.log_watch import LogWatch
from powerdeck.tui.screens.log.log_screen import LogScreen
from powerdeck.tui.screens.log.overview_screen import OverviewScreen
from ui_helpers import (
    deck_screen,
    drafts_on_disk,
    entries_list,
    fast_watch,
    field,
    make_app,
    notes_text,
    settle,
    sidebar,
    type_text,
    until,
    watcher_looks,
)


def write_elsewhere(data_dir: Path, card: str, action: str) -> None:
    """A second session (its own Log on the same folder) adds an entry."""
    with Log.open(data_dir) as other:
        other.add(card, action)


def the_log_screen(app: PowerDeckApp) -> LogScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, LogScreen))


def shown_actions(app: PowerDeckApp) -> list[str]:
    return [entry.action for entry in the_log_screen(app).shown]


def chart(app: PowerDeckApp) -> str:
    return str(app.screen.query_one("#overview-chart", Static).render())


def capability_label(app: PowerDeckApp, number: int) -> str:
    """The capability's first line in the sidebar (its title and count), of the first capability's
    listing (the showing capability lists its cards under it)."""
    return str(sidebar(app).get_option_at_index(number - 1).prompt).splitlines()[0]


async def test_another_sessions_entry_reaches_the_deck_screen(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "1 entry" not in notes_text(app)
        write_elsewhere(data_dir, "1.1", "written in the other session")
        await until(pilot, lambda: "1 entry" in notes_text(app), "the entry in the card's notes")
        await until(pilot, lambda: capability_label(app, 1).rstrip().endswith("1"), "the count in the sidebar")
        entries = await entries_list(app, pilot)
        assert "written in the other session" in str(entries.get_option_at_index(1).prompt)


async def test_another_sessions_entry_reaches_the_review_log(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        before = len(shown_actions(app))
        write_elsewhere(data_dir, "3.2", "from the other window")
        await until(pilot, lambda: "from the other window" in shown_actions(app), "the entry in the list")
        assert len(shown_actions(app)) == before + 1


async def test_another_sessions_entry_reaches_the_overview(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_open_overview()
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert "0 entries" in chart(app)
        write_elsewhere(data_dir, "3.2", "from the other window")
        await until(pilot, lambda: "1 entry " in chart(app), "the entry in the overview")


async def test_a_hidden_screen_redraws_when_shown_again(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        card_entries = await entries_list(app, pilot)
        await open_log(app, pilot)
        await pilot.press("v")  # the overview over the review log, over the deck
        assert isinstance(app.screen, OverviewScreen)
        deck, log = deck_screen(app), the_log_screen(app)
        listed = card_entries.option_count
        redrawn: list[str] = []
        real = log.log_list.show
        monkeypatch.setattr(log.log_list, "show", lambda *a, **k: (redrawn.append("log"), real(*a, **k))[1])
        write_elsewhere(data_dir, "1.1", "seen from below")
        await until(pilot, lambda: "8 entries" in chart(app), "the entry in the overview on top")
        await watcher_looks(app, pilot)
        # Underneath: marked stale, not redrawn for nobody to see.
        assert deck.log_follower.stale and log.log_follower.stale
        assert redrawn == []
        assert "seen from below" not in shown_actions(app)
        await pilot.press("escape")  # back to the review log: it redraws now
        await until(pilot, lambda: "seen from below" in shown_actions(app), "the entry once the list is shown")
        assert not log.log_follower.stale
        assert card_entries.option_count == listed  # the deck was not redrawn while hidden
        await pilot.press("escape")  # back to the cards: they redraw now
        await until(pilot, lambda: card_entries.option_count == listed + (1 if listed else 2),
                    "the entry on the deck once shown")
        assert "seen from below" in str(card_entries.get_option_at_index(1).prompt)
        assert not deck.log_follower.stale


async def test_the_watcher_looks_off_the_event_loop(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    threads: list[int] = []
    real = LogWatch.changed

    def recording(self: LogWatch) -> bool:
        threads.append(threading.get_ident())
        return real(self)

    monkeypatch.setattr(LogWatch, "changed", recording)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        loop_thread = threading.get_ident()  # the test runs on the app's event loop
        # Written once the watcher is looking: written during start-up, the entry came with the
        # app's first read of the log and the watcher had nothing to see (a failure in CI).
        await watcher_looks(app, pilot, looks=1)
        write_elsewhere(data_dir, "1.1", "parsed on the watcher's thread")
        await until(pilot, lambda: "1 entry" in notes_text(app), "the entry")
        assert threads
        assert loop_thread not in threads


async def test_a_change_is_published_once(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await watcher_looks(app, pilot)  # start-up's own writes
        published: list[int] = []
        app.log_watcher.changed.subscribe(deck_screen(app), lambda change: published.append(change.version))
        write_elsewhere(data_dir, "1.1", "once")
        await until(pilot, lambda: bool(published), "the change")
        await watcher_looks(app, pilot, looks=4)
        assert len(published) == 1


def big_log(data_dir: Path, count: int) -> None:
    stamp = "2025-01-01T09:00:00+00:00"
    cards = ["2.1", "3.1", "4.1", "5.1"]
    with Log.open(data_dir) as log:
        log.import_entries([
            Entry(id=f"bulk-{n:05d}", card=cards[n % 4], capability=capability_of(cards[n % 4]),
                  action=f"entry {n}: spoke with the group about next steps", outcome="", learning="",
                  created=stamp, updated=stamp)
            for n in range(count)
        ])


class HeldWriter:
    """Holds every queued write at its start until released, and records the store reads that
    the event loop makes meanwhile (each would have waited behind the write)."""

    def __init__(self, app: PowerDeckApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.queued = 0
        self.reads_while_busy: list[str] = []
        store = app.store
        real_write, real_read = store.queue_write, store.read

        def write(job: Callable[[Log], Any], *args: Any, **kwargs: Any) -> Any:
            self.queued += 1

            def held(log: Log) -> Any:
                try:
                    self.gate.wait(timeout=10)
                    return job(log)
                finally:
                    self.queued -= 1

            return real_write(held, *args, **kwargs)

        def read(query: Callable[[Log], Any]) -> Any:
            if self.queued and threading.current_thread() is threading.main_thread():
                self.reads_while_busy.append(getattr(query, "__qualname__", repr(query)))
                self.gate.set()  # let the write go, or this read would wait for ever
            return real_read(query)

        monkeypatch.setattr(store, "queue_write", write)
        monkeypatch.setattr(store, "read", read)


async def test_moving_on_after_a_draft_never_reads_behind_its_write(data_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: moving to another card queued the old card's draft, then read the new card's
    # entries and the counts: reads that waited on the store's lock, which the writer holds
    # through its fsync (27-31 ms at 10,000 entries, against 0.4 ms idle).
    big_log(data_dir, 2_000)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "a thought")
        held = HeldWriter(app, monkeypatch)
        await pilot.press("escape", "right", "right")  # leave (queues the draft), move on at once
        assert deck_screen(app).card_id == "1.3"
        assert held.reads_while_busy == []
        held.gate.set()
        await settle(app, pilot)
        assert held.reads_while_busy == []
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "a thought"
        await pilot.press("left", "left")  # back: the draft is in the editor, marked as kept
        await settle(app, pilot)
        assert field(app, "action").text == "a thought"
        assert "draft kept" in notes_text(app)


async def test_a_card_shown_while_a_write_is_under_way_gets_its_entries_when_it_lands(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big_log(data_dir, 2_000)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "a thought")
        held = HeldWriter(app, monkeypatch)
        await pilot.press("escape", "2")  # capability 2's first card: 500 entries of 2.1
        assert deck_screen(app).card_id == "2.1"
        assert held.reads_while_busy == []
        held.gate.set()
        await until(pilot, lambda: "500 entries" in notes_text(app), "2.1's entries once the draft landed")
        assert held.reads_while_busy == []


async def test_after_a_save_the_screen_reads_once_the_queued_writes_land(data_dir: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "saved words")
        held = HeldWriter(app, monkeypatch)
        await pilot.press("ctrl+s")
        await asyncio.sleep(0)
        assert held.reads_while_busy == []
        held.gate.set()
        await until(pilot, lambda: "1 entry" in notes_text(app) or "saved words" in notes_text(app),
                    "the saved entry in the notes")
        await settle(app, pilot)
        assert held.reads_while_busy == []
