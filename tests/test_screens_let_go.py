"""A screen taken down is let go: nothing the app keeps for its whole life holds on to it.

Three things held closed screens, each found by opening and closing the review log in a real
terminal (the app grew 0.7 MiB a visit): the log watcher's Signal (a subscriber stayed until the
log next changed), Textual's style cache (an lru_cache keyed on each widget's StylesCache), and the
last worker a pool thread ran, which Textual leaves in that thread's context (the search texts'
worker was the screen's).
"""

from __future__ import annotations

import gc
import weakref

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from powerdeck.deck.model import load_deck
from powerdeck.store import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.options import AppOptions
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.screens.log.log_screen import LogScreen
from powerdeck.tui.screens.log.overview_screen import OverviewScreen


async def until_on_top(pilot: Pilot[object], kind: type[Screen[object]], key: str) -> Screen[object]:
    """Press `key` (a command letter acts after a moment), then wait for a `kind` on top."""
    await pilot.press(key)
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{key} did not bring up a {kind.__name__}; on top: {pilot.app.screen}")


@pytest.mark.asyncio
async def test_the_review_log_and_its_overview_are_let_go_once_closed(tmp_path) -> None:
    log = Log.open(tmp_path / "data")
    app = PowerDeckApp(load_deck(), log, AppOptions(animation="none"))
    closed: list[weakref.ref[Screen[object]]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(3):
            closed.append(weakref.ref(await until_on_top(pilot, LogScreen, "L")))
            closed.append(weakref.ref(await until_on_top(pilot, OverviewScreen, "v")))
            await until_on_top(pilot, LogScreen, "escape")
            await until_on_top(pilot, DeckScreen, "escape")
        await app.workers.wait_for_complete()  # the last review log's search texts, made on a thread
        await pilot.pause()
        gc.collect()
        kept = [type(ref()).__name__ for ref in closed if ref() is not None]
        assert kept == [], f"screens still in memory after they were closed: {kept}"
        assert log.count() == 0  # nothing written meanwhile (a change of the log let them go before)
    log.close()


@pytest.mark.asyncio
async def test_what_a_closed_screens_widgets_drew_is_let_go_too(tmp_path) -> None:
    # Textual's StylesCache.get_inner_outer is an lru_cache keyed on each widget's style cache:
    # it kept up to 1024 of them, with their rendered lines, after the widgets were gone
    # (tui/styles_cache_fix.py).
    log = Log.open(tmp_path / "data")
    app = PowerDeckApp(load_deck(), log, AppOptions(animation="none"))
    drawn: list[weakref.ref[object]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(2):
            screen = await until_on_top(pilot, LogScreen, "L")
            await pilot.pause()
            drawn.extend(weakref.ref(widget._styles_cache) for widget in screen.walk_children(with_self=True))
            del screen
            await until_on_top(pilot, DeckScreen, "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        gc.collect()
        kept = sum(1 for ref in drawn if ref() is not None)
        assert kept == 0, f"{kept} of {len(drawn)} style caches of closed screens still in memory"
    log.close()
