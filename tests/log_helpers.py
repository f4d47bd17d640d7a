"""Helpers for the review log screen's tests: fixed entries, seeded into a log, read back by id.

The app itself and settling come from ui_helpers.py, as for every screen."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from powerdeck.core.entry import Entry, capability_of
from powerdeck.store.log import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.screens.log.log_screen import LogScreen
from ui_helpers import on_disk

BASE = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc)
MARKUP = "[/b] [link=x]y[/link] [bold] 😀 中文 שלום עולם"


def entry(n: int, card: str, action: str, outcome: str = "", learning: str = "", *,
          when: datetime | None = None) -> Entry:
    stamp = (when or BASE + timedelta(days=n)).isoformat()
    return Entry(id=f"entry-{n:03d}", card=card, capability=capability_of(card), action=action,
                 outcome=outcome, learning=learning, created=stamp, updated=stamp)


SAMPLE = [
    entry(1, "1.1", "Walk the estate with a community worker", "Met three families", "Listen first"),
    entry(2, "1.2", "Map who our team relies on", "", ""),
    entry(3, "4.2", "Ask the patient group what super diversity means", "Lively meeting", ""),
    entry(4, "4.2", "Invite two seldom-heard voices to the board", "They came", "Pay people for their time"),
    entry(5, "10.1", "Notice when I use positional power in meetings\nsecond line", "", ""),
    entry(6, "7.2", "Visit the VCSE food bank", "Good talk", "Go again"),
    entry(7, "4.1", MARKUP, "", ""),
]


def seed(data_dir: Path, entries: list[Entry] | None = None) -> None:
    with Log.open(data_dir) as log:
        log.import_entries(SAMPLE if entries is None else entries)


def entries_by_id(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The entries in log.json, by entry id."""
    return {doc["id"]: doc for doc in on_disk(data_dir).get("entries", {}).values()}


def log_screen(app: PowerDeckApp) -> LogScreen:
    screen = app.screen
    assert isinstance(screen, LogScreen), screen
    return screen


async def open_log(app: PowerDeckApp, pilot: Pilot[None]) -> LogScreen:
    """L from the cards: the review log, once it has drawn."""
    await pilot.press("L")
    await pilot.pause()
    return log_screen(app)
