"""Refused writes are said once, in a line that never covers the field being typed in.

Each refused autosave used to raise another toast; at 100x30 and 80x24 the stack covered the deck
screen's Action field while the person typed (found from outside). Now: one steady line in the
layout above the status bar, gone once a write lands; the text stays in the field throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import TextArea
from textual.widgets._toast import Toast

from disk_helpers import refuse_writes
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.widgets.problem_line import ProblemLine
from ui_helpers import deck_screen, field, make_app, settle, type_text


def toast_regions(app: PowerDeckApp) -> list[Region]:
    return [toast.region for toast in app.screen.query(Toast)]


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_refused_autosaves_say_it_once_and_cover_nothing(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("e")
        await type_text(pilot, "first")
        await settle(app, pilot)
        refuse_writes(monkeypatch)
        for word in (" one", " two", " three", " four"):
            await type_text(pilot, word)
            deck_screen(app).queue_draft_write()  # an autosave, refused
            await settle(app, pilot)
        assert field(app, "action").text == "first one two three four"
        refusals = [n for n in app._notifications if "read-only" in str(n.message)]
        assert len(refusals) <= 1, [str(n.message) for n in refusals]
        focused = app.focused
        assert isinstance(focused, TextArea)
        for region in toast_regions(app):
            assert not region.overlaps(focused.region), (region, focused.region)
        line = app.screen.query_one(ProblemLine)
        assert line.display and "read-only" in str(line.render())
        assert not line.region.overlaps(focused.region)
        assert focused.region.height >= 1  # the field still shows a line to type in

        monkeypatch.undo()  # writes land again: the line goes
        await type_text(pilot, " five")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        assert not line.display
        assert app.problems.line == ""


async def test_the_same_problem_again_after_it_went_is_said_again(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        refuse_writes(monkeypatch)
        await type_text(pilot, "a")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        line = app.screen.query_one(ProblemLine)
        assert line.display
        monkeypatch.undo()
        await type_text(pilot, "b")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        assert not line.display
        refuse_writes(monkeypatch)
        await type_text(pilot, "c")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        assert line.display and "read-only" in str(line.render())


async def test_the_review_log_shows_the_same_line(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("e")
        refuse_writes(monkeypatch)
        await type_text(pilot, "kept")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        await pilot.press("escape", "L")
        await settle(app, pilot)
        line = app.screen.query_one(ProblemLine)
        assert line.display and "read-only" in str(line.render())
        assert len([n for n in app._notifications if "read-only" in str(n.message)]) == 0


async def test_a_worksheet_refused_says_it_in_its_line_not_over_its_field(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from powerdeck.tui.screens.workbook.notes_screen import NotesScreen
    from powerdeck.tui.screens.workbook.worksheet_base import WorksheetScreen

    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        deck_screen(app).go_to_card("10.3")
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, NotesScreen) and isinstance(screen, WorksheetScreen)
        refuse_writes(monkeypatch)
        for words in ("one ", "two ", "three "):
            await type_text(pilot, words)
            screen.queue_write()
            await settle(app, pilot)
        line = screen.query_one(ProblemLine)
        assert line.display and "read-only" in str(line.render())
        assert not [n for n in app._notifications if "read-only" in str(n.message)]
        focused = app.focused
        assert isinstance(focused, TextArea) and "one two three" in focused.text
        assert not line.region.overlaps(focused.region)


async def test_the_field_being_typed_in_stays_in_view_when_the_line_appears(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review log at 80x24: the entry's card above its fields leaves little room, and the
    line took the rest; the field being typed in scrolled out of sight."""
    from powerdeck.store.log import Log

    with Log.open(data_dir) as log:
        log.add("1.1", "walk with a colleague")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("L")
        await settle(app, pilot)
        await pilot.press("enter")  # the entry opens at its first empty field (Outcome)
        await settle(app, pilot)
        refuse_writes(monkeypatch)
        await type_text(pilot, "it went well")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        line = app.screen.query_one(ProblemLine)
        assert line.display
        focused = app.focused
        assert isinstance(focused, TextArea) and focused.text == "it went well"
        assert focused.region.height >= 1, "the field being typed in is out of sight"
        assert not line.region.overlaps(focused.region)
