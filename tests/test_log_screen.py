"""The review log screen driven by keys: filters alone and combined, edit, delete and undo, back."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, SelectionList, Static

from log_helpers import MARKUP, SAMPLE, entries_by_id, entry, log_screen, open_log, seed
from powerdeck.core.entry import EntryFilter
from powerdeck.store.log import Log
from powerdeck.tui.screens.deck.deck_screen import DeckScreen
from powerdeck.tui.screens.dialogs.confirm_dialog import ChoiceDialog
from powerdeck.tui.screens.log.filter_dialogs import CapabilityPicker, CardPicker, PeriodPicker
from powerdeck.tui.screens.log.log_screen import LogScreen
from ui_helpers import fast_watch, make_app, settle, until

SIZES = [(80, 24), (120, 40)]


def shown_ids(app) -> list[str]:
    return [e.id for e in log_screen(app).shown]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize("size", SIZES)
async def test_lists_entries_newest_first_with_a_count(data_dir: Path, size) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await open_log(app, pilot)
        assert shown_ids(app) == [e.id for e in reversed(SAMPLE)]
        assert "7 of 7 entries" in text_of(app, "#log-title")
        assert "4 open" in text_of(app, "#log-title")


async def test_empty_log_says_how_to_start(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        assert shown_ids(app) == []
        assert "0 of 0 entries" in text_of(app, "#log-title")
        assert "empty" in text_of(app, "#log-empty")
        await pilot.press("enter", "d", "u")  # nothing to open, delete or undo: no crash
        assert isinstance(app.screen, LogScreen)


async def test_capability_filter_picks_several_by_number(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, CapabilityPicker)
        await pilot.press("4", "0", "enter")  # 0 is capability 10
        screen = log_screen(app)
        assert screen.entry_filter.capabilities == {4, 10}
        assert set(shown_ids(app)) == {"entry-003", "entry-004", "entry-005", "entry-007"}
        assert "4 of 7 entries" in text_of(app, "#log-title")
        assert "capability 4, 10" in text_of(app, "#log-filters")
        # Space toggles the highlighted one; escape changes nothing.
        await pilot.press("c")
        assert set(app.screen.query_one(SelectionList).selected) == {4, 10}
        await pilot.press("escape")
        assert log_screen(app).entry_filter.capabilities == {4, 10}


async def test_card_filter(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("a")
        assert isinstance(app.screen, CardPicker)
        # "Any card", 1.1, 1.2, 1.3, 2.1 ... : 4.2 is the 11th card.
        await pilot.press(*["down"] * 11, "enter")
        assert log_screen(app).entry_filter.card == "4.2"
        assert shown_ids(app) == ["entry-004", "entry-003"]
        assert "card 4.2" in text_of(app, "#log-filters")
        await pilot.press("a", "enter")  # the picker starts on 4.2; enter keeps it
        assert log_screen(app).entry_filter.card == "4.2"
        await pilot.press("a", "up", "up", "up", "up", "up", "up", "up", "up", "up", "up", "up", "enter")
        assert log_screen(app).entry_filter.card is None


async def test_search_is_live_and_covers_action_outcome_and_learning(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("slash")
        assert isinstance(app.screen.focused, Input)
        await pilot.press("t", "i", "m", "e")  # letters type, they are not filter keys here
        await pilot.pause()
        assert log_screen(app).entry_filter.text == "time"
        assert shown_ids(app) == ["entry-004"]  # "Pay people for their time" is its learning
        await pilot.press("enter")
        assert not isinstance(app.screen.focused, Input)
        assert "“time”" in text_of(app, "#log-filters")
        await pilot.press("slash", "backspace", "backspace", "backspace", "backspace", "escape")
        assert log_screen(app).entry_filter.is_empty
        assert isinstance(app.screen, LogScreen)


async def test_search_in_outcome_is_case_insensitive(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("slash", "F", "A", "M", "I", "L", "I", "E", "S", "enter")
        assert shown_ids(app) == ["entry-001"]  # "Met three families"


async def test_open_only_toggles(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("o")
        assert shown_ids(app) == ["entry-007", "entry-005", "entry-003", "entry-002"]
        assert "open only ✓" in text_of(app, "#log-filters")
        await pilot.press("o")
        assert len(shown_ids(app)) == 7


async def test_period_presets_and_typed_dates(data_dir: Path) -> None:
    now = datetime.now().astimezone()
    recent = [entry(50, "2.1", "Recent one", when=now - timedelta(days=3)),
              entry(51, "2.2", "Older one", when=now - timedelta(days=90))]
    seed(data_dir, SAMPLE + recent)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("p")
        assert isinstance(app.screen, PeriodPicker)
        await pilot.press("down", "enter")  # last 30 days
        assert shown_ids(app) == ["entry-050"]
        # Typed dates: a bad date is refused with a message, and the dialog stays.
        await pilot.press("p", "tab")
        await pilot.press(*"2025-13-01", "enter")
        assert isinstance(app.screen, PeriodPicker)
        assert "is not a date: there is no month 13" in str(app.screen.query_one("#period-error", Static).render())
        start = app.screen.query_one("#period-from", Input)
        start.value = "2025-03-05"
        app.screen.query_one("#period-to", Input).value = "2025-03-07"
        await pilot.press("tab", "enter")
        screen = log_screen(app)
        assert str(screen.entry_filter.since) == "2025-03-05" and str(screen.entry_filter.until) == "2025-03-07"
        assert shown_ids(app) == ["entry-004", "entry-003", "entry-002"]
        assert "05/03/2025 to 07/03/2025" in text_of(app, "#log-filters")  # the UK way (issue 24)
        # From after To is refused too.
        await pilot.press("p")
        app.screen.query_one("#period-from", Input).value = "2025-04-01"
        app.screen.query_one("#period-to", Input).value = "2025-03-01"
        await pilot.press("tab", "enter")
        assert "is after" in str(app.screen.query_one("#period-error", Static).render())
        await pilot.press("escape")
        assert shown_ids(app) == ["entry-004", "entry-003", "entry-002"]


async def test_filters_combine_and_x_clears_them_all(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_log(app, pilot)
        await pilot.press("c", "4", "1", "enter")  # capabilities 1 and 4: five entries
        assert len(shown_ids(app)) == 5
        await pilot.press("o")  # and open: 1.2, 4.2 (no learning), the markup one on 4.1
        assert shown_ids(app) == ["entry-007", "entry-003", "entry-002"]
        await pilot.press("slash", "s", "u", "p", "e", "r", "enter")  # and "super"
        assert shown_ids(app) == ["entry-003"]
        assert "1 of 7 entries" in text_of(app, "#log-title")
        line = text_of(app, "#log-filters")
        assert "capability 1, 4" in line and "open only ✓" in line and "“super”" in line
        # The filter is the same as the log's own query with those settings.
        expected = EntryFilter(capabilities=frozenset({1, 4}), text="super", open_only=True)
        with Log.open(data_dir) as log:
            assert [e.id for e in log.entries(expected)] == shown_ids(app)
        await pilot.press("x")
        assert log_screen(app).entry_filter.is_empty
        assert len(shown_ids(app)) == 7
        assert "7 of 7 entries" in text_of(app, "#log-title")


@pytest.mark.parametrize("size", SIZES)
async def test_open_edit_and_save_an_entry(data_dir: Path, size) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await open_log(app, pilot)
        await pilot.press("down", "down", "down", "down")  # entry-003: outcome written, learning open
        assert log_screen(app).entry_list.current.id == "entry-003"
        await pilot.press("enter")
        screen = log_screen(app)
        assert screen.in_entry
        # The card is showing beside (or above) the fields, and focus is on the open field.
        assert screen.query_one("#entry-card").display
        assert screen.focused is screen.editor.field("learning")
        await pilot.press("n", "o", "t", "e", "d")  # letters type here, they are not keys
        await pilot.press("shift+tab")
        assert screen.focused is screen.editor.field("outcome")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = entries_by_id(data_dir)["entry-003"]
        assert saved["learning"] == "noted"
        assert saved["outcome"] == "Lively meeting"
        assert saved["created"] == SAMPLE[2].created
        assert saved["updated"] != SAMPLE[2].updated
        assert not screen.editor.is_dirty
        await pilot.press("escape")  # nothing unsaved: straight back to the list
        assert not screen.in_entry
        assert screen.entry_list.current.id == "entry-003"
        assert not screen.entry_list.current.is_open


async def test_escape_with_unsaved_changes_asks(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("enter")  # entry-007, the markup one (all fields but action empty)
        await pilot.press("x", "y")
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("k")  # keep editing: nothing lost
        screen = log_screen(app)
        assert screen.in_entry and screen.editor.values()["outcome"] == "xy"
        await pilot.press("escape", "s")  # save
        await settle(app, pilot)
        assert entries_by_id(data_dir)["entry-007"]["outcome"] == "xy"
        assert not screen.in_entry
        # Discard asks too, and then leaves the stored text alone.
        await pilot.press("enter", "z", "escape", "d")
        await settle(app, pilot)
        assert not screen.in_entry
        assert entries_by_id(data_dir)["entry-007"]["outcome"] == "xy"


async def test_leaving_by_palette_keeps_unsaved_text_as_a_draft(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("enter", "k", "e", "p", "t")
        app.action_go_to_card("2.1")
        await settle(app, pilot)
        assert isinstance(app.screen, DeckScreen)
    with Log.open(data_dir) as log:
        draft = log.draft("4.1")
        assert draft is not None and draft.outcome == "kept" and draft.entry_id == "entry-007"


async def test_a_blur_seen_while_the_editor_is_taken_down_is_let_go(data_dir: Path) -> None:
    # Regression: the editor marks the field taking the typing a refresh after a blur; when that
    # refresh came while leaving by the palette had taken its fields down but not yet its labels,
    # looking for the focused field raised NoMatches and the app stopped (the full test run, with
    # frames every 4 ms, met it in the test above).
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_log(app, pilot)
        await pilot.press("enter")
        await until(pilot, lambda: screen.in_entry, "the entry open")
        editor = screen.editor
        await editor.field("action").remove()
        editor._mark_active()  # what the blur's refresh runs
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_text_typed_after_a_quit_that_did_not_happen_is_kept_on_leaving(data_dir: Path) -> None:
    """A quit writes the open entry's changes and waits; if the app then goes on (the quit dialog's
    "keep editing", because another write was refused), what is typed next must still be kept
    when the screen is left, not skipped as "already written"."""
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("enter", "o", "n", "e")
        assert log_screen(app).write_unsaved_and_wait() is None  # as action_quit does first
        await pilot.press("space", "t", "w", "o")
        app.action_go_to_card("2.1")
        await settle(app, pilot)
        assert isinstance(app.screen, DeckScreen)
    with Log.open(data_dir) as log:
        draft = log.draft("4.1")
        assert draft is not None and draft.outcome == "one two" and draft.entry_id == "entry-007"


async def test_delete_asks_then_undo_restores(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("down")  # entry-006
        await pilot.press("d")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert "entry-006" in entries_by_id(data_dir)
        await pilot.press("delete", "y")
        await settle(app, pilot)
        assert "entry-006" not in entries_by_id(data_dir)
        assert "entry-006" not in shown_ids(app)
        assert "6 of 6 entries" in text_of(app, "#log-title")
        await pilot.press("u")
        await settle(app, pilot)
        restored = entries_by_id(data_dir)["entry-006"]
        assert restored == SAMPLE[5].to_dict()
        assert shown_ids(app) == [e.id for e in reversed(SAMPLE)]
        assert log_screen(app).entry_list.current.id == "entry-006"


async def test_undo_is_gone_after_leaving_the_screen(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("d", "y")
        await settle(app, pilot)
        await pilot.press("escape", "L")
        await pilot.pause()
        assert log_screen(app).deleted == []
        await pilot.press("u")
        await settle(app, pilot)
        assert "entry-007" not in entries_by_id(data_dir)


async def test_escape_returns_to_the_same_card(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "right")
        deck = app.screen
        assert isinstance(deck, DeckScreen) and deck.card_id == "5.2"
        await open_log(app, pilot)
        await pilot.press("enter", "escape", "c", "3", "enter", "escape")
        await pilot.pause()
        assert app.screen is deck and deck.card_id == "5.2"


async def test_markup_and_odd_text_are_shown_literally(data_dir: Path) -> None:
    long_line = "x" * 5000
    many_lines = "\n".join(f"line {n} [/i]" for n in range(1, 1500))[:10000]
    seed(data_dir, [entry(1, "4.1", MARKUP, "[bold]unclosed", "[/]"),
                    entry(2, "4.2", long_line, "\t\x1b[31mescape", "ok"),
                    entry(3, "9.1", many_lines, "", "")])
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.pause()
        screen = log_screen(app)
        first = screen.entry_list.render_line(0).text
        await pilot.press("down", "down")
        assert "[/b] [link=x]y[/link] [bold]" in screen.entry_list.render_line(2).text
        assert first.startswith(" ○ ")
        for _ in range(3):
            await pilot.press("enter")
            await pilot.pause()
            assert screen.in_entry
            await pilot.press("escape")
            await pilot.press("up")
        await pilot.press("slash", "[", "/", "b", "]", "enter")
        assert shown_ids(app) == ["entry-001"]
        await pilot.press("enter")
        assert screen.editor.values()["action"] == MARKUP
        await pilot.press("escape")
    assert app.return_value is None


async def test_another_session_s_entry_appears(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_watch(monkeypatch)
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        with Log.open(data_dir) as other:
            other.add("3.2", "Written in another window")
        await until(pilot, lambda: len(shown_ids(app)) == 8, "the other session's entry in the list")
        assert "8 of 8 entries" in text_of(app, "#log-title")


async def test_a_blur_answered_after_the_fields_are_gone_is_no_fault(data_dir: Path) -> None:
    """Leaving the review log from the palette right after typing: the editor's answer to the
    blur ran a refresh later, when its screen was being taken down and its fields were gone, and
    looking a field up ended the app with a fault (seen once under load)."""
    seed(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(app, pilot)
        await pilot.press("enter", "o", "k")
        editor = log_screen(app).editor
        assert editor.active_field == "outcome"
        await editor.query("#field-action, #field-outcome, #field-learning").remove()
        editor._mark_active()  # what the late callback does
        assert editor.active_field is None
        assert app.is_running
