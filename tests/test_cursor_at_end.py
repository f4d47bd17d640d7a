"""Text put into a field for the person to carry on leaves the cursor at its end (issue 24, 1):
what she types next follows the text, never goes in front of it."""

from __future__ import annotations

from pathlib import Path

from powerdeck.workbook.model import Worksheet
from ui_helpers import deck_screen, field, make_app, settle, type_text


async def test_a_restored_draft_carries_on_at_its_end(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7", "e")
        await type_text(pilot, "walk the estate")
        await pilot.press("ctrl+q")

    again = make_app(data_dir)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, " on Friday")
        assert field(again, "action").text == "walk the estate on Friday"


async def test_the_clouds_words_put_into_action_carry_on_at_the_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    voices = Worksheet("1.3", "voices", text="parks\nparks\nbuses\nbenches")
    app.store.write_and_wait(lambda log: log.save_worksheet(voices))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.3")
        await pilot.press("w", "tab", "b", "down", "down", "s", "a")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("enter")
        await type_text(pilot, "walk")
        assert field(app, "action").text == "A large word: parks. A small voice: benches. My action: walk"
