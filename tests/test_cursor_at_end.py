"""Text put into a field for the person to carry on leaves the cursor at its end (issue 24, 1):
what she types next follows the text, never goes in front of it. (The cloud's words put into the
action: test_workbook_screens.py.)"""

from __future__ import annotations

from pathlib import Path

from ui_helpers import field, make_app, type_text


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
