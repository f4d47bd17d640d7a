"""The deck screen driven by its keys, as a user at a keyboard would (Pilot, temp data folder)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from powerdeck.core.entry import Entry
from powerdeck.store.log import Log
from powerdeck.tui.screens.dialogs.help_screen import HelpScreen
from ui_helpers import (
    DECK,
    card_text,
    card_view,
    deck_screen,
    entries_list,
    entries_on_disk,
    field,
    make_app,
    notes_text,
    palette_offers,
    settle,
    sidebar,
    status,
    type_text,
)

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
async def test_starts_on_the_first_card_with_the_sidebar_and_the_card_text(data_dir: Path, size) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        screen = deck_screen(app)
        assert screen.card_id == "1.1"
        assert len(sidebar(app).labels) == 10
        assert sidebar(app).current_capability == 1
        text = card_text(app)
        card = DECK.card("1.1")
        assert "Capability 1 · We know our people and communities" in text
        assert f"1.1  {card.title}" in text
        for paragraph in card.paragraphs:
            assert paragraph in text
        assert app.focused is None  # letters are keys until the user chooses to write
        await pilot.press("ctrl+q")


async def test_sidebar_shows_number_title_and_entry_count(data_dir: Path) -> None:
    log = Log.open(data_dir)
    for action in ("one", "two", "three"):
        log.add("4.2", action)
    log.close()
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        labels = sidebar(app).labels
        assert labels[3].startswith(" 4 We work as equals")
        assert labels[3].splitlines()[0].rstrip().endswith("3")
        assert not any(char.isdigit() for char in labels[0][3:])
        width = sidebar(app).scrollable_content_region.width
        assert all(len(line) <= width for label in labels for line in label.splitlines())


@pytest.mark.parametrize("size", SIZES)
async def test_up_down_k_j_move_between_capabilities_and_wrap(data_dir: Path, size) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        screen = deck_screen(app)
        await pilot.press("down")
        assert screen.card_id == "2.1" and sidebar(app).current_capability == 2
        await pilot.press("down", "down")
        assert screen.card_id == "4.1" and sidebar(app).current_capability == 4
        await pilot.press("up")
        assert screen.card_id == "3.1"
        await pilot.press("up", "up", "up")
        assert screen.card_id == "10.1" and sidebar(app).current_capability == 10
        await pilot.press("down")
        assert screen.card_id == "1.1"


async def test_digits_jump_to_capabilities_1_to_10(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        for number in range(1, 11):
            await pilot.press(str(number % 10))
            assert screen.card_id == f"{number}.1"
            assert sidebar(app).current_capability == number
            assert f"Capability {number} · " in card_text(app)


async def test_left_right_h_l_step_through_cards_across_capabilities(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        await pilot.press("right", "right", "right")
        assert screen.card_id == "2.1"  # 1.3 is the last card of capability 1
        assert sidebar(app).current_capability == 2
        await pilot.press("left")
        assert screen.card_id == "1.3" and sidebar(app).current_capability == 1
        await pilot.press("left", "left", "left")
        assert screen.card_id == "10.4"  # wraps round the deck
        await pilot.press("right")
        assert screen.card_id == "1.1"
        # every card is reachable, in deck order
        seen = [screen.card_id]
        for _ in range(len(DECK.cards) - 1):
            await pilot.press("right")
            seen.append(screen.card_id)
        assert seen == [card.id for card in DECK.cards]


async def test_random_card_never_repeats_the_card_showing(data_dir: Path) -> None:
    random.seed(1234)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        drawn = set()
        for _ in range(150):
            before = screen.card_id
            await pilot.press("r")
            assert screen.card_id != before
            drawn.add(screen.card_id)
        assert len(drawn) > 25  # it really is random over the whole deck
        assert "at random" in status(app)


async def test_e_and_enter_focus_action_and_tab_moves_between_fields(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        assert app.focused is field(app, "action")
        await pilot.press("tab")
        assert app.focused is field(app, "outcome")
        await pilot.press("tab")
        assert app.focused is field(app, "learning")
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is field(app, "action")
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("enter")
        assert app.focused is field(app, "action")
        # inside the editor, navigation keys type text
        await type_text(pilot, "hjkl 1 r e")
        assert field(app, "action").text == "hjkl 1 r e"
        assert deck_screen(app).card_id == "1.1"
        await pilot.press("enter")
        assert field(app, "action").text == "hjkl 1 r e\n"


async def test_escape_leaves_the_editor_and_keeps_the_text(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "ask the group")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.focused is None
        assert field(app, "action").text == "ask the group"
        assert "Draft kept for 1.1" in status(app)
        assert "draft kept" in notes_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_write_and_save_an_entry_for_4_2_lands_in_the_file(data_dir: Path, size) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.press("4", "right")
        assert deck_screen(app).card_id == "4.2"
        await pilot.press("e")
        await type_text(pilot, "Invite the youth group")
        await pilot.press("tab")
        await type_text(pilot, "Six came")
        await pilot.press("tab")
        await type_text(pilot, "Ask earlier")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert status(app) == "Saved entry for 4.2"
        [entry] = entries_on_disk(data_dir)
        assert entry["card"] == "4.2" and entry["capability"] == 4
        assert (entry["action"], entry["outcome"], entry["learning"]) == (
            "Invite the youth group",
            "Six came",
            "Ask earlier",
        )
        assert "1 entry" in notes_text(app)
        assert sidebar(app).labels[3].splitlines()[0].rstrip().endswith("1")
        entries = deck_screen(app).editor.query_one("#card-entries", OptionList)
        assert entries.display and entries.option_count == 2  # "+ new entry" and the entry


async def test_saving_an_empty_entry_is_refused(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "space", "enter", "ctrl+s")
        await settle(app, pilot)
        assert status(app).startswith("Nothing to save yet")
        assert entries_on_disk(data_dir) == []
        await pilot.press("escape", "ctrl+s")  # ctrl+s saves only while writing
        await settle(app, pilot)
        assert entries_on_disk(data_dir) == []


async def test_editing_an_earlier_entry_updates_it(data_dir: Path) -> None:
    log = Log.open(data_dir)
    old = Entry("e-old", "4.2", 4, "Walk the estate", "", "", "2026-01-05T10:00:00+00:00", "2026-01-05T10:00:00+00:00")
    newer = Entry("e-new", "4.2", 4, "Second go", "", "", "2026-02-05T10:00:00+00:00", "2026-02-05T10:00:00+00:00")
    log.import_entries([old, newer])
    log.close()
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "right")
        entries = await entries_list(app, pilot)
        # newest first, after the "+ new entry" line
        assert [entries.get_option_at_index(i).id for i in range(3)] == ["new-entry", "e-new", "e-old"]
        entries.highlighted = 2
        entries.action_select()
        await pilot.pause()
        assert app.focused is field(app, "action")
        assert field(app, "action").text == "Walk the estate"
        assert status(app) == "Editing the entry of 05/01/2026 for 4.2"
        await pilot.press("tab")
        await type_text(pilot, "Met four families")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        stored = {entry["id"]: entry for entry in entries_on_disk(data_dir)}
        assert len(stored) == 2
        assert stored["e-old"]["outcome"] == "Met four families"
        assert stored["e-old"]["created"] == old.created
        assert stored["e-old"]["updated"] != old.updated
        assert stored["e-new"] == {**newer.to_dict()}


async def test_pagedown_space_pageup_scroll_a_long_card(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("6.2")  # the longest card: it does not fit at 80x24
        await pilot.pause()
        view = card_view(app)
        assert view.max_scroll_y > 0
        await pilot.press("pagedown")
        assert view.scroll_y > 0
        await pilot.press("pageup")
        assert view.scroll_y == 0
        await pilot.press("space")
        assert view.scroll_y > 0
        await pilot.press("right")
        assert view.scroll_y == 0  # a new card starts at its top


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_screen_lists_keys_guidance_and_credit(data_dir: Path, key: str) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        for needle in ("ctrl+s", "escape", "Jump to capability", "random", "Using the card deck", "New NHS Alliance"):
            assert needle.lower() in text.lower(), needle
        rows = app.screen.sections["Cards and writing"]
        keys = [key.strip() for row, _ in rows for part in row.split(",") for key in part.split("/")]
        assert len(keys) == len(set(keys)), "each key is listed once"
        for key in ("r", "e", "enter", "ctrl+s", "escape", "L", "ctrl+q", "f1", "?", "ctrl+p", "tab", "shift+tab"):
            assert key in keys, key
        log_keys = " ".join(row for row, _ in app.screen.sections["The review log (L)"])
        for key in ("/", "c", "o", "x", "d", "u"):
            assert key in log_keys.split(), key
        await pilot.press("escape")
        assert app.screen is deck_screen(app)


async def test_ctrl_p_goes_to_a_card_by_id(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "card 7.3")
        await palette_offers(pilot, "7.3")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is deck_screen(app)
        assert deck_screen(app).card_id == "7.3"


async def test_ctrl_p_goes_to_a_card_by_title_and_draws_at_random(data_dir: Path) -> None:
    title = DECK.card("5.2").title
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, title)
        await palette_offers(pilot, title)
        await pilot.press("enter")
        await pilot.pause()
        assert deck_screen(app).card_id == "5.2"
        await pilot.press("ctrl+p")
        await type_text(pilot, "random card")
        await palette_offers(pilot, "random")
        await pilot.press("enter")
        await pilot.pause()
        assert deck_screen(app).card_id != "5.2"


async def test_ctrl_q_quits(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_footer_shows_the_keys_of_the_moment(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        def footer_actions() -> set[str]:
            return {b.action for _, b, enabled, _ in app.active_bindings.values() if enabled and b.show}

        browsing = footer_actions()
        assert {"previous_card", "letter('random_card')", "edit"} <= browsing
        assert not {"leave_editor", "save", "focus_field"} & browsing
        await pilot.press("e")
        editing = footer_actions()
        assert "leave_editor" in editing and "save" in editing
        assert "letter('random_card')" not in editing and "edit" not in editing


async def test_a_team_deck_numbered_1_5_6_goes_to_the_capability_pressed(tmp_path: Path) -> None:
    # Regression (issue 9): the sidebar took capability N to be row N-1, and a digit for a
    # capability the deck lacks raised KeyError. A team deck numbers its own capabilities.
    from dataclasses import replace as dc_replace

    from powerdeck.store.log import Log
    from powerdeck.tui.app import PowerDeckApp
    from powerdeck.tui.options import AppOptions

    kept = [DECK.capabilities[0], DECK.capabilities[4], DECK.capabilities[5]]  # numbered 1, 5, 6
    team = dc_replace(DECK, capabilities=tuple(kept))
    app = PowerDeckApp(team, Log.open(tmp_path / "data"), AppOptions(animation="none"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = deck_screen(app)
        assert screen.card_id == "5.1"
        assert "5.1" in str(sidebar(app).get_option_at_index(sidebar(app).highlighted or 0).prompt)
        await pilot.press("2")
        await pilot.pause()
        assert screen.card_id == "5.1"  # nothing moved, nothing crashed
        assert "no capability 2" in status(app)
