"""A log damaged by another program while the app runs: the app says so and keeps going."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from powerdeck.deck.model import Deck
from powerdeck.store.log import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.options import AppOptions
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from ui_helpers import fast_watch, watcher_looks


async def test_the_poll_reports_a_damaged_log_and_the_app_keeps_running(
        deck: Deck, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    log = Log.open(data_dir)
    log.add("1.1", "walk with a colleague")
    app = PowerDeckApp(deck, log, options=AppOptions(animation="none"))
    async with app.run_test(notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, DeckScreen)
        garbage = data_dir / "garbage"
        garbage.write_bytes(b"not json at all")
        os.replace(garbage, data_dir / "log.json")
        await watcher_looks(app, pilot, looks=3)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert not any("cannot be opened" in message for message in messages)  # no toast over the screen
        # Said once, in the line above the status bar, not once per look.
        assert "cannot be opened" in app.problems.line
        assert "cannot be opened" in str(screen.query_one("#problem-line").render())
        await pilot.press("right")
        assert screen.card_id == "1.2"
    assert (data_dir / "log.json").read_bytes() == b"not json at all"
