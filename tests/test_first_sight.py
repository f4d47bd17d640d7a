"""Help and first sight for a person new to powerdeck (issue 24, 8): the first screen names what
this is at its top; help is written for a first reading (not "h, j, k and l no longer move") and
reaches the deck's own guidance at once with g; ? is beside f1 in the footer. (At 60x18 the
footer keeps Quit, Help and the palette: tests/test_lean_footer.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from contrast import screen_lines
from powerdeck.tui.screens.dialogs.help_screen import HelpScreen
from ui_helpers import DECK, make_app


@pytest.mark.parametrize("size", [(80, 24), (60, 18), (120, 40)])
async def test_the_first_screen_names_the_deck_at_its_top(data_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert DECK.title in lines[0], lines[0]  # the first line of the card's side
        assert "f1/? Help" in lines[-1]


async def test_help_is_for_a_first_reading_and_reaches_the_guidance_at_once(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        first = "\n".join(screen_lines(app))
        assert "no longer" not in app.screen.text
        assert "Getting started" in first and "review log book" in first
        assert "g: “Using the card deck and workbook”" in first
        await pilot.press("g")
        await pilot.pause()
        top = screen_lines(app)[:4]
        assert any("Using the card deck and workbook" in line for line in top), top
