"""The deck screen's writing form (three fields and the card's entry list) is built the first time
writing starts, not with the screen: it was most of the first screen's cost. Until then the editor
holds the card's draft in memory; keys and clicks that follow enter wait for the form."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from powerdeck.store.log import Log
from powerdeck.tui.widgets.card_notes import CardNotes
from ui_helpers import (
    burst,
    deck_screen,
    drafts_on_disk,
    field,
    make_app,
    notes_text,
    settle,
    until,
)


def draft_from_last_time(data_dir: Path, action: str, outcome: str = "") -> None:
    """A draft of card 3.2 left last time, and 3.2 as the card to reopen."""
    with Log.open(data_dir) as log:
        log.save_draft("3.2", entry_id=None, action=action, outcome=outcome, learning="")
        log.set_state("last_card", "3.2")


async def test_reading_never_builds_the_form(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "down", "left")
        await settle(app, pilot)
        screen = deck_screen(app)
        assert not screen.editor.built and not screen.query(TextArea)
        await pilot.press("enter")
        assert screen.editor.built and app.focused is field(app, "action")
        assert len(screen.query(TextArea)) == 3


async def test_keys_sent_with_the_first_enter_wait_for_the_form_and_land_in_order(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not deck_screen(app).editor.built
        # One burst, as over a slow link: enter, a sentence, tab, another.
        words = ["space" if char == " " else char for char in "walk with Sam"]
        burst(app, "enter", *words, "tab", *"met", "shift+tab", "end", *"!")
        await settle(app, pilot)
        assert field(app, "action").text == "walk with Sam!"
        assert field(app, "outcome").text == "met"


async def test_a_draft_from_last_time_is_held_then_in_the_form(data_dir: Path) -> None:
    draft_from_last_time(data_dir, "half a plan")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = deck_screen(app)
        assert screen.card_id == "3.2" and not screen.editor.built
        assert screen.editor.values()["action"] == "half a plan"  # held in memory
        assert screen.editor.is_dirty  # a draft is text not yet saved as an entry
        assert "draft kept" in notes_text(app)
        await pilot.press("enter", "end", "!")
        assert field(app, "action").text == "half a plan!"
        assert screen.editor.is_dirty


async def test_quitting_before_the_form_is_built_keeps_the_draft(data_dir: Path) -> None:
    draft_from_last_time(data_dir, "half a plan", "so far")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "left")  # away and back: the held draft is kept, then loaded again
        await settle(app, pilot)
        assert not deck_screen(app).editor.built
        await pilot.press("ctrl+q")
    draft = drafts_on_disk(data_dir)["3.2"]
    assert (draft["action"], draft["outcome"]) == ("half a plan", "so far")


async def test_a_click_on_the_notes_builds_the_form_and_puts_the_cursor_in_it(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click(CardNotes)
        await until(pilot, lambda: deck_screen(app).editor.built, "the form")
        await pilot.press(*"by click")
        assert app.focused is field(app, "action") and field(app, "action").text == "by click"


async def test_a_key_held_while_the_app_closes_is_dropped_not_a_fault(data_dir: Path) -> None:
    # Regression: a key waiting for the form (held by App.on_event) went on after the app had
    # closed meanwhile (a quit, a hang-up, a loaded machine) and found no screen: a "fault in
    # powerdeck" and a fault file, instead of a quiet end.
    import asyncio

    app = make_app(data_dir)
    release = asyncio.Event()

    async def slow_build() -> None:
        await release.wait()

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.hold_input_until(slow_build())
        burst(app, "x")
        await pilot.pause()
        screens = list(app.screen_stack)
        app._screen_stack.clear()  # as the app's close leaves it, while the key is held
        release.set()
        for _ in range(20):  # the held key goes on now (no pilot here: it needs a screen)
            await asyncio.sleep(0.01)
        app._screen_stack.extend(screens)  # put back so run_test can close as usual
    assert app._exception is None
    assert not list(data_dir.glob("powerdeck-fault-*"))
