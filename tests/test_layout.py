"""Fit any terminal: side by side, stacked, narrow sidebar, the too-small message, live resizing."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from powerdeck.tui.screens.dialogs.too_small import TooSmallScreen
from ui_helpers import deck_screen, field, make_app, sidebar, type_text, until


@pytest.mark.parametrize(
    ("size", "layout"),
    [((120, 40), "-wide"), ((100, 30), "-wide"), ((99, 30), "-stacked"), ((80, 24), "-stacked"), ((64, 24), "-narrow")],
)
async def test_layout_class_for_the_width(data_dir: Path, size: tuple[int, int], layout: str) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = deck_screen(app)
        assert screen.has_class(layout)
        card = screen.query_one("#card-view").region
        notes = screen.query_one("#card-notes").region
        if layout == "-wide":
            assert notes.x >= card.right and notes.y == card.y  # beside the card
        else:
            assert notes.y >= card.bottom and notes.x == card.x and notes.height == 1  # under it, one line
        assert not screen.query_one("#editor").display  # reading: no form on screen
        await pilot.press("enter")
        card = screen.query_one("#card-view").region
        editor = screen.query_one("#editor").region
        assert not screen.query_one("#card-notes").display
        if layout == "-wide":
            assert editor.x >= card.right and editor.y == card.y  # beside the card
        else:
            assert editor.y >= card.bottom and editor.x == card.x  # under the card


async def test_sidebar_narrows_to_numbers_below_70_columns(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(64, 24)) as pilot:
        await pilot.pause()
        labels = sidebar(app).labels
        assert [label.split()[0] for label in labels] == [str(n) for n in range(1, 11)]
        assert not any("We " in label for label in labels)
        assert sidebar(app).region.width <= 10


async def test_at_80x24_everything_is_reachable(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        assert screen.query_one("#status").region.height == 1
        assert screen.query_one("LeanFooter").region.y == 23
        await pilot.press("e")
        # writing on a small screen: the card gives the editor room, and the field is on screen
        assert screen.query_one("#card-view").region.height <= 7
        action = field(app, "action")
        assert action.region.height >= 2 and screen.region.contains_region(action.region)
        await pilot.press("tab", "tab")
        learning = field(app, "learning")
        await pilot.pause()
        assert screen.query_one("#editor").region.contains_region(learning.region)


async def test_too_small_message_and_recovery_on_resize(data_dir: Path) -> None:
    # Regression: the message was pushed under the deck at start, and a resize read the old size.
    app = make_app(data_dir)
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        message = str(app.screen.query_one("#too-small-message", Static).render())
        assert "Make the terminal larger (now 50x15, needs 60x18)" in message
        await pilot.resize_terminal(59, 30)
        await pilot.pause()
        message = str(app.screen.query_one("#too-small-message", Static).render())
        assert "now 59x30" in message
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen is deck_screen(app)
        assert deck_screen(app).has_class("-stacked")
        await pilot.press("right")
        assert deck_screen(app).card_id == "1.2"


async def test_keys_typed_under_the_too_small_message_reach_the_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_text(pilot, "kept")
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("space", "a", "n", "d", "x", "backspace", "f1", "ctrl+p")
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert app.screen is deck_screen(app)
        assert deck_screen(app).card_id == "1.1"
        assert field(app, "action").text == "kept and"  # typing kept, commands (f1, ctrl+p) not


async def test_keys_under_the_too_small_message_are_not_commands_when_reading(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        await pilot.press("l", "x")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen is deck_screen(app)
        assert deck_screen(app).card_id == "1.1"


async def test_resizing_relays_out_at_once(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = deck_screen(app)
        assert screen.has_class("-wide")
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: screen.has_class("-stacked"), "the stacked layout")
        assert not screen.has_class("-wide")
        await pilot.resize_terminal(64, 24)
        await until(pilot, lambda: screen.has_class("-narrow"), "the narrow layout")
        await until(pilot, lambda: not any("We " in label for label in sidebar(app).labels), "short labels")
        await pilot.resize_terminal(120, 40)
        await until(pilot, lambda: sidebar(app).labels[0].startswith(" 1 We know our people"), "long labels")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
async def test_theme_option_is_applied_and_remembered(data_dir: Path, theme: str) -> None:
    app = make_app(data_dir, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == theme
        await pilot.press("ctrl+q")
    again = make_app(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == theme


async def test_theme_chosen_at_run_time_is_remembered(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "nord"
        await pilot.pause()
        await pilot.press("ctrl+q")
    again = make_app(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_unknown_theme_falls_back_with_a_message(data_dir: Path) -> None:
    app = make_app(data_dir, theme="[/b]nope")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("[/b]nope" in str(n.message) for n in app._notifications)


async def test_footer_shows_quit_and_help_at_80_columns(data_dir: Path) -> None:
    # Regression: at 80 columns the palette hint pushed "f1 Help" off the footer.
    from powerdeck.tui.widgets.lean_footer import LeanFooter

    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = deck_screen(app).query_one(LeanFooter)
        line = "".join(segment.text for segment in footer.render_line(0))
        for description in ("Quit", "Help", "Write", "Random", "Log"):
            assert description in line, description
        # and each key is where the line shows it: a click there presses it
        shown = {entry.description: (start, end) for start, end, entry in footer._spans}
        for description in ("Quit", "Help", "Write", "Random", "Log"):
            start, end = shown[description]
            assert line[start:end].endswith(description) and end <= 80, description


