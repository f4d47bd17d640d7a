"""Helpers for the Pilot tests of every screen: build the app on a temp data folder, wait for the
log's writer thread, send keys as a burst (the way a slow SSH link delivers them), read the file.

The review log's tests add their fixed entries from log_helpers.py."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import OptionList, Static, TextArea

from disk_helpers import drafts_on_disk, entries_on_disk, on_disk, state_on_disk  # noqa: F401  (re-exported)
from powerdeck.deck.model import load_deck
from powerdeck.store.log import Log
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.options import AppOptions
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.widgets.card_view import CardView
from powerdeck.tui.widgets.sidebar import CapabilitySidebar

DECK = load_deck()


def make_app(data_dir: Path, **options: Any) -> PowerDeckApp:
    options.setdefault("animation", "none")
    return PowerDeckApp(DECK, Log.open(data_dir), AppOptions(**options))


async def settle(app: PowerDeckApp, pilot: Pilot[None]) -> None:
    """Let queued log writes (off the event loop, so their callbacks can run) and workers (the
    export's thread) finish, then let the screen catch up."""
    await pilot.pause()
    await asyncio.to_thread(app.store.wait_for_writes)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def until(pilot: Pilot[None], check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Wait for something that arrives through several message hops (a resize reaches the screen
    after the app has handled it), without a fixed sleep that a loaded machine outruns."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def palette_offers(pilot: Pilot[None], wanted: str) -> None:
    """Wait until the command palette's search (it runs in the background) has highlighted a
    command that says `wanted`, so enter chooses it."""
    from textual.command import CommandList, CommandPalette

    def offered() -> bool:
        palette = pilot.app.screen
        if not isinstance(palette, CommandPalette):
            return False
        commands = palette.query_one(CommandList)
        index = commands.highlighted
        return index is not None and wanted.lower() in str(commands.get_option_at_index(index).prompt).lower()

    await until(pilot, offered, f"the palette offering {wanted!r}")


def burst(app: PowerDeckApp, *keys: str) -> None:
    """Send keys all at once, without Pilot's wait between keys (Pilot.press waits for idle)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        char = {"space": " ", "enter": "\r", "tab": "\t"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def deck_screen(app: PowerDeckApp) -> DeckScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, DeckScreen))
    return screen


def field(app: PowerDeckApp, name: str) -> TextArea:
    return deck_screen(app).editor.field(name)


async def entries_list(app: PowerDeckApp, pilot: Pilot[None]) -> OptionList:
    """The writing form's list of the card's entries. The form is built the first time writing
    starts, so this starts writing (enter) and leaves (escape) if the form is not there yet."""
    screen = deck_screen(app)
    if not screen.editor.built:
        await pilot.press("enter")
        await until(pilot, lambda: screen.editor.built, "the writing form")
        await pilot.press("escape")
    return screen.editor.query_one("#card-entries", OptionList)


def card_view(app: PowerDeckApp) -> CardView:
    return deck_screen(app).query_one(CardView)


def card_text(app: PowerDeckApp) -> str:
    return str(card_view(app).content)


def card_on_screen(app: PowerDeckApp) -> str:
    """The lines the card view draws now (what the terminal shows of the card)."""
    view = card_view(app)
    strips = view.render_lines(Region(0, 0, *view.outer_size))
    return "\n".join(strip.text.rstrip() for strip in strips)


def notes_text(app: PowerDeckApp) -> str:
    """What the reading screen says beside or under the card (its draft, its entries), lower case."""
    from powerdeck.tui.widgets.card_notes import CardNotes

    return deck_screen(app).query_one(CardNotes).text.lower()


def status(app: PowerDeckApp) -> str:
    return str(deck_screen(app).query_one("#status", Static).render())


def sidebar(app: PowerDeckApp) -> CapabilitySidebar:
    return deck_screen(app).query_one(CapabilitySidebar)


FAST_POLL = 0.05
"""The watcher's poll interval in tests (log_watch.POLL_SECONDS is patched to it)."""


def fast_watch(monkeypatch: Any) -> None:
    """Make the app's log watcher look every FAST_POLL seconds (call before the app starts)."""
    from powerdeck.tui import log_watch

    monkeypatch.setattr(log_watch, "POLL_SECONDS", FAST_POLL)


async def watcher_looks(app: PowerDeckApp, pilot: Pilot[None], looks: int = 2, timeout: float = 10.0) -> None:
    """Wait, by the watcher's own timer, until it has looked at the log `looks` more times (and the
    screens have had the change it published), bounded by `timeout` seconds."""
    target = app.log_watcher.looks + looks
    await until(pilot, lambda: app.log_watcher.looks >= target, f"{looks} looks of the log watcher", timeout)
    await pilot.pause()
    await pilot.pause()


async def quit_and_save_in(app: PowerDeckApp, pilot: Pilot[None], folder: Path) -> None:
    """ctrl+q with text the log refuses: the quit dialog must ask instead of quitting, and its
    "save to another folder" writes the text into `folder` (made here if missing)."""
    from textual.widgets import Input

    from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog

    await pilot.press("ctrl+q")
    await settle(app, pilot)
    assert app.is_running, "quit with the text refused and no dialog"
    dialog = app.screen
    assert isinstance(dialog, QuitDialog)
    folder.mkdir(exist_ok=True)
    dialog.query_one("#quit-folder", Input).value = str(folder)
    await pilot.click("#quit-save")
    await settle(app, pilot)
