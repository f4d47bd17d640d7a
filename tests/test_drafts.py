"""Never lose what was typed: drafts per card, on disk; bursts of keys; the card reopened next time."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from powerdeck.tui import log_watch
from powerdeck.tui.screens.deck import deck_screen as deck_screen_module
from powerdeck.tui.screens.dialogs.help_screen import HelpScreen
from powerdeck.tui.widgets.card_notes import CardNotes
from ui_helpers import (
    DECK,
    burst,
    card_on_screen,
    card_text,
    card_view,
    deck_screen,
    drafts_on_disk,
    entries_on_disk,
    field,
    make_app,
    notes_text,
    palette_offers,
    settle,
    sidebar,
    state_on_disk,
    status,
    type_text,
)


async def test_draft_survives_moving_away_and_back(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "right", "e")
        await type_text(pilot, "half a thought")
        await pilot.press("tab")
        await type_text(pilot, "so far")
        await pilot.press("escape", "right")
        await settle(app, pilot)
        assert deck_screen(app).card_id == "4.3"
        assert field(app, "action").text == ""
        assert drafts_on_disk(data_dir)["4.2"]["action"] == "half a thought"
        assert "✎" in sidebar(app).labels[3]
        await pilot.press("left")
        assert deck_screen(app).card_id == "4.2"
        assert field(app, "action").text == "half a thought"
        assert field(app, "outcome").text == "so far"
        assert "draft kept" in notes_text(app)


async def test_moving_by_palette_keeps_the_draft(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "palette")
        await pilot.press("ctrl+p")
        await type_text(pilot, "card 9.2")
        await palette_offers(pilot, "9.2")
        await pilot.press("enter")
        await settle(app, pilot)
        assert deck_screen(app).card_id == "9.2"
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "palette"


async def test_draft_survives_quitting_and_restarting(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7", "e")
        await type_text(pilot, "not finished")
        await pilot.press("ctrl+q")
    assert drafts_on_disk(data_dir)["7.1"]["action"] == "not finished"

    again = make_app(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert deck_screen(again).card_id == "7.1"
        assert "Drafts kept from last time: 7.1" in status(again)
        assert "draft kept" in notes_text(again)
        await pilot.press("enter")  # the form is built now, with the draft in it
        assert field(again, "action").text == "not finished"


async def test_draft_is_autosaved_a_moment_after_typing_stops(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deck_screen_module, "DRAFT_DELAY", 0.05)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "typed")
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "typed"
        assert app.focused is field(app, "action")  # still writing


async def test_opening_help_keeps_the_draft(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "before help")
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "before help"
        await pilot.press("escape")
        assert field(app, "action").text == "before help"


async def test_saving_clears_the_draft(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "a plan")
        await pilot.press("escape")
        await settle(app, pilot)
        assert "1.1" in drafts_on_disk(data_dir)
        await pilot.press("e", "ctrl+s")
        await settle(app, pilot)
        assert drafts_on_disk(data_dir) == {}
        assert [entry["action"] for entry in entries_on_disk(data_dir)] == ["a plan"]
        assert "draft kept" not in notes_text(app)
        assert field(app, "action").text == "a plan"  # the saved entry stays loaded for more work
        assert deck_screen(app).editor.entry_id == entries_on_disk(data_dir)[0]["id"]
        await pilot.press("escape", "right", "left")
        await settle(app, pilot)
        assert drafts_on_disk(data_dir) == {}
        assert field(app, "action").text == ""  # back on the card: a new entry, the saved one listed
        assert deck_screen(app).editor.entry_id is None


async def test_last_card_is_remembered_even_when_quitting_at_once(data_dir: Path) -> None:
    # Regression: the card to reopen was written only after it had shown for 3 s.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6", "right")
        assert deck_screen(app).card_id == "6.2"
        await pilot.press("ctrl+q")
    assert state_on_disk(data_dir)["state"]["1"]["value"] == "6.2"
    again = make_app(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        assert deck_screen(again).card_id == "6.2"


async def test_burst_of_keys_puts_letters_in_the_right_fields(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "4", "right", "enter", *"walk", "tab", *"met", "tab", *"ask")
        await settle(app, pilot)
        assert deck_screen(app).card_id == "4.2"
        assert field(app, "action").text == "walk"
        assert field(app, "outcome").text == "met"
        assert field(app, "learning").text == "ask"


async def test_burst_of_text_then_ctrl_s_saves_all_the_text(data_dir: Path) -> None:
    # Regression: ctrl+s (a priority key) ran before the letters queued for the field were in
    # it, so "text + ctrl+s" arriving together was refused as empty, or saved without its end.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "enter", *"walk with", "tab", *"went well", "ctrl+s")
        await settle(app, pilot)
        assert status(app) == "Saved entry for 1.1"
        [entry] = entries_on_disk(data_dir)
        assert (entry["action"], entry["outcome"]) == ("walk with", "went well")


async def test_burst_of_text_then_escape_and_move_keeps_it_on_its_card(data_dir: Path) -> None:
    # Regression: escape and "l" acted before the queued letters were typed, so the letters
    # landed in the next card's editor and the draft for this card missed them.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "enter", *"mine", "escape", "right")
        await settle(app, pilot)
        assert deck_screen(app).card_id == "1.2"
        assert field(app, "action").text == ""
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "mine"


async def test_burst_of_text_then_ctrl_q_keeps_all_the_text(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)):
        burst(app, "enter", *"last words", "ctrl+q")
        # Until the app has quit (a loaded machine takes longer than any fixed pause; leaving
        # run_test sooner closed the app under the held keys).
        for _ in range(300):
            if app.return_code is not None:
                break
            await asyncio.sleep(0.05)
        assert app.return_code == 0
    assert drafts_on_disk(data_dir)["1.1"]["action"] == "last words"


@pytest.mark.parametrize("level", ["full", "basic"])
async def test_keys_during_an_animation_end_on_the_card_they_lead_to(data_dir: Path, level: str) -> None:
    app = make_app(data_dir, animation=level)
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, "right", "right", "right", "down", "right", "left", "left")
        await pilot.pause()
        await pilot.wait_for_animation()
        await pilot.pause()
        assert deck_screen(app).card_id == "2.3"
        view = card_view(app)
        assert view.shift == 0 and view.fade == 1.0  # at rest, in its place
        assert f"2.3  {DECK.card('2.3').title}" in card_text(app)
        assert f"2.3  {DECK.card('2.3').title}" in card_on_screen(app)
        assert sidebar(app).current_capability == 2


async def test_moving_card_slides_in_the_direction_of_travel_and_is_instant_with_none(data_dir: Path) -> None:
    app = make_app(data_dir, animation="full")
    async with app.run_test(size=(120, 40)) as pilot:
        view = card_view(app)
        deck_screen(app).action_next_card()
        assert view.shift > 0  # the next card comes in from the right
        assert view.fade < 1.0  # and fades in ("full" only)
        assert app.animator.is_being_animated(view, "progress")
        assert "1.2  " in card_text(app)  # the content is replaced at once
        await pilot.wait_for_animation()
        assert view.shift == 0 and view.fade == 1.0
        deck_screen(app).action_previous_card()
        assert view.shift < 0  # the previous one from the left
        await pilot.wait_for_animation()
        assert view.shift == 0

    app = make_app(data_dir, animation="basic")
    async with app.run_test(size=(120, 40)) as pilot:
        view = card_view(app)
        deck_screen(app).action_next_card()
        assert view.shift > 0  # a slide at "basic"
        assert view.fade == 1.0  # but no fade
        await pilot.wait_for_animation()
        assert view.shift == 0

    app = make_app(data_dir, animation="none")
    async with app.run_test(size=(120, 40)) as pilot:
        view = card_view(app)
        shifts: list[float] = []
        view.watch(view, "progress", shifts.append, init=False)
        deck_screen(app).action_next_card()
        assert view.shift == 0 and view.fade == 1.0
        assert not app.animator.is_being_animated(view, "progress")
        await pilot.pause()
        assert shifts == []  # never drawn out of place, not even for a frame
        assert "1.2  " in card_on_screen(app)


async def test_text_typed_while_a_save_is_running_is_kept_as_a_draft(data_dir: Path) -> None:
    # Regression: when the save finished it dropped the card's draft from memory, including one
    # kept after the save began, so coming back to the card showed an empty editor.
    import threading

    gate = threading.Event()
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "first")
        app.store._executor.submit(gate.wait, 5)  # the writer is busy: the save waits its turn
        await pilot.press("ctrl+s")
        await type_text(pilot, " and more")
        await pilot.press("escape", "right")
        gate.set()
        await settle(app, pilot)
        await pilot.press("left")
        await settle(app, pilot)
        assert [entry["action"] for entry in entries_on_disk(data_dir)] == ["first"]
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "first and more"
        assert field(app, "action").text == "first and more"
        assert "draft kept" in notes_text(app)


async def test_keeping_a_draft_never_waits_on_the_store(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: queue_draft_write() (then called keep()) redrew the marks through
    # refresh_counts()/refresh_card(), reads that wait on the store's lock, which the writer holds
    # through its fsync. A draft changes no counts, so neither queuing it nor its landing may read
    # the store. (The app's log watcher, which later sees our own write as a change, is kept out of it.)
    monkeypatch.setattr(log_watch, "POLL_SECONDS", 3600)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "a thought")
        await settle(app, pilot)
        reads: list[object] = []
        real = app.store.read

        def counting(query: Any) -> Any:
            if threading.current_thread() is threading.main_thread():  # not the log watcher's looks
                reads.append(query)
            return real(query)

        app.store.read = counting  # type: ignore[method-assign]
        deck_screen(app).queue_draft_write()
        assert reads == []
        app.store.wait_for_writes()
        await settle(app, pilot)
        assert reads == []
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "a thought"
        assert "✎" in str(sidebar(app).get_option_at_index(0).prompt)  # the marks still follow the draft
        await pilot.press("escape")  # the notes, hidden while writing, are drawn when shown
        await settle(app, pilot)
        assert "draft kept" in notes_text(app)
        assert reads == []


async def test_an_autosave_of_a_kept_draft_redraws_nothing(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression (bench/echo_during_autosave.py: a key typed during an autosave echoed in 103 ms
    # against 23 ms): each autosave took the sidebar's "draft kept" mark down when queued and put
    # it back when the write landed, two sidebar rebuilds, and redrew the notes hidden under the
    # form; a key typed meanwhile waited for those frames.
    monkeypatch.setattr(log_watch, "POLL_SECONDS", 3600)  # its look at our own write is not the autosave
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "first")
        deck_screen(app).queue_draft_write()
        await settle(app, pilot)
        rebuilt: list[int] = []
        side = sidebar(app)
        real = side._rebuild
        monkeypatch.setattr(side, "_rebuild", lambda: (rebuilt.append(1), real())[1])
        notes = deck_screen(app).query_one(CardNotes)
        drawn: list[int] = []
        real_show = notes.show
        monkeypatch.setattr(notes, "show", lambda *a, **k: (drawn.append(1), real_show(*a, **k))[1])
        await type_text(pilot, " and more")
        deck_screen(app).queue_draft_write()  # the autosave
        await settle(app, pilot)
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "first and more"
        assert rebuilt == [] and drawn == []
        assert "✎" in str(side.get_option_at_index(0).prompt)
        await pilot.press("escape")  # shown again: the notes have the newest draft
        await settle(app, pilot)
        assert "draft kept" in notes_text(app)
