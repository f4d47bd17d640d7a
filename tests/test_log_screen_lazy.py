"""The review log opens cheaply: the entry's fields are built on first open, the footer only when
its keys change; and keys typed in a burst right after the first open still reach the field."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea
from textual.widgets._footer import FooterKey

from log_helpers import entries_by_id, open_log, seed
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.screens.dialogs.confirm_dialog import ChoiceDialog
from powerdeck.tui.screens.log.log_screen import LogScreen
from powerdeck.tui.widgets.card_view import CardView
from powerdeck.tui.widgets.entry_pane import EntryPane
from ui_helpers import burst, make_app, settle


async def test_entry_widgets_are_built_only_when_an_entry_is_opened(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        assert not screen.query(TextArea) and not screen.query(CardView) and not screen.query(EntryPane)
        # Filters, moving and deleting do not build them either.
        await pilot.press("o", "x", "down", "up")
        assert not screen.query(TextArea)
        await pilot.press("enter")
        assert screen.in_entry and len(screen.query(TextArea)) == 3
        pane = screen.query_one(EntryPane)
        await pilot.press("escape", "down", "enter")
        assert screen.query_one(EntryPane) is pane  # built once, then reused


async def test_keys_right_after_the_first_open_reach_the_field(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        # One burst, as a slow link delivers it: the fields do not exist yet when enter arrives.
        burst(app, "enter", "n", "o", "t", "e", "d")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen) and screen.in_entry
        # entry-007 has only its action: the cursor starts in Outcome.
        assert screen.editor.values()["outcome"] == "noted"


async def test_text_then_escape_or_save_in_one_burst_keeps_the_text(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "enter")
        # ctrl+s right behind the letters saves them too.
        burst(app, "a", "b", "ctrl+s")
        await settle(app, pilot)
        assert entries_by_id(data_dir)["entry-007"]["outcome"] == "ab"
        # Escape right behind the letters finds them in the field, so it asks.
        burst(app, "c", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("s")
        await settle(app, pilot)
        assert entries_by_id(data_dir)["entry-007"]["outcome"] == "abc"


async def test_a_kept_draft_is_announced_on_the_logs_one_signal(data_dir: Path) -> None:
    """The review log's own write reaches the deck screen the way another session's does: the
    store announces it on the log watcher's signal, marked as the log screen's."""
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        heard: list[object] = []
        app.log_watcher.changed.subscribe(deck, lambda change: heard.append(change.by))
        await pilot.press("L", "enter", "k", "e", "p", "t")
        log = app.screen
        assert isinstance(log, LogScreen)
        app.action_go_to_card("2.1")
        await settle(app, pilot)
        assert log in heard


def footer_keys(screen: LogScreen) -> dict[str, bool]:
    return {key.action: not key._disabled for key in screen.query(FooterKey)}


async def test_the_footer_follows_the_list_when_it_empties_and_fills(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        assert footer_keys(screen)["open_entry"] and footer_keys(screen)["delete"]
        await pilot.press("slash", "z", "z", "z", "enter")
        await pilot.pause()
        assert screen.shown == []
        assert not footer_keys(screen)["open_entry"] and not footer_keys(screen)["delete"]
        await pilot.press("x")
        await pilot.pause()
        assert footer_keys(screen)["open_entry"] and footer_keys(screen)["delete"]
        await pilot.press("enter")
        await pilot.pause()
        assert "save" in footer_keys(screen) and "open_entry" not in footer_keys(screen)


async def test_the_deck_shows_a_draft_kept_by_the_review_log_at_once(data_dir: Path) -> None:
    # Regression: the deck read drafts only at start, so a draft kept when an edited entry was
    # left (here by going to a card from the palette) appeared only after a restart.
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L", "enter", "k", "e", "p", "t")
        app.action_go_to_card("4.1")
        await settle(app, pilot)
        await settle(app, pilot)
        deck = app.screen
        assert isinstance(deck, DeckScreen) and deck.card_id == "4.1"
        assert "kept" in deck.editor.values()["outcome"] + deck.editor.values()["action"]
